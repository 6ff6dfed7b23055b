/* SPDX-License-Identifier: ISC */
/* smtpmond --oid NAME [COLUMN]: the numeric OID of a column in the row NAME,
 * for tools that cannot load the MIB (check_snmp, scripts). */
#ifndef SMTPMON_OID_TOOL_H
#define SMTPMON_OID_TOOL_H

/* ARGV[1] is "--oid". Prints the OID; returns 0, or 3 on a usage error. */
int oid_tool_main(int argc, char **argv);

#endif
