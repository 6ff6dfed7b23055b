/* SPDX-License-Identifier: ISC */
#include "agent/mib_server_table.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <string.h>

#include "agent/mib_named_table.h"
#include "core/domain_policy.h"
#include "core/domain_status.h"
#include "core/domain_config.h"
#include "core/oid.h"
#include "core/mib_encode.h"
#include "core/state.h"
#include "core/status_reason.h"
#include "shared/store.h"


/* Every column of doc/DESIGN.md section 7 (the list leaves out the index). */
static unsigned int served_columns[] = {
	COL_HOST, COL_PORT, COL_TLS_MODE, COL_INTERVAL, COL_TIMEOUT, COL_HELO_NAME,
	COL_FAIL_THRESHOLD, COL_LATENCY_THRESHOLD, COL_VERIFY_CERT, COL_ADMIN_STATUS,
	COL_STORAGE_TYPE, COL_ROW_STATUS, COL_RECOVER_THRESHOLD,
	COL_STATUS, COL_LAST_RESULT, COL_LAST_REPLY_CODE, COL_LAST_ERROR,
	COL_LAST_BANNER, COL_LATENCY, COL_CONNECT_TIME, COL_BANNER_TIME, COL_HELO_TIME,
	COL_TLS_TIME, COL_ADDRESS_TYPE, COL_ADDRESS, COL_LAST_PROBE, COL_LAST_CHANGE,
	COL_CONSECUTIVE_FAILURES, COL_PROBES, COL_FAILURES, COL_EHLO_KEYWORDS,
	COL_TLS_VERSION, COL_CERT_NOT_AFTER, COL_CERT_DAYS_LEFT, COL_DNSBL_LISTINGS,
	COL_DNSBL_ZONES, COL_CERT_SUBJECT, COL_CERT_ISSUER, COL_DISPLAY_NAME,
	COL_DISCONTINUITY_TIME, COL_LAST_WARNING, COL_STATUS_REASON, COL_LAST_ENHANCED_CODE,
	COL_DOMAIN_WATCH, COL_MX_HOST, COL_MX_PREFERENCE, COL_DANE_STATE, COL_DANE_RECORD,
	COL_DANE_REASON,
};

struct server_table {
	struct store *store;
	struct named_table nt;
	struct server_table_writer writer;       /* set NULL: the table is read-only */
};

static void set_address(netsnmp_variable_list *vb, const struct probe_outcome *o, int type_only)
{
	size_t len;
	int type = mib_inet_address_type(o->addr_family, &len);

	if (type_only)
		named_set_int(vb, ASN_INTEGER, type);
	else
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, o->addr, len);
}

/* Host as written in the directive: IPv6 literals in brackets. */
static void set_host(netsnmp_variable_list *vb, const struct target_config *c)
{
	char buf[TARGET_WHERE_MAX];

	target_where(c, 0, buf, sizeof(buf));
	named_set_string(vb, buf);
}

static int set_config_column(netsnmp_variable_list *vb, unsigned col,
			     const struct target_config *c)
{
	switch (col) {
	case COL_HOST: set_host(vb, c); break;
	case COL_PORT: named_set_int(vb, ASN_UNSIGNED, c->port); break;
	case COL_TLS_MODE: named_set_int(vb, ASN_INTEGER, c->opt.tls); break;
	case COL_INTERVAL: named_set_int(vb, ASN_UNSIGNED, c->opt.interval_s); break;
	case COL_TIMEOUT: named_set_int(vb, ASN_UNSIGNED, c->opt.timeout_s); break;
	case COL_HELO_NAME: named_set_string(vb, c->opt.helo); break;
	case COL_FAIL_THRESHOLD: named_set_int(vb, ASN_UNSIGNED, c->opt.fail_threshold); break;
	case COL_LATENCY_THRESHOLD: named_set_int(vb, ASN_UNSIGNED, c->opt.latency_threshold_ms); break;
	case COL_VERIFY_CERT:
		named_set_int(vb, ASN_INTEGER, c->opt.verify_cert ? TV_TRUE : TV_FALSE);
		break;
	case COL_ADMIN_STATUS: named_set_int(vb, ASN_INTEGER, c->opt.enabled ? 1 : 2); break;
	case COL_RECOVER_THRESHOLD: named_set_int(vb, ASN_UNSIGNED, c->opt.recover_threshold); break;
	case COL_DISPLAY_NAME: named_set_string(vb, c->name); break;
	default: return 0;
	}
	return 1;
}

static int set_state_column(netsnmp_variable_list *vb, unsigned col,
			    const struct target_state *s)
{
	const struct probe_outcome *o = &s->last;

	switch (col) {
	case COL_STATUS: named_set_int(vb, ASN_INTEGER, s->track.status); break;
	case COL_LAST_RESULT: named_set_int(vb, ASN_INTEGER, o->result); break;
	case COL_LAST_REPLY_CODE: named_set_int(vb, ASN_INTEGER, o->reply_code); break;
	case COL_LAST_ERROR: named_set_string(vb, o->error); break;
	case COL_LAST_BANNER: named_set_string(vb, o->banner); break;
	case COL_LATENCY: named_set_int(vb, ASN_UNSIGNED, o->latency_us); break;
	case COL_CONNECT_TIME: named_set_int(vb, ASN_UNSIGNED, o->connect_us); break;
	case COL_BANNER_TIME: named_set_int(vb, ASN_UNSIGNED, o->banner_us); break;
	case COL_HELO_TIME: named_set_int(vb, ASN_UNSIGNED, o->helo_us); break;
	case COL_ADDRESS_TYPE: set_address(vb, o, 1); break;
	case COL_ADDRESS: set_address(vb, o, 0); break;
	case COL_LAST_PROBE: named_set_time(vb, s->last_probe_wall_us); break;
	case COL_LAST_CHANGE: named_set_time(vb, s->last_change_wall_us); break;
	case COL_CONSECUTIVE_FAILURES:
		named_set_int(vb, ASN_GAUGE, s->track.consecutive_failures);
		break;
	case COL_PROBES: named_set_int(vb, ASN_COUNTER, s->probes); break;
	case COL_FAILURES: named_set_int(vb, ASN_COUNTER, s->failures); break;
	case COL_EHLO_KEYWORDS: named_set_string(vb, o->ehlo_keywords); break;
	case COL_TLS_TIME: named_set_int(vb, ASN_UNSIGNED, o->tls_us); break;
	case COL_TLS_VERSION: named_set_string(vb, o->tls.version); break;
	case COL_CERT_NOT_AFTER: named_set_time(vb, o->tls.not_after_wall_us); break;
	case COL_CERT_DAYS_LEFT:
		named_set_int(vb, ASN_INTEGER, mib_cert_days_left(o->tls.have_cert, o->tls.days_left));
		break;
	case COL_DNSBL_LISTINGS: named_set_int(vb, ASN_GAUGE, s->dnsbl_listings); break;
	case COL_DNSBL_ZONES: named_set_string(vb, s->dnsbl_zones); break;
	case COL_CERT_SUBJECT: named_set_string(vb, o->tls.subject); break;
	case COL_CERT_ISSUER: named_set_string(vb, o->tls.issuer); break;
	case COL_DISCONTINUITY_TIME: named_set_timestamp(vb, s->counters_since_us); break;
	case COL_LAST_WARNING: named_set_string(vb, o->warning); break;
	case COL_LAST_ENHANCED_CODE: named_set_string(vb, o->enhanced_code); break;
	default: return 0;
	}
	return 1;
}

/* Columns drawn from the configuration and the state together. */
static int set_derived_column(netsnmp_variable_list *vb, unsigned col,
			      const struct target_config *c, const struct target_state *s)
{
	char reason[STATE_TEXT_MAX + 1];

	if (col != COL_STATUS_REASON)
		return 0;
	status_reason(reason, sizeof(reason), c, s);
	named_set_string(vb, reason);
	return 1;
}

int server_column_value(netsnmp_variable_list *vb, unsigned col,
			const struct target_config *c, const struct target_state *s)
{
	return set_config_column(vb, col, c) || set_state_column(vb, col, s) ||
	       set_derived_column(vb, col, c, s);
}

size_t server_column_oid(oid *buf, size_t max, unsigned col, const char *name)
{
	return named_column_oid(buf, max, 2, col, name);
}

/* A row's DANE notification: its own columns, from the note. */
int dane_note_varbinds(netsnmp_variable_list **vars, const struct domain_note *n)
{
	static const unsigned cols[] = {
		COL_HOST, COL_PORT, COL_MX_HOST, COL_DANE_STATE, COL_DANE_RECORD, COL_DANE_REASON,
		COL_DISPLAY_NAME, 0,
	};

	for (const unsigned *col = cols; *col; col++) {
		oid name[MAX_OID_LEN];
		size_t len = server_column_oid(name, MAX_OID_LEN, *col, n->row);
		netsnmp_variable_list *vb = len ? snmp_varlist_add_variable(vars, name, len, ASN_NULL,
									    NULL, 0) : NULL;

		if (!vb)
			return -1;
		if (*col == COL_PORT)
			named_set_int(vb, ASN_UNSIGNED, n->port);
		else if (*col == COL_DANE_STATE)
			named_set_int(vb, ASN_INTEGER, n->dane_state);
		else
			named_set_string(vb, *col == COL_HOST ? n->host : *col == COL_MX_HOST ? n->mx :
					 *col == COL_DANE_RECORD ? n->record : *col == COL_DANE_REASON ?
					 n->reason : n->row);
	}
	return 0;
}

/* Rows made by a domain watch say which, and for which MX host. */
static int set_origin_column(netsnmp_variable_list *vb, unsigned col, const struct target *t)
{
	const struct domain_origin *o = t->origin;

	switch (col) {
	case COL_DOMAIN_WATCH: named_set_string(vb, o ? o->watch : ""); break;
	case COL_MX_HOST: named_set_string(vb, o ? o->mx : ""); break;
	case COL_MX_PREFERENCE: named_set_int(vb, ASN_INTEGER, o ? (long)o->pref : -1); break;
	case COL_DANE_STATE: named_set_int(vb, ASN_INTEGER, o ? o->dane_state : DANE_DISABLED); break;
	case COL_DANE_RECORD: named_set_string(vb, o ? o->dane_record : ""); break;
	case COL_DANE_REASON: named_set_string(vb, o ? o->dane_reason : "not a domain watch's row"); break;
	default: return 0;
	}
	return 1;
}

static void answer(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req,
		   struct store *store)
{
	const struct target *t = netsnmp_tdata_extract_entry(req);
	netsnmp_table_request_info *ti = netsnmp_extract_table_info(req);
	struct target_state snap;

	if (!t || !ti) {
		netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
		return;
	}
	if (ti->colnum == COL_STORAGE_TYPE || ti->colnum == COL_ROW_STATUS) {
		named_set_int(req->requestvb, ASN_INTEGER,
			ti->colnum == COL_STORAGE_TYPE ? t->storage : t->row_status);
		return;
	}
	if (set_config_column(req->requestvb, ti->colnum, &t->cfg) ||
	    set_origin_column(req->requestvb, ti->colnum, t))
		return;
	store_snapshot(store, t, &snap);
	if (!set_state_column(req->requestvb, ti->colnum, &snap) &&
	    !set_derived_column(req->requestvb, ti->colnum, &t->cfg, &snap))
		netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
}

/* The table helpers turn GETNEXT/GETBULK into GETs on existing rows. */
static int handle_server_table(netsnmp_mib_handler *handler,
			       netsnmp_handler_registration *reginfo,
			       netsnmp_agent_request_info *reqinfo,
			       netsnmp_request_info *requests)
{
	struct server_table *st = handler->myvoid;

	(void)reginfo;
	if (reqinfo->mode != MODE_GET) {
		if (st->writer.set)
			st->writer.set(st->writer.ctx, reqinfo, requests);
		else if (reqinfo->mode == MODE_SET_RESERVE1)
			netsnmp_request_set_error_all(requests, SNMP_ERR_NOTWRITABLE);
		return SNMP_ERR_NOERROR;
	}
	for (netsnmp_request_info *req = requests; req; req = req->next)
		if (!req->processed)
			answer(reqinfo, req, st->store);
	return SNMP_ERR_NOERROR;
}

int server_table_add(struct server_table *st, struct target *t)
{
	t->mib_row = named_row_add(st->nt.table, t->cfg.name, t);
	return t->mib_row ? 0 : -1;
}

void server_table_remove(struct server_table *st, struct target *t)
{
	named_row_remove(st->nt.table, &t->mib_row);
}

struct server_table *server_table_register(struct store *store)
{
	static const oid table_oid[] = { SMTPMON_OID, 1, 2 };
	struct server_table *st = SNMP_MALLOC_TYPEDEF(struct server_table);

	if (!st)
		return NULL;
	st->store = store;
	if (named_table_create(&st->nt, "smtpMonServerTable", table_oid, OID_LENGTH(table_oid),
			       handle_server_table, HANDLER_CAN_RWRITE, st, COL_HOST,
			       COL_DANE_REASON, served_columns,
			       sizeof(served_columns) / sizeof(served_columns[0])) != 0)
		goto fail;
	for (unsigned i = 0; i < store->count; i++)
		if (server_table_add(st, store->targets[i]) != 0)
			goto fail;
	if (named_table_register(&st->nt) != 0)
		goto fail;
	return st;
fail:
	snmp_log(LOG_ERR, "smtpmon: cannot register smtpMonServerTable\n");
	server_table_unregister(st);
	return NULL;
}

void server_table_attach_writer(struct server_table *st, const struct server_table_writer *w)
{
	st->writer = *w;
}

void server_table_unregister(struct server_table *st)
{
	if (!st)
		return;
	if (st->writer.free)
		st->writer.free(st->writer.ctx);
	named_table_free(&st->nt);
	SNMP_FREE(st);
}
