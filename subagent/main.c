/* SPDX-License-Identifier: ISC */
/* smtpmond's program: the one-shot probe itself, and for everything else the
 * daemon, loaded from the module smtpmond-agent.so.
 *
 * `smtpmond --probe` is run by monitoring systems once per check, a process
 * each time, so its start-up is most of its cost: this program links only
 * libc, libevent and OpenSSL (compiled behind src/fence: no net-snmp). Loading
 * net-snmp's agent libraries and what they pull in (libperl, libwrap, ...)
 * cost 10 ms of CPU per run here; the daemon pays that once, in dlopen. */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent_main.h"
#include "oneshot.h"

#define MODULE "smtpmond-agent.so"

/* --probe, but not a domain's checks (--domain, --dane): those need the
 * DNS client and the HTTPS fetch, which live in the module. */
static int wants_oneshot(int argc, char **argv)
{
	int probe = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--domain") == 0 || strcmp(argv[i], "--dane") == 0)
			return 0;
		probe |= strcmp(argv[i], "--probe") == 0 || strncmp(argv[i], "--probe=", 8) == 0;
	}
	return probe;
}

/* The module beside the program SELF (a full path): PKGLIBDIR under the
 * same root when SELF is SBINDIR/smtpmond (so an unpacked package or a
 * DESTDIR runs as it would installed), else libtool's .libs beside it (the
 * build tree). 0 when OUT names a file that is there. */
static int module_beside(const char *self, char *out, size_t size)
{
	static const char sbin_self[] = SMTPMON_SBINDIR "/smtpmond";
	size_t len = strlen(self), tail = sizeof(sbin_self) - 1;
	const char *slash = strrchr(self, '/');

	if (len >= tail && strcmp(self + len - tail, sbin_self) == 0)
		snprintf(out, size, "%.*s%s/" MODULE, (int)(len - tail), self, SMTPMON_PKGLIBDIR);
	else if (slash)
		snprintf(out, size, "%.*s/.libs/" MODULE, (int)(slash - self), self);
	else
		return -1;
	return access(out, R_OK);
}

/* Where the module is: beside this program, found by /proc/self/exe or,
 * when that is another program's (valgrind runs its tool there), by
 * argv[0]; else where it is installed. */
static void module_path(const char *argv0, char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		if (module_beside(self, out, size) == 0)
			return;
	}
	if (argv0 && strchr(argv0, '/') && realpath(argv0, self) &&
	    module_beside(self, out, size) == 0)
		return;
	snprintf(out, size, "%s/" MODULE, SMTPMON_PKGLIBDIR);
}

int main(int argc, char **argv)
{
	char path[PATH_MAX + 64];
	void *agent;
	int (*agent_main)(int, char **);

	if (wants_oneshot(argc, argv))
		return oneshot_main(argc, argv);
	module_path(argv[0], path, sizeof(path));
	agent = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!agent) {
		fprintf(stderr, "smtpmond: cannot load the daemon: %s\n", dlerror());
		return 1;
	}
	*(void **)&agent_main = dlsym(agent, "smtpmond_main");
	if (!agent_main) {
		fprintf(stderr, "smtpmond: cannot load the daemon: %s\n", dlerror());
		return 1;
	}
	return agent_main(argc, argv);
}
