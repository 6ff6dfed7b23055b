/* SET on smtpMonServerTable (read-create, doc/DESIGN.md section 5): RowStatus
 * and StorageType as SNMPv2-TC says, every column checked, and nothing
 * changed before COMMIT, so that a SET is all or nothing. */
#ifndef SMTPMON_MIB_SERVER_SET_H
#define SMTPMON_MIB_SERVER_SET_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

struct rows;
struct set_txn;

/* One SET request's progress between its phases (the master sends one SET
 * at a time). */
struct set_txn *set_txn_new(struct rows *rows);
void set_txn_free(struct set_txn *txn);

/* The handler's work for MODE_SET_* on the table. */
void server_table_set(struct set_txn *txn, netsnmp_agent_request_info *reqinfo,
		      netsnmp_request_info *requests);

#endif
