/* SPDX-License-Identifier: ISC */
/* The smtpmon MIB module's life cycle: one core shared by smtpmond and the
 * snmpd plugin. */
#ifndef SMTPMON_SMTPMON_H
#define SMTPMON_SMTPMON_H

/* Agent thread, before the configuration is read: registers the directives. */
void smtpmon_init(void);

struct handoff;

/* Agent thread, after the configuration was read: builds the rows, registers
 * the MIB objects and starts the probe thread. CARRIED (the plugin's reload;
 * NULL otherwise) gives the rows their state from before and is freed.
 * Returns 0 or -1. */
int smtpmon_start(struct handoff *carried);

/* Agent thread (smtpmond's SIGHUP): re-reads the configuration files; added
 * servers start, removed ones go, changed ones restart their schedule, and
 * the others keep their state and counters (doc/DESIGN.md section 6). */
void smtpmon_reload(void);

/* smtpmond's exit: stops the probe thread, sends what notifications wait,
 * unregisters and frees everything; what must persist is kept as a copy
 * that snmp_shutdown() writes after. */
void smtpmon_shutdown(void);

/* The plugin's deinit, when no store of net-snmp's data follows (snmpd's
 * reload) or it came before (snmpd's exit): the same, without the copy.
 * RELOADING: returns the servers' state for the next smtpmon_start(). */
struct handoff *smtpmon_unload(int reloading);

#endif
