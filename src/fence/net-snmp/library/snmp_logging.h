/* SPDX-License-Identifier: ISC */
/* The build's fence: src/core/, src/probe/ and src/shared/ compile with this
 * folder first on the include path. net-snmp is the agent thread's alone
 * (doc/DESIGN.md section 1): report to it through a return value or a
 * queue instead. */
#error "net-snmp is for the agent thread (src/agent/) only"
