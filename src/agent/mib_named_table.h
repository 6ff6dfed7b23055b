/* SPDX-License-Identifier: ISC */
/* What the tables indexed by a name alone (smtpMonServerTable,
 * smtpMonRoundTripTable) share: their registration, a tdata row per name,
 * registration info that serves only the columns listed, and the setters
 * their columns answer with. */
#ifndef SMTPMON_MIB_NAMED_TABLE_H
#define SMTPMON_MIB_NAMED_TABLE_H

#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

struct named_table {
	netsnmp_tdata *table;                   /* the rows */
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *info;  /* not freed by unregistering */
	netsnmp_column_info columns;            /* the served ones, for INFO */
	int registered;
	oid at[MAX_OID_LEN];                    /* where: to find it again */
	size_t len;
};

/* Makes NAME's rows and its registration at AT (not yet registered):
 * HANDLER gets MYVOID and MODES; columns MIN..MAX of which the N in LIST
 * are served. 0, or -1: then named_table_free(). */
int named_table_create(struct named_table *nt, const char *name, const oid *at, size_t len,
		       Netsnmp_Node_Handler *handler, int modes, void *myvoid,
		       unsigned min, unsigned max, unsigned int *list, size_t n);

/* Registers it with the agent: 0, or -1 with the reason logged. */
int named_table_register(struct named_table *nt);

/* A read-only table, number TABLE under smtpMonObjects, made and
 * registered: 0, or -1 with the reason logged (then named_table_free()). */
int named_table_open_readonly(struct named_table *nt, const char *name, unsigned table,
			      Netsnmp_Node_Handler *handler, void *myvoid, unsigned min,
			      unsigned max, unsigned int *list, size_t n);

/* Unregisters it (or frees the registration never made), and frees its
 * rows and info. */
void named_table_free(struct named_table *nt);

/* A row indexed by NAME holding DATA, added to TABLE; NULL if it cannot be. */
netsnmp_tdata_row *named_row_add(netsnmp_tdata *table, const char *name, void *data);

/* The instance OID of column COL of row NAME in table TABLE (its number
 * under smtpMonObjects), for notifications; 0 when MAX is too small. */
size_t named_column_oid(oid *buf, size_t max, unsigned table, unsigned col, const char *name);

/* Removes the row *ROW (a netsnmp_tdata_row, or NULL) and forgets it. */
void named_row_remove(netsnmp_tdata *table, void **row);

void named_set_string(netsnmp_variable_list *vb, const char *s);
void named_set_int(netsnmp_variable_list *vb, u_char type, long v);
/* DateAndTime (mib_encode.h) of WALL_US. */
void named_set_time(netsnmp_variable_list *vb, uint64_t wall_us);
/* A TimeStamp: sysUpTime at the monotonic time SINCE_US (0 if before
 * snmpd's start); a subagent's uptime follows the master's. */
void named_set_timestamp(netsnmp_variable_list *vb, uint64_t since_us);

#endif
