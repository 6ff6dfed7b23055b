/* SPDX-License-Identifier: ISC */
#include "agent/config_source.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_conf(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && strcmp(path + n - 5, ".conf") == 0;
}

int config_source_current(char *path, size_t size)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char link[64], target[4096];
	int best = -1;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);   /* a name of /proc, digits only */
		ssize_t n;

		/* Only the links are read, never the descriptors: those are other
		 * threads' to open and close. A file's link is its path. */
		if (fd <= best || fd == dirfd(d))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (target[0] == '/' && is_conf(target) && (size_t)n < size) {
			best = fd;
			memcpy(path, target, (size_t)n + 1);
		}
	}
	closedir(d);
	return best >= 0 ? 0 : -1;
}

int config_source_is_persistent(const char *path)
{
	const char *given = get_persistent_directory();
	char *dir = given ? realpath(given, NULL) : NULL;   /* as /proc shows paths */
	size_t n = dir ? strlen(dir) : 0;
	int in = n && strncmp(path, dir, n) == 0 && path[n] == '/';

	free(dir);
	return in;
}
