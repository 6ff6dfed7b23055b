/* SPDX-License-Identifier: ISC */
/* What every finished probe and change of Status leaves behind on the agent
 * thread: a history entry, and a log line for failures and changes, so that
 * the log alone tells what happened, when, and what the server said. */
#ifndef SMTPMON_ACTIVITY_H
#define SMTPMON_ACTIVITY_H

struct notify_queue;
struct store;
struct history_table;
struct activity;

/* The activity queue pokes the agent thread when this many probes wait, so
 * that between its ticks (once a second) they never hold more than this
 * many events (3.5 KiB each) at any rate of probes. */
#define ACTIVITY_WAKE_AT 256

/* Q: made with notify_queue_new(..., ACTIVITY_WAKE_AT). */
struct activity *activity_start(struct notify_queue *q, struct store *store,
				struct history_table *history);
/* The probe thread found the host's fully qualified name NAME for the EHLO
 * name ASKED (EVENT_HELO): FN is told, on the agent thread. */
void activity_on_helo(struct activity *a,
		      void (*fn)(const char *asked, const char *name, void *arg), void *arg);

/* A domain watch looked up its MX set (EVENT_DOMAIN), or a row changed
 * Status (EVENT_STATUS): FN is told the watch's or the row's name, on the
 * agent thread, after the change was logged. */
void activity_on_domain(struct activity *a, void (*looked_up)(const char *watch, void *arg),
			void (*row_changed)(const char *row, void *arg), void *arg);

/* After the probe thread stopped: what it left is recorded and logged. */
void activity_flush(struct activity *a);
void activity_stop(struct activity *a);

#endif
