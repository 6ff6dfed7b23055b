/* SPDX-License-Identifier: ISC */
#include "core/mx_set.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int by_pref_then_name(const void *x, const void *y)
{
	const struct mx_host *a = x, *b = y;

	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int has_host(const struct mx_set *s, const char *name)
{
	for (unsigned i = 0; i < s->nhosts; i++)
		if (strcmp(s->host[i].name, name) == 0)
			return 1;
	return 0;
}

/* RFC 7505: a single "0 ." record; a "." among other records is ignored,
 * as a sending MTA cannot deliver to it either. */
static int is_null_mx(const struct dns_answer *a)
{
	return a->count == 1 && a->rec[0].u.mx.host[0] == '\0';
}

static void add_listed(struct mx_set *s, const struct dns_answer *a)
{
	for (unsigned i = 0; i < a->count; i++) {
		const struct dns_mx *mx = &a->rec[i].u.mx;

		if (a->rec[i].type != DNS_TYPE_MX || !mx->host[0] || has_host(s, mx->host))
			continue;
		if (s->nhosts == MX_HOSTS_MAX) {
			s->dropped++;
			continue;
		}
		s->host[s->nhosts].pref = mx->pref;
		strcpy(s->host[s->nhosts++].name, mx->host);
	}
	s->dropped += a->dropped;
	qsort(s->host, s->nhosts, sizeof(s->host[0]), by_pref_then_name);
}

void mx_set_from_answer(struct mx_set *s, const char *domain, const struct dns_answer *a)
{
	memset(s, 0, sizeof(*s));
	if (a->outcome == DNS_NXDOMAIN) {
		s->kind = MX_NO_DOMAIN;
	} else if (a->outcome == DNS_FAILED) {
		s->kind = MX_FAILED;
		snprintf(s->error, sizeof(s->error), "%s", a->error[0] ? a->error : "failed");
	} else if (a->outcome == DNS_NODATA) {
		s->kind = MX_IMPLICIT;
		s->nhosts = 1;
		snprintf(s->host[0].name, sizeof(s->host[0].name), "%s", domain);
	} else if (is_null_mx(a)) {
		s->kind = MX_NULL;
	} else {
		s->kind = MX_LISTED;
		add_listed(s, a);
	}
}

/* In order, IPv4 first, whichever answer came first: rows, their numbers
 * and the reasons that name them do not change with the answers' race. */
static void add_address(struct mx_host *h, const struct dns_addr *a)
{
	unsigned at = h->naddr;

	if (h->naddr == MX_ADDRS_MAX)
		return;
	while (at > 0 && dns_addr_cmp(a, &h->addr[at - 1]) < 0) {
		h->addr[at] = h->addr[at - 1];
		at--;
	}
	h->addr[at] = *a;
	h->naddr++;
}

void mx_host_add_answer(struct mx_host *h, const struct dns_answer *a)
{
	for (unsigned i = 0; i < a->count && h->naddr < MX_ADDRS_MAX; i++)
		if (a->rec[i].type == DNS_TYPE_A || a->rec[i].type == DNS_TYPE_AAAA)
			add_address(h, &a->rec[i].u.addr);
	h->failed |= a->outcome == DNS_FAILED;
	if (a->outcome == DNS_ANSWER || a->outcome == DNS_NODATA || h->error[0])
		return;
	/* The first failure says why; NODATA for one family is no error. */
	snprintf(h->error, sizeof(h->error), "%s", a->outcome == DNS_NXDOMAIN ? "NXDOMAIN" :
		 a->error[0] ? a->error : "failed");
}

static const struct mx_host *host_named(const struct mx_set *s, const char *name)
{
	for (unsigned i = 0; i < s->nhosts; i++)
		if (strcmp(s->host[i].name, name) == 0)
			return &s->host[i];
	return NULL;
}

static int has_address(const struct mx_host *h, const struct dns_addr *a)
{
	for (unsigned i = 0; i < h->naddr; i++)
		if (dns_addr_cmp(&h->addr[i], a) == 0)
			return 1;
	return 0;
}

void mx_set_keep_addresses(struct mx_set *now, const struct mx_set *before)
{
	for (unsigned i = 0; i < now->nhosts; i++) {
		struct mx_host *h = &now->host[i];
		const struct mx_host *old = h->failed ? host_named(before, h->name) : NULL;

		for (unsigned j = 0; old && j < old->naddr && h->naddr < MX_ADDRS_MAX; j++)
			if (!has_address(h, &old->addr[j]))
				add_address(h, &old->addr[j]);
	}
}

static int family_wanted(enum domain_family f, int af)
{
	if (f == DOMAIN_FAMILY_IPV4)
		return af == AF_INET;
	if (f == DOMAIN_FAMILY_IPV6)
		return af == AF_INET6;
	return 1;
}

static unsigned addresses_of(const struct mx_host *h, enum domain_family f)
{
	unsigned n = 0;

	for (unsigned i = 0; i < h->naddr; i++)
		n += family_wanted(f, h->addr[i].family);
	return n;
}

unsigned mx_set_addresses(const struct mx_set *s, enum domain_family f)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->nhosts; i++)
		n += addresses_of(&s->host[i], f);
	return n;
}

static void put_row(struct mx_row *out, unsigned *n, unsigned max, unsigned *cut,
		    const struct mx_host *h, const struct dns_addr *a)
{
	if (*n == max) {
		(*cut)++;
		return;
	}
	memset(&out[*n], 0, sizeof(out[*n]));
	out[*n].pref = h->pref;
	strcpy(out[*n].mx, h->name);
	if (a)
		out[*n].addr = *a;
	(*n)++;
}

unsigned mx_rows(const struct mx_set *s, enum domain_family f, struct mx_row *out,
		 unsigned max, unsigned *cut)
{
	unsigned n = 0;

	*cut = 0;
	if (s->kind != MX_LISTED && s->kind != MX_IMPLICIT)
		return 0;
	for (unsigned i = 0; i < s->nhosts; i++) {
		const struct mx_host *h = &s->host[i];

		if (!addresses_of(h, f))
			continue;
		if (f != DOMAIN_FAMILY_BOTH) {
			put_row(out, &n, max, cut, h, NULL);
			continue;
		}
		for (unsigned j = 0; j < h->naddr; j++)
			put_row(out, &n, max, cut, h, &h->addr[j]);
	}
	return n;
}

static int same_row(const struct mx_row *a, const struct mx_row *b)
{
	return strcmp(a->mx, b->mx) == 0 && dns_addr_cmp(&a->addr, &b->addr) == 0;
}

static int number_taken(const struct mx_row *rows, unsigned n, unsigned number)
{
	for (unsigned i = 0; i < n; i++)
		if (rows[i].number == number)
			return 1;
	return 0;
}

void mx_rows_number(const struct mx_row *prev, unsigned nprev, struct mx_row *next,
		    unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		next[i].number = 0;
		for (unsigned j = 0; j < nprev && !next[i].number; j++)
			if (same_row(&next[i], &prev[j]))
				next[i].number = prev[j].number;
	}
	/* New rows never take a number that a row going away still holds, so
	 * that a name is not reused within one change. */
	for (unsigned i = 0, free_n = 1; i < n; i++) {
		if (next[i].number)
			continue;
		while (number_taken(next, n, free_n) || number_taken(prev, nprev, free_n))
			free_n++;
		next[i].number = free_n++;
	}
}

void mx_row_name(const char *watch, const struct mx_row *r, char *out, size_t size)
{
	snprintf(out, size, "%s.%u", watch, r->number);
}

void mx_row_target(const struct domain_config *d, const struct mx_row *r,
		   struct target_config *spec)
{
	memset(spec, 0, sizeof(*spec));
	mx_row_name(d->name, r, spec->name, sizeof(spec->name));
	mx_row_where(r, spec->host, sizeof(spec->host));
	spec->port = d->port;
	spec->opt = d->opt;
	snprintf(spec->opt.sni, sizeof(spec->opt.sni), "%s", r->mx);
	spec->opt.set |= OPT_SNI;
	if (!r->addr.family && d->family != DOMAIN_FAMILY_ANY) {
		spec->opt.family = d->family == DOMAIN_FAMILY_IPV4 ? FAMILY_IPV4 : FAMILY_IPV6;
		spec->opt.set |= OPT_FAMILY;
	}
}

void mx_row_where(const struct mx_row *r, char *out, size_t size)
{
	if (!r->addr.family || !inet_ntop(r->addr.family, r->addr.addr, out, (socklen_t)size))
		snprintf(out, size, "%s", r->mx);
}

static size_t put_host(char *buf, size_t size, size_t len, const struct mx_host *h,
		       const char *sep)
{
	if (len < size)
		len += (size_t)snprintf(buf + len, size - len, "%s%u %s", sep, h->pref, h->name);
	return len;
}

void mx_set_describe(const struct mx_set *s, char *buf, size_t size)
{
	size_t len = 0;

	switch (s->kind) {
	case MX_UNKNOWN: snprintf(buf, size, "not looked up yet"); return;
	case MX_NULL: snprintf(buf, size, "null MX: takes no mail"); return;
	case MX_NO_DOMAIN: snprintf(buf, size, "no such domain (NXDOMAIN)"); return;
	case MX_FAILED: snprintf(buf, size, "MX lookup failed: %s", s->error); return;
	case MX_IMPLICIT:
		snprintf(buf, size, "no MX: %s itself", s->host[0].name);
		return;
	case MX_LISTED:
		break;
	}
	buf[0] = '\0';
	for (unsigned i = 0; i < s->nhosts; i++)
		len = put_host(buf, size, len, &s->host[i], i ? ", " : "");
}

static int host_in(const struct mx_host *h, const struct mx_set *s)
{
	for (unsigned i = 0; i < s->nhosts; i++)
		if (s->host[i].pref == h->pref && strcmp(s->host[i].name, h->name) == 0)
			return 1;
	return 0;
}

/* The hosts of A not in B, after WORD ("added", "removed"). */
static size_t put_missing(char *buf, size_t size, size_t len, const struct mx_set *a,
			  const struct mx_set *b, const char *word)
{
	int first = 1;

	for (unsigned i = 0; i < a->nhosts; i++) {
		if (host_in(&a->host[i], b))
			continue;
		if (first && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s ", len ? "; " : "", word);
		len = put_host(buf, size, len, &a->host[i], first ? "" : ", ");
		first = 0;
	}
	return len;
}

/* A failed lookup says nothing of the MX set: it is the one before. */
int mx_set_changed(const struct mx_set *before, const struct mx_set *after, char *buf,
		   size_t size)
{
	char was[256], now[256];
	size_t len = 0;

	buf[0] = '\0';
	if (before->kind == MX_FAILED || after->kind == MX_FAILED || before->kind == MX_UNKNOWN)
		return 0;
	if (before->kind != after->kind) {
		mx_set_describe(before, was, sizeof(was));
		mx_set_describe(after, now, sizeof(now));
		snprintf(buf, size, "was %s; now %s", was, now);
		return 1;
	}
	len = put_missing(buf, size, len, after, before, "added");
	len = put_missing(buf, size, len, before, after, "removed");
	return len > 0;
}
