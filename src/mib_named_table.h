/* What the tables indexed by a name alone (smtpMonServerTable,
 * smtpMonRoundTripTable) share: a tdata row per name, and registration
 * info that serves only the columns listed. */
#ifndef SMTPMON_MIB_NAMED_TABLE_H
#define SMTPMON_MIB_NAMED_TABLE_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

/* A row indexed by NAME holding DATA, added to TABLE; NULL if it cannot be. */
netsnmp_tdata_row *named_row_add(netsnmp_tdata *table, const char *name, void *data);

/* Removes the row *ROW (a netsnmp_tdata_row, or NULL) and forgets it. */
void named_row_remove(netsnmp_tdata *table, void **row);

/* One string index; columns MIN..MAX of which only the N in LIST are
 * served. COLUMNS (kept by the caller for the registration's life) is
 * filled to point at LIST. */
netsnmp_table_registration_info *named_table_info(unsigned min, unsigned max,
						  netsnmp_column_info *columns,
						  unsigned int *list, size_t n);

#endif
