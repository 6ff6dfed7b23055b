/* SPDX-License-Identifier: ISC */
#include "probe/dnsbl_check.h"
#include "core/dnsbl.h"

#include <event2/dns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dnsbl_query {
	struct dnsbl_run *run;
	unsigned index;
	struct evdns_request *req;     /* NULL once its callback ran */
	int answered;
};

struct dnsbl_run {
	struct dnsbl_verdicts v;
	struct dnsbl_query q[DNSBL_ZONES_MAX];
	unsigned pending;
	int abandoned;
	dnsbl_done_fn *done;
	void *arg;
};

/* evdns's error for a failed query, as the log should say it. */
static void record_failure(struct dnsbl_run *r, unsigned i, int result)
{
	r->v.answer[i] = DNSBL_LIST_ERROR;
	snprintf(r->v.why[i], sizeof(r->v.why[i]), "no answer: %s", evdns_err_to_string(result));
}

static void record(struct dnsbl_run *r, unsigned i, int result, char type, int count,
		   const void *addresses)
{
	if (result == DNS_ERR_NOTEXIST) {
		r->v.answer[i] = DNSBL_NOT_LISTED;
	} else if (result != DNS_ERR_NONE) {
		record_failure(r, i, result);
	} else if (type != DNS_IPv4_A) {
		r->v.answer[i] = DNSBL_LIST_ERROR;
		snprintf(r->v.why[i], sizeof(r->v.why[i]), "answered something other than A records");
	} else {
		r->v.answer[i] = dnsbl_classify(addresses, count, r->v.why[i], sizeof(r->v.why[i]));
	}
}

static void on_answer(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	struct dnsbl_query *q = arg;
	struct dnsbl_run *r = q->run;

	(void)ttl;
	q->req = NULL;
	q->answered = 1;
	if (!r->abandoned)
		record(r, q->index, result, type, count, addresses);
	if (--r->pending)
		return;
	if (!r->abandoned)
		r->done(&r->v, r->arg);
	free(r);
}

struct dnsbl_run *dnsbl_run_start(struct evdns_base *dns, const struct dnsbl_zones *zones,
				  int family, const unsigned char *addr,
				  dnsbl_done_fn *done, void *arg)
{
	struct dnsbl_run *r = calloc(1, sizeof(*r));
	char names[DNSBL_ZONES_MAX][DNSBL_NAME_MAX];

	if (!r || !zones->n)
		return free(r), NULL;
	r->done = done;
	r->arg = arg;
	r->v.n = zones->n;
	/* Every name first, so that a bad one starts nothing. */
	for (unsigned i = 0; i < zones->n; i++) {
		memcpy(r->v.zone[i], zones->zone[i], sizeof(r->v.zone[i]));
		if (dnsbl_query_name(family, addr, zones->zone[i], names[i], sizeof(names[i])) != 0)
			return free(r), NULL;
	}
	r->pending = zones->n + 1;          /* held until every query is sent */
	for (unsigned i = 0; i < zones->n; i++) {
		struct dnsbl_query *q = &r->q[i];

		q->run = r;
		q->index = i;
		q->req = evdns_base_resolve_ipv4(dns, names[i], DNS_QUERY_NO_SEARCH, on_answer, q);
		if (q->answered) {         /* evdns answered at once */
			q->req = NULL;
		} else if (!q->req) {
			record_failure(r, i, DNS_ERR_UNKNOWN);
			r->pending--;
		}
	}
	r->pending--;
	if (!r->pending) {
		done(&r->v, arg);
		free(r);
		return NULL;
	}
	return r;
}

void dnsbl_run_abandon(struct dnsbl_run *r)
{
	unsigned n = r->v.n;

	r->abandoned = 1;
	for (unsigned i = 0; i < n; i++)
		if (r->q[i].req)
			evdns_cancel_request(NULL, r->q[i].req);
}
