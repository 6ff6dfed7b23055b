/* SPDX-License-Identifier: ISC */
#include "agent/mib_domain_table.h"

#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <string.h>

#include "agent/domain_module.h"
#include "agent/mib_named_table.h"
#include "agent/mib_server_table.h"

static unsigned int served_columns[] = {
	DOM_COL_NAME, DOM_COL_FAMILY, DOM_COL_STATUS, DOM_COL_STATUS_REASON, DOM_COL_MX_COUNT,
	DOM_COL_ADDRESS_COUNT, DOM_COL_ADDRESSES_UP, DOM_COL_MX_SET, DOM_COL_LAST_LOOKUP,
	DOM_COL_LAST_MX_CHANGE, DOM_COL_MX_CHANGE, DOM_COL_LAST_DNS_ERROR, DOM_COL_DNS_INTERVAL,
	DOM_COL_DISPLAY_NAME, DOM_COL_MTA_STS_STATE, DOM_COL_MTA_STS_MODE, DOM_COL_MTA_STS_ID,
	DOM_COL_MTA_STS_MAX_AGE, DOM_COL_MTA_STS_FETCHED, DOM_COL_MTA_STS_MX, DOM_COL_MTA_STS_REASON,
};

struct domain_table {
	struct named_table nt;
};

static int text_column(netsnmp_variable_list *vb, unsigned col, const struct domain_entry *e)
{
	switch (col) {
	case DOM_COL_NAME: named_set_string(vb, e->cfg.domain); break;
	case DOM_COL_STATUS_REASON: named_set_string(vb, e->reason); break;
	case DOM_COL_MX_SET: named_set_string(vb, e->mx_text); break;
	case DOM_COL_MX_CHANGE: named_set_string(vb, e->change); break;
	case DOM_COL_LAST_DNS_ERROR: named_set_string(vb, e->dns_error); break;
	case DOM_COL_DISPLAY_NAME: named_set_string(vb, e->cfg.name); break;
	case DOM_COL_MTA_STS_ID: named_set_string(vb, e->sts_id); break;
	case DOM_COL_MTA_STS_MX: named_set_string(vb, e->sts_mx); break;
	case DOM_COL_MTA_STS_REASON: named_set_string(vb, e->sts_reason); break;
	default: return 0;
	}
	return 1;
}

static int number_column(netsnmp_variable_list *vb, unsigned col, const struct domain_entry *e)
{
	switch (col) {
	case DOM_COL_FAMILY: named_set_int(vb, ASN_INTEGER, e->cfg.family); break;
	case DOM_COL_STATUS: named_set_int(vb, ASN_INTEGER, e->status); break;
	case DOM_COL_MX_COUNT: named_set_int(vb, ASN_GAUGE, e->mx_count); break;
	case DOM_COL_ADDRESS_COUNT: named_set_int(vb, ASN_GAUGE, e->addresses); break;
	case DOM_COL_ADDRESSES_UP: named_set_int(vb, ASN_GAUGE, e->up); break;
	case DOM_COL_LAST_LOOKUP: named_set_time(vb, e->looked_wall_us); break;
	case DOM_COL_LAST_MX_CHANGE: named_set_time(vb, e->changed_wall_us); break;
	case DOM_COL_DNS_INTERVAL: named_set_int(vb, ASN_UNSIGNED, e->cfg.dns_interval_s); break;
	case DOM_COL_MTA_STS_STATE: named_set_int(vb, ASN_INTEGER, e->sts_state); break;
	case DOM_COL_MTA_STS_MODE: named_set_int(vb, ASN_INTEGER, e->sts_mode); break;
	case DOM_COL_MTA_STS_MAX_AGE: named_set_int(vb, ASN_UNSIGNED, e->sts_max_age); break;
	case DOM_COL_MTA_STS_FETCHED: named_set_time(vb, e->sts_fetched_wall_us); break;
	default: return 0;
	}
	return 1;
}

static int handle_table(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
			netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	(void)handler;
	(void)reginfo;
	if (reqinfo->mode != MODE_GET) {
		if (reqinfo->mode == MODE_SET_RESERVE1)
			netsnmp_request_set_error_all(requests, SNMP_ERR_NOTWRITABLE);
		return SNMP_ERR_NOERROR;
	}
	for (netsnmp_request_info *req = requests; req; req = req->next) {
		const struct domain_entry *e = netsnmp_tdata_extract_entry(req);
		netsnmp_table_request_info *ti = netsnmp_extract_table_info(req);

		if (req->processed)
			continue;
		if (!e || !ti)
			netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
		else if (!text_column(req->requestvb, ti->colnum, e) &&
			 !number_column(req->requestvb, ti->colnum, e))
			netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
	}
	return SNMP_ERR_NOERROR;
}

int domain_table_add(struct domain_table *t, struct domain_entry *e)
{
	e->mib_row = named_row_add(t->nt.table, e->cfg.name, e);
	return e->mib_row ? 0 : -1;
}

void domain_table_remove(struct domain_table *t, struct domain_entry *e)
{
	named_row_remove(t->nt.table, &e->mib_row);
}

struct domain_table *domain_table_register(void)
{
	struct domain_table *t = SNMP_MALLOC_TYPEDEF(struct domain_table);

	if (t && named_table_open_readonly(&t->nt, "smtpMonDomainTable", 5, handle_table, t,
					   DOM_COL_NAME, DOM_COL_MTA_STS_REASON, served_columns,
					   sizeof(served_columns) / sizeof(served_columns[0])) != 0) {
		domain_table_unregister(t);
		return NULL;
	}
	return t;
}

void domain_table_unregister(struct domain_table *t)
{
	if (!t)
		return;
	named_table_free(&t->nt);
	SNMP_FREE(t);
}

/* --- notifications ------------------------------------------------------- */

static void note_value(netsnmp_variable_list *vb, unsigned col, const struct domain_note *n)
{
	switch (col) {
	case DOM_COL_NAME: named_set_string(vb, n->domain); break;
	case DOM_COL_STATUS_REASON: named_set_string(vb, n->reason); break;
	case DOM_COL_MX_SET: named_set_string(vb, n->mx_set); break;
	case DOM_COL_MX_CHANGE: named_set_string(vb, n->change); break;
	case DOM_COL_ADDRESS_COUNT: named_set_int(vb, ASN_GAUGE, n->addresses); break;
	case DOM_COL_ADDRESSES_UP: named_set_int(vb, ASN_GAUGE, n->up); break;
	case DOM_COL_MTA_STS_STATE: named_set_int(vb, ASN_INTEGER, n->sts_state); break;
	case DOM_COL_MTA_STS_MODE: named_set_int(vb, ASN_INTEGER, n->sts_mode); break;
	case DOM_COL_MTA_STS_REASON: named_set_string(vb, n->reason); break;
	default: named_set_string(vb, n->watch); break;
	}
}

static const unsigned *objects_of(unsigned kind)
{
	static const unsigned down[] = {
		DOM_COL_NAME, DOM_COL_STATUS_REASON, DOM_COL_MX_SET, DOM_COL_ADDRESS_COUNT,
		DOM_COL_DISPLAY_NAME, 0,
	};
	static const unsigned degraded[] = {
		DOM_COL_NAME, DOM_COL_STATUS_REASON, DOM_COL_ADDRESS_COUNT, DOM_COL_ADDRESSES_UP,
		DOM_COL_DISPLAY_NAME, 0,
	};
	static const unsigned up[] = {
		DOM_COL_NAME, DOM_COL_ADDRESS_COUNT, DOM_COL_DISPLAY_NAME, 0,
	};
	static const unsigned sts[] = {
		DOM_COL_NAME, DOM_COL_MTA_STS_STATE, DOM_COL_MTA_STS_MODE, DOM_COL_MTA_STS_REASON,
		DOM_COL_DISPLAY_NAME, 0,
	};
	static const unsigned changed[] = {
		DOM_COL_NAME, DOM_COL_MX_SET, DOM_COL_MX_CHANGE, DOM_COL_DISPLAY_NAME, 0,
	};

	switch (kind) {
	case NOTIFY_DOMAIN_DOWN: return down;
	case NOTIFY_DOMAIN_DEGRADED: return degraded;
	case NOTIFY_DOMAIN_UP: return up;
	case NOTIFY_DOMAIN_MTA_STS_FAILED: case NOTIFY_DOMAIN_MTA_STS_OK: return sts;
	default: return changed;
	}
}

int domain_note_varbinds(netsnmp_variable_list **vars, unsigned kind, const struct domain_note *n)
{
	if (kind == NOTIFY_SERVER_DANE_FAILED || kind == NOTIFY_SERVER_DANE_OK)
		return dane_note_varbinds(vars, n);
	for (const unsigned *col = objects_of(kind); *col; col++) {
		oid name[MAX_OID_LEN];
		size_t len = named_column_oid(name, MAX_OID_LEN, 5, *col, n->watch);
		netsnmp_variable_list *vb = len ? snmp_varlist_add_variable(vars, name, len, ASN_NULL,
									    NULL, 0) : NULL;

		if (!vb)
			return -1;
		note_value(vb, *col, n);
	}
	return 0;
}
