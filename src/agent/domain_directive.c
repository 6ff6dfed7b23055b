/* SPDX-License-Identifier: ISC */
#include "agent/domain_directive.h"
#include "agent/config_source.h"
#include "core/domain_config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stdlib.h>
#include <string.h>

/* net-snmp's directive callbacks carry no context: this is where they write. */
static struct domain_list *target_list;

static void report(const char *err)
{
	char msg[700];

	snprintf(msg, sizeof(msg), "smtpMonDomain: %s (line ignored)", err);
	config_perror(msg);
}

static int listed(const struct domain_list *l, const char *name)
{
	for (unsigned i = 0; i < l->count; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return 1;
	return 0;
}

static int append(struct domain_list *l, const struct domain_config *d)
{
	if (l->count == l->cap) {
		unsigned cap = l->cap ? l->cap * 2 : 4;
		struct domain_config *grown = realloc(l->items, cap * sizeof(*grown));

		if (!grown)
			return -1;
		l->items = grown;
		l->cap = cap;
	}
	l->items[l->count++] = *d;
	return 0;
}

/* A watch makes rows that probe whatever DNS names: only an administrator's
 * file may ask for one, never net-snmp's persistent store, which snmpd's
 * service account may write. */
static int from_persistent_store(void)
{
	char file[4096] = "";

	return config_source_current(file, sizeof(file)) == 0 && file[0] &&
	       config_source_is_persistent(file);
}

static void parse_domain(const char *token, char *line)
{
	struct domain_config d;
	char err[600];

	(void)token;
	if (!target_list)
		return;
	if (from_persistent_store())
		report("read from configuration files only, never from net-snmp's persistent store");
	else if (domain_parse(line, &d, err, sizeof(err)) != 0)
		report(err);
	else if (listed(target_list, d.name))
		report("a domain watch of this name is already defined");
	else if (append(target_list, &d) != 0)
		report("out of memory");
}

void domain_directive_collect_into(struct domain_list *list)
{
	target_list = list;
}

void domain_directive_register(struct domain_list *list)
{
	domain_directive_collect_into(list);
	register_app_config_handler("smtpMonDomain", parse_domain, NULL,
				    "NAME DOMAIN[:PORT] [family=any|ipv4|ipv6|both] "
				    "[dnsInterval=SECONDS] [key=value ...]");
}

void domain_directive_unregister(void)
{
	unregister_app_config_handler("smtpMonDomain");
	target_list = NULL;
}

void domain_list_clear(struct domain_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}
