/* SPDX-License-Identifier: ISC */
/* The smtpMonRoundTrip directive (doc/DESIGN.md section 2), read by net-snmp's
 * configuration machinery into a list applied after the servers. */
#ifndef SMTPMON_ROUNDTRIP_DIRECTIVE_H
#define SMTPMON_ROUNDTRIP_DIRECTIVE_H

#define RT_WARNED_MAX 8

struct roundtrip_list {
	struct roundtrip_config *items;    /* in file order; holds passwords */
	unsigned count, cap;
	char *warned[RT_WARNED_MAX];       /* files said to be readable, once a read */
};

/* Lines write into LIST until roundtrip_directive_unregister(). */
void roundtrip_directive_register(struct roundtrip_list *list);
/* From now on lines write into LIST (an empty one, for a reload). */
void roundtrip_directive_collect_into(struct roundtrip_list *list);
void roundtrip_directive_unregister(void);

/* Frees the list, wiping the passwords first. */
void roundtrip_list_clear(struct roundtrip_list *list);

#endif
