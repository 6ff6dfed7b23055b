/* The probe thread: one libevent loop that fires each server's probes on its
 * schedule, spread over the interval, never overlapping for one server. */
#ifndef SMTPMON_SCHEDULER_H
#define SMTPMON_SCHEDULER_H

#include "store.h"

struct notify_queue;
struct scheduler;
struct smtpmon_settings;

/* SETTINGS gives the global EHLO name and the trust anchors; changes of
 * Status go to NOTES as the notifications they call for. */
struct scheduler *scheduler_new(struct store *store, const struct smtpmon_settings *settings,
				struct notify_queue *notes);

/* Agent thread: loads the trust anchors, then starts the thread over the
 * servers now in the store. Returns 0, or -1 with the reason logged. */
int scheduler_start(struct scheduler *s);

/* Stops the loop and joins the thread; safe to call when not started. */
void scheduler_stop(struct scheduler *s);

void scheduler_free(struct scheduler *s);

#endif
