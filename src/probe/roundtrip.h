/* SPDX-License-Identifier: ISC */
/* The round-trip checks (smtpMonRoundTrip): each on its own schedule in the
 * probe thread's loop, sends a test message through its server, looks for
 * it in the mailbox until it arrives or the timeout passes, and records the
 * result under the set's lock; Failed/Recovered go to the notification
 * queue. The agent thread adds and removes checks through commands, as it
 * does with the scheduler's rows (doc/DESIGN.md section 1). */
#ifndef SMTPMON_ROUNDTRIP_H
#define SMTPMON_ROUNDTRIP_H

#include <pthread.h>
#include <stdint.h>

#include "core/roundtrip_config.h"
#include "core/roundtrip_status.h"
#include "core/state.h"

struct loop_parts;
struct notify_queue;

/* A row's state as the MIB shows it. */
struct roundtrip_state {
	struct roundtrip_track track;
	enum roundtrip_result result;
	char error[STATE_TEXT_MAX + 1];
	uint32_t send_us, delivery_us;
	uint64_t last_success_wall_us;         /* 0: never */
	uint32_t probes, failures;             /* Counter32, wrap */
	uint64_t counters_since_us;            /* monotonic: when they started from 0 */
};

struct rt_run;

struct roundtrip_check {
	struct roundtrip_config cfg;           /* fixed while the check lives */
	struct target_config server;           /* agent thread: the sending row, as last told */
	char mailbox[RT_URL_MAX + 1];          /* the Mailbox column */
	struct roundtrip_state st;             /* guarded by the set's lock */
	void *mib_row;                         /* agent thread only */
	const char *refused;                   /* agent thread: why its row may not be used */
	struct rt_run *run;                    /* probe thread only */
	struct roundtrip_check *next;          /* agent thread: the set's list */
};

struct roundtrips;

/* Agent thread, before the probe thread starts: the loop parts are the
 * probe thread's (scheduler_loop_parts); a check holds RT_PLACES of its
 * connection budget from its first run until it stops, and waits its turn
 * for them. HELO is the probes' EHLO name (scheduler_helo), read on the
 * probe thread as it changes. Notifications go to NOTES, failed checks and
 * changes of Status to ACTIVITY (the log). NULL when out of memory. */
struct roundtrips *roundtrips_new(const struct loop_parts *loop, struct notify_queue *notes,
				  struct notify_queue *activity, const char *helo);

/* A check's descriptors: two sessions at once (the last message's, still
 * saying QUIT, and a look into the mailbox), each curl's own two and at
 * most two connections (happy eyeballs). */
#define RT_PLACES 8

/* Agent thread: a new check through SERVER (its effective row), first run
 * after DELAY_US; disabled when the server is. NULL when out of memory. */
struct roundtrip_check *roundtrips_add(struct roundtrips *set, const struct roundtrip_config *cfg,
				       const struct target_config *server, uint64_t delay_us);

/* Agent thread: the sending row is now SERVER (a SET or a reload changed
 * it); disabled, the check stops and shows disabled until it is enabled. */
void roundtrips_set_server(struct roundtrips *set, struct roundtrip_check *c,
			   const struct target_config *server);

/* Agent thread: TEXT ("" to clear) as C's LastError while it cannot run. */
void roundtrips_set_note(struct roundtrips *set, struct roundtrip_check *c, const char *text);

/* Agent thread: unlists C; the probe thread stops and frees it. */
void roundtrips_remove(struct roundtrips *set, struct roundtrip_check *c);

/* Agent thread: the checks in configuration order. */
struct roundtrip_check *roundtrips_first(struct roundtrips *set);
struct roundtrip_check *roundtrips_find(struct roundtrips *set, const char *name);

/* Agent thread: a consistent copy for the MIB. */
void roundtrips_snapshot(struct roundtrips *set, const struct roundtrip_check *c,
			 struct roundtrip_state *out);

/* After the probe thread stopped: stops every check and frees it all. */
void roundtrips_free(struct roundtrips *set);

#endif
