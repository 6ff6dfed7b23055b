/* SPDX-License-Identifier: ISC */
#include "agent/host_name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fqdn.h"
#include "core/settings.h"
#include "core/target_config.h"

#define HOSTS "/etc/hosts"
#define RESOLV_CONF "/etc/resolv.conf"

/* The official name of NAME in /etc/hosts: 1 when it lists it. */
static int from_hosts(const char *name, char *official, size_t size)
{
	FILE *f = fopen(HOSTS, "re");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	while (f && !found && getline(&line, &cap, f) >= 0)
		found = fqdn_hosts_line(line, name, official, size);
	free(line);
	if (f)
		fclose(f);
	return found;
}

static void search_domains(struct fqdn_names *search)
{
	FILE *f = fopen(RESOLV_CONF, "re");
	char *line = NULL;
	size_t cap = 0;

	search->n = 0;
	while (f && getline(&line, &cap, f) >= 0)
		fqdn_resolv_line(line, search);
	free(line);
	if (f)
		fclose(f);
}

void smtpmon_default_helo(char *buf, size_t size, struct fqdn_names *ask)
{
	char official[TARGET_HELO_MAX + 1];
	struct fqdn_names search;

	ask->n = 0;
	if (gethostname(buf, size) != 0 || !buf[0])
		snprintf(buf, size, "localhost");
	buf[size - 1] = '\0';
	if (strchr(buf, '.'))
		return;
	if (from_hosts(buf, official, sizeof(official))) {
		if (target_domain_valid(official))
			snprintf(buf, size, "%s", official);
		return;
	}
	search_domains(&search);
	fqdn_candidates(buf, &search, ask);
}

int smtpmon_use_default_helo(struct smtpmon_settings *set, struct fqdn_names *ask)
{
	char name[TARGET_HELO_MAX + 1];

	smtpmon_default_helo(name, sizeof(name), ask);
	if (set->helo_host[0] && strcmp(set->helo_host, name) == 0) {
		ask->n = 0;
		return 0;
	}
	strcpy(set->helo, name);
	strcpy(set->helo_host, name);
	return 1;
}
