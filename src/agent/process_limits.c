/* SPDX-License-Identifier: ISC */
#include "agent/process_limits.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include "core/fd_budget.h"

int smtpmon_raise_file_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	if (rl.rlim_cur == rl.rlim_max)
		return 0;
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

unsigned smtpmon_connection_budget(uint64_t *nofile)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		rl.rlim_cur = 1024;            /* the usual default */
	*nofile = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
	return fd_budget_for(*nofile);
}

int smtpmon_no_core_dumps(void)
{
	struct rlimit none = { 0, 0 }, was;
	int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);

	if (getrlimit(RLIMIT_CORE, &was) != 0)
		return -1;
	if (dumpable == 0 && was.rlim_cur == 0 && was.rlim_max == 0)
		return 0;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || setrlimit(RLIMIT_CORE, &none) != 0)
		return -1;
	return 1;
}
