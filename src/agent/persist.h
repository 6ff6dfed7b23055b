/* SPDX-License-Identifier: ISC */
/* Persistence of what SNMP SETs created (doc/DESIGN.md section 2): rows with
 * StorageType nonVolatile and the writable scalars, written as
 * smtpMonStoredServer / smtpMonStoredGlobals lines into net-snmp's
 * persistent smtpmond.conf when net-snmp stores its data, read back by the
 * directives at the next start. */
#ifndef SMTPMON_PERSIST_H
#define SMTPMON_PERSIST_H

struct store;
struct smtpmon_settings;
struct persist;

struct persist *persist_register(struct store *store, const struct smtpmon_settings *settings);
void persist_unregister(struct persist *p);

/* At shutdown, before the store goes: what net-snmp's final store (in
 * snmp_shutdown) will write, kept as a copy. Frees P. */
void persist_detach(struct persist *p);

#endif
