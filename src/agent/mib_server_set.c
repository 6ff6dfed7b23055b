/* SPDX-License-Identifier: ISC */
#include "agent/mib_server_set.h"

#include <stdlib.h>
#include <string.h>

#include "agent/mib_history_table.h"
#include "agent/mib_server_table.h"
#include "agent/rows.h"
#include "core/limits.h"
#include "core/settings.h"
#include "shared/store.h"

/* What one SET does to one row, built up varbind by varbind. */
struct pending {
	char name[TARGET_NAME_MAX + 1];
	struct target *t;               /* NULL: the row is to be created */
	struct target_config spec;      /* the row's explicit settings after the SET */
	int storage;
	int asked_status;               /* RowStatus in this SET, 0 if none */
	int final_status;               /* decided in RESERVE2 */
	int where_set;                  /* Host or Port in this SET */
	netsnmp_request_info *anchor;   /* where a row-level error is reported */
	struct pending *next;
};

struct set_txn {
	struct rows *rows;
	struct pending *rows_touched;
};

static struct set_txn *set_txn_new(struct rows *rows)
{
	struct set_txn *txn = calloc(1, sizeof(*txn));

	if (txn)
		txn->rows = rows;
	return txn;
}

static void txn_clear(struct set_txn *txn)
{
	while (txn->rows_touched) {
		struct pending *p = txn->rows_touched;

		txn->rows_touched = p->next;
		free(p);
	}
}

static void set_txn_free(void *arg)
{
	struct set_txn *txn = arg;

	if (txn) {
		txn_clear(txn);
		free(txn);
	}
}

/* A new row starts from the MIB's DEFVALs: port 25 whatever TlsMode. */
static void new_spec(struct target_config *spec, const char *name)
{
	memset(spec, 0, sizeof(*spec));
	snprintf(spec->name, sizeof(spec->name), "%.*s", TARGET_NAME_MAX, name);
	spec->port = 25;
}

static struct pending *pending_for(struct set_txn *txn, const char *name, struct target *t,
				   netsnmp_request_info *req)
{
	struct pending *p;

	for (p = txn->rows_touched; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	snprintf(p->name, sizeof(p->name), "%.*s", TARGET_NAME_MAX, name);
	p->t = t;
	p->anchor = req;
	if (t) {
		target_spec(t, &p->spec);
		p->storage = t->storage;
	} else {
		new_spec(&p->spec, name);
		p->storage = STORAGE_NONVOLATILE;
	}
	p->next = txn->rows_touched;
	txn->rows_touched = p;
	return p;
}

/* --- one varbind ------------------------------------------------------------ */

struct uint_column {
	unsigned col;
	unsigned bit;
	uint32_t min, max;
	size_t offset;
};

static const struct uint_column uint_columns[] = {
	{ COL_INTERVAL, OPT_INTERVAL, 1, 86400, offsetof(struct target_options, interval_s) },
	{ COL_TIMEOUT, OPT_TIMEOUT, 1, 3600, offsetof(struct target_options, timeout_s) },
	{ COL_FAIL_THRESHOLD, OPT_FAIL_THRESHOLD, 1, 100,
	  offsetof(struct target_options, fail_threshold) },
	{ COL_RECOVER_THRESHOLD, OPT_RECOVER_THRESHOLD, 1, 100,
	  offsetof(struct target_options, recover_threshold) },
	{ COL_LATENCY_THRESHOLD, OPT_LATENCY_THRESHOLD, 0, 3600000,
	  offsetof(struct target_options, latency_threshold_ms) },
};

static int set_uint(const struct rows *r, struct pending *p, const struct uint_column *c,
		    netsnmp_variable_list *vb)
{
	int rc = netsnmp_check_vb_type(vb, ASN_UNSIGNED);
	uint32_t v, floor = r->settings->limits.set_min_interval;

	if (rc != SNMP_ERR_NOERROR)
		return rc;
	v = (uint32_t)*vb->val.integer;
	if (v < c->min || v > c->max)
		return SNMP_ERR_WRONGVALUE;
	if (c->col == COL_INTERVAL && v < floor) {
		snmp_log(LOG_WARNING, "smtpmon: SNMP SET refused: row %s: Interval %u is below "
			 "smtpMonLimits setMinInterval=%u\n", p->name, v, floor);
		return SNMP_ERR_WRONGVALUE;
	}
	memcpy((char *)&p->spec.opt + c->offset, &v, sizeof(v));
	p->spec.opt.set |= c->bit;
	return SNMP_ERR_NOERROR;
}

/* With smtpMonSetAllow, Host is an address in one of its prefixes. */
static int host_allowed(const struct rows *r, const struct pending *p)
{
	enum allow_verdict v = limits_allow_check(&r->settings->allow, p->spec.host, 0);
	char why[400];

	if (v == ALLOW_OK)
		return SNMP_ERR_NOERROR;
	limits_allow_explain(v, p->spec.host, 0, why, sizeof(why));
	snmp_log(LOG_WARNING, "smtpmon: SNMP SET refused: row %s: Host %s\n", p->name, why);
	return SNMP_ERR_WRONGVALUE;
}

static int set_text(const struct rows *r, struct pending *p, unsigned col,
		    netsnmp_variable_list *vb)
{
	char text[TARGET_HOST_MAX + 1], err[256];
	int rc = netsnmp_check_vb_type_and_max_size(vb, ASN_OCTET_STR, TARGET_HOST_MAX);

	if (rc != SNMP_ERR_NOERROR)
		return rc;
	memcpy(text, vb->val.string, vb->val_len);
	text[vb->val_len] = '\0';
	if (strlen(text) != vb->val_len)
		return SNMP_ERR_WRONGVALUE;              /* a NUL inside */
	if (col == COL_HOST) {
		if (vb->val_len == 0)
			return SNMP_ERR_WRONGLENGTH;     /* SIZE(1..255) */
		if (target_set_host(&p->spec, text, err, sizeof(err)) != 0)
			return SNMP_ERR_WRONGVALUE;
		p->where_set = 1;
		return host_allowed(r, p);
	}
	if (text[0] && !target_domain_valid(text))
		return SNMP_ERR_WRONGVALUE;
	strcpy(p->spec.opt.helo, text);
	p->spec.opt.set = text[0] ? (p->spec.opt.set | OPT_HELO) : (p->spec.opt.set & ~OPT_HELO);
	return SNMP_ERR_NOERROR;
}

static int set_enum(struct pending *p, unsigned col, netsnmp_variable_list *vb)
{
	int rc;

	switch (col) {
	case COL_TLS_MODE:
		if ((rc = netsnmp_check_vb_int_range(vb, TLS_NONE, TLS_IMPLICIT)) == 0) {
			p->spec.opt.tls = (enum tls_mode)*vb->val.integer;
			p->spec.opt.set |= OPT_TLS;
		}
		return rc;
	case COL_VERIFY_CERT:
		if ((rc = netsnmp_check_vb_truthvalue(vb)) == 0) {
			p->spec.opt.verify_cert = *vb->val.integer == TV_TRUE;
			p->spec.opt.set |= OPT_VERIFY_CERT;
		}
		return rc;
	case COL_ADMIN_STATUS:
		if ((rc = netsnmp_check_vb_int_range(vb, 1, 2)) == 0) {
			p->spec.opt.enabled = *vb->val.integer == 1;
			p->spec.opt.set |= OPT_ENABLED;
		}
		return rc;
	}
	return SNMP_ERR_NOTWRITABLE;
}

static int set_storage(struct pending *p, netsnmp_variable_list *vb)
{
	int rc = netsnmp_check_vb_int_range(vb, ST_OTHER, ST_READONLY);
	long v = rc == 0 ? *vb->val.integer : 0;

	if (rc != SNMP_ERR_NOERROR)
		return rc;
	if (v != STORAGE_VOLATILE && v != STORAGE_NONVOLATILE)
		return SNMP_ERR_WRONGVALUE;   /* rows by SET are volatile or nonVolatile */
	p->storage = (int)v;
	return SNMP_ERR_NOERROR;
}

/* With smtpMonSetAllow, Port is one that some line of it takes. */
static int set_port(const struct rows *r, struct pending *p, netsnmp_variable_list *vb)
{
	int rc = netsnmp_check_vb_type(vb, ASN_UNSIGNED);

	if (rc != SNMP_ERR_NOERROR)
		return rc;
	if (*vb->val.integer < 1 || *vb->val.integer > 65535)
		return SNMP_ERR_WRONGVALUE;
	p->spec.port = (uint16_t)*vb->val.integer;
	p->where_set = 1;
	if (!limits_allow_port(&r->settings->allow, p->spec.port)) {
		snmp_log(LOG_WARNING, "smtpmon: SNMP SET refused: row %s: Port %u is in no line of "
			 "smtpMonSetAllow\n", p->name, p->spec.port);
		return SNMP_ERR_WRONGVALUE;
	}
	return SNMP_ERR_NOERROR;
}

static int set_column(const struct rows *r, struct pending *p, unsigned col,
		      netsnmp_variable_list *vb, netsnmp_request_info *req)
{
	int rc;

	for (size_t i = 0; i < sizeof(uint_columns) / sizeof(uint_columns[0]); i++)
		if (uint_columns[i].col == col)
			return set_uint(r, p, &uint_columns[i], vb);
	switch (col) {
	case COL_HOST:
	case COL_HELO_NAME:
		return set_text(r, p, col, vb);
	case COL_PORT:
		return set_port(r, p, vb);
	case COL_STORAGE_TYPE:
		return set_storage(p, vb);
	case COL_ROW_STATUS:
		if ((rc = netsnmp_check_vb_rowstatus_value(vb)) != 0)
			return rc;
		p->asked_status = (int)*vb->val.integer;
		p->anchor = req;
		return SNMP_ERR_NOERROR;
	}
	return set_enum(p, col, vb);
}

/* RESERVE1: each varbind on its own — type, length, range, syntax. */
static int check_varbind(struct set_txn *txn, netsnmp_request_info *req)
{
	netsnmp_table_request_info *ti = netsnmp_extract_table_info(req);
	struct target *t = netsnmp_tdata_extract_entry(req);
	char name[TARGET_NAME_MAX + 2] = "";
	struct pending *p;

	if (!ti || !ti->indexes || ti->indexes->val_len > TARGET_NAME_MAX)
		return SNMP_ERR_NOCREATION;
	memcpy(name, ti->indexes->val.string, ti->indexes->val_len);
	if (strlen(name) != ti->indexes->val_len || !target_name_valid(name))
		return SNMP_ERR_NOCREATION;
	if (ti->colnum < COL_HOST || ti->colnum > COL_RECOVER_THRESHOLD)
		return SNMP_ERR_NOTWRITABLE;
	if (t && t->storage == STORAGE_READONLY)
		return SNMP_ERR_NOTWRITABLE;      /* a configuration file row */
	p = pending_for(txn, name, t, req);
	if (!p)
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	return set_column(txn->rows, p, ti->colnum, req->requestvb, req);
}

/* --- the row as a whole --------------------------------------------------- */

/* RESERVE2: what RowStatus becomes (SNMPv2-TC's table), or an error. */
static int decide_row(struct pending *p)
{
	int has_host = p->spec.host[0] != '\0';
	int current = p->t ? p->t->row_status : 0;

	switch (p->asked_status) {
	case RS_CREATEANDGO:
		if (p->t || !has_host)
			return SNMP_ERR_INCONSISTENTVALUE;
		p->final_status = ROW_ACTIVE;
		return SNMP_ERR_NOERROR;
	case RS_CREATEANDWAIT:
		if (p->t)
			return SNMP_ERR_INCONSISTENTVALUE;
		p->final_status = has_host ? ROW_NOT_IN_SERVICE : ROW_NOT_READY;
		return SNMP_ERR_NOERROR;
	case RS_DESTROY:
		p->final_status = 0;
		return SNMP_ERR_NOERROR;
	case RS_ACTIVE:
	case RS_NOTINSERVICE:
		if (!p->t || !has_host)
			return SNMP_ERR_INCONSISTENTVALUE;
		p->final_status = p->asked_status == RS_ACTIVE ? ROW_ACTIVE : ROW_NOT_IN_SERVICE;
		return SNMP_ERR_NOERROR;
	}
	if (!p->t)
		return SNMP_ERR_NOCREATION;    /* no createAndGo/createAndWait for it */
	p->final_status = current == ROW_NOT_READY && has_host ? ROW_NOT_IN_SERVICE : current;
	return SNMP_ERR_NOERROR;
}

/* With smtpMonSetAllow, a row whose Host or Port this SET gives, or that
 * it makes active, probes an address and port the list takes. */
static int check_allowed(const struct rows *r, const struct pending *p)
{
	int current = p->t ? p->t->row_status : 0;
	int going_active = p->final_status == ROW_ACTIVE && current != ROW_ACTIVE;
	struct target_config cfg;
	enum allow_verdict v;
	char why[400];

	if (!r->settings->allow.n || !p->final_status || !p->spec.host[0] ||
	    !(p->where_set || going_active))
		return SNMP_ERR_NOERROR;
	rows_effective(r, &p->spec, &cfg);    /* the port it would probe */
	v = limits_allow_check(&r->settings->allow, cfg.host, cfg.port);
	if (v == ALLOW_OK)
		return SNMP_ERR_NOERROR;
	limits_allow_explain(v, cfg.host, cfg.port, why, sizeof(why));
	snmp_log(LOG_WARNING, "smtpmon: SNMP SET refused: row %s: %s\n", p->name, why);
	return SNMP_ERR_INCONSISTENTVALUE;
}

/* Rows this SET creates fit smtpMonLimits rows=, setRows= and, with
 * smtpMonHistorySize (the one this SET gives, if larger), historyMemory=.
 * Returns the first row it creates if they do not (after one log line). */
static struct pending *check_room(const struct set_txn *txn)
{
	const struct rows *r = txn->rows;
	const struct smtpmon_limits *lim = &r->settings->limits;
	struct pending *first = NULL;
	unsigned creates = 0, destroys = 0, size;
	uint64_t rows, set_rows;
	const char *more;

	for (struct pending *p = txn->rows_touched; p; p = p->next) {
		if (!p->t && p->final_status && !creates++)
			first = p;
		destroys += p->t && !p->final_status;
	}
	if (!creates)
		return NULL;
	more = creates > 1 ? " and others" : "";
	rows = (uint64_t)r->store->count + creates - destroys;
	set_rows = (uint64_t)rows_count_set(r) + creates - destroys;
	size = r->settings->history_size > 0 ? (unsigned)r->settings->history_size : 0;
	if (r->history_size_asked > size)
		size = r->history_size_asked;
	switch (limits_rows_check(lim, rows, set_rows)) {
	case LIMIT_ROWS:
		snmp_log(LOG_WARNING, "smtpmon: SNMP SET refused: creating row %s%s would make %llu "
			 "rows, over smtpMonLimits rows=%u\n", first->name, more,
			 (unsigned long long)rows, lim->rows);
		return first;
	case LIMIT_SET_ROWS:
		snmp_log(LOG_WARNING, "smtpmon: SNMP SET refused: creating row %s%s would make %llu "
			 "rows created by SET, over smtpMonLimits setRows=%u\n", first->name, more,
			 (unsigned long long)set_rows, lim->set_rows);
		return first;
	}
	if (!limits_history_fits(lim, size, (uint32_t)rows, HISTORY_ENTRY_BYTES)) {
		snmp_log(LOG_WARNING, "smtpmon: SNMP SET refused: creating row %s%s would make %llu "
			 "rows of %u history entries, up to %llu MiB, over smtpMonLimits "
			 "historyMemory=%u\n", first->name, more, (unsigned long long)rows, size,
			 (unsigned long long)limits_mib(limits_history_bytes(size, (uint32_t)rows,
									     HISTORY_ENTRY_BYTES)),
			 lim->history_mib);
		return first;
	}
	return NULL;
}

static void check_rows(struct set_txn *txn, netsnmp_agent_request_info *reqinfo)
{
	struct pending *over;
	int failed = 0;

	for (struct pending *p = txn->rows_touched; p; p = p->next) {
		int rc = decide_row(p);

		if (rc == SNMP_ERR_NOERROR)
			rc = check_allowed(txn->rows, p);
		if (rc != SNMP_ERR_NOERROR) {
			netsnmp_set_request_error(reqinfo, p->anchor, rc);
			failed = 1;
		}
	}
	if (!failed && (over = check_room(txn)) != NULL)
		netsnmp_set_request_error(reqinfo, over->anchor, SNMP_ERR_RESOURCEUNAVAILABLE);
}

/* COMMIT: nothing can fail any more. */
static void apply_rows(struct set_txn *txn)
{
	int store = 0;

	for (struct pending *p = txn->rows_touched; p; p = p->next) {
		store |= p->storage == STORAGE_NONVOLATILE;
		if (!p->final_status) {
			if (p->t)
				rows_drop(txn->rows, p->t);
		} else if (!p->t) {
			rows_add(txn->rows, &p->spec, p->storage, p->final_status, 0);
		} else {
			p->t->storage = p->storage;
			rows_change(txn->rows, p->t, &p->spec, p->final_status);
		}
		snmp_log(LOG_INFO, "smtpmon: row %s %s by SNMP SET\n", p->name,
			 !p->final_status ? "destroyed" : p->t ? "changed" : "created");
	}
	if (store)
		snmp_store_needed(NULL);
}

/* One SET request's progress between its phases (the master sends one SET
 * at a time): the handler's work for MODE_SET_* on the table. */
static void server_table_set(void *arg, netsnmp_agent_request_info *reqinfo,
			     netsnmp_request_info *requests)
{
	struct set_txn *txn = arg;
	int rc;

	switch (reqinfo->mode) {
	case MODE_SET_RESERVE1:
		txn_clear(txn);          /* a SET the master abandoned */
		for (netsnmp_request_info *r = requests; r; r = r->next)
			if (!r->processed && (rc = check_varbind(txn, r)) != SNMP_ERR_NOERROR)
				netsnmp_set_request_error(reqinfo, r, rc);
		break;
	case MODE_SET_RESERVE2:
		check_rows(txn, reqinfo);
		break;
	case MODE_SET_COMMIT:
		apply_rows(txn);
		txn_clear(txn);
		break;
	case MODE_SET_FREE:
	case MODE_SET_UNDO:
		txn_clear(txn);
		break;
	}
}

int server_set_attach(struct server_table *table, struct rows *rows)
{
	struct server_table_writer w = { server_table_set, set_txn_free, set_txn_new(rows) };

	if (!w.ctx)
		return -1;
	server_table_attach_writer(table, &w);
	return 0;
}
