/* The probe thread: one libevent loop that fires each server's probes on its
 * schedule, spread over the interval, never overlapping for one server. */
#ifndef SMTPMON_SCHEDULER_H
#define SMTPMON_SCHEDULER_H

#include <openssl/ssl.h>

#include "shared/store.h"

struct event_base;
struct evdns_base;
struct notify_queue;
struct scheduler;
struct smtpmon_settings;

/* Agent thread. SETTINGS gives the global EHLO name and the trust anchors
 * (loaded now); changes of Status go to NOTES as the notifications they
 * call for, and every finished probe and change of Status to ACTIVITY
 * (history and log). NULL, with the reason logged, when it cannot be set up. */
struct scheduler *scheduler_new(struct store *store, const struct smtpmon_settings *settings,
				struct notify_queue *notes, struct notify_queue *activity);

/* Starts the probe thread. Returns 0, or -1. */
int scheduler_start(struct scheduler *s);

/* Agent thread: changes to the schedule, carried out by the probe thread in
 * the order given (the command queue of doc/DESIGN.md section 1). */
void scheduler_add(struct scheduler *s, struct target *t, const struct target_config *cfg,
		   uint64_t delay_us);
void scheduler_update(struct scheduler *s, struct target *t, const struct target_config *cfg);
/* T must already be out of the store: the probe thread frees it. */
void scheduler_remove(struct scheduler *s, struct target *t);
void scheduler_set_helo(struct scheduler *s, const char *helo);
struct dnsbl_zones;
void scheduler_set_dnsbl_zones(struct scheduler *s, const struct dnsbl_zones *zones);

/* The probe thread's loop, resolver and TLS context, for the round-trip
 * checks that run on the same loop (roundtrip.c). */
void scheduler_loop_parts(const struct scheduler *s, struct event_base **base,
			  struct evdns_base **dns, SSL_CTX **tls);

/* Stops the loop and joins the thread; safe to call when not started. */
void scheduler_stop(struct scheduler *s);

void scheduler_free(struct scheduler *s);

#endif
