/* SPDX-License-Identifier: ISC */
/* smtpMonHistoryTable (doc/DESIGN.md section 7): the last smtpMonHistorySize
 * probes of each server, kept by the agent thread as the probe thread
 * reports them. */
#ifndef SMTPMON_MIB_HISTORY_TABLE_H
#define SMTPMON_MIB_HISTORY_TABLE_H
struct probe_outcome;
struct store;
struct target;

struct history_table;

/* What one entry may cost, the budget of smtpMonLimits historyMemory= is
 * counted in: the entry at its longest (a 255-octet detail), malloc's
 * header and rounding, its slot in the ring, and a share of the ring.
 * Measured through history_record with glibc on x86-64: 312.7 octets an
 * entry at 100 entries a server, 319.7 at 10 (72.7 and 79.7 with the
 * 23-octet detail of a good probe). */
#define HISTORY_ENTRY_BYTES 320

struct history_table *history_table_register(unsigned size);
void history_table_unregister(struct history_table *ht, struct store *store);

/* REFRESH(ARG) runs before every request the table answers, so that the
 * probes reported but not yet recorded are in it when it is read (NULL:
 * none). */
typedef void (*history_refresh_fn)(void *arg);
void history_table_set_refresh(struct history_table *ht, history_refresh_fn refresh, void *arg);

/* A finished probe of T becomes the newest entry; the oldest goes first. */
void history_record(struct history_table *ht, struct target *t, const struct probe_outcome *o);

/* T is going: its entries go with it. */
void history_forget(struct history_table *ht, struct target *t);

/* T's entries as plain data, to carry them over snmpd's reload of the
 * plugin (NULL if none); history_restore() gives them to the T of the new
 * table, keeping their indexes, and frees SAVED. */
struct history_saved;
struct history_saved *history_save(const struct target *t);
void history_restore(struct history_table *ht, struct target *t, struct history_saved *saved);
void history_saved_free(struct history_saved *saved);

/* A new smtpMonHistorySize: every server keeps at most SIZE (0: none). */
void history_set_size(struct history_table *ht, struct store *store, unsigned size);
unsigned history_size(const struct history_table *ht);

#endif
