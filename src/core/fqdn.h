/* SPDX-License-Identifier: ISC */
/* The host's fully qualified name as the C library finds it for
 * getaddrinfo(AI_CANONNAME) under "hosts: files dns", without its blocking
 * lookup: the official name of the /etc/hosts line that lists the host's
 * name; or else the name with each search domain of /etc/resolv.conf, asked
 * of the resolver in turn, the first that resolves. Pure, a line at a
 * time: agent/host_name.c reads the files, probe/helo_lookup.c asks. */
#ifndef SMTPMON_FQDN_H
#define SMTPMON_FQDN_H

#include <stddef.h>

#include "core/target_config.h"

#define FQDN_SEARCH_MAX 6     /* resolv.conf's search domains, as the C library's MAXDNSRCH */

/* Search domains, or the names to ask for. */
struct fqdn_names {
	unsigned n;
	char name[FQDN_SEARCH_MAX][TARGET_HELO_MAX + 1];
};

/* A line of /etc/hosts: 1 when it lists NAME (in any case, as its official
 * name or an alias), with the official name in OFFICIAL; else 0. */
int fqdn_hosts_line(const char *line, const char *name, char *official, size_t size);

/* A line of /etc/resolv.conf: a "search" or "domain" line replaces SEARCH
 * (the last such line wins, as in the C library) and returns 1; any other
 * returns 0. Domains that are not valid names are left out. */
int fqdn_resolv_line(const char *line, struct fqdn_names *search);

/* NAME.DOMAIN for each domain of SEARCH, in order, those that are valid
 * names; into OUT, returns how many. */
unsigned fqdn_candidates(const char *name, const struct fqdn_names *search,
			 struct fqdn_names *out);

#endif
