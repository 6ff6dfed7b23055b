/* SPDX-License-Identifier: ISC */
/* smtpMonRoundTripTable (doc/DESIGN.md section 7): read-only rows answered from
 * the round-trip set's state; and the objects of its notifications. */
#ifndef SMTPMON_MIB_ROUNDTRIP_TABLE_H
#define SMTPMON_MIB_ROUNDTRIP_TABLE_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
struct roundtrip_check;
struct roundtrip_note;
struct roundtrips;

enum {
	RT_COL_SERVER = 2, RT_COL_MAILBOX, RT_COL_STATUS, RT_COL_LAST_RESULT, RT_COL_LAST_ERROR,
	RT_COL_SEND_TIME, RT_COL_DELIVERY_TIME, RT_COL_LAST_SUCCESS, RT_COL_PROBES,
	RT_COL_FAILURES, RT_COL_DISPLAY_NAME, RT_COL_DISCONTINUITY_TIME,
};

struct roundtrip_table;

struct roundtrip_table *roundtrip_table_register(struct roundtrips *set);
void roundtrip_table_unregister(struct roundtrip_table *t);

/* Agent thread: a row appears or goes with its check. */
int roundtrip_table_add(struct roundtrip_table *t, struct roundtrip_check *c);
void roundtrip_table_remove(struct roundtrip_table *t, struct roundtrip_check *c);

/* smtpMonRoundTripFailed / Recovered as varbinds, after snmpTrapOID.0 in
 * VARS; returns 0, or -1. */
int roundtrip_note_varbinds(netsnmp_variable_list **vars, unsigned kind,
			    const struct roundtrip_note *n);

#endif
