/* SPDX-License-Identifier: ISC */
#include "probe/helo_lookup.h"

#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>

#include "core/fqdn.h"

struct helo_lookup;

/* One of the two questions about the current name. */
struct question {
	struct helo_lookup *l;
	struct evdns_request *req;
};

struct helo_lookup {
	struct evdns_base *dns;
	struct fqdn_names names;
	unsigned at;                  /* the name being asked about */
	struct question q[2];         /* A, AAAA */
	int pending;                  /* questions not answered yet */
	int found;                    /* the current name has an address */
	int over;                     /* DONE ran, or cancelled */
	helo_lookup_fn done;
	void *arg;
};

static int ask_next(struct helo_lookup *l);

static void finish(struct helo_lookup *l, const char *name)
{
	helo_lookup_fn done = l->done;

	l->over = 1;
	l->done = NULL;
	if (done)
		done(name, l->arg);
	for (int i = 0; i < 2; i++)   /* the other question is of no use now */
		if (l->q[i].req)
			evdns_cancel_request(l->dns, l->q[i].req);
}

static void on_answer(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	struct question *q = arg;
	struct helo_lookup *l = q->l;

	(void)type;
	(void)ttl;
	(void)addresses;
	q->req = NULL;
	l->pending--;
	if (!l->over && result == DNS_ERR_NONE && count > 0)
		finish(l, l->names.name[l->at]);
	if (l->pending > 0)
		return;
	if (l->over) {
		free(l);
		return;
	}
	l->at++;
	if (ask_next(l))
		return;
	finish(l, NULL);
	free(l);
}

/* Asks about the names from the current one on until a question goes out;
 * 0 when none could be asked. The answers come from the loop. */
static int ask_next(struct helo_lookup *l)
{
	for (; l->at < l->names.n; l->at++) {
		const char *name = l->names.name[l->at];

		l->q[0].req = evdns_base_resolve_ipv4(l->dns, name, DNS_QUERY_NO_SEARCH, on_answer,
						      &l->q[0]);
		l->q[1].req = evdns_base_resolve_ipv6(l->dns, name, DNS_QUERY_NO_SEARCH, on_answer,
						      &l->q[1]);
		l->pending = (l->q[0].req != NULL) + (l->q[1].req != NULL);
		if (l->pending)
			return 1;
	}
	return 0;
}

struct helo_lookup *helo_lookup_start(struct evdns_base *dns, const struct fqdn_names *names,
				      helo_lookup_fn done, void *arg)
{
	struct helo_lookup *l;

	if (!names->n || evdns_base_count_nameservers(dns) <= 0 || !(l = calloc(1, sizeof(*l))))
		return NULL;
	l->dns = dns;
	l->names = *names;
	l->done = done;
	l->arg = arg;
	for (int i = 0; i < 2; i++)
		l->q[i].l = l;
	if (!ask_next(l)) {
		free(l);
		return NULL;
	}
	return l;
}

void helo_lookup_cancel(struct helo_lookup *l)
{
	if (!l || l->over)
		return;
	l->done = NULL;
	finish(l, NULL);
}
