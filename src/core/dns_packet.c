/* SPDX-License-Identifier: ISC */
#include "core/dns_packet.h"

#include <arpa/nameser.h>
#include <ctype.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/text.h"

#define TTL_MAX 0x7fffffffu     /* RFC 2181 section 8: a larger TTL is 0 */

__attribute__((format(printf, 2, 3)))
static int fail(struct dns_answer *a, const char *fmt, ...)
{
	va_list ap;

	a->outcome = DNS_FAILED;
	a->count = 0;
	a->dropped = 0;
	a->ttl = 0;
	va_start(ap, fmt);
	vsnprintf(a->error, sizeof(a->error), fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t rr_ttl(const ns_rr *rr)
{
	return rr->ttl > TTL_MAX ? 0 : (uint32_t)rr->ttl;
}

/* The name at P, inside RDATA[0..rdlen): lower case, no final dot, "" for
 * the root. The name must end inside the rdata (a pointer may lead
 * anywhere in the message); USED gets the octets it took there. */
static int read_name(const ns_msg *m, const unsigned char *p, const unsigned char *end,
		     char *out, size_t *used)
{
	char name[NS_MAXDNAME];
	int n = dn_expand(ns_msg_base(*m), ns_msg_end(*m), p, name, sizeof(name));
	size_t len;

	if (n < 0 || p + n > end)
		return -1;
	len = strcmp(name, ".") == 0 ? 0 : strlen(name);
	if (len > DNS_NAME_MAX)
		return -1;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	out[len] = '\0';
	*used = (size_t)n;
	return 0;
}

static int read_mx(const ns_msg *m, const ns_rr *rr, struct dns_record *r)
{
	const unsigned char *p = ns_rr_rdata(*rr), *end = p + ns_rr_rdlen(*rr);
	size_t used;

	if (ns_rr_rdlen(*rr) < 3)
		return -1;
	r->u.mx.pref = (uint16_t)ns_get16(p);
	if (read_name(m, p + 2, end, r->u.mx.host, &used) != 0)
		return -1;
	return p + 2 + used == end ? 0 : -1;
}

static int read_addr(const ns_rr *rr, struct dns_record *r, int family, size_t len)
{
	if (ns_rr_rdlen(*rr) != len)
		return -1;
	r->u.addr.family = family;
	memcpy(r->u.addr.addr, ns_rr_rdata(*rr), len);
	return 0;
}

/* The character-strings joined, cut at DNS_TXT_MAX; NUL and other bytes
 * outside printable ASCII become '?' (text_clean), as for any text bound
 * for the MIB or a log. */
static int read_txt(const ns_rr *rr, struct dns_record *r)
{
	const unsigned char *p = ns_rr_rdata(*rr), *end = p + ns_rr_rdlen(*rr);
	char *out = r->u.txt;
	size_t have = 0;

	out[0] = '\0';
	if (p == end)
		return -1;      /* at least one string, RFC 1035 section 3.3.14 */
	while (p < end) {
		size_t n = *p++;

		if (n > (size_t)(end - p))
			return -1;
		if (have < DNS_TXT_MAX)
			have += text_clean(out + have, DNS_TXT_MAX + 1 - have, (const char *)p, n);
		p += n;
	}
	return 0;
}

static int read_tlsa(const ns_rr *rr, struct dns_record *r)
{
	const unsigned char *p = ns_rr_rdata(*rr);
	size_t len = ns_rr_rdlen(*rr);

	if (len < 3)
		return -1;
	r->u.tlsa.usage = p[0];
	r->u.tlsa.selector = p[1];
	r->u.tlsa.mtype = p[2];
	r->u.tlsa.len = (uint16_t)(len - 3);
	memcpy(r->u.tlsa.data, p + 3,
	       len - 3 < sizeof(r->u.tlsa.data) ? len - 3 : sizeof(r->u.tlsa.data));
	return 0;
}

static int read_record(const ns_msg *m, const ns_rr *rr, struct dns_record *r)
{
	memset(r, 0, sizeof(*r));
	r->type = ns_rr_type(*rr);
	r->ttl = rr_ttl(rr);
	switch (r->type) {
	case DNS_TYPE_MX:
		return read_mx(m, rr, r);
	case DNS_TYPE_A:
		return read_addr(rr, r, AF_INET, 4);
	case DNS_TYPE_AAAA:
		return read_addr(rr, r, AF_INET6, 16);
	case DNS_TYPE_TXT:
		return read_txt(rr, r);
	case DNS_TYPE_TLSA:
		return read_tlsa(rr, r);
	}
	return -1;
}

/* Keeps the answer section's records of QTYPE, class IN. */
static int read_answers(ns_msg *m, int qtype, struct dns_answer *a)
{
	int n = ns_msg_count(*m, ns_s_an);
	ns_rr rr;

	for (int i = 0; i < n; i++) {
		if (ns_parserr(m, ns_s_an, i, &rr) != 0)
			return fail(a, "answer record %d cannot be read", i + 1);
		if ((int)ns_rr_type(rr) != qtype || ns_rr_class(rr) != ns_c_in)
			continue;
		if (a->count == DNS_RECORDS_MAX) {
			a->dropped++;
			continue;
		}
		if (read_record(m, &rr, &a->rec[a->count]) != 0)
			return fail(a, "answer record %d is malformed", i + 1);
		if (a->count == 0 || a->rec[a->count].ttl < a->ttl)
			a->ttl = a->rec[a->count].ttl;
		a->count++;
	}
	return 0;
}

/* The negative TTL of an SOA's rdata (RFC 2308 section 5): the lower of
 * the record's TTL and its MINIMUM; -1 when the rdata is malformed. */
static long soa_negative_ttl(const ns_rr *rr)
{
	const unsigned char *p = ns_rr_rdata(*rr), *end = p + ns_rr_rdlen(*rr);
	uint32_t minimum;
	int n;

	for (int names = 0; names < 2; names++) {
		n = dn_skipname(p, end);
		if (n < 0)
			return -1;
		p += n;
	}
	if (end - p != 20)
		return -1;
	minimum = (uint32_t)ns_get32(p + 16);
	if (minimum > TTL_MAX)
		minimum = 0;
	return rr_ttl(rr) < minimum ? rr_ttl(rr) : minimum;
}

/* A->ttl from the authority section's SOA, 0 without a readable one. */
static int read_negative_ttl(ns_msg *m, struct dns_answer *a)
{
	int n = ns_msg_count(*m, ns_s_ns);
	ns_rr rr;
	long ttl;

	a->ttl = 0;
	for (int i = 0; i < n; i++) {
		if (ns_parserr(m, ns_s_ns, i, &rr) != 0)
			return fail(a, "authority record %d cannot be read", i + 1);
		if (ns_rr_type(rr) != ns_t_soa || ns_rr_class(rr) != ns_c_in)
			continue;
		ttl = soa_negative_ttl(&rr);
		if (ttl >= 0) {
			a->ttl = (uint32_t)ttl;
			return 0;
		}
	}
	return 0;
}

static int supported(int qtype)
{
	return qtype == DNS_TYPE_A || qtype == DNS_TYPE_AAAA || qtype == DNS_TYPE_MX ||
	       qtype == DNS_TYPE_TXT || qtype == DNS_TYPE_TLSA;
}

static const char *rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP", "REFUSED" };

	return rcode >= 0 && rcode < 6 ? names[rcode] : NULL;
}

/* NOERROR or NXDOMAIN: the records, or why there are none. */
static int read_outcome(ns_msg *m, int qtype, struct dns_answer *a)
{
	if (a->rcode == ns_r_noerror && read_answers(m, qtype, a) != 0)
		return -1;
	if (a->count > 0 || a->dropped > 0) {
		a->outcome = DNS_ANSWER;
		return 0;
	}
	a->outcome = a->rcode == ns_r_nxdomain ? DNS_NXDOMAIN : DNS_NODATA;
	if (a->outcome == DNS_NODATA)
		snprintf(a->error, sizeof(a->error), "no %s record", dns_type_name(qtype));
	return read_negative_ttl(m, a);
}

int dns_packet_read(const unsigned char *packet, size_t len, int qtype, struct dns_answer *a)
{
	ns_msg m;
	const char *name;

	memset(a, 0, sizeof(*a));
	a->rcode = -1;
	if (!supported(qtype))
		return fail(a, "cannot read %s records", dns_type_name(qtype));
	if (!packet || len > NS_MAXMSG || ns_initparse(packet, (int)len, &m) != 0)
		return fail(a, "malformed packet of %zu octets", len);
	a->rcode = ns_msg_getflag(m, ns_f_rcode);
	if (a->rcode == ns_r_noerror || a->rcode == ns_r_nxdomain)
		return read_outcome(&m, qtype, a);
	a->outcome = DNS_FAILED;
	name = rcode_name(a->rcode);
	if (name)
		snprintf(a->error, sizeof(a->error), "%s", name);
	else
		snprintf(a->error, sizeof(a->error), "rcode %d", a->rcode);
	return 0;
}

const char *dns_type_name(int type)
{
	static _Thread_local char other[16];

	switch (type) {
	case DNS_TYPE_A: return "A";
	case DNS_TYPE_MX: return "MX";
	case DNS_TYPE_TXT: return "TXT";
	case DNS_TYPE_AAAA: return "AAAA";
	case DNS_TYPE_TLSA: return "TLSA";
	case ns_t_cname: return "CNAME";
	case ns_t_soa: return "SOA";
	}
	snprintf(other, sizeof(other), "TYPE%d", type);
	return other;
}

const char *dns_outcome_text(const struct dns_answer *a, char *buf, size_t size)
{
	if (a->bogus)
		snprintf(buf, size, "DNSSEC validation failed: %s",
			 a->error[0] ? a->error : "bogus");
	else if (a->outcome == DNS_ANSWER)
		snprintf(buf, size, "%u %s record%s", a->count + a->dropped,
			 dns_type_name(a->rec[0].type), a->count + a->dropped == 1 ? "" : "s");
	else if (a->outcome == DNS_NXDOMAIN)
		snprintf(buf, size, "NXDOMAIN");
	else
		snprintf(buf, size, "%s", a->error[0] ? a->error : "no answer");
	return buf;
}

static int family_rank(int family)
{
	return family == AF_INET ? 1 : family == AF_INET6 ? 2 : 0;
}

int dns_addr_cmp(const struct dns_addr *a, const struct dns_addr *b)
{
	int d = family_rank(a->family) - family_rank(b->family);

	if (d != 0 || a->family == 0)
		return d;
	return memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}
