/* SPDX-License-Identifier: ISC */
#include "agent/mib_roundtrip_table.h"

#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <string.h>

#include "agent/mib_named_table.h"
#include "probe/roundtrip.h"

static unsigned int served_columns[] = {
	RT_COL_SERVER, RT_COL_MAILBOX, RT_COL_STATUS, RT_COL_LAST_RESULT, RT_COL_LAST_ERROR,
	RT_COL_SEND_TIME, RT_COL_DELIVERY_TIME, RT_COL_LAST_SUCCESS, RT_COL_PROBES,
	RT_COL_FAILURES, RT_COL_DISPLAY_NAME, RT_COL_DISCONTINUITY_TIME,
};

struct roundtrip_table {
	struct roundtrips *set;
	struct named_table nt;
};

/* Column COL of check C with state S; 0 for a column not served. No
 * column holds a credential. */
static int column_value(netsnmp_variable_list *vb, unsigned col,
			const struct roundtrip_check *c, const struct roundtrip_state *s)
{
	switch (col) {
	case RT_COL_SERVER: named_set_string(vb, c->cfg.server); break;
	case RT_COL_MAILBOX: named_set_string(vb, c->mailbox); break;
	case RT_COL_STATUS: named_set_int(vb, ASN_INTEGER, s->track.status); break;
	case RT_COL_LAST_RESULT: named_set_int(vb, ASN_INTEGER, s->result); break;
	case RT_COL_LAST_ERROR: named_set_string(vb, s->error); break;
	case RT_COL_SEND_TIME: named_set_int(vb, ASN_UNSIGNED, s->send_us); break;
	case RT_COL_DELIVERY_TIME: named_set_int(vb, ASN_UNSIGNED, s->delivery_us); break;
	case RT_COL_LAST_SUCCESS: named_set_time(vb, s->last_success_wall_us); break;
	case RT_COL_PROBES: named_set_int(vb, ASN_COUNTER, s->probes); break;
	case RT_COL_FAILURES: named_set_int(vb, ASN_COUNTER, s->failures); break;
	case RT_COL_DISPLAY_NAME: named_set_string(vb, c->cfg.name); break;
	case RT_COL_DISCONTINUITY_TIME: named_set_timestamp(vb, s->counters_since_us); break;
	default: return 0;
	}
	return 1;
}

static int handle_table(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
			netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct roundtrip_table *t = handler->myvoid;

	(void)reginfo;
	if (reqinfo->mode != MODE_GET) {
		if (reqinfo->mode == MODE_SET_RESERVE1)
			netsnmp_request_set_error_all(requests, SNMP_ERR_NOTWRITABLE);
		return SNMP_ERR_NOERROR;
	}
	for (netsnmp_request_info *req = requests; req; req = req->next) {
		const struct roundtrip_check *c = netsnmp_tdata_extract_entry(req);
		netsnmp_table_request_info *ti = netsnmp_extract_table_info(req);
		struct roundtrip_state snap;

		if (req->processed)
			continue;
		if (!c || !ti) {
			netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
			continue;
		}
		roundtrips_snapshot(t->set, c, &snap);
		if (!column_value(req->requestvb, ti->colnum, c, &snap))
			netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
	}
	return SNMP_ERR_NOERROR;
}

int roundtrip_table_add(struct roundtrip_table *t, struct roundtrip_check *c)
{
	c->mib_row = named_row_add(t->nt.table, c->cfg.name, c);
	return c->mib_row ? 0 : -1;
}

void roundtrip_table_remove(struct roundtrip_table *t, struct roundtrip_check *c)
{
	named_row_remove(t->nt.table, &c->mib_row);
}

struct roundtrip_table *roundtrip_table_register(struct roundtrips *set)
{
	struct roundtrip_table *t = SNMP_MALLOC_TYPEDEF(struct roundtrip_table);

	if (!t)
		return NULL;
	t->set = set;
	if (named_table_open_readonly(&t->nt, "smtpMonRoundTripTable", 4, handle_table, t,
				      RT_COL_SERVER, RT_COL_DISCONTINUITY_TIME, served_columns,
				      sizeof(served_columns) / sizeof(served_columns[0])) != 0) {
		roundtrip_table_unregister(t);
		return NULL;
	}
	return t;
}

void roundtrip_table_unregister(struct roundtrip_table *t)
{
	if (!t)
		return;
	named_table_free(&t->nt);
	SNMP_FREE(t);
}

/* --- notifications ------------------------------------------------------- */

static int add_column(netsnmp_variable_list **vars, unsigned col, const struct roundtrip_note *n)
{
	oid name[MAX_OID_LEN];
	size_t len = named_column_oid(name, MAX_OID_LEN, 4, col, n->name);
	netsnmp_variable_list *vb = len ? snmp_varlist_add_variable(vars, name, len, ASN_NULL,
								    NULL, 0) : NULL;

	if (!vb)
		return -1;
	if (col == RT_COL_SERVER)
		named_set_string(vb, n->server);
	else if (col == RT_COL_LAST_RESULT)
		named_set_int(vb, ASN_INTEGER, n->result);
	else if (col == RT_COL_LAST_ERROR)
		named_set_string(vb, n->error);
	else if (col == RT_COL_DISPLAY_NAME)
		named_set_string(vb, n->name);
	else
		named_set_int(vb, ASN_UNSIGNED, n->delivery_us);
	return 0;
}

int roundtrip_note_varbinds(netsnmp_variable_list **vars, unsigned kind,
			    const struct roundtrip_note *n)
{
	static const unsigned failed[] = {
		RT_COL_SERVER, RT_COL_LAST_RESULT, RT_COL_LAST_ERROR, RT_COL_DISPLAY_NAME, 0,
	};
	static const unsigned recovered[] = {
		RT_COL_SERVER, RT_COL_DELIVERY_TIME, RT_COL_DISPLAY_NAME, 0,
	};

	for (const unsigned *col = kind == NOTIFY_ROUNDTRIP_FAILED ? failed : recovered; *col; col++)
		if (add_column(vars, *col, n) != 0)
			return -1;
	return 0;
}
