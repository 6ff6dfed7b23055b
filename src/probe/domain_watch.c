/* SPDX-License-Identifier: ISC */
#include "probe/domain_watch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "core/monotime.h"
#include "probe/dns_client.h"
#include "probe/domain_checks.h"
#include "probe/mail_session.h"
#include "probe/probe.h"
#include "probe/probe_thread.h"
#include "shared/loop_commands.h"
#include "shared/notify_queue.h"

/* A resolver that does not answer in this time fails the lookup. */
#define QUERY_TIMEOUT_MS 5000
#define RETRY_MAX_S 60

/* One address question for one MX host. */
struct dw_ask {
	struct dw_run *run;
	unsigned host;
	struct dns_query *q;
};

struct dw_run {
	struct domain_watches *set;
	struct domain_watch *w;
	struct event *timer;
	struct dns_query *mx_q;
	unsigned pending;                       /* address questions in flight */
	uint32_t ttl;                           /* lowest TTL seen in this lookup */
	unsigned hosts_pending[MX_HOSTS_MAX];   /* per host: questions in flight */
	struct dw_ask ask[MX_HOSTS_MAX * 2];
	struct mx_set *work;                    /* the lookup under way, NULL between */
	struct domain_checks *checks;           /* the policy checks under way, or NULL */
};

struct domain_watches {
	pthread_mutex_t lock;
	struct event_base *base;
	struct dns_client *dns;
	struct domain_checks_parts parts;       /* the policy checks' */
	struct notify_queue *activity;
	struct loop_commands *commands;
	struct dw_run **runs;                   /* probe thread: the live watches */
	unsigned nruns, cap;
	int curl;                               /* mail_session_global_init() done */
};

enum dw_command_kind { DW_ADD, DW_REMOVE };

struct dw_command {
	struct loop_command link;               /* first: the queue's */
	enum dw_command_kind kind;
	struct domain_watch *w;
	uint64_t delay_us;
};

uint32_t domain_next_lookup_s(const struct domain_config *cfg, const struct mx_set *s,
			      uint32_t ttl)
{
	uint32_t next = cfg->dns_interval_s;

	if (s->kind == MX_FAILED && next > RETRY_MAX_S)
		next = RETRY_MAX_S;
	if (ttl < next)
		next = ttl;
	return next < DOMAIN_DNS_INTERVAL_MIN ? DOMAIN_DNS_INTERVAL_MIN : next;
}

/* --- probe thread: one lookup ------------------------------------------------ */

static void arm(struct dw_run *r, uint64_t delay_us)
{
	struct timeval tv = { (time_t)(delay_us / 1000000u), (suseconds_t)(delay_us % 1000000u) };

	evtimer_add(r->timer, &tv);
}

uint32_t domain_answer_ttl(const struct dns_answer *a)
{
	if (a->outcome == DNS_FAILED)
		return UINT32_MAX;
	/* A negative answer without an SOA has no TTL (0): it says nothing of
	 * when to ask again, and would have every watch ask every 5 s. */
	if (a->outcome != DNS_ANSWER && a->ttl == 0)
		return UINT32_MAX;
	return a->ttl;
}

static void note_ttl(struct dw_run *r, const struct dns_answer *a)
{
	uint32_t ttl = domain_answer_ttl(a);

	if (ttl < r->ttl)
		r->ttl = ttl;
}

static void wake_agent(struct dw_run *r)
{
	struct notify_event *e = calloc(1, sizeof(*e));

	if (e) {
		e->type = EVENT_DOMAIN;
		strcpy(e->cfg.name, r->w->cfg.name);
		notify_queue_push(r->set->activity, e);
		notify_queue_wakeup(r->set->activity);
		free(e);
	}
}

static void on_checked(struct domain_policy_report *report, void *arg)
{
	struct dw_run *r = arg;
	struct domain_policy_report *old;

	r->checks = NULL;
	pthread_mutex_lock(&r->set->lock);
	old = r->w->report;
	r->w->report = report;
	pthread_mutex_unlock(&r->set->lock);
	free(old);
	wake_agent(r);
}

/* A round still running when the next lookup ends goes on: its MX set
 * differs little, and a slow MX must not keep every round from ending. */
static void start_checks(struct dw_run *r)
{
	if (!r->checks)
		r->checks = domain_checks_start(&r->set->parts, &r->w->cfg, r->work, on_checked, r);
}

/* The lookup is done: the agent thread gets it, the policy checks start,
 * and the next lookup is armed. */
static void publish(struct dw_run *r)
{
	struct domain_watch *w = r->w;
	struct mx_set *old;
	uint32_t next_s = domain_next_lookup_s(&w->cfg, r->work, r->ttl);

	start_checks(r);

	/* The agent thread takes it; one it has not taken yet is out of date. */
	pthread_mutex_lock(&r->set->lock);
	old = w->latest;
	w->latest = r->work;
	w->looked_wall_us = walltime_us();
	pthread_mutex_unlock(&r->set->lock);
	free(old);
	r->work = NULL;
	wake_agent(r);
	arm(r, (uint64_t)next_s * 1000000u);
}

static void on_address(const struct dns_answer *a, void *arg)
{
	struct dw_ask *ask = arg;
	struct dw_run *r = ask->run;
	struct mx_host *h = &r->work->host[ask->host];

	ask->q = NULL;
	note_ttl(r, a);
	mx_host_add_answer(h, a);
	if (--r->hosts_pending[ask->host] == 0)
		h->looked_up = 1;
	if (--r->pending == 0)
		publish(r);
}

static void ask_address(struct dw_run *r, unsigned host, int qtype)
{
	struct dw_ask *ask = &r->ask[host * 2 + (qtype == DNS_TYPE_AAAA)];

	ask->run = r;
	ask->host = host;
	r->pending++;
	r->hosts_pending[host]++;
	ask->q = dns_query(r->set->dns, r->work->host[host].name, qtype, QUERY_TIMEOUT_MS,
			   on_address, ask);
	if (!ask->q) {                  /* out of memory: this host is not asked */
		r->pending--;
		strcpy(r->work->host[host].error, "out of memory");
		r->work->host[host].looked_up = --r->hosts_pending[host] == 0;
	}
}

static void ask_addresses(struct dw_run *r)
{
	enum domain_family f = r->w->cfg.family;

	for (unsigned i = 0; i < r->work->nhosts; i++) {
		if (f != DOMAIN_FAMILY_IPV6)
			ask_address(r, i, DNS_TYPE_A);
		if (f != DOMAIN_FAMILY_IPV4)
			ask_address(r, i, DNS_TYPE_AAAA);
	}
	if (r->pending == 0)
		publish(r);
}

static void on_mx(const struct dns_answer *a, void *arg)
{
	struct dw_run *r = arg;

	r->mx_q = NULL;
	note_ttl(r, a);
	mx_set_from_answer(r->work, r->w->cfg.domain, a);
	if (r->work->kind == MX_LISTED || r->work->kind == MX_IMPLICIT)
		ask_addresses(r);
	else
		publish(r);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct dw_run *r = arg;

	(void)fd;
	(void)what;
	/* Held only while a lookup runs: thousands of watches wait far more
	 * than they look up. */
	r->work = calloc(1, sizeof(*r->work));
	memset(r->hosts_pending, 0, sizeof(r->hosts_pending));
	r->ttl = UINT32_MAX;
	if (r->work && r->w->cfg.host_only) {
		/* As if it had no MX: the implicit MX is the host itself. */
		struct dns_answer none = { .outcome = DNS_NODATA };

		mx_set_from_answer(r->work, r->w->cfg.domain, &none);
		ask_addresses(r);
		return;
	}
	if (r->work)
		r->mx_q = dns_query(r->set->dns, r->w->cfg.domain, DNS_TYPE_MX, QUERY_TIMEOUT_MS,
				    on_mx, r);
	if (!r->mx_q) {
		free(r->work);
		r->work = NULL;
		arm(r, (uint64_t)DOMAIN_DNS_INTERVAL_MIN * 1000000u);
	}
}

/* --- probe thread: the watches' life ------------------------------------------ */

static void cancel_lookup(struct dw_run *r)
{
	dns_query_cancel(r->mx_q);
	r->mx_q = NULL;
	for (unsigned i = 0; i < MX_HOSTS_MAX * 2; i++) {
		dns_query_cancel(r->ask[i].q);
		r->ask[i].q = NULL;
	}
	r->pending = 0;
}

static void start_watch(struct domain_watches *set, struct domain_watch *w, uint64_t delay_us)
{
	struct dw_run *r = calloc(1, sizeof(*r));
	struct dw_run **grown;

	if (set->nruns == set->cap) {
		grown = realloc(set->runs, (set->cap * 2 + 8) * sizeof(*grown));
		if (!grown) {
			free(r);
			return;
		}
		set->runs = grown;
		set->cap = set->cap * 2 + 8;
	}
	if (!r || !(r->timer = evtimer_new(set->base, on_timer, r))) {
		free(r);
		return;
	}
	r->set = set;
	r->w = w;
	w->run = r;
	set->runs[set->nruns++] = r;
	arm(r, delay_us);
}

static void unlist(struct domain_watches *set, struct dw_run *r)
{
	for (unsigned i = 0; i < set->nruns; i++)
		if (set->runs[i] == r) {
			set->runs[i] = set->runs[--set->nruns];
			return;
		}
}

static void free_watch(struct domain_watches *set, struct domain_watch *w)
{
	struct dw_run *r = w->run;

	if (r) {
		cancel_lookup(r);
		domain_checks_cancel(r->checks);
		free(r->work);
		event_free(r->timer);
		unlist(set, r);
		free(r);
	}
	free(w->latest);
	free(w->report);
	free(w);
}

static void on_command(struct loop_command *lc, void *arg)
{
	struct dw_command *c = (struct dw_command *)lc;

	if (c->kind == DW_ADD)
		start_watch(arg, c->w, c->delay_us);
	else
		free_watch(arg, c->w);
	free(c);
}

static int post(struct domain_watches *set, enum dw_command_kind kind, struct domain_watch *w,
		uint64_t delay_us)
{
	struct dw_command *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	c->kind = kind;
	c->w = w;
	c->delay_us = delay_us;
	loop_commands_post(set->commands, &c->link);
	return 0;
}

/* --- agent thread ------------------------------------------------------------- */

struct domain_watches *domain_watches_new(const struct loop_parts *loop,
					  struct notify_queue *activity)
{
	struct domain_watches *set = calloc(1, sizeof(*set));

	if (!set)
		return NULL;
	/* libcurl's global set-up (the policy fetches), here on the agent
	 * thread, before the loop runs. */
	if (mail_session_global_init() != 0) {
		free(set);
		return NULL;
	}
	set->curl = 1;
	pthread_mutex_init(&set->lock, NULL);
	set->base = loop->base;
	set->dns = loop->resolver;
	set->activity = activity;
	set->parts = (struct domain_checks_parts){
		.base = loop->base, .dns = loop->resolver, .validator = loop->validator,
		.engine = probe_engine_new(loop->base, loop->dns, loop->tls, loop->gate),
		.gate = loop->gate, .trust = loop->tls, .helo = loop->helo,
	};
	set->commands = loop_commands_new(loop->base, on_command, set);
	if (!set->commands || !set->parts.engine) {
		domain_watches_free(set);
		return NULL;
	}
	return set;
}

struct domain_watch *domain_watches_add(struct domain_watches *set, const struct domain_config *cfg,
					uint64_t delay_us)
{
	struct domain_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->cfg = *cfg;          /* before the probe thread can see it */
	if (post(set, DW_ADD, w, delay_us) != 0) {
		free(w);
		return NULL;
	}
	return w;
}

void domain_watches_remove(struct domain_watches *set, struct domain_watch *w)
{
	/* Without memory for the command the watch runs on unseen until the
	 * set is freed, which frees it: nothing is lost but its lookups. */
	if (post(set, DW_REMOVE, w, 0) != 0)
		w->agent = NULL;
}

struct domain_policy_report *domain_watches_take_report(struct domain_watches *set,
							struct domain_watch *w)
{
	struct domain_policy_report *r;

	pthread_mutex_lock(&set->lock);
	r = w->report;
	w->report = NULL;
	pthread_mutex_unlock(&set->lock);
	return r;
}

struct mx_set *domain_watches_take(struct domain_watches *set, struct domain_watch *w,
				  uint64_t *wall_us)
{
	struct mx_set *s;

	pthread_mutex_lock(&set->lock);
	s = w->latest;
	w->latest = NULL;
	*wall_us = w->looked_wall_us;
	pthread_mutex_unlock(&set->lock);
	return s;
}

void domain_watches_free(struct domain_watches *set)
{
	if (!set)
		return;
	if (set->commands) {
		loop_commands_run(set->commands);   /* removed watches still waiting to be freed */
		loop_commands_free(set->commands);
	}
	while (set->nruns)
		free_watch(set, set->runs[set->nruns - 1]->w);
	if (set->parts.engine)
		probe_engine_free(set->parts.engine);
	if (set->curl)
		mail_session_global_cleanup();
	free(set->runs);
	pthread_mutex_destroy(&set->lock);
	free(set);
}
