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

#endif
