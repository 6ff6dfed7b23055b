/* SPDX-License-Identifier: ISC */
#include "probe/dns_client.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <unbound-event.h>
#include <unbound.h>

#include "core/hostport.h"
#include "core/settings.h"

struct dns_client {
	struct ub_ctx *ctx;
	struct event_base *base;
	struct dns_query *queries;      /* asked and not yet done, for dns_client_free */
};

struct dns_query {
	struct dns_client *c;
	struct dns_query *prev, *next;
	struct event *ev;               /* the timeout, or the answer handed on later */
	dns_answer_fn done;
	void *arg;
	int qtype;
	int id;                         /* unbound's, while PENDING */
	int pending;                    /* unbound holds the query: cancel it */
	int inside;                     /* in ub_resolve_event: do not call DONE yet */
	struct dns_answer *a;           /* once answered: an answer is large (64 records),
					 * thousands of questions in flight are not */
};

/* What DONE gets when there was no memory for the answer. */
static const struct dns_answer no_memory = {
	.outcome = DNS_FAILED, .rcode = -1, .error = "out of memory",
};

/* unbound's "ADDR@PORT" from smtpMonResolver's "ADDR", "ADDR:PORT",
 * "[v6]:PORT" or a bare IPv6 address. */
static int forwarder(const char *spec, char *out, size_t size)
{
	char host[SMTPMON_RESOLVER_LEN];
	uint16_t port;
	int has_port;

	if (hostport_parse(spec, HOSTPORT_BARE_IPV6, NULL, host, sizeof(host), &port,
			   &has_port, NULL, 0) != HOSTPORT_OK)
		return -1;
	if (has_port)
		snprintf(out, size, "%s@%u", host, (unsigned)port);
	else
		snprintf(out, size, "%s", host);
	return 0;
}

static int set_forwarders(struct ub_ctx *ctx, const struct smtpmon_settings *s,
			  char *err, size_t errlen)
{
	char addr[SMTPMON_RESOLVER_LEN + 8];
	int rc;

	if (!s->nresolvers) {
		rc = ub_ctx_resolvconf(ctx, NULL);
		if (rc != 0)
			snprintf(err, errlen, "/etc/resolv.conf: %s", ub_strerror(rc));
		return rc;
	}
	for (unsigned i = 0; i < s->nresolvers && i < SMTPMON_RESOLVERS_MAX; i++) {
		rc = forwarder(s->resolver[i], addr, sizeof(addr));
		if (rc == 0)
			rc = ub_ctx_set_fwd(ctx, addr);
		if (rc != 0) {
			snprintf(err, errlen, "smtpMonResolver %.*s: cannot use it",
				 SMTPMON_RESOLVER_LEN, s->resolver[i]);
			return -1;
		}
	}
	return 0;
}

/* A forwarding stub for a monitor: the servers given may be on loopback
 * (unbound refuses those by default); the full name goes to them, as any
 * stub resolver sends it; a server that stopped answering is tried again
 * soon, so that its return is seen. The cache honours the TTLs given. Its
 * sockets (32 UDP, 4 TCP; further questions wait their turn) stay within
 * the descriptors fd_budget.h reserves beside the probes' connections. */
static int set_options(struct ub_ctx *ctx, const char *trust_anchor_file)
{
	static const char *const opts[][2] = {
		{ "do-not-query-localhost:", "no" },
		{ "qname-minimisation:", "no" },
		{ "infra-keep-probing:", "yes" },
		{ "infra-host-ttl:", "60" },
		{ "outgoing-range:", "32" },
		{ "outgoing-num-tcp:", "4" },
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(opts) / sizeof(opts[0]); i++)
		rc = ub_ctx_set_option(ctx, opts[i][0], opts[i][1]);
	/* A monitor must see a repaired signature soon: unbound keeps a
	 * bogus answer 60 s by default. */
	if (rc == 0 && trust_anchor_file)
		rc = ub_ctx_set_option(ctx, "val-bogus-ttl:", "5");
	if (rc == 0 && trust_anchor_file)
		rc = ub_ctx_add_ta_file(ctx, trust_anchor_file);
	else if (rc == 0)
		rc = ub_ctx_set_option(ctx, "module-config:", "iterator");
	return rc;
}

/* unbound answers the special-use names test. and home.arpa. itself
 * (RFC 6761, 8375) unless told not to; the resolver forwarded to is the one
 * that knows them here, as it is for the probes. Removing a zone also
 * finalizes the context, so the trust anchor is read now, on this thread,
 * not on the loop's. */
static int finalize(struct ub_ctx *ctx)
{
	int rc = ub_ctx_zone_remove(ctx, "test.");

	return rc == 0 ? ub_ctx_zone_remove(ctx, "home.arpa.") : rc;
}

/* The options, the forwarders, then the context finalized. With trust
 * anchors, a failure is most likely theirs (a file unread, a bad record). */
static int set_up(struct ub_ctx *ctx, const struct smtpmon_settings *settings,
		  const char *trust_anchor_file, char *err, size_t errlen)
{
	int rc = set_options(ctx, trust_anchor_file);

	if (rc == 0 && set_forwarders(ctx, settings, err, errlen) != 0)
		return -1;
	if (rc == 0)
		rc = finalize(ctx);
	if (rc != 0 && trust_anchor_file)
		snprintf(err, errlen, "DNS client: trust anchors %s: %s", trust_anchor_file,
			 ub_strerror(rc));
	else if (rc != 0)
		snprintf(err, errlen, "DNS client: %s", ub_strerror(rc));
	return rc;
}

struct dns_client *dns_client_new(struct event_base *base,
				  const struct smtpmon_settings *settings,
				  const char *trust_anchor_file, char *err, size_t errlen)
{
	struct dns_client *c = calloc(1, sizeof(*c));

	if (!c || !(c->ctx = ub_ctx_create_event(base))) {
		snprintf(err, errlen, "cannot make a DNS client (out of memory)");
		free(c);
		return NULL;
	}
	c->base = base;
	if (set_up(c->ctx, settings, trust_anchor_file, err, errlen) != 0) {
		dns_client_free(c);
		return NULL;
	}
	return c;
}

static void unlink_query(struct dns_query *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else
		q->c->queries = q->next;
	if (q->next)
		q->next->prev = q->prev;
}

/* Forgets Q without calling DONE; unbound, if it still has the query,
 * drops its answer when it comes. */
void dns_query_cancel(struct dns_query *q)
{
	if (!q)
		return;
	if (q->pending)
		ub_cancel(q->c->ctx, q->id);
	unlink_query(q);
	event_free(q->ev);
	free(q->a);
	free(q);
}

void dns_client_free(struct dns_client *c)
{
	if (!c)
		return;
	while (c->queries)
		dns_query_cancel(c->queries);
	ub_ctx_delete(c->ctx);
	free(c);
}

static void finish(struct dns_query *q)
{
	unlink_query(q);
	event_free(q->ev);
	q->done(q->a ? q->a : &no_memory, q->arg);
	free(q->a);
	free(q);
}

/* Q's answer, made now; NULL when out of memory (DONE gets no_memory). */
static struct dns_answer *answer(struct dns_query *q)
{
	if (!q->a)
		q->a = calloc(1, sizeof(*q->a));
	return q->a;
}

static void failed(struct dns_query *q, int rcode, const char *why)
{
	struct dns_answer *a = answer(q);

	if (!a)
		return;
	memset(a, 0, sizeof(*a));
	a->outcome = DNS_FAILED;
	a->rcode = rcode;
	snprintf(a->error, sizeof(a->error), "%s", why);
}

/* unbound's answer: a wire packet unless RCODE says it failed (unbound
 * gives NOERROR for any packet it built, NXDOMAIN included). */
static void on_result(void *arg, int rcode, void *packet, int len, int sec, char *why_bogus,
		      int ratelimited)
{
	struct dns_query *q = arg;
	struct dns_answer *a;

	(void)ratelimited;
	q->pending = 0;
	if (rcode == 2)
		failed(q, rcode, "SERVFAIL");
	else if (rcode != 0)
		failed(q, rcode, "the resolver failed");
	else if (!packet || len < 0)
		failed(q, -1, "no answer");
	else if ((a = answer(q)) != NULL)
		dns_packet_read(packet, (size_t)len, q->qtype, a);
	if ((a = q->a) != NULL) {
		a->secure = sec == 2;
		a->bogus = sec == 1;
		if (a->bogus)
			snprintf(a->error, sizeof(a->error), "%s", why_bogus ? why_bogus : "bogus");
	}
	if (!q->inside)
		finish(q);
}

/* The timeout, or an answer that came inside dns_query(). */
static void on_event(evutil_socket_t fd, short what, void *arg)
{
	struct dns_query *q = arg;

	(void)fd;
	(void)what;
	if (q->pending) {
		ub_cancel(q->c->ctx, q->id);
		q->pending = 0;
		failed(q, -1, "timed out");
	}
	finish(q);
}

static struct dns_query *new_query(struct dns_client *c, int qtype, dns_answer_fn done,
				   void *arg)
{
	struct dns_query *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->ev = event_new(c->base, -1, 0, on_event, q);
	if (!q->ev) {
		free(q);
		return NULL;
	}
	q->c = c;
	q->qtype = qtype;
	q->done = done;
	q->arg = arg;
	q->next = c->queries;
	if (q->next)
		q->next->prev = q;
	c->queries = q;
	return q;
}

struct dns_query *dns_query(struct dns_client *c, const char *name, int qtype,
			    unsigned timeout_ms, dns_answer_fn done, void *arg)
{
	struct dns_query *q = new_query(c, qtype, done, arg);
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	int rc;

	if (!q)
		return NULL;
	q->pending = q->inside = 1;
	rc = ub_resolve_event(c->ctx, name, qtype, 1, q, on_result, &q->id);
	q->inside = 0;
	if (rc == UB_NOMEM) {
		q->pending = 0;
		dns_query_cancel(q);
		return NULL;
	}
	if (rc != 0) {
		q->pending = 0;
		failed(q, -1, ub_strerror(rc));
	}
	if (!q->pending) {
		event_active(q->ev, EV_TIMEOUT, 1);     /* DONE runs from the loop */
	} else if (evtimer_add(q->ev, &tv) != 0) {
		dns_query_cancel(q);
		return NULL;
	}
	return q;
}
