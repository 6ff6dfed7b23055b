/* SPDX-License-Identifier: ISC */
/* The events that must become notifications, on their way from the probe
 * thread to the agent thread: a bounded queue plus a wake-up fd that the
 * agent's select loop watches (doc/DESIGN.md section 1). */
#ifndef SMTPMON_NOTIFY_QUEUE_H
#define SMTPMON_NOTIFY_QUEUE_H

#include "core/domain_status.h"
#include "core/roundtrip_status.h"
#include "core/state.h"
#include "core/target_config.h"

/* What the agent thread is told: a notification to send, or (on the
 * activity queue) a finished probe or a change of Status to record. */
enum event_type { EVENT_NOTIFICATION, EVENT_PROBE, EVENT_STATUS, EVENT_DNSBL,
		  EVENT_ROUNDTRIP /* a finished round trip, for the log (rt, before) */,
		  EVENT_HELO /* the host's fully qualified name (detail) found for the
			      * EHLO name cfg.opt.helo, now the probes' */,
		  EVENT_DOMAIN /* a domain watch (cfg.name) looked up its MX set */ };

struct notify_event {
	enum event_type type;
	enum status_notification kind;  /* EVENT_NOTIFICATION */
	enum server_status before;      /* EVENT_STATUS */
	struct target_config cfg;       /* the row, as it was when decided */
	struct target_state st;
	char detail[STATE_TEXT_MAX + 1]; /* EVENT_DNSBL: what the lists said */
	struct roundtrip_note rt;       /* NOTIFY_ROUNDTRIP_*: the check, not a server row */
	struct domain_note dn;          /* NOTIFY_DOMAIN_*: the watch, not a server row */
};

struct notify_queue;

/* Holds at most CAPACITY events; when full the oldest goes first. WAKE_AT:
 * poke the reader's fd when that many events wait, 1 as soon as one does
 * (0: the reader only polls). */
struct notify_queue *notify_queue_new(unsigned capacity, unsigned wake_at);
void notify_queue_free(struct notify_queue *q);

/* Any thread. Ignored while disabled; never blocks. */
void notify_queue_push(struct notify_queue *q, const struct notify_event *e);
void notify_queue_set_enabled(struct notify_queue *q, int enabled);
int notify_queue_enabled(struct notify_queue *q);

/* The consumer: readable while events wait (-1 for a queue that does not
 * wake its reader). pop returns 0 when empty. */
int notify_queue_fd(const struct notify_queue *q);
int notify_queue_pop(struct notify_queue *q, struct notify_event *out);
unsigned notify_queue_length(struct notify_queue *q);
void notify_queue_clear_wakeup(struct notify_queue *q);
void notify_queue_wakeup(struct notify_queue *q);

/* How many were dropped for want of room since the last call. */
unsigned notify_queue_take_dropped(struct notify_queue *q);

#endif
