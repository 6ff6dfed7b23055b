/* SPDX-License-Identifier: ISC */
#include "agent/activity.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agent/mib_history_table.h"
#include "core/log_line.h"
#include "shared/notify_queue.h"
#include "shared/store.h"

/* Enough per turn to keep up, few enough to let the loop serve SNMP
 * between turns. */
#define BATCH 2048
#define TICK_US 1000000

struct activity {
	unsigned alarm;
	struct notify_queue *q;
	struct store *store;
	struct history_table *history;
	void (*on_helo)(const char *asked, const char *name, void *arg);
	void *on_helo_arg;
	void (*looked_up)(const char *watch, void *arg);
	void (*row_changed)(const char *row, void *arg);
	void *domain_arg;
};

static void log_failure(const struct notify_event *e)
{
	struct log_server s;
	char line[LOG_LINE_MAX];

	target_state_log(&e->st, &s);
	log_line_probe_failed(line, sizeof(line), &e->cfg, &s);
	snmp_log(log_level_probe_failed(e->st.track.status), "%s\n", line);
}

static void log_status(const struct notify_event *e)
{
	struct log_server s;
	char line[LOG_LINE_MAX];

	target_state_log(&e->st, &s);
	log_line_status_changed(line, sizeof(line), &e->cfg, &s, e->before);
	snmp_log(log_level_status_changed(e->st.track.status), "%s\n", line);
}

static void log_dnsbl(const struct notify_event *e)
{
	struct log_server s;
	char line[LOG_LINE_MAX];

	target_state_log(&e->st, &s);
	log_line_dnsbl_checked(line, sizeof(line), &e->cfg, &s, e->detail);
	snmp_log(e->st.dnsbl_listings ? LOG_WARNING : LOG_INFO, "%s\n", line);
}

/* A round trip (issue 12): every failed check, and every change of Status. */
static void log_roundtrip(const struct notify_event *e)
{
	char line[LOG_LINE_MAX];

	if (e->rt.result != RT_OK) {
		log_line_roundtrip_failed(line, sizeof(line), &e->rt);
		snmp_log(log_level_roundtrip_failed(e->before), "%s\n", line);
	}
	if (e->rt.status != e->before) {
		log_line_roundtrip_changed(line, sizeof(line), &e->rt, e->before);
		snmp_log(log_level_status_changed(e->rt.status), "%s\n", line);
	}
}

static void take(struct activity *a, const struct notify_event *e)
{
	struct target *t;

	if (e->type == EVENT_ROUNDTRIP) {
		log_roundtrip(e);
		return;
	}
	if (e->type == EVENT_HELO) {
		if (a->on_helo)
			a->on_helo(e->cfg.opt.helo, e->detail, a->on_helo_arg);
		return;
	}

	if (e->type == EVENT_DNSBL) {
		log_dnsbl(e);
		return;
	}
	if (e->type == EVENT_STATUS) {
		log_status(e);
		if (a->row_changed)
			a->row_changed(e->cfg.name, a->domain_arg);
		return;
	}
	if (e->type == EVENT_DOMAIN) {
		if (a->looked_up)
			a->looked_up(e->cfg.name, a->domain_arg);
		return;
	}
	t = store_find(a->store, e->cfg.name);
	if (t)
		history_record(a->history, t, &e->st.last);
	if (e->st.last.result != RESULT_OK)
		log_failure(e);
}

/* Log lines are not urgent: the agent thread takes the probes once a
 * second, in a batch, instead of waking for every probe (each wake-up of
 * the agent's loop costs a few hundred microseconds of CPU here: ten a
 * second were 2.3 ms a second with nothing to do). The history table takes
 * them itself before it answers, so it is never behind when read. */
static void take_batch(struct activity *a)
{
	struct notify_event e;

	for (int i = 0; i < BATCH && notify_queue_pop(a->q, &e); i++)
		take(a, &e);
	/* Still many: come back after the loop has served the master. */
	if (notify_queue_length(a->q) >= ACTIVITY_WAKE_AT)
		notify_queue_wakeup(a->q);
	if (notify_queue_take_dropped(a->q))
		snmp_log(LOG_WARNING, "smtpmon: the agent thread fell behind; some history "
			 "entries were lost\n");
}

static void on_tick(unsigned clientreg, void *arg)
{
	(void)clientreg;
	take_batch(arg);
}

/* ACTIVITY_WAKE_AT probes wait: take them now rather than at the tick. */
static void on_many(int fd, void *arg)
{
	struct activity *a = arg;

	(void)fd;
	notify_queue_clear_wakeup(a->q);
	take_batch(a);
}

void activity_flush(struct activity *a)
{
	struct notify_event e;

	while (a && notify_queue_pop(a->q, &e))
		take(a, &e);
}

static void refresh(void *arg)
{
	activity_flush(arg);
}

struct activity *activity_start(struct notify_queue *q, struct store *store,
				struct history_table *history)
{
	struct activity *a = SNMP_MALLOC_TYPEDEF(struct activity);

	if (!a)
		return NULL;
	a->q = q;
	a->store = store;
	a->history = history;
	a->alarm = snmp_alarm_register_hr((struct timeval){ TICK_US / 1000000, TICK_US % 1000000 },
					  SA_REPEAT, on_tick, a);
	history_table_set_refresh(history, refresh, a);
	register_readfd(notify_queue_fd(q), on_many, a);
	return a;
}

void activity_on_helo(struct activity *a,
		      void (*fn)(const char *asked, const char *name, void *arg), void *arg)
{
	a->on_helo = fn;
	a->on_helo_arg = arg;
}

void activity_on_domain(struct activity *a, void (*looked_up)(const char *watch, void *arg),
			void (*row_changed)(const char *row, void *arg), void *arg)
{
	a->looked_up = looked_up;
	a->row_changed = row_changed;
	a->domain_arg = arg;
}

void activity_stop(struct activity *a)
{
	if (!a)
		return;
	snmp_alarm_unregister(a->alarm);
	unregister_readfd(notify_queue_fd(a->q));
	history_table_set_refresh(a->history, NULL, NULL);
	SNMP_FREE(a);
}
