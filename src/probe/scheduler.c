/* SPDX-License-Identifier: ISC */
#include "probe/scheduler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "core/fqdn.h"
#include "core/lateness.h"
#include "core/monotime.h"
#include "core/packed.h"
#include "core/settings.h"
#include "probe/conn_gate.h"
#include "probe/dnsbl_check.h"
#include "probe/helo_lookup.h"
#include "probe/probe.h"
#include "probe/probe_thread.h"
#include "probe/tls.h"
#include "shared/loop_commands.h"
#include "shared/notify_queue.h"
#include "shared/store.h"

/* One server's place in the schedule; probe thread only. */
struct slot {
	struct scheduler *sched;
	struct target *target;       /* its state is shared, under the store lock */
	struct packed *cfg;          /* the probe thread's own copy, packed */
	uint32_t interval_s, dnsbl_interval_s;  /* cfg's numbers the loop reads often */
	int enabled, check_dnsbl;
	struct event *timer;
	struct probe *running;
	struct fd_waiter room;       /* due, waiting for a place to open a connection */
	uint64_t due_us;             /* monotonic time the next probe is due */
	struct event *dnsbl_timer;   /* the next blocklist check */
	struct dnsbl_run *dnsbl;     /* the check under way */
	int addr_family;             /* the address the last probe reached, 0: none */
	unsigned char addr[16];
	struct slot *prev, *next;
};

enum command_kind { CMD_ADD, CMD_UPDATE, CMD_REMOVE, CMD_HELO, CMD_ZONES };

/* What the agent thread asks of the probe thread; small, as ten thousand
 * CMD_ADDs wait at start-up. The pointers are the command's own. */
struct command {
	struct loop_command link;    /* first: the queue's */
	enum command_kind kind;
	struct target *target;
	struct packed *cfg;          /* CMD_ADD, CMD_UPDATE: passes to the slot */
	uint64_t delay_us;
	char *helo;                  /* CMD_HELO */
	struct fqdn_names *ask;      /* CMD_HELO: its fully qualified forms to try */
	struct dnsbl_zones *zones;   /* CMD_ZONES */
};

struct scheduler {
	struct store *store;
	struct notify_queue *notes;
	struct notify_queue *activity;
	char helo[TARGET_HELO_MAX + 1];
	struct helo_lookup *lookup;  /* the fully qualified form of ... */
	char helo_asked[TARGET_HELO_MAX + 1];   /* ... this EHLO name, under way */
	struct probe_thread *thread;
	struct dnsbl_zones zones;    /* smtpMonDnsbl */
	struct probe_engine *engine;
	struct slot *slots;
	struct loop_commands *commands;
	struct lateness late;         /* probe thread; read after it stopped */
};

static void arm(struct slot *sl)
{
	uint64_t now = monotime_us();
	uint64_t wait = sl->due_us > now ? sl->due_us - now : 0;
	struct timeval tv = { (time_t)(wait / 1000000u), (suseconds_t)(wait % 1000000u) };

	evtimer_add(sl->timer, &tv);
}

static void push(struct notify_queue *q, enum event_type type, enum status_notification kind,
		 enum server_status before, const struct target_config *cfg,
		 const struct target_state *after)
{
	struct notify_event e;

	e.type = type;
	e.kind = kind;
	e.before = before;
	e.cfg = *cfg;
	e.st = *after;
	notify_queue_push(q, &e);
}

/* Hands the notifications a probe calls for to the agent thread. Degraded
 * by a certificate alone is told by smtpMonCertExpiring, not by
 * smtpMonServerDegraded, whose objects speak of latency. */
static void announce(struct scheduler *s, const struct target_config *cfg,
		     const struct record_result *r, const struct target_state *after)
{
	enum status_notification kinds[2];
	int n = status_notifications(r->before, after->track.status, kinds);

	if (!s->notes)
		return;
	for (int i = 0; i < n; i++)
		if (kinds[i] != NOTIFY_SERVER_DEGRADED || r->slow)
			push(s->notes, EVENT_NOTIFICATION, kinds[i], r->before, cfg, after);
	if (r->cert_expiring)
		push(s->notes, EVENT_NOTIFICATION, NOTIFY_CERT_EXPIRING, r->before, cfg, after);
	if (r->newly_listed)
		push(s->notes, EVENT_NOTIFICATION, NOTIFY_SERVER_LISTED, r->before, cfg, after);
}

/* Every probe goes to the history and, when it failed, to the log; so does
 * every change of Status (doc/DESIGN.md section 3: the log alone tells the story). */
static void report(struct scheduler *s, const struct target_config *cfg,
		   const struct record_result *r, const struct target_state *after)
{
	if (!s->activity)
		return;
	push(s->activity, EVENT_PROBE, 0, r->before, cfg, after);
	if (r->before != after->track.status)
		push(s->activity, EVENT_STATUS, 0, r->before, cfg, after);
}

/* --- blocklist checks ------------------------------------------------------ */

static int dnsbl_wanted(const struct slot *sl)
{
	return sl->sched->zones.n && sl->check_dnsbl && sl->enabled;
}

static void dnsbl_arm(struct slot *sl, uint64_t delay_us)
{
	struct timeval tv = { (time_t)(delay_us / 1000000u), (suseconds_t)(delay_us % 1000000u) };

	evtimer_add(sl->dnsbl_timer, &tv);
}

/* The first check as soon as a probe has found the address. */
static void dnsbl_kick(struct slot *sl)
{
	if (dnsbl_wanted(sl) && !sl->dnsbl && !evtimer_pending(sl->dnsbl_timer, NULL))
		dnsbl_arm(sl, 0);
}

/* For the log: which lists list it, and what the others got wrong. */
static int dnsbl_detail(const struct dnsbl_verdicts *v, const struct target_state *st,
			int changed, char *out, size_t size)
{
	size_t len = (size_t)snprintf(out, size, "%u listing%s%s%s", st->dnsbl_listings,
				      st->dnsbl_listings == 1 ? "" : "s",
				      st->dnsbl_listings ? ": " : "", st->dnsbl_zones);
	int errors = 0;

	for (unsigned i = 0; i < v->n && len < size; i++) {
		if (v->answer[i] != DNSBL_LIST_ERROR)
			continue;
		len += (size_t)snprintf(out + len, size - len, "; %s %s", v->zone[i], v->why[i]);
		errors++;
	}
	return changed || errors;
}

static void dnsbl_record(struct slot *sl, const struct dnsbl_verdicts *v)
{
	struct scheduler *s = sl->sched;
	struct target_state after;
	struct target_config cfg;
	struct record_result r;
	struct notify_event e = { .type = EVENT_DNSBL };

	unpack(&target_config_layout, sl->cfg, &cfg);
	r = store_record_dnsbl(s->store, sl->target, &cfg, v, &after);
	e.before = r.before;
	if (s->activity && dnsbl_detail(v, &after, r.listing_changed, e.detail, sizeof(e.detail))) {
		e.cfg = cfg;
		e.st = after;
		notify_queue_push(s->activity, &e);
	}
	if (s->activity && r.before != after.track.status)
		push(s->activity, EVENT_STATUS, 0, r.before, &cfg, &after);
	announce(s, &cfg, &r, &after);
}

static void on_dnsbl_done(const struct dnsbl_verdicts *v, void *arg)
{
	struct slot *sl = arg;

	sl->dnsbl = NULL;
	dnsbl_record(sl, v);
	dnsbl_arm(sl, (uint64_t)sl->dnsbl_interval_s * 1000000u);
}

static void on_dnsbl_due(evutil_socket_t fd, short what, void *arg)
{
	struct slot *sl = arg;

	(void)fd;
	(void)what;
	if (!dnsbl_wanted(sl) || sl->dnsbl || !sl->addr_family)
		return;            /* the next probe that finds the address starts it */
	sl->dnsbl = dnsbl_run_start(probe_thread_dns(sl->sched->thread), &sl->sched->zones, sl->addr_family,
				    sl->addr, on_dnsbl_done, sl);
	if (!sl->dnsbl)     /* decided at once, or could not start: next round */
		dnsbl_arm(sl, (uint64_t)sl->dnsbl_interval_s * 1000000u);
}

/* No more checks for this row (or none configured): what lists said goes. */
static void dnsbl_stop(struct slot *sl, int forget)
{
	struct dnsbl_verdicts none = { 0 };

	evtimer_del(sl->dnsbl_timer);
	if (sl->dnsbl)
		dnsbl_run_abandon(sl->dnsbl);
	sl->dnsbl = NULL;
	if (forget)
		dnsbl_record(sl, &none);
}

/* --- probes ------------------------------------------------------------------ */

/* Fixed rate: the next slot after now, so a slow probe skips, never piles up. */
static void on_probe_done(const struct probe_outcome *o, void *arg)
{
	struct slot *sl = arg;
	uint64_t interval = (uint64_t)sl->interval_s * 1000000u;
	uint64_t now = monotime_us();
	struct target_state after;
	struct target_config cfg;
	struct record_result r;

	unpack(&target_config_layout, sl->cfg, &cfg);
	r = store_record(sl->sched->store, sl->target, &cfg, o, &after);

	sl->running = NULL;
	if (o->addr_family) {
		sl->addr_family = o->addr_family;
		memcpy(sl->addr, o->addr, sizeof(sl->addr));
		dnsbl_kick(sl);
	}
	report(sl->sched, &cfg, &r, &after);
	announce(sl->sched, &cfg, &r, &after);
	sl->due_us += interval;
	if (sl->due_us <= now)
		sl->due_us += ((now - sl->due_us) / interval + 1) * interval;
	arm(sl);
}

/* With a place taken for it: a probe that waited for one was late by as
 * long, and its lateness says so. */
static void start_probe(void *arg)
{
	struct slot *sl = arg;
	struct probe_outcome failed;
	struct target_config cfg;
	struct probe *p;
	uint64_t now = monotime_us();

	lateness_record(&sl->sched->late, now > sl->due_us ? now - sl->due_us : 0);
	unpack(&target_config_layout, sl->cfg, &cfg);
	if (probe_start(sl->sched->engine, &cfg, sl->sched->helo, on_probe_done, sl, &p) == 0) {
		sl->running = p;   /* NULL when it was decided at once */
		return;
	}
	memset(&failed, 0, sizeof(failed));
	failed.result = RESULT_INTERNAL_ERROR;
	strcpy(failed.error, "internal error: could not start a probe (out of memory)");
	failed.finished_wall_us = walltime_us();
	on_probe_done(&failed, sl);
}

/* No more connections than the budget allows (the file limit less its
 * reserve): a probe that finds no place waits its turn and starts as soon
 * as a connection closes; waiting is never the server's failure. */
static void on_due(evutil_socket_t fd, short what, void *arg)
{
	struct slot *sl = arg;
	struct conn_gate *gate = probe_thread_gate(sl->sched->thread);

	(void)fd;
	(void)what;
	if (conn_gate_take(gate, 1))
		start_probe(sl);
	else
		conn_gate_wait(gate, &sl->room, 1, start_probe, sl);
}

/* --- commands from the agent thread ------------------------------------- */

static void stop_slot(struct slot *sl)
{
	evtimer_del(sl->timer);
	conn_gate_cancel(probe_thread_gate(sl->sched->thread), &sl->room);
	if (sl->running)
		probe_abandon(sl->running);
	sl->running = NULL;
	dnsbl_stop(sl, 0);
}

/* Due times fall on a 100 ms grid: probes still spread over the interval
 * (ten ticks a second at the shortest, 1 s), but those due close together
 * start on one wake-up of the loop and share some of its later ones, as a
 * wake-up costs more than the work it does. Measured at 100 servers a
 * second, interleaved runs: 175 us of CPU per probe on a 20 ms grid, 145 on
 * 100 ms, 155 on 250 ms; lateness p99 under 10 ms on each. Intervals are
 * whole seconds, so a slot stays on the grid. */
#define GRID_US 100000u

static uint64_t on_grid(uint64_t t_us)
{
	return (t_us + GRID_US - 1) / GRID_US * GRID_US;
}

static void start_slot(struct slot *sl, uint64_t delay_us)
{
	sl->due_us = on_grid(monotime_us() + delay_us);
	if (sl->enabled)
		arm(sl);
}

/* The slot takes the command's configuration. */
static void take_config(struct slot *sl, struct command *c)
{
	struct target_config n;

	unpack_numbers(&target_config_layout, c->cfg, &n);
	free(sl->cfg);
	sl->cfg = c->cfg;
	c->cfg = NULL;
	sl->interval_s = n.opt.interval_s;
	sl->dnsbl_interval_s = n.opt.dnsbl_interval_s;
	sl->enabled = n.opt.enabled;
	sl->check_dnsbl = n.opt.dnsbl;
}

static void add_slot(struct scheduler *s, struct command *c)
{
	struct slot *sl = calloc(1, sizeof(*sl));

	if (!sl || !(sl->timer = evtimer_new(probe_thread_base(s->thread), on_due, sl)) ||
	    !(sl->dnsbl_timer = evtimer_new(probe_thread_base(s->thread), on_dnsbl_due, sl))) {
		if (sl && sl->timer)
			event_free(sl->timer);
		free(sl);
		return;
	}
	sl->sched = s;
	sl->target = c->target;
	take_config(sl, c);
	c->target->probe_slot = sl;
	sl->next = s->slots;
	if (s->slots)
		s->slots->prev = sl;
	s->slots = sl;
	start_slot(sl, c->delay_us);
}

/* A changed row restarts its schedule; its counters and status stay. */
static void update_slot(struct scheduler *s, struct command *c)
{
	struct slot *sl = c->target->probe_slot;
	struct target_config was, now;

	if (!sl)
		return;
	stop_slot(sl);
	unpack(&target_config_layout, sl->cfg, &was);
	unpack(&target_config_layout, c->cfg, &now);
	if (was.opt.enabled != now.opt.enabled)
		store_set_enabled(s->store, sl->target, now.opt.enabled);
	if (strcmp(was.host, now.host) != 0 || was.opt.family != now.opt.family)
		sl->addr_family = 0;     /* the next probe finds the address to check */
	take_config(sl, c);
	if (!dnsbl_wanted(sl))
		dnsbl_stop(sl, 1);
	start_slot(sl, 0);
}

/* New smtpMonDnsbl zones: every row is checked again at once. */
static void set_zones(struct scheduler *s, const struct dnsbl_zones *zones)
{
	s->zones = *zones;
	for (struct slot *sl = s->slots; sl; sl = sl->next) {
		dnsbl_stop(sl, !dnsbl_wanted(sl));
		if (sl->addr_family)
			dnsbl_kick(sl);
	}
}

static void free_slot(struct scheduler *s, struct slot *sl)
{
	stop_slot(sl);
	if (sl->prev)
		sl->prev->next = sl->next;
	else
		s->slots = sl->next;
	if (sl->next)
		sl->next->prev = sl->prev;
	event_free(sl->timer);
	event_free(sl->dnsbl_timer);
	free(sl->cfg);
	free(sl);
}

/* The agent thread has let go of the target: it is ours to free. */
static void remove_slot(struct scheduler *s, struct command *c)
{
	if (c->target->probe_slot)
		free_slot(s, c->target->probe_slot);
	store_target_free(c->target);
}

/* The host's fully qualified name, when the resolver found it: taken if
 * the EHLO name is still the one it qualifies, and told to the agent
 * thread (smtpMonHeloName, the log). */
static void on_qualified(const char *name, void *arg)
{
	struct scheduler *s = arg;
	struct notify_event e;

	s->lookup = NULL;
	if (!name || strcmp(s->helo, s->helo_asked) != 0)
		return;
	snprintf(s->helo, sizeof(s->helo), "%s", name);
	if (!s->activity)
		return;
	memset(&e, 0, sizeof(e));
	e.type = EVENT_HELO;
	snprintf(e.cfg.opt.helo, sizeof(e.cfg.opt.helo), "%s", s->helo_asked);
	snprintf(e.detail, sizeof(e.detail), "%s", name);
	notify_queue_push(s->activity, &e);
}

/* A new EHLO name: a lookup for the last one is of no use now. */
static void set_helo(struct scheduler *s, const struct command *c)
{
	helo_lookup_cancel(s->lookup);
	s->lookup = NULL;
	snprintf(s->helo, sizeof(s->helo), "%s", c->helo);
	if (!c->ask)
		return;
	snprintf(s->helo_asked, sizeof(s->helo_asked), "%s", c->helo);
	s->lookup = helo_lookup_start(probe_thread_dns(s->thread), c->ask, on_qualified, s);
}

static void run_command(struct scheduler *s, struct command *c)
{
	switch (c->kind) {
	case CMD_ADD: add_slot(s, c); break;
	case CMD_UPDATE: update_slot(s, c); break;
	case CMD_REMOVE: remove_slot(s, c); break;
	case CMD_HELO: set_helo(s, c); break;
	case CMD_ZONES: set_zones(s, c->zones); break;
	}
}

static void command_free(struct command *c)
{
	if (!c)
		return;
	free(c->cfg);
	free(c->helo);
	free(c->ask);
	free(c->zones);
	free(c);
}

static void on_command(struct loop_command *lc, void *arg)
{
	struct command *c = (struct command *)lc;

	run_command(arg, c);
	command_free(c);
}

static void post(struct scheduler *s, struct command *c)
{
	loop_commands_post(s->commands, &c->link);
}

static struct command *command(enum command_kind kind, struct target *t)
{
	struct command *c = calloc(1, sizeof(*c));

	if (c) {
		c->kind = kind;
		c->target = t;
	}
	return c;
}

static int post_config(struct scheduler *s, enum command_kind kind, struct target *t,
		       const struct target_config *cfg, uint64_t delay_us)
{
	struct command *c = command(kind, t);

	if (!c || !(c->cfg = pack(&target_config_layout, cfg))) {
		command_free(c);
		return -1;
	}
	c->delay_us = delay_us;
	post(s, c);
	return 0;
}

int scheduler_add(struct scheduler *s, struct target *t, const struct target_config *cfg,
		  uint64_t delay_us)
{
	return post_config(s, CMD_ADD, t, cfg, delay_us);
}

int scheduler_update(struct scheduler *s, struct target *t, const struct target_config *cfg)
{
	return post_config(s, CMD_UPDATE, t, cfg, 0);
}

int scheduler_remove(struct scheduler *s, struct target *t)
{
	struct command *c = command(CMD_REMOVE, t);

	if (!c)
		return -1;
	post(s, c);
	return 0;
}

int scheduler_set_helo(struct scheduler *s, const char *helo, const struct fqdn_names *ask)
{
	struct command *c = command(CMD_HELO, NULL);

	if (!c || !(c->helo = strdup(helo)) ||
	    (ask && ask->n && !(c->ask = malloc(sizeof(*ask))))) {
		command_free(c);
		return -1;
	}
	if (c->ask)
		*c->ask = *ask;
	post(s, c);
	return 0;
}

const char *scheduler_helo(const struct scheduler *s)
{
	return s->helo;
}

int scheduler_set_dnsbl_zones(struct scheduler *s, const struct dnsbl_zones *zones)
{
	struct command *c = command(CMD_ZONES, NULL);

	if (!c || !(c->zones = malloc(sizeof(*zones)))) {
		command_free(c);
		return -1;
	}
	*c->zones = *zones;
	post(s, c);
	return 0;
}

/* --- life cycle ------------------------------------------------------------ */

struct scheduler *scheduler_new(struct store *store, const struct smtpmon_settings *settings,
				unsigned max_connections, struct notify_queue *notes,
				struct notify_queue *activity, char *err, size_t errlen)
{
	struct scheduler *s = calloc(1, sizeof(*s));

	if (!s || !(s->thread = probe_thread_new(settings, max_connections, err, errlen))) {
		free(s);
		return NULL;
	}
	s->store = store;
	s->notes = notes;
	s->activity = activity;
	s->zones = settings->dnsbl;
	snprintf(s->helo, sizeof(s->helo), "%s", settings->helo);
	s->commands = loop_commands_new(probe_thread_base(s->thread), on_command, s);
	s->engine = probe_engine_new(probe_thread_base(s->thread), probe_thread_dns(s->thread),
				     probe_thread_tls(s->thread), probe_thread_gate(s->thread));
	if (!s->commands || !s->engine) {
		snprintf(err, errlen, "out of memory");
		scheduler_free(s);
		return NULL;
	}
	return s;
}

int scheduler_start(struct scheduler *s)
{
	return probe_thread_start(s->thread);
}

void scheduler_stop(struct scheduler *s)
{
	if (s)
		probe_thread_stop(s->thread);
}

int scheduler_lateness(const struct scheduler *s, struct lateness_summary *out)
{
	if (!s->late.count)
		return 0;
	out->count = s->late.count;
	out->median_us = lateness_percentile(&s->late, 50);
	out->p99_us = lateness_percentile(&s->late, 99);
	out->max_us = s->late.max_us;
	return 1;
}

void scheduler_free(struct scheduler *s)
{
	if (!s)
		return;
	scheduler_stop(s);
	if (s->commands)
		loop_commands_run(s->commands);   /* removed targets still waiting to be freed */
	while (s->slots)
		free_slot(s, s->slots);
	helo_lookup_cancel(s->lookup);   /* let go of from the loop, below */
	probe_engine_free(s->engine);
	loop_commands_free(s->commands);
	probe_thread_free(s->thread);
	free(s);
}

void scheduler_loop_parts(const struct scheduler *s, struct loop_parts *out)
{
	out->base = probe_thread_base(s->thread);
	out->dns = probe_thread_dns(s->thread);
	out->tls = probe_thread_tls(s->thread);
	out->gate = probe_thread_gate(s->thread);
	out->resolver = probe_thread_resolver(s->thread);
	out->validator = probe_thread_validator(s->thread);
	out->helo = scheduler_helo(s);
}
