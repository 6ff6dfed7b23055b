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
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent_main.h"
#include "oneshot.h"

#define MODULE "smtpmond-agent.so"

static int wants_oneshot(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--probe") == 0 || strncmp(argv[i], "--probe=", 8) == 0)
			return 1;
	return 0;
}

/* Where the module is: installed, PKGLIBDIR beside SBINDIR under the same
 * root as this program (so an unpacked package or a DESTDIR runs as it
 * would installed); in the build tree, libtool's .libs beside it. */
static void module_path(char *out, size_t size)
{
	static const char sbin_self[] = SMTPMON_SBINDIR "/smtpmond";
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t len, tail = sizeof(sbin_self) - 1;
	char *slash;

	snprintf(out, size, "%s/" MODULE, SMTPMON_PKGLIBDIR);
	if (n <= 0)
		return;
	self[n] = '\0';
	len = (size_t)n;
	if (len >= tail && strcmp(self + len - tail, sbin_self) == 0) {
		snprintf(out, size, "%.*s%s/" MODULE, (int)(len - tail), self, SMTPMON_PKGLIBDIR);
		return;
	}
	if ((slash = strrchr(self, '/')) != NULL) {
		snprintf(out, size, "%.*s/.libs/" MODULE, (int)(slash - self), self);
		if (access(out, R_OK) != 0)
			snprintf(out, size, "%s/" MODULE, SMTPMON_PKGLIBDIR);
	}
}

int main(int argc, char **argv)
{
	char path[PATH_MAX + 64];
	void *agent;
	int (*agent_main)(int, char **);

	if (wants_oneshot(argc, argv))
		return oneshot_main(argc, argv);
	module_path(path, sizeof(path));
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
