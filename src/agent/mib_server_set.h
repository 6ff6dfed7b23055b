/* SPDX-License-Identifier: ISC */
/* SET on smtpMonServerTable (read-create, doc/DESIGN.md section 5): RowStatus
 * and StorageType as SNMPv2-TC says, every column checked, and nothing
 * changed before COMMIT, so that a SET is all or nothing. */
#ifndef SMTPMON_MIB_SERVER_SET_H
#define SMTPMON_MIB_SERVER_SET_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

struct rows;
struct server_table;

/* From now on SETs on TABLE create, change and destroy rows through ROWS.
 * Returns 0, or -1 when out of memory (the table stays read-only). */
int server_set_attach(struct server_table *table, struct rows *rows);

#endif
