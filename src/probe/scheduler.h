/* SPDX-License-Identifier: ISC */
/* The probe thread: one libevent loop that fires each server's probes on its
 * schedule, spread over the interval, never overlapping for one server. */
#ifndef SMTPMON_SCHEDULER_H
#define SMTPMON_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

struct fqdn_names;
struct loop_parts;
struct store;
struct target;
struct target_config;

struct notify_queue;
struct scheduler;
struct smtpmon_settings;

/* Agent thread. SETTINGS gives the global EHLO name and what the probe
 * thread is made of (probe_thread.h); at most MAX_CONNECTIONS connections
 * are open at once (0: no limit), probes beyond them wait their turn;
 * changes of Status go to NOTES as the notifications they call for, and
 * every finished probe and change of Status to ACTIVITY (history and log).
 * NULL, with the reason in ERR, when it cannot be set up; else ERR holds a
 * warning or is empty. */
struct scheduler *scheduler_new(struct store *store, const struct smtpmon_settings *settings,
				unsigned max_connections, struct notify_queue *notes,
				struct notify_queue *activity, char *err, size_t errlen);

/* Starts the probe thread. Returns 0, or -1. */
int scheduler_start(struct scheduler *s);

/* Agent thread: changes to the schedule, carried out by the probe thread in
 * the order given (the command queue of doc/DESIGN.md section 1). Each returns 0,
 * or -1 when out of memory: the change is lost, for the caller to say. */
int scheduler_add(struct scheduler *s, struct target *t, const struct target_config *cfg,
		  uint64_t delay_us);
int scheduler_update(struct scheduler *s, struct target *t, const struct target_config *cfg);
/* T must already be out of the store: the probe thread frees it. */
int scheduler_remove(struct scheduler *s, struct target *t);
/* HELO from now on; with ASK (NULL or empty: none), the probe thread asks
 * its resolver for those names in turn, and the first that resolves takes
 * HELO's place, unless another name was set meanwhile; the agent thread
 * hears of it on the activity queue (EVENT_HELO). */
int scheduler_set_helo(struct scheduler *s, const char *helo, const struct fqdn_names *ask);
/* The EHLO name probes use, for code on the probe thread's loop (the round
 * trips): read it there only, and only after scheduler_new. */
const char *scheduler_helo(const struct scheduler *s);
struct dnsbl_zones;
int scheduler_set_dnsbl_zones(struct scheduler *s, const struct dnsbl_zones *zones);

/* How late probes started, for the log at the end. */
struct lateness_summary {
	unsigned long long count;
	uint64_t median_us, p99_us, max_us;
};

/* After scheduler_stop(): 1 with OUT filled when probes ran, else 0. */
int scheduler_lateness(const struct scheduler *s, struct lateness_summary *out);

/* The probe thread's loop, resolver, TLS context and connection budget,
 * for the round-trip checks that run on the same loop (roundtrip.c). */
void scheduler_loop_parts(const struct scheduler *s, struct loop_parts *out);

/* Stops the loop and joins the thread; safe to call when not started. */
void scheduler_stop(struct scheduler *s);

void scheduler_free(struct scheduler *s);

#endif
