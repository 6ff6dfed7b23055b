/* SPDX-License-Identifier: ISC */
/* Which file net-snmp is reading a directive from. net-snmp does not tell a
 * directive handler, so the file is found among the process's open files:
 * while a line is handled, its file is the newest open "*.conf". */
#ifndef SMTPMON_CONFIG_SOURCE_H
#define SMTPMON_CONFIG_SOURCE_H

#include <stddef.h>

/* The file being read now, in PATH; 0, or -1 when it cannot be told. */
int config_source_current(char *path, size_t size);

/* 1 when PATH is in net-snmp's persistent directory (written by snmpd's
 * service account, so nothing secret may come from it). */
int config_source_is_persistent(const char *path);

#endif
