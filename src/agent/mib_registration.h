/* SPDX-License-Identifier: ISC */
/* Registering and unregistering the module's MIB objects with net-snmp so
 * that snmpd never crashes over them (doc/DESIGN.md section 6): every
 * unregister matches a registration that succeeded and still exists. */
#ifndef SMTPMON_MIB_REGISTRATION_H
#define SMTPMON_MIB_REGISTRATION_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

/* What a registration's result says to an administrator: another agent
 * (smtpmond, or the plugin) serves the subtree already; RC is net-snmp's
 * MIB_* result. */
void mib_registration_refused(const char *what, int rc);

/* Unregisters REG, registered at AT, if it is still there. net-snmp's
 * master drops whatever is registered at an OID when any agent unregisters
 * that OID (a subagent whose own registration was refused does so as it
 * stops) and frees it: REG is then not touched again. */
void mib_registration_drop(netsnmp_handler_registration *reg, const oid *at, size_t len);

/* 1 when REG is still registered at AT. */
int mib_registration_present(const netsnmp_handler_registration *reg, const oid *at,
			     size_t len);

#endif
