#include "mib_named_table.h"

#include <string.h>

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

void named_row_remove(netsnmp_tdata *table, void **row)
{
	netsnmp_tdata_row *r = *row;

	if (r)
		netsnmp_tdata_remove_and_delete_row(table, r);
	*row = NULL;
}

netsnmp_table_registration_info *named_table_info(unsigned min, unsigned max,
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
