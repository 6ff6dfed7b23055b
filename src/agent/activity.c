#include "agent/activity.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "agent/mib_history_table.h"
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
};

static void where(const struct notify_event *e, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN] = "", host[TARGET_WHERE_MAX];
	const struct probe_outcome *o = &e->st.last;

	if (o->addr_family)
		inet_ntop(o->addr_family, o->addr, addr, sizeof(addr));
	target_where(&e->cfg, 1, host, sizeof(host));
	snprintf(buf, size, "%s%s%s", host, addr[0] ? " at " : "", addr);
}

static void log_failure(const struct notify_event *e)
{
	const struct probe_outcome *o = &e->st.last;
	char at[TARGET_HOST_MAX + INET6_ADDRSTRLEN + 16];

	where(e, at, sizeof(at));
	snmp_log(LOG_WARNING, "smtpmon: probe of %s (%s) failed at %s after %.1f ms: %s, "
		 "reply %d: %s\n", e->cfg.name, at, probe_stage_name(o->stage),
		 o->elapsed_us / 1000.0, probe_result_name(o->result), o->reply_code, o->error);
}

static void log_status(const struct notify_event *e)
{
	const struct probe_outcome *o = &e->st.last;
	char at[TARGET_HOST_MAX + INET6_ADDRSTRLEN + 16];

	where(e, at, sizeof(at));
	snmp_log(LOG_NOTICE, "smtpmon: server %s (%s) is now %s (was %s): %s, reply %d%s%s\n",
		 e->cfg.name, at, status_name(e->st.track.status), status_name(e->before),
		 probe_result_name(o->result), o->reply_code, o->error[0] ? ": " : "", o->error);
}

static void log_dnsbl(const struct notify_event *e)
{
	char at[TARGET_HOST_MAX + INET6_ADDRSTRLEN + 16];

	where(e, at, sizeof(at));
	snmp_log(e->st.dnsbl_listings ? LOG_WARNING : LOG_INFO,
		 "smtpmon: blocklist check of %s (%s): %s\n", e->cfg.name, at, e->detail);
}

/* A round trip (issue 12): every failed check, and every change of Status. */
static void log_roundtrip(const struct notify_event *e)
{
	const struct roundtrip_note *n = &e->rt;

	if (n->result != RT_OK)
		snmp_log(LOG_WARNING, "smtpmon: round trip %s through %s failed: %s: %s\n",
			 n->name, n->server, roundtrip_result_name(n->result), n->error);
	if (n->status != e->before)
		snmp_log(LOG_NOTICE, "smtpmon: round trip %s through %s is now %s (was %s)\n",
			 n->name, n->server, status_name(n->status), status_name(e->before));
}

static void take(struct activity *a, const struct notify_event *e)
{
	struct target *t;

	if (e->type == EVENT_ROUNDTRIP) {
		log_roundtrip(e);
		return;
	}

	if (e->type == EVENT_DNSBL) {
		log_dnsbl(e);
		return;
	}
	if (e->type == EVENT_STATUS) {
		log_status(e);
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

void activity_stop(struct activity *a)
{
	if (!a)
		return;
	snmp_alarm_unregister(a->alarm);
	unregister_readfd(notify_queue_fd(a->q));
	history_table_set_refresh(a->history, NULL, NULL);
	SNMP_FREE(a);
}
