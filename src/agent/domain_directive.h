/* SPDX-License-Identifier: ISC */
/* The smtpMonDomain directive, read by net-snmp's configuration machinery
 * into a list that the domain watches apply after the servers. */
#ifndef SMTPMON_DOMAIN_DIRECTIVE_H
#define SMTPMON_DOMAIN_DIRECTIVE_H

struct domain_config;

struct domain_list {
	struct domain_config *items;       /* in file order */
	unsigned count, cap;
};

/* Lines write into LIST until domain_directive_unregister(). */
void domain_directive_register(struct domain_list *list);
/* From now on lines write into LIST (an empty one, for a reload). */
void domain_directive_collect_into(struct domain_list *list);
void domain_directive_unregister(void);

void domain_list_clear(struct domain_list *list);

#endif
