/* SPDX-License-Identifier: ISC */
/* What the snmpd plugin carries over snmpd's reload. On SIGHUP snmpd
 * unloads every dlmod and loads it again; doc/DESIGN.md section 6 wants the state
 * of unchanged servers kept all the same. The module is torn down whole
 * (thread, handlers, descriptors, directives) and its servers' state rides
 * across in this plain copy, which the next load adopts. */
#ifndef SMTPMON_HANDOFF_H
#define SMTPMON_HANDOFF_H

#include <stdint.h>

struct store;
struct rows;
struct history_table;
struct reload_counts;
struct handoff;

/* Agent thread, the probe thread stopped: a copy of every row's state, its
 * history, and the volatile rows themselves (the persistent store has the
 * others). NULL when out of memory. */
struct handoff *handoff_save(struct store *store, struct history_table *history);

/* When the new row NAME, probed every INTERVAL_S, is first due: where its
 * old schedule had it, so that reloads never hold a server's probes back;
 * FALLBACK_US for a row that is new or was never probed. H may be NULL. */
uint64_t handoff_first_delay(const struct handoff *h, const char *name, unsigned interval_s,
			     uint64_t fallback_us);

/* Agent thread, the new rows added, the probe thread not yet started:
 * volatile rows come back, and every row of the same name takes its old
 * state (a row no longer probed, or probed again, has its Status reset as
 * a change of AdminStatus would). Counts what changed; frees H. */
void handoff_restore(struct handoff *h, struct rows *rows, struct reload_counts *n);

void handoff_free(struct handoff *h);

/* The round-trip checks' state rides along (roundtrip_module.h): attach
 * after saving, detach before restoring. Detach returns NULL if none. */
struct roundtrip_carry;
void handoff_attach_roundtrips(struct handoff *h, struct roundtrip_carry *rt);
struct roundtrip_carry *handoff_detach_roundtrips(struct handoff *h);

/* The same for the domain watches (domain_module.h). */
struct domain_carry;
void handoff_attach_domains(struct handoff *h, struct domain_carry *d);
struct domain_carry *handoff_detach_domains(struct handoff *h);

#endif
