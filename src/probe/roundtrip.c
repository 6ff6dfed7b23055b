/* SPDX-License-Identifier: ISC */
#include "probe/roundtrip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include <event2/event.h>

#include "shared/loop_commands.h"
#include "probe/conn_gate.h"
#include "probe/mail_session.h"
#include "probe/mail_submit.h"
#include "probe/mailbox_client.h"
#include "probe/probe_thread.h"
#include "core/monotime.h"
#include "shared/notify_queue.h"
#include "core/text.h"

#define POLL_FIRST_US 250000u      /* first look after the 250 to DATA */
#define POLL_MAX_US 2000000u       /* then doubling up to this */
#define SESSION_MAX_S 10u          /* one mailbox session */

enum rt_phase { PHASE_IDLE, PHASE_SENDING, PHASE_WAITING, PHASE_LOOKING };

/* One check's place in the loop; probe thread only. */
struct rt_run {
	struct roundtrips *set;
	struct roundtrip_check *check;
	struct event *due_timer, *poll_timer;
	uint64_t due_us;
	enum rt_phase phase;
	unsigned places;              /* of the connection budget, held until stopped */
	struct fd_waiter room;        /* due, waiting for them */
	char token[RT_TOKEN_LEN + 1];
	struct target_config server;   /* the sending row, as the agent last told */
	struct mail_submit *submit;   /* kept until the next check: QUIT may still be out */
	struct mailbox_client *look;  /* kept until the next look: LOGOUT may still be out */
	uint32_t send_us;
	uint64_t data_end_us, deadline_us, poll_wait_us;
};

enum rt_command_kind { RT_CMD_ADD, RT_CMD_SERVER, RT_CMD_REMOVE };

struct rt_command {
	struct loop_command link;         /* first: the queue's */
	enum rt_command_kind kind;
	struct roundtrip_check *check;
	uint64_t delay_us;
	struct target_config server;      /* ADD, SERVER */
};

struct roundtrips {
	pthread_mutex_t lock;                  /* the checks' state */
	struct event_base *base;
	struct evdns_base *dns;
	SSL_CTX *tls;
	struct conn_gate *gate;
	struct notify_queue *notes;
	struct notify_queue *activity;         /* the log of failed checks and changes */
	const char *helo;                      /* the scheduler's: probe thread */
	struct roundtrip_check *checks, *last; /* agent thread */
	struct loop_commands *commands;
};

/* --- recording ------------------------------------------------------------- */

/* A notification (KIND), or for the log (EVENT_ROUNDTRIP) what a check
 * found when it failed or changed Status (BEFORE: Status before it). */
static void tell(struct notify_queue *q, enum event_type type, const struct roundtrip_check *c,
		 enum roundtrip_notification kind, enum server_status before,
		 const struct roundtrip_state *st)
{
	struct notify_event *e;

	if (!q || !(e = calloc(1, sizeof(*e))))
		return;
	e->type = type;
	e->kind = (enum status_notification)kind;
	e->before = before;
	e->rt.status = st->track.status;
	snprintf(e->cfg.name, sizeof(e->cfg.name), "%s", c->cfg.name);
	snprintf(e->rt.name, sizeof(e->rt.name), "%s", c->cfg.name);
	snprintf(e->rt.server, sizeof(e->rt.server), "%s", c->cfg.server);
	e->rt.result = st->result;
	snprintf(e->rt.error, sizeof(e->rt.error), "%s", st->error);
	e->rt.delivery_us = st->delivery_us;
	notify_queue_push(q, e);
	free(e);
}

/* A finished check: the row's columns, its Status, and the notification due. */
static void record(struct rt_run *r, enum roundtrip_result result, const char *error,
		   uint32_t delivery_us)
{
	struct roundtrip_check *c = r->check;
	struct roundtrip_state after;
	enum roundtrip_notification due;
	enum server_status before;

	pthread_mutex_lock(&r->set->lock);
	before = c->st.track.status;
	c->st.result = result;
	text_clean(c->st.error, sizeof(c->st.error), error, strlen(error));
	c->st.send_us = r->send_us;     /* 0 when the message was not sent */
	c->st.delivery_us = delivery_us;
	c->st.probes++;
	if (result == RT_OK)
		c->st.last_success_wall_us = walltime_us();
	else
		c->st.failures++;
	due = roundtrip_track_apply(&c->st.track, c->cfg.fail_threshold, result == RT_OK);
	after = c->st;
	pthread_mutex_unlock(&r->set->lock);
	r->phase = PHASE_IDLE;
	if (result != RT_OK || before != after.track.status)
		tell(r->set->activity, EVENT_ROUNDTRIP, c, RT_NOTIFY_NONE, before, &after);
	if (due != RT_NOTIFY_NONE)
		tell(r->set->notes, EVENT_NOTIFICATION, c, due, before, &after);
}

/* --- one check: send, then look until it arrives or the time is up ---------- */

static void arm_us(struct event *ev, uint64_t wait_us)
{
	struct timeval tv = { (time_t)(wait_us / 1000000u), (suseconds_t)(wait_us % 1000000u) };

	evtimer_add(ev, &tv);
}

static void on_looked(const struct mailbox_outcome *o, void *arg);

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
	struct rt_run *r = arg;
	uint64_t now = monotime_us();
	uint64_t left_s = r->deadline_us > now ? (r->deadline_us - now) / 1000000u + 1 : 1;

	(void)fd;
	(void)what;
	r->phase = PHASE_LOOKING;
	mailbox_abandon(r->look);   /* the last look, logged out by now */
	r->look = mailbox_look(r->set->base, r->set->dns, r->set->tls, &r->check->cfg, r->token,
			       (uint32_t)(left_s < SESSION_MAX_S ? left_s + 1 : SESSION_MAX_S),
			       on_looked, r);
	if (!r->look)
		record(r, RT_INTERNAL_ERROR, "internal error: out of memory", 0);
}

/* Not there yet: look again, more slowly, the last time at the deadline. */
static void look_again(struct rt_run *r)
{
	uint64_t now = monotime_us();
	uint64_t wait = r->poll_wait_us;

	if (now >= r->deadline_us) {
		char why[128];

		snprintf(why, sizeof(why), "delivery: the test message did not arrive within %u s",
			 r->check->cfg.timeout_s);
		record(r, RT_DELIVERY_TIMEOUT, why, 0);
		return;
	}
	if (now + wait > r->deadline_us)
		wait = r->deadline_us - now;
	r->poll_wait_us = r->poll_wait_us * 2 > POLL_MAX_US ? POLL_MAX_US : r->poll_wait_us * 2;
	r->phase = PHASE_WAITING;
	arm_us(r->poll_timer, wait);
}

static void on_looked(const struct mailbox_outcome *o, void *arg)
{
	struct rt_run *r = arg;
	uint64_t seen;

	switch (o->verdict) {
	case MB_FOUND:
		seen = o->seen_us > r->data_end_us ? o->seen_us - r->data_end_us : 1;
		record(r, RT_OK, "", seen > UINT32_MAX ? UINT32_MAX : (uint32_t)seen);
		break;
	case MB_NOT_FOUND: look_again(r); break;
	case MB_LOGIN_FAILED: record(r, RT_MAILBOX_LOGIN_FAILED, o->error, 0); break;
	case MB_CERT_INVALID: record(r, RT_CERT_INVALID, o->error, 0); break;
	case MB_UNREACHABLE:
		if (monotime_us() >= r->deadline_us)
			record(r, RT_DELIVERY_TIMEOUT, o->error, 0);
		else
			record(r, RT_MAILBOX_UNREACHABLE, o->error, 0);
		break;
	}
}

static void on_sent(const struct submit_outcome *o, void *arg)
{
	struct rt_run *r = arg;

	if (o->result != RT_OK) {
		record(r, o->result, o->error, 0);
		return;
	}
	r->send_us = o->send_us;
	r->data_end_us = o->data_end_us;
	r->deadline_us = o->data_end_us + (uint64_t)r->check->cfg.timeout_s * 1000000u;
	r->poll_wait_us = POLL_FIRST_US;
	look_again(r);
}

static int start_send(struct rt_run *r)
{
	unsigned char raw[16];
	char message[2048];
	const struct roundtrip_config *cfg = &r->check->cfg;
	struct submit_request req = { &r->server, r->set->helo, cfg, message };

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	roundtrip_token_format(raw, r->token);
	if (!roundtrip_message(message, sizeof(message), cfg->name, cfg->from, cfg->to, r->token,
			       r->set->helo, walltime_us()))
		return -1;
	r->send_us = 0;
	r->phase = PHASE_SENDING;
	mail_submit_abandon(r->submit);   /* the last check's, QUIT said by now */
	mailbox_abandon(r->look);
	r->look = NULL;
	r->submit = mail_submit_start(r->set->base, r->set->dns, r->set->tls, &req, on_sent, r);
	return r->submit ? 0 : -1;
}

static void run_check(void *arg)
{
	struct rt_run *r = arg;

	r->places = RT_PLACES;
	if (r->phase == PHASE_IDLE && start_send(r) != 0)
		record(r, RT_INTERNAL_ERROR, "internal error: cannot make the test message", 0);
}

/* Fixed rate; a check still running when the next is due skips it, and so
 * does one still waiting for its places. */
static void on_due(evutil_socket_t fd, short what, void *arg)
{
	struct rt_run *r = arg;
	uint64_t interval = (uint64_t)r->check->cfg.interval_s * 1000000u, now = monotime_us();

	(void)fd;
	(void)what;
	r->due_us += interval;
	if (r->due_us <= now)
		r->due_us += ((now - r->due_us) / interval + 1) * interval;
	arm_us(r->due_timer, r->due_us - now);
	if (r->places || conn_gate_take(r->set->gate, RT_PLACES))
		run_check(r);
	else if (!r->room.queued)
		conn_gate_wait(r->set->gate, &r->room, RT_PLACES, run_check, r);
}

/* --- commands from the agent thread -------------------------------------- */

static void run_stop(struct rt_run *r)
{
	evtimer_del(r->due_timer);
	evtimer_del(r->poll_timer);
	conn_gate_cancel(r->set->gate, &r->room);
	mail_submit_abandon(r->submit);
	mailbox_abandon(r->look);
	r->submit = NULL;
	r->look = NULL;
	r->phase = PHASE_IDLE;
	conn_gate_give(r->set->gate, r->places);
	r->places = 0;
}

static void run_free(struct rt_run *r)
{
	if (!r)
		return;
	run_stop(r);
	event_free(r->due_timer);
	event_free(r->poll_timer);
	free(r);
}

/* Status disabled while the sending row is; unknown again when it comes back. */
static void set_disabled(struct rt_run *r, int disabled)
{
	pthread_mutex_lock(&r->set->lock);
	r->check->st.track.status = disabled ? STATUS_DISABLED : STATUS_UNKNOWN;
	r->check->st.track.consecutive_failures = 0;
	pthread_mutex_unlock(&r->set->lock);
}

static void arm_first(struct rt_run *r, uint64_t delay_us)
{
	r->due_us = monotime_us() + delay_us - (uint64_t)r->check->cfg.interval_s * 1000000u;
	arm_us(r->due_timer, delay_us);
}

/* The sending row changed (SET or reload): the next check uses it; a
 * disabled row stops the check, an enabled one starts it again. */
static void server_changed(struct roundtrip_check *c, const struct target_config *server)
{
	struct rt_run *r = c->run;
	int was = r ? r->server.opt.enabled : 0;

	if (!r)
		return;
	r->server = *server;
	if (was && !server->opt.enabled) {
		run_stop(r);
		set_disabled(r, 1);
	} else if (!was && server->opt.enabled) {
		set_disabled(r, 0);
		arm_first(r, 0);
	}
}

static void start_check(struct roundtrips *set, struct roundtrip_check *c, uint64_t delay_us,
			const struct target_config *server)
{
	struct rt_run *r = calloc(1, sizeof(*r));

	if (!r || !(r->due_timer = evtimer_new(set->base, on_due, r)) ||
	    !(r->poll_timer = evtimer_new(set->base, on_poll, r))) {
		if (r && r->due_timer)
			event_free(r->due_timer);
		free(r);
		return;
	}
	r->set = set;
	r->check = c;
	r->server = *server;
	c->run = r;
	if (server->opt.enabled)
		arm_first(r, delay_us);
}

static void free_check(struct roundtrip_check *c)
{
	run_free(c->run);
	explicit_bzero(&c->cfg, sizeof(c->cfg));
	free(c);
}

static void on_command(struct loop_command *lc, void *arg)
{
	struct rt_command *c = (struct rt_command *)lc;

	if (c->kind == RT_CMD_ADD)
		start_check(arg, c->check, c->delay_us, &c->server);
	else if (c->kind == RT_CMD_SERVER)
		server_changed(c->check, &c->server);
	else
		free_check(c->check);
	free(c);
}

static void post(struct roundtrips *set, enum rt_command_kind kind, struct roundtrip_check *check,
		 uint64_t delay_us)
{
	struct rt_command *c = calloc(1, sizeof(*c));

	if (!c)
		return;
	c->kind = kind;
	c->check = check;
	c->delay_us = delay_us;
	c->server = check->server;
	loop_commands_post(set->commands, &c->link);
}

/* --- agent thread ------------------------------------------------------------ */

struct roundtrips *roundtrips_new(const struct loop_parts *loop, struct notify_queue *notes,
				  struct notify_queue *activity, const char *helo)
{
	struct roundtrips *set;

	if (mail_session_global_init() != 0)
		return NULL;
	if (!(set = calloc(1, sizeof(*set)))) {
		mail_session_global_cleanup();
		return NULL;
	}
	pthread_mutex_init(&set->lock, NULL);
	set->base = loop->base;
	set->dns = loop->dns;
	set->tls = loop->tls;
	set->gate = loop->gate;
	set->notes = notes;
	set->activity = activity;
	set->helo = helo;
	set->commands = loop_commands_new(set->base, on_command, set);
	if (!set->commands) {
		roundtrips_free(set);
		return NULL;
	}
	return set;
}

struct roundtrip_check *roundtrips_add(struct roundtrips *set, const struct roundtrip_config *cfg,
				       const struct target_config *server, uint64_t delay_us)
{
	struct roundtrip_check *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cfg = *cfg;
	c->server = *server;
	roundtrip_mailbox_url(cfg, c->mailbox, sizeof(c->mailbox));
	roundtrip_track_init(&c->st.track);
	c->st.result = RT_NONE;
	c->st.counters_since_us = monotime_us();
	if (!server->opt.enabled)
		c->st.track.status = STATUS_DISABLED;
	if (set->last)
		set->last->next = c;
	else
		set->checks = c;
	set->last = c;
	post(set, RT_CMD_ADD, c, delay_us);
	return c;
}

void roundtrips_set_server(struct roundtrips *set, struct roundtrip_check *c,
			   const struct target_config *server)
{
	c->server = *server;
	post(set, RT_CMD_SERVER, c, 0);
}

void roundtrips_set_note(struct roundtrips *set, struct roundtrip_check *c, const char *text)
{
	pthread_mutex_lock(&set->lock);
	text_clean(c->st.error, sizeof(c->st.error), text, strlen(text));
	pthread_mutex_unlock(&set->lock);
}

void roundtrips_remove(struct roundtrips *set, struct roundtrip_check *c)
{
	struct roundtrip_check **p = &set->checks, *prev = NULL;

	while (*p && *p != c) {
		prev = *p;
		p = &(*p)->next;
	}
	if (!*p)
		return;
	*p = c->next;
	if (set->last == c)
		set->last = prev;
	post(set, RT_CMD_REMOVE, c, 0);
}

struct roundtrip_check *roundtrips_first(struct roundtrips *set)
{
	return set ? set->checks : NULL;
}

struct roundtrip_check *roundtrips_find(struct roundtrips *set, const char *name)
{
	for (struct roundtrip_check *c = roundtrips_first(set); c; c = c->next)
		if (strcmp(c->cfg.name, name) == 0)
			return c;
	return NULL;
}

void roundtrips_snapshot(struct roundtrips *set, const struct roundtrip_check *c,
			 struct roundtrip_state *out)
{
	pthread_mutex_lock(&set->lock);
	*out = c->st;
	pthread_mutex_unlock(&set->lock);
}

void roundtrips_free(struct roundtrips *set)
{
	if (!set)
		return;
	if (set->commands) {
		loop_commands_run(set->commands);   /* removed checks still waiting to be freed */
		loop_commands_free(set->commands);
	}
	while (set->checks) {
		struct roundtrip_check *c = set->checks;

		set->checks = c->next;
		free_check(c);
	}
	/* Freed TLS bufferevents finish in the loop (as in probe_engine_free). */
	for (int i = 0; i < 10; i++)
		event_base_loop(set->base, EVLOOP_NONBLOCK);
	pthread_mutex_destroy(&set->lock);
	free(set);
	mail_session_global_cleanup();
}
