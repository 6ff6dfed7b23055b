/* SPDX-License-Identifier: ISC */
/* The columns of smtpMonServerTable and smtpMonRoundTripTable by name, and
 * the numeric instance OID of a column in a named row: for tools that cannot
 * load the MIB (check_snmp has no MIB directory option). Pure. */
#ifndef SMTPMON_MIB_COLUMNS_H
#define SMTPMON_MIB_COLUMNS_H

#include <stddef.h>

struct mib_column {
	const char *name;          /* as in the MIB: smtpMonServerStatus */
	unsigned table;            /* under smtpMonObjects: 2 servers, 4 round trips */
	unsigned column;
};

/* The column NAME, given as in the MIB (smtpMonServerStatus,
 * smtpMonRoundTripStatus) or, for the server table, without its prefix
 * (Status, status); NULL if there is no such readable column. */
const struct mib_column *mib_column_find(const char *name);

/* Every column, in OID order, ended by one whose name is NULL. */
const struct mib_column *mib_columns(void);

/* Writes ".1.3.6...." for column C of row ROW (C NULL: the index alone,
 * "3.109.120.49") into BUF; returns its length, or 0 when ROW is no valid
 * row name or BUF is too small. */
size_t mib_instance_oid(char *buf, size_t size, const struct mib_column *c, const char *row);

#endif
