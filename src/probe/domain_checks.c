/* SPDX-License-Identifier: ISC */
#include "probe/domain_checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "probe/dns_client.h"
#include "probe/policy_fetch.h"
#include "probe/tls_check.h"

#define QUERY_TIMEOUT_MS 5000
#define ADDRS_MAX 8

struct dc_tlsa_ask {
	struct domain_checks *c;
	unsigned host;
	struct dns_query *q;
};

struct dc_addr_ask {
	struct domain_checks *c;
	struct dns_query *q;
};

struct dc_check {
	struct domain_checks *c;
	struct tls_check_run *run;
};

struct domain_checks {
	struct domain_checks_parts parts;
	struct domain_config cfg;
	struct mx_set set;
	struct domain_policy_report *r;
	unsigned pending;               /* questions, the fetch, then connections */
	int checking;                   /* the connections have started */
	struct event *kick;             /* the first settle, from the loop */
	struct dns_query *txt_q;
	struct dc_addr_ask addr_ask[2];
	unsigned naddr;
	struct dns_addr addr[ADDRS_MAX];
	struct policy_fetch *fetch;
	struct dc_tlsa_ask tlsa[MX_HOSTS_MAX];
	struct dc_check check[DOMAIN_ROWS_MAX];
	domain_checks_fn done;
	void *arg;
};

static void start_connections(struct domain_checks *c);

/* One thing less to wait for; the round moves on when none is left. */
static void settle(struct domain_checks *c)
{
	domain_checks_fn done;
	struct domain_policy_report *r;
	void *arg;

	if (--c->pending > 0)
		return;
	if (!c->checking) {
		start_connections(c);
		if (c->pending > 0)
			return;
	}
	done = c->done;
	arg = c->arg;
	r = c->r;
	c->r = NULL;
	domain_checks_cancel(c);
	done(r, arg);
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	settle(arg);
}

/* --- MTA-STS ---------------------------------------------------------------- */

static void on_fetched(const struct policy_fetched *f, void *arg)
{
	struct domain_checks *c = arg;
	struct domain_policy_report *r = c->r;

	c->fetch = NULL;
	r->fetch = f->outcome;
	snprintf(r->fetch_error, sizeof(r->fetch_error), "%s", f->error);
	if (f->outcome == FETCH_OK)
		r->policy_ok = mta_sts_policy_read(f->body, f->len, &r->policy, r->policy_error,
						   sizeof(r->policy_error)) == 0;
	settle(c);
}

static void fetch_policy(struct domain_checks *c)
{
	if (c->naddr == 0) {
		c->r->fetch = FETCH_FAILED;
		snprintf(c->r->fetch_error, sizeof(c->r->fetch_error), "mta-sts.%.120s has no address",
			 c->cfg.domain);
		return;
	}
	c->fetch = policy_fetch_start(c->parts.base, c->parts.trust, c->cfg.domain, c->addr,
				      c->naddr, c->cfg.opt.timeout_s * 1000u, on_fetched, c);
	if (c->fetch) {
		c->pending++;
		return;
	}
	c->r->fetch = FETCH_FAILED;
	snprintf(c->r->fetch_error, sizeof(c->r->fetch_error), "out of memory");
}

static void on_policy_addr(const struct dns_answer *a, void *arg)
{
	struct dc_addr_ask *ask = arg;
	struct domain_checks *c = ask->c;

	ask->q = NULL;
	for (unsigned i = 0; a->outcome == DNS_ANSWER && i < a->count && c->naddr < ADDRS_MAX; i++)
		if (a->rec[i].type == DNS_TYPE_A || a->rec[i].type == DNS_TYPE_AAAA)
			c->addr[c->naddr++] = a->rec[i].u.addr;
	if (!c->addr_ask[0].q && !c->addr_ask[1].q)
		fetch_policy(c);        /* both answered */
	settle(c);
}

static void ask_policy_host(struct domain_checks *c)
{
	char name[DNS_NAME_MAX + 16];
	static const int types[2] = { DNS_TYPE_A, DNS_TYPE_AAAA };

	snprintf(name, sizeof(name), "mta-sts.%s", c->cfg.domain);
	for (int i = 0; i < 2; i++) {
		c->addr_ask[i].c = c;
		c->addr_ask[i].q = dns_query(c->parts.dns, name, types[i], QUERY_TIMEOUT_MS,
					     on_policy_addr, &c->addr_ask[i]);
		c->pending += c->addr_ask[i].q != NULL;
	}
	if (!c->addr_ask[0].q && !c->addr_ask[1].q)
		fetch_policy(c);
}

static void on_txt(const struct dns_answer *a, void *arg)
{
	struct domain_checks *c = arg;
	struct domain_policy_report *r = c->r;

	c->txt_q = NULL;
	r->txt.outcome = a->outcome;
	if (a->outcome == DNS_FAILED)
		snprintf(r->txt.error, sizeof(r->txt.error), "%s", a->error);
	else
		r->txt.found = mta_sts_record_read(a, r->txt.id, r->txt.problem,
						   sizeof(r->txt.problem));
	if (r->txt.found == 1)
		ask_policy_host(c);
	settle(c);
}

static void ask_mta_sts(struct domain_checks *c)
{
	char name[DNS_NAME_MAX + 16];

	snprintf(name, sizeof(name), "_mta-sts.%s", c->cfg.domain);
	c->txt_q = dns_query(c->parts.dns, name, DNS_TYPE_TXT, QUERY_TIMEOUT_MS, on_txt, c);
	if (c->txt_q) {
		c->pending++;
		return;
	}
	c->r->txt.outcome = DNS_FAILED;
	snprintf(c->r->txt.error, sizeof(c->r->txt.error), "out of memory");
}

/* --- DANE -------------------------------------------------------------------- */

static void on_tlsa(const struct dns_answer *a, void *arg)
{
	struct dc_tlsa_ask *ask = arg;
	struct domain_checks *c = ask->c;

	ask->q = NULL;
	tlsa_set_from_answer(&c->r->tlsa[ask->host], c->set.host[ask->host].name, a);
	settle(c);
}

static void ask_tlsa(struct domain_checks *c)
{
	struct dns_client *dns = c->parts.validator ? c->parts.validator : c->parts.dns;
	char name[DNS_NAME_MAX + 24];

	c->r->ntlsa = c->set.nhosts;
	for (unsigned i = 0; i < c->set.nhosts; i++) {
		snprintf(c->r->tlsa[i].mx, sizeof(c->r->tlsa[i].mx), "%s", c->set.host[i].name);
		snprintf(name, sizeof(name), "_%u._tcp.%s", (unsigned)domain_port(&c->cfg),
			 c->set.host[i].name);
		c->tlsa[i] = (struct dc_tlsa_ask){ c, i, NULL };
		c->tlsa[i].q = dns_query(dns, name, DNS_TYPE_TLSA, QUERY_TIMEOUT_MS, on_tlsa,
					 &c->tlsa[i]);
		if (c->tlsa[i].q) {
			c->pending++;
		} else {
			c->r->tlsa[i].outcome = DNS_FAILED;
			snprintf(c->r->tlsa[i].error, sizeof(c->r->tlsa[i].error), "out of memory");
		}
	}
}

/* --- the connections ----------------------------------------------------------- */

/* Records a connection would verify: secure and usable, or NULL. */
static const struct tlsa_set *records_to_verify(const struct domain_checks *c, const char *mx)
{
	const struct tlsa_set *t = c->r->dane ? policy_tlsa_for(c->r, mx) : NULL;

	return t && c->parts.validator && t->secure && !t->bogus && t->usable ? t : NULL;
}

static int policy_needs_certificates(const struct domain_policy_report *r)
{
	return r->mta_sts && r->txt.found == 1 && r->fetch == FETCH_OK && r->policy_ok &&
	       r->policy.mode != MTA_STS_MODE_NONE;
}

static void on_checked(void *arg)
{
	struct dc_check *k = arg;

	k->run = NULL;
	settle(k->c);
}

/* The row's own target, with TLS: STARTTLS, or implicit as the row has it. */
static void row_target(const struct domain_checks *c, const struct mx_row *row,
		       struct target_config *t)
{
	mx_row_target(&c->cfg, row, t);
	t->port = domain_port(&c->cfg);
	t->opt.tls = c->cfg.opt.tls == TLS_IMPLICIT ? TLS_IMPLICIT : TLS_STARTTLS;
}

static void check_row(struct domain_checks *c, const struct mx_row *row, int policy)
{
	const struct tlsa_set *t = records_to_verify(c, row->mx);
	struct domain_policy_report *r = c->r;
	struct tls_check *out = &r->check[r->nchecks];
	struct dc_check *k = &c->check[r->nchecks];
	struct target_config tc;

	if (!t && !policy)
		return;
	r->nchecks++;
	snprintf(out->mx, sizeof(out->mx), "%s", row->mx);
	out->addr = row->addr;
	row_target(c, row, &tc);
	k->c = c;
	k->run = tls_check_start(c->parts.engine, c->parts.gate, &tc, c->parts.helo, t, out,
				 on_checked, k);
	if (k->run) {
		c->pending++;
		return;
	}
	out->outcome = TLS_CHECK_UNREACHABLE;
	snprintf(out->error, sizeof(out->error), "out of memory");
}

static void start_connections(struct domain_checks *c)
{
	struct mx_row rows[DOMAIN_ROWS_MAX];
	unsigned cut, n = mx_rows(&c->set, c->cfg.family, rows, DOMAIN_ROWS_MAX, &cut);
	int policy = policy_needs_certificates(c->r);

	c->checking = 1;
	for (unsigned i = 0; i < n; i++)
		check_row(c, &rows[i], policy);
}

/* --- the round ------------------------------------------------------------------ */

struct domain_checks *domain_checks_start(const struct domain_checks_parts *parts,
					  const struct domain_config *cfg,
					  const struct mx_set *set, domain_checks_fn done,
					  void *arg)
{
	struct domain_checks *c;

	if ((!cfg->mta_sts && !cfg->dane) ||
	    (set->kind != MX_LISTED && set->kind != MX_IMPLICIT) || set->nhosts == 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->r = calloc(1, sizeof(*c->r))) ||
	    !(c->kick = event_new(parts->base, -1, 0, on_kick, c))) {
		if (c)
			free(c->r);
		free(c);
		return NULL;
	}
	c->parts = *parts;
	c->cfg = *cfg;
	c->set = *set;
	c->done = done;
	c->arg = arg;
	c->r->mta_sts = cfg->mta_sts;
	c->r->dane = cfg->dane;
	c->r->have_anchor = parts->validator != NULL;
	c->pending = 1;                 /* this call's own, settled below */
	if (cfg->mta_sts)
		ask_mta_sts(c);
	if (cfg->dane)
		ask_tlsa(c);
	event_active(c->kick, EV_TIMEOUT, 1);
	return c;
}

void domain_checks_cancel(struct domain_checks *c)
{
	if (!c)
		return;
	dns_query_cancel(c->txt_q);
	for (int i = 0; i < 2; i++)
		dns_query_cancel(c->addr_ask[i].q);
	policy_fetch_cancel(c->fetch);
	for (unsigned i = 0; i < MX_HOSTS_MAX; i++)
		dns_query_cancel(c->tlsa[i].q);
	for (unsigned i = 0; i < DOMAIN_ROWS_MAX; i++)
		tls_check_cancel(c->check[i].run);
	event_free(c->kick);
	free(c->r);
	free(c);
}
