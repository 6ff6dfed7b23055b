/* SPDX-License-Identifier: ISC */
#include "agent/mib_named_table.h"

#include <stdio.h>
#include <string.h>

#include "agent/mib_registration.h"
#include "core/mib_encode.h"
#include "core/oid.h"
#include "core/monotime.h"

static netsnmp_table_registration_info *table_info(unsigned min, unsigned max,
						   netsnmp_column_info *columns,
						   unsigned int *list, size_t n)
{
	netsnmp_table_registration_info *ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);

	if (!ti)
		return NULL;
	netsnmp_table_helper_add_indexes(ti, ASN_OCTET_STR, 0);
	ti->min_column = min;
	ti->max_column = max;
	columns->isRange = 0;
	columns->list_count = (char)n;
	columns->details.list = list;
	ti->valid_columns = columns;
	return ti;
}

/* The index is kept as an OID only: a varbind list per row costs 1 KiB. */
int named_table_create(struct named_table *nt, const char *name, const oid *at, size_t len,
		       Netsnmp_Node_Handler *handler, int modes, void *myvoid,
		       unsigned min, unsigned max, unsigned int *list, size_t n)
{
	if (len > MAX_OID_LEN)
		return -1;
	memcpy(nt->at, at, len * sizeof(oid));
	nt->len = len;
	nt->table = netsnmp_tdata_create_table(name, TDATA_FLAG_NO_STORE_INDEXES);
	nt->reg = netsnmp_create_handler_registration(name, handler, at, len, modes);
	nt->info = table_info(min, max, &nt->columns, list, n);
	if (!nt->table || !nt->reg || !nt->info)
		return -1;
	nt->reg->handler->myvoid = myvoid;
	return 0;
}

int named_table_register(struct named_table *nt)
{
	const char *name = nt->reg->handlerName;   /* before a refusal frees REG */
	char what[64];
	int rc;

	snprintf(what, sizeof(what), "%s", name ? name : "a table");
	if ((rc = netsnmp_tdata_register(nt->reg, nt->table, nt->info)) != MIB_REGISTERED_OK) {
		nt->reg = NULL;        /* freed by the failed registration */
		mib_registration_refused(what, rc);
		return -1;
	}
	nt->registered = 1;
	return 0;
}

void named_table_free(struct named_table *nt)
{
	netsnmp_tdata_row *row;

	if (nt->reg && nt->registered)
		mib_registration_drop(nt->reg, nt->at, nt->len);
	else if (nt->reg)
		netsnmp_handler_registration_free(nt->reg);
	nt->reg = NULL;
	nt->registered = 0;
	if (nt->table) {
		while ((row = netsnmp_tdata_row_first(nt->table)) != NULL)
			netsnmp_tdata_remove_and_delete_row(nt->table, row);
		netsnmp_tdata_delete_table(nt->table);
		nt->table = NULL;
	}
	netsnmp_table_registration_info_free(nt->info);
	nt->info = NULL;
}

netsnmp_tdata_row *named_row_add(netsnmp_tdata *table, const char *name, void *data)
{
	netsnmp_tdata_row *row = netsnmp_tdata_create_row();

	if (!row)
		return NULL;
	row->data = data;
	netsnmp_tdata_row_add_index(row, ASN_OCTET_STR, name, strlen(name));
	if (netsnmp_tdata_add_row(table, row) != SNMPERR_SUCCESS) {
		netsnmp_tdata_delete_row(row);
		return NULL;
	}
	return row;
}

int named_table_open_readonly(struct named_table *nt, const char *name, unsigned table,
			      Netsnmp_Node_Handler *handler, void *myvoid, unsigned min,
			      unsigned max, unsigned int *list, size_t n)
{
	const oid at[] = { SMTPMON_OID, 1, table };

	if (named_table_create(nt, name, at, OID_LENGTH(at), handler, HANDLER_CAN_RONLY, myvoid,
			       min, max, list, n) == 0 && named_table_register(nt) == 0)
		return 0;
	snmp_log(LOG_ERR, "smtpmon: cannot register %s\n", name);
	return -1;
}

size_t named_column_oid(oid *buf, size_t max, unsigned table, unsigned col, const char *name)
{
	static const oid objects[] = { SMTPMON_OID, 1 };
	size_t len = strlen(name), n = OID_LENGTH(objects);

	if (n + 4 + len > max)
		return 0;
	memcpy(buf, objects, sizeof(objects));
	buf[n++] = table;
	buf[n++] = 1;
	buf[n++] = col;
	buf[n++] = len;
	for (size_t i = 0; i < len; i++)
		buf[n++] = (unsigned char)name[i];
	return n;
}

void named_row_remove(netsnmp_tdata *table, void **row)
{
	netsnmp_tdata_row *r = *row;

	if (r)
		netsnmp_tdata_remove_and_delete_row(table, r);
	*row = NULL;
}

void named_set_string(netsnmp_variable_list *vb, const char *s)
{
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, s, strlen(s));
}

void named_set_int(netsnmp_variable_list *vb, u_char type, long v)
{
	snmp_set_var_typed_value(vb, type, &v, sizeof(v));
}

void named_set_timestamp(netsnmp_variable_list *vb, uint64_t since_us)
{
	uint32_t ts = mib_timestamp((uint32_t)netsnmp_get_agent_uptime(), monotime_us(), since_us);

	named_set_int(vb, ASN_TIMETICKS, (long)ts);
}

void named_set_time(netsnmp_variable_list *vb, uint64_t wall_us)
{
	unsigned char dt[DATE_AND_TIME_LEN];
	size_t len = mib_date_and_time(wall_us, dt);

	snmp_set_var_typed_value(vb, ASN_OCTET_STR, dt, len);
}
