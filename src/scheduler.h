/* The probe thread: one libevent loop that fires each server's probes on its
 * schedule, spread over the interval, never overlapping for one server. */
#ifndef SMTPMON_SCHEDULER_H
#define SMTPMON_SCHEDULER_H

#include "store.h"

struct notify_queue;
struct scheduler;

/* HELO is the global name for servers that set none; changes of Status go
 * to NOTES as the notifications they call for. */
struct scheduler *scheduler_new(struct store *store, const char *helo,
				struct notify_queue *notes);

/* Starts the thread over the servers now in the store. */
int scheduler_start(struct scheduler *s);

/* Stops the loop and joins the thread; safe to call when not started. */
void scheduler_stop(struct scheduler *s);

void scheduler_free(struct scheduler *s);

#endif
