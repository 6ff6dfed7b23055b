/* The target store: every monitored server's configuration and latest state.
 * The only state shared between the agent thread and the probe thread; each
 * side holds its mutex only to copy a row in or out (doc/DESIGN.md section 1). */
#ifndef SMTPMON_STORE_H
#define SMTPMON_STORE_H

#include <pthread.h>
#include <stdint.h>

#include "core/probe_result.h"
#include "core/server_status.h"
#include "core/target_config.h"

#define STATE_TEXT_MAX 255   /* DisplayString (SIZE(0..255)) columns */

/* What a completed TLS handshake showed of the server's leaf certificate. */
struct tls_facts {
	int have_cert;
	char version[16];                      /* "TLSv1.3" */
	uint64_t not_after_wall_us;
	int32_t days_left;                     /* negative once expired */
	unsigned char fingerprint[32];         /* SHA-256, to tell a new certificate */
	char subject[STATE_TEXT_MAX + 1];      /* RFC 2253 */
	char issuer[STATE_TEXT_MAX + 1];
};

/* What one finished probe found: written by the probe engine. */
struct probe_outcome {
	enum probe_result result;
	enum probe_stage stage;                /* where it ended */
	int reply_code;                        /* the reply that decided, 0 if none */
	uint32_t elapsed_us;                   /* start (resolution included) to decision */
	uint32_t latency_us, connect_us, banner_us, helo_us, tls_us;
	int addr_family;                       /* AF_INET, AF_INET6 or 0 */
	unsigned char addr[16];
	uint64_t finished_wall_us;
	struct tls_facts tls;                  /* kept from the last handshake */
	/* the texts last, as in tls_facts, for the store's packed copy */
	char last_reply[STATE_TEXT_MAX + 1];   /* last reply line received, if any */
	char error[STATE_TEXT_MAX + 1];        /* empty on success */
	char banner[STATE_TEXT_MAX + 1];       /* first greeting line, empty if none */
	char ehlo_keywords[STATE_TEXT_MAX + 1];
};

/* A row's state as the MIB shows it. The store keeps it packed (packed.h):
 * every number comes before the first text field. */
struct target_state {
	struct status_track track;
	struct cert_track cert;                /* smtpMonCertExpiring already sent? */
	uint64_t last_probe_wall_us;           /* 0: never probed */
	uint64_t last_change_wall_us;          /* 0: Status never changed */
	uint32_t probes, failures;             /* Counter32, wrap */
	unsigned dnsbl_listings;               /* DnsblListings */
	struct probe_outcome last;             /* LastBanner kept from the last greeting */
	char dnsbl_zones[STATE_TEXT_MAX + 1];  /* DnsblZones: the lists that list it */
};

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
};

struct store_totals {
	unsigned servers, down;
	uint64_t probes, failures;
};

struct store {
	pthread_mutex_t lock;
	struct target **targets;               /* in configuration order */
	struct target **by_name;               /* the same, sorted by name (store_find) */
	unsigned count, cap;
	uint64_t probes_total, failures_total;
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
void store_restore_totals(struct store *s, uint64_t probes, uint64_t failures);

/* Agent thread: T's explicit keys (packed, as they are rarely read). */
int target_set_spec(struct target *t, const struct target_config *spec);
void target_spec(const struct target *t, struct target_config *out);

/* Frees a target: the probe thread's, once the agent thread removed it. */
void store_target_free(struct target *t);

/* Agent thread: consistent copies for the MIB handlers. */
void store_snapshot(struct store *s, const struct target *t, struct target_state *out);
void store_totals(struct store *s, struct store_totals *out);

#endif
