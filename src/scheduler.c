#include "scheduler.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/thread.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "monotime.h"
#include "notify_queue.h"
#include "probe.h"
#include "smtpmon.h"
#include "tls.h"

/* One server's place in the schedule. */
struct slot {
	struct scheduler *sched;
	struct target *target;
	struct event *timer;
	uint64_t due_us;         /* monotonic time the next probe is due */
};

struct scheduler {
	struct store *store;
	struct notify_queue *notes;
	const struct smtpmon_settings *settings;
	char helo[TARGET_HELO_MAX + 1];
	SSL_CTX *tls;
	struct event_base *base;
	struct evdns_base *dns;
	struct probe_engine *engine;
	struct slot *slots;
	unsigned nslots;
	pthread_t thread;
	int running;
};

static void arm(struct slot *sl)
{
	uint64_t now = monotime_us();
	uint64_t wait = sl->due_us > now ? sl->due_us - now : 0;
	struct timeval tv = { (time_t)(wait / 1000000u), (suseconds_t)(wait % 1000000u) };

	evtimer_add(sl->timer, &tv);
}

static void push(struct scheduler *s, enum status_notification kind,
		 const struct target *t, const struct target_state *after)
{
	struct notify_event e;

	e.kind = kind;
	e.cfg = t->cfg;
	e.st = *after;
	notify_queue_push(s->notes, &e);
}

/* Hands the notifications a probe calls for to the agent thread. Degraded
 * by a certificate alone is told by smtpMonCertExpiring, not by
 * smtpMonServerDegraded, whose objects speak of latency. */
static void announce(struct scheduler *s, const struct target *t,
		     const struct record_result *r, const struct target_state *after)
{
	enum status_notification kinds[2];
	int n = status_notifications(r->before, after->track.status, kinds);

	if (!s->notes)
		return;
	for (int i = 0; i < n; i++)
		if (kinds[i] != NOTIFY_SERVER_DEGRADED || r->slow)
			push(s, kinds[i], t, after);
	if (r->cert_expiring)
		push(s, NOTIFY_CERT_EXPIRING, t, after);
}

/* Fixed rate: the next slot after now, so a slow probe skips, never piles up. */
static void on_probe_done(const struct probe_outcome *o, void *arg)
{
	struct slot *sl = arg;
	uint64_t interval = (uint64_t)sl->target->cfg.opt.interval_s * 1000000u;
	uint64_t now = monotime_us();
	struct target_state after;
	struct record_result r = store_record(sl->sched->store, sl->target, o, &after);

	announce(sl->sched, sl->target, &r, &after);
	sl->due_us += interval;
	if (sl->due_us <= now)
		sl->due_us += ((now - sl->due_us) / interval + 1) * interval;
	arm(sl);
}

static void on_due(evutil_socket_t fd, short what, void *arg)
{
	struct slot *sl = arg;
	struct probe_outcome failed;

	(void)fd;
	(void)what;
	if (probe_start(sl->sched->engine, &sl->target->cfg, sl->sched->helo,
			on_probe_done, sl) == 0)
		return;
	memset(&failed, 0, sizeof(failed));
	failed.result = RESULT_INTERNAL_ERROR;
	strcpy(failed.error, "internal error: could not start a probe (out of memory)");
	failed.finished_wall_us = walltime_us();
	on_probe_done(&failed, sl);
}

struct scheduler *scheduler_new(struct store *store, const struct smtpmon_settings *settings,
				struct notify_queue *notes)
{
	struct scheduler *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->store = store;
	s->notes = notes;
	s->settings = settings;
	snprintf(s->helo, sizeof(s->helo), "%s", settings->helo);
	return s;
}

static int make_loop(struct scheduler *s)
{
	char err[PATH_MAX + 64];

	s->tls = tls_context_new(s->settings->ca_file, s->settings->ca_path, err, sizeof(err));
	if (!s->tls) {
		snmp_log(LOG_ERR, "smtpmon: %s\n", err);
		return -1;
	}
	if (evthread_use_pthreads() != 0)
		return -1;
	s->base = event_base_new();
	if (!s->base)
		return -1;
	/* Without nameservers, literals and /etc/hosts still resolve. */
	s->dns = evdns_base_new(s->base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
				EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (!s->dns)
		s->dns = evdns_base_new(s->base, 0);
	s->engine = s->dns ? probe_engine_new(s->base, s->dns, s->tls) : NULL;
	return s->engine ? 0 : -1;
}

/* Spreads first probes over each interval so they are never fired together. */
static int make_slots(struct scheduler *s)
{
	uint64_t now = monotime_us();
	unsigned n = s->store->count;

	s->slots = calloc(n ? n : 1, sizeof(*s->slots));
	if (!s->slots)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		struct slot *sl = &s->slots[s->nslots];
		struct target *t = s->store->targets[i];
		uint64_t interval = (uint64_t)t->cfg.opt.interval_s * 1000000u;

		if (!t->cfg.opt.enabled)
			continue;
		sl->sched = s;
		sl->target = t;
		sl->timer = evtimer_new(s->base, on_due, sl);
		if (!sl->timer)
			return -1;
		sl->due_us = now + interval * i / n;
		arm(sl);
		s->nslots++;
	}
	return 0;
}

static void *run(void *arg)
{
	struct scheduler *s = arg;

	event_base_loop(s->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

int scheduler_start(struct scheduler *s)
{
	sigset_t all, old;
	int rc;

	if (make_loop(s) != 0 || make_slots(s) != 0)
		return -1;
	/* Signals belong to the agent thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&s->thread, NULL, run, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -1;
	s->running = 1;
	return 0;
}

void scheduler_stop(struct scheduler *s)
{
	if (!s || !s->running)
		return;
	event_base_loopbreak(s->base);
	pthread_join(s->thread, NULL);
	s->running = 0;
}

void scheduler_free(struct scheduler *s)
{
	if (!s)
		return;
	scheduler_stop(s);
	for (unsigned i = 0; i < s->nslots; i++)
		event_free(s->slots[i].timer);
	free(s->slots);
	probe_engine_free(s->engine);
	if (s->dns)
		evdns_base_free(s->dns, 0);
	if (s->base)
		event_base_free(s->base);
	SSL_CTX_free(s->tls);
	free(s);
}
