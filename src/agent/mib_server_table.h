/* SPDX-License-Identifier: ISC */
/* smtpMonServerTable (doc/DESIGN.md section 7): handlers only read the store. */
#ifndef SMTPMON_MIB_SERVER_TABLE_H
#define SMTPMON_MIB_SERVER_TABLE_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
struct store;
struct target;
struct target_config;
struct target_state;

/* smtpMonServerTable columns (doc/DESIGN.md section 7). */
enum {
	COL_HOST = 2, COL_PORT, COL_TLS_MODE, COL_INTERVAL, COL_TIMEOUT,
	COL_HELO_NAME, COL_FAIL_THRESHOLD, COL_LATENCY_THRESHOLD, COL_VERIFY_CERT,
	COL_ADMIN_STATUS, COL_STORAGE_TYPE, COL_ROW_STATUS, COL_RECOVER_THRESHOLD,
	COL_STATUS = 20, COL_LAST_RESULT, COL_LAST_REPLY_CODE, COL_LAST_ERROR,
	COL_LAST_BANNER, COL_LATENCY, COL_CONNECT_TIME, COL_BANNER_TIME,
	COL_HELO_TIME, COL_TLS_TIME, COL_ADDRESS_TYPE, COL_ADDRESS, COL_LAST_PROBE,
	COL_LAST_CHANGE, COL_CONSECUTIVE_FAILURES, COL_PROBES, COL_FAILURES,
	COL_EHLO_KEYWORDS, COL_TLS_VERSION, COL_CERT_NOT_AFTER, COL_CERT_DAYS_LEFT,
	COL_DNSBL_LISTINGS, COL_DNSBL_ZONES, COL_CERT_SUBJECT, COL_CERT_ISSUER,
	COL_DISPLAY_NAME, COL_DISCONTINUITY_TIME, COL_LAST_WARNING, COL_STATUS_REASON,
	COL_LAST_ENHANCED_CODE, COL_DOMAIN_WATCH, COL_MX_HOST, COL_MX_PREFERENCE,
	COL_DANE_STATE, COL_DANE_RECORD, COL_DANE_REASON,
};

struct server_table;

/* Registers the table and one row per server now in the store. */
struct server_table *server_table_register(struct store *store);
void server_table_unregister(struct server_table *st);

/* What SETs on the table do, given by the SET side (mib_server_set.c), so
 * that the table knows nothing of rows. */
struct server_table_writer {
	void (*set)(void *ctx, netsnmp_agent_request_info *reqinfo,
		    netsnmp_request_info *requests);
	void (*free)(void *ctx);                 /* at unregister */
	void *ctx;
};

/* From now on SETs go to W. */
void server_table_attach_writer(struct server_table *st, const struct server_table_writer *w);

/* Agent thread: a row appears or goes with its target. */
int server_table_add(struct server_table *st, struct target *t);
void server_table_remove(struct server_table *st, struct target *t);

/* Sets VB to column COL of the row (C, S) as the table serves it; returns 0
 * for a column this version does not serve. Notifications use it too. */
int server_column_value(netsnmp_variable_list *vb, unsigned col,
			const struct target_config *c, const struct target_state *s);

/* The instance OID of column COL in row NAME; returns its length (0: too long). */
size_t server_column_oid(oid *buf, size_t max, unsigned col, const char *name);

struct domain_note;
/* A DANE notification (NOTIFY_SERVER_DANE_*) as the row's varbinds. */
int dane_note_varbinds(netsnmp_variable_list **vars, const struct domain_note *n);

#endif
