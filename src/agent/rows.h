/* SPDX-License-Identifier: ISC */
/* The rows of smtpMonServerTable as the agent thread manages them: each
 * one lives in the store, the MIB table and the probe thread's schedule at
 * once, whether it came from the configuration file or from an SNMP SET. */
#ifndef SMTPMON_ROWS_H
#define SMTPMON_ROWS_H

#include <stdint.h>
struct target;
struct target_config;

struct server_table;
struct history_table;
struct scheduler;
struct smtpmon_settings;

struct rows {
	struct store *store;
	struct server_table *table;
	struct scheduler *sched;
	const struct smtpmon_settings *settings;
	struct history_table *history;
	/* smtpMonHistorySize in the SET being checked (0: none), so that rows
	 * created by the same SET are counted against the budget at it. */
	unsigned history_size_asked;
};

/* SPEC holds the explicit keys; the defaults fill in the rest. Returns the
 * new row, or NULL (name taken, out of memory). */
struct target *rows_add(struct rows *r, const struct target_config *spec, int storage,
			int row_status, uint64_t first_probe_delay_us);

/* New settings or RowStatus for a row: its schedule restarts. */
void rows_change(struct rows *r, struct target *t, const struct target_config *spec,
		 int row_status);

/* The row goes from the MIB and the schedule (the probe thread frees it). */
void rows_drop(struct rows *r, struct target *t);

/* The defaults changed: rows whose effective settings change are restarted. */
void rows_apply_defaults(struct rows *r);

/* Whether the probe thread probes T: enabled and active. */
int rows_probed(const struct target *t);

/* What a reload did, for its log line. */
struct reload_counts {
	unsigned added, removed, changed, kept;
};

/* SPEC over the current defaults. */
void rows_effective(const struct rows *r, const struct target_config *spec,
		    struct target_config *out);

/* The same for a row of STORAGE: one created by SET is never probed more
 * often than smtpMonLimits setMinInterval=, whatever the defaults say. */
void rows_effective_as(const struct rows *r, const struct target_config *spec, int storage,
		       struct target_config *out);

/* How many rows were created by SET (their StorageType is not readOnly). */
unsigned rows_count_set(const struct rows *r);

#endif
