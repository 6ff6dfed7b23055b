/* SPDX-License-Identifier: ISC */
#include "core/domain_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct tally {
	unsigned up, degraded, down, waiting, unresolved;
};

static struct tally count(const struct domain_view *v)
{
	struct tally t = { 0 };

	for (unsigned i = 0; i < v->nrows; i++) {
		enum server_status s = v->rows[i].status;

		t.up += s == STATUS_UP;
		t.degraded += s == STATUS_DEGRADED;
		t.down += s == STATUS_DOWN;
		t.waiting += s == STATUS_UNKNOWN || s == STATUS_DISABLED;
	}
	for (unsigned i = 0; i < v->set->nhosts; i++)
		t.unresolved += v->set->host[i].looked_up && v->set->host[i].naddr == 0;
	return t;
}

static size_t put(char *buf, size_t size, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t put(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len >= size)
		return len;
	va_start(ap, fmt);
	len += (size_t)vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	return len;
}

/* "mx2.example.com 127.0.0.3 is down (connectRefused); mx3.example.com does
 * not resolve (NXDOMAIN)": the rows and hosts that keep the domain from up.
 * LEN: what BUF already holds. */
static void list_faults(const struct domain_view *v, char *buf, size_t size, size_t len)
{
	size_t start = len;

	for (unsigned i = 0; i < v->nrows; i++) {
		const struct domain_row_view *r = &v->rows[i];
		const char *sep = len > start ? "; " : "";
		/* A row probed by name is the MX host alone. */
		const char *at = strcmp(r->where, r->mx) == 0 ? "" : " ";
		const char *where = at[0] ? r->where : "";

		if (r->status == STATUS_DOWN)
			len = put(buf, size, len, "%s%s%s%s is down (%s)", sep, r->mx, at, where,
				  r->result);
		else if (r->status == STATUS_DEGRADED)
			len = put(buf, size, len, "%s%s%s%s is degraded", sep, r->mx, at, where);
	}
	for (unsigned i = 0; i < v->set->nhosts; i++) {
		const struct mx_host *h = &v->set->host[i];

		if (h->looked_up && h->naddr == 0)
			len = put(buf, size, len, "%s%s does not resolve (%s)", len > start ? "; " : "",
				  h->name, h->error[0] ? h->error : "no address");
	}
	if (v->cut)
		put(buf, size, len, "%s%u more rows than smtpmon makes for one domain",
		    len > start ? "; " : "", v->cut);
}

static enum domain_status from_rows(const struct domain_view *v, char *reason, size_t size)
{
	struct tally t = count(v);
	unsigned taking = t.up + t.degraded;

	if (v->nrows == 0) {
		list_faults(v, reason, size, put(reason, size, 0, "no MX host resolves: "));
		return DOMAIN_DOWN;
	}
	if (taking == 0 && t.waiting) {
		snprintf(reason, size, "waiting for the first probes of %u of %u rows", t.waiting,
			 v->nrows);
		return DOMAIN_UNKNOWN;
	}
	if (taking == 0) {
		list_faults(v, reason, size, put(reason, size, 0, "no address takes mail: "));
		return DOMAIN_DOWN;
	}
	if (t.down || t.degraded || t.unresolved || v->cut) {
		reason[0] = '\0';
		list_faults(v, reason, size, 0);
		return DOMAIN_DEGRADED;
	}
	snprintf(reason, size, "every address takes mail (%u of %u%s)", t.up, v->nrows,
		 t.waiting ? ", the others not probed yet" : "");
	return DOMAIN_UP;
}

enum domain_status domain_status_of(const struct domain_view *v, char *reason, size_t size)
{
	switch (v->set->kind) {
	case MX_UNKNOWN:
		snprintf(reason, size, "the MX set of %s was not looked up yet", v->domain);
		return DOMAIN_UNKNOWN;
	case MX_FAILED:         /* before any answer: only the resolver is known to fail */
		snprintf(reason, size, "the MX lookup of %s failed: %s", v->domain, v->set->error);
		return DOMAIN_UNKNOWN;
	case MX_NULL:
		snprintf(reason, size, "%s publishes a null MX (RFC 7505): it takes no mail",
			 v->domain);
		return DOMAIN_NO_MAIL;
	case MX_NO_DOMAIN:
		snprintf(reason, size, "%s does not exist (NXDOMAIN)", v->domain);
		return DOMAIN_DOWN;
	case MX_LISTED:
	case MX_IMPLICIT:
		break;
	}
	return from_rows(v, reason, size);
}

const char *domain_status_name(enum domain_status s)
{
	static const char *const names[] = { "unknown", "up", "degraded", "down", "noMail" };

	return s >= DOMAIN_UNKNOWN && s <= DOMAIN_NO_MAIL ? names[s - 1] : "?";
}

enum server_status domain_status_as_server(enum domain_status s)
{
	return s == DOMAIN_NO_MAIL ? STATUS_UNKNOWN : (enum server_status)s;
}
