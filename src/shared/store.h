/* SPDX-License-Identifier: ISC */
/* The target store: every monitored server's configuration and latest state.
 * The only state shared between the agent thread and the probe thread; each
 * side holds its mutex only to copy a row in or out (doc/DESIGN.md section 1). */
#ifndef SMTPMON_STORE_H
#define SMTPMON_STORE_H

#include <pthread.h>
#include <stdint.h>

#include "core/server_status.h"
#include "core/target_config.h"
struct domain_origin;
struct probe_outcome;
struct target_state;

/* StorageType and RowStatus values (SNMPv2-TC) a row can have. */
enum { STORAGE_VOLATILE = 2, STORAGE_NONVOLATILE = 3, STORAGE_READONLY = 5 };
enum { ROW_ACTIVE = 1, ROW_NOT_IN_SERVICE = 2, ROW_NOT_READY = 3 };

struct packed;

struct target {
	struct packed *spec;                   /* agent: the keys/columns given explicitly */
	struct target_config cfg;              /* agent: spec over the defaults; the MIB's view */
	int storage;                           /* agent: STORAGE_*; readOnly = configuration file */
	int row_status;                        /* agent: ROW_* */
	struct packed *st;                     /* guarded by the store lock; never NULL */
	void *mib_row;                         /* agent thread only */
	void *history;                         /* agent thread only: its history rows */
	void *probe_slot;                      /* probe thread only */
	struct domain_origin *origin;          /* agent: the domain watch that made it, or NULL */
};

struct store_totals {
	unsigned servers, down;
	uint64_t probes, failures;
	uint64_t since_us;                     /* monotonic: when the totals started from 0 */
};

struct store {
	pthread_mutex_t lock;
	struct target **targets;               /* in configuration order */
	struct target **by_name;               /* the same, sorted by name (store_find) */
	unsigned count, cap;
	uint64_t probes_total, failures_total;
	uint64_t totals_since_us;              /* monotonic: when they started from 0 */
};

struct store *store_new(void);
void store_free(struct store *s);

/* Agent thread: a row of the explicit keys SPEC, merged into CFG; returns
 * NULL if the name exists (or out of memory). */
struct target *store_add(struct store *s, const struct target_config *spec,
			 const struct target_config *cfg);
struct target *store_find(struct store *s, const char *name);
/* Agent thread: unlists T (then handed to the probe thread to be freed). */
void store_remove(struct store *s, struct target *t);

/* Probe thread: AdminStatus changed; Status becomes unknown or disabled. */
void store_set_enabled(struct store *s, struct target *t, int enabled);

/* What recording a probe changed, for the notifications it calls for. */
struct record_result {
	enum server_status before;
	int slow;                              /* above latencyThreshold */
	int cert_expiring;                     /* smtpMonCertExpiring is due */
	int newly_listed;                      /* smtpMonServerListed is due */
	int listing_changed;                   /* DnsblZones changed */
};

/* Probe thread: records a finished probe and applies the status rules;
 * AFTER (may be NULL) gets the row's state. */
struct record_result store_record(struct store *s, struct target *t,
				  const struct target_config *cfg,
				  const struct probe_outcome *o, struct target_state *after);

struct dnsbl_verdicts;

/* Probe thread: records a DNSBL check of the row's address (listings, the
 * zones, and Status, which a listing makes degraded). */
struct record_result store_record_dnsbl(struct store *s, struct target *t,
					const struct target_config *cfg,
					const struct dnsbl_verdicts *v, struct target_state *after);

/* Agent thread, before the probe thread starts: state carried over from an
 * earlier load of the module (the plugin's reload). */
void store_restore(struct store *s, struct target *t, const struct target_state *st);
void store_restore_totals(struct store *s, const struct store_totals *carried);

/* Agent thread: T's explicit keys (packed, as they are rarely read). */
int target_set_spec(struct target *t, const struct target_config *spec);
void target_spec(const struct target *t, struct target_config *out);

/* Frees a target: the probe thread's, once the agent thread removed it. */
void store_target_free(struct target *t);

/* Agent thread: consistent copies for the MIB handlers. */
void store_snapshot(struct store *s, const struct target *t, struct target_state *out);
void store_totals(struct store *s, struct store_totals *out);

struct log_server;
/* What a log line (core/log_line.h) tells of ST; OUT points into ST. */
void target_state_log(const struct target_state *st, struct log_server *out);

#endif
