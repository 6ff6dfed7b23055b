/* SPDX-License-Identifier: ISC */
/* smtpMonDomainTable (doc/DESIGN.md section 7): read-only rows answered from
 * the domain watches' entries; and the objects of their notifications. */
#ifndef SMTPMON_MIB_DOMAIN_TABLE_H
#define SMTPMON_MIB_DOMAIN_TABLE_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
struct domain_entry;
struct domain_note;

enum {
	DOM_COL_NAME = 2, DOM_COL_FAMILY, DOM_COL_STATUS, DOM_COL_STATUS_REASON, DOM_COL_MX_COUNT,
	DOM_COL_ADDRESS_COUNT, DOM_COL_ADDRESSES_UP, DOM_COL_MX_SET, DOM_COL_LAST_LOOKUP,
	DOM_COL_LAST_MX_CHANGE, DOM_COL_MX_CHANGE, DOM_COL_LAST_DNS_ERROR, DOM_COL_DNS_INTERVAL,
	DOM_COL_DISPLAY_NAME, DOM_COL_MTA_STS_STATE, DOM_COL_MTA_STS_MODE, DOM_COL_MTA_STS_ID,
	DOM_COL_MTA_STS_MAX_AGE, DOM_COL_MTA_STS_FETCHED, DOM_COL_MTA_STS_MX,
	DOM_COL_MTA_STS_REASON,
};

struct domain_table;

struct domain_table *domain_table_register(void);
void domain_table_unregister(struct domain_table *t);

/* Agent thread: a row appears or goes with its watch. */
int domain_table_add(struct domain_table *t, struct domain_entry *e);
void domain_table_remove(struct domain_table *t, struct domain_entry *e);

/* A domain notification (NOTIFY_DOMAIN_*) as varbinds, after snmpTrapOID.0
 * in VARS; returns 0, or -1. */
int domain_note_varbinds(netsnmp_variable_list **vars, unsigned kind,
			 const struct domain_note *n);

#endif
