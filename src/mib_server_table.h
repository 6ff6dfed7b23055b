/* smtpMonServerTable (DESIGN section 4): handlers only read the store. */
#ifndef SMTPMON_MIB_SERVER_TABLE_H
#define SMTPMON_MIB_SERVER_TABLE_H

#include "store.h"

struct server_table;

/* Registers the table and one row per server now in the store. */
struct server_table *server_table_register(struct store *store);
void server_table_unregister(struct server_table *st);

#endif
