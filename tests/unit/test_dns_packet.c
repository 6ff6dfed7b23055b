/* SPDX-License-Identifier: ISC */
/* Reading DNS answer packets: the records of the type asked, the rcode,
 * the TTLs, and hostile packets failing cleanly. The packets are built here
 * octet by octet; each is read from a heap copy of its exact length, so
 * valgrind and ASan see any read past its end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/dns_packet.h"

struct pkt {
	unsigned char b[8192];
	size_t n;
};

static void put8(struct pkt *p, unsigned v)
{
	p->b[p->n++] = (unsigned char)v;
}

static void put16(struct pkt *p, unsigned v)
{
	put8(p, v >> 8);
	put8(p, v & 0xff);
}

static void put32(struct pkt *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

static void put_bytes(struct pkt *p, const void *data, size_t len)
{
	memcpy(p->b + p->n, data, len);
	p->n += len;
}

/* NAME's labels ("" or "." is the root); a "@N" label ends the name with a
 * compression pointer to offset N. */
static void put_name(struct pkt *p, const char *name)
{
	while (*name && strcmp(name, ".") != 0) {
		const char *dot = strchr(name, '.');
		size_t len = dot ? (size_t)(dot - name) : strlen(name);

		if (name[0] == '@') {
			put16(p, 0xc000 | (unsigned)atoi(name + 1));
			return;
		}
		put8(p, (unsigned)len);
		put_bytes(p, name, len);
		name += len + (dot ? 1 : 0);
	}
	put8(p, 0);
}

/* Header (RD, RA, QR and RCODE) and one question. */
static void start(struct pkt *p, int rcode, unsigned an, unsigned ns, const char *qname,
		  int qtype)
{
	p->n = 0;
	put16(p, 0x1234);
	put16(p, 0x8180 | (unsigned)rcode);
	put16(p, 1);
	put16(p, an);
	put16(p, ns);
	put16(p, 0);
	put_name(p, qname);
	put16(p, (unsigned)qtype);
	put16(p, 1);
}

/* A record's head; returns where its RDLENGTH goes, for rr_end. */
static size_t rr_begin(struct pkt *p, const char *owner, int type, uint32_t ttl)
{
	size_t at;

	put_name(p, owner);
	put16(p, (unsigned)type);
	put16(p, 1);
	put32(p, ttl);
	at = p->n;
	put16(p, 0);
	return at;
}

static void rr_end(struct pkt *p, size_t at)
{
	size_t len = p->n - at - 2;

	p->b[at] = (unsigned char)(len >> 8);
	p->b[at + 1] = (unsigned char)(len & 0xff);
}

static void mx(struct pkt *p, const char *owner, uint32_t ttl, unsigned pref, const char *host)
{
	size_t at = rr_begin(p, owner, DNS_TYPE_MX, ttl);

	put16(p, pref);
	put_name(p, host);
	rr_end(p, at);
}

static void addr(struct pkt *p, const char *owner, uint32_t ttl, const char *text)
{
	unsigned char a[16];
	int v6 = strchr(text, ':') != NULL;
	size_t at = rr_begin(p, owner, v6 ? DNS_TYPE_AAAA : DNS_TYPE_A, ttl);

	inet_pton(v6 ? AF_INET6 : AF_INET, text, a);
	put_bytes(p, a, v6 ? 16 : 4);
	rr_end(p, at);
}

static void soa(struct pkt *p, const char *owner, uint32_t ttl, uint32_t minimum)
{
	size_t at = rr_begin(p, owner, 6, ttl);

	put_name(p, "ns.example.org");
	put_name(p, "hostmaster.example.org");
	put32(p, 2024010101);
	put32(p, 3600);
	put32(p, 600);
	put32(p, 86400);
	put32(p, minimum);
	rr_end(p, at);
}

/* Reads P from a heap copy of exactly its length. */
static int read_exact(const unsigned char *data, size_t len, int qtype, struct dns_answer *a)
{
	unsigned char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, data, len);
	rc = dns_packet_read(copy, len, qtype, a);
	free(copy);
	return rc;
}

static int read_pkt(const struct pkt *p, int qtype, struct dns_answer *a)
{
	return read_exact(p->b, p->n, qtype, a);
}

static struct pkt pk;
static struct dns_answer ans;

static void mx_records_compressed_or_not_lower_cased(void **state)
{
	(void)state;
	start(&pk, 0, 3, 0, "Example.ORG", DNS_TYPE_MX);
	mx(&pk, "@12", 300, 10, "MX1.@12");           /* owner and tail compressed */
	mx(&pk, "example.org", 120, 20, "mx2.other.NET.");
	mx(&pk, "@12", 3600, 30, "mx3.example.org");
	assert_int_equal(read_pkt(&pk, DNS_TYPE_MX, &ans), 0);
	assert_int_equal(ans.outcome, DNS_ANSWER);
	assert_int_equal(ans.rcode, 0);
	assert_int_equal(ans.count, 3);
	assert_int_equal(ans.dropped, 0);
	assert_int_equal(ans.ttl, 120);
	assert_int_equal(ans.rec[0].type, DNS_TYPE_MX);
	assert_int_equal(ans.rec[0].u.mx.pref, 10);
	assert_string_equal(ans.rec[0].u.mx.host, "mx1.example.org");
	assert_int_equal(ans.rec[0].ttl, 300);
	assert_int_equal(ans.rec[1].u.mx.pref, 20);
	assert_string_equal(ans.rec[1].u.mx.host, "mx2.other.net");
	assert_string_equal(ans.rec[2].u.mx.host, "mx3.example.org");
	assert_int_equal(ans.secure, 0);
	assert_int_equal(ans.bogus, 0);
}

static void null_mx_is_the_root(void **state)
{
	char text[64];

	(void)state;
	start(&pk, 0, 1, 0, "nomail.example", DNS_TYPE_MX);
	mx(&pk, "@12", 60, 0, ".");
	assert_int_equal(read_pkt(&pk, DNS_TYPE_MX, &ans), 0);
	assert_int_equal(ans.count, 1);
	assert_int_equal(ans.rec[0].u.mx.pref, 0);
	assert_string_equal(ans.rec[0].u.mx.host, "");
	assert_string_equal(dns_outcome_text(&ans, text, sizeof(text)), "1 MX record");
}

static void a_and_aaaa(void **state)
{
	unsigned char v6[16];

	(void)state;
	start(&pk, 0, 2, 0, "mx.example", DNS_TYPE_A);
	addr(&pk, "@12", 30, "192.0.2.7");
	addr(&pk, "@12", 20, "192.0.2.8");
	assert_int_equal(read_pkt(&pk, DNS_TYPE_A, &ans), 0);
	assert_int_equal(ans.count, 2);
	assert_int_equal(ans.ttl, 20);
	assert_int_equal(ans.rec[0].u.addr.family, AF_INET);
	assert_memory_equal(ans.rec[1].u.addr.addr, "\xc0\x00\x02\x08", 4);

	start(&pk, 0, 1, 0, "mx.example", DNS_TYPE_AAAA);
	addr(&pk, "@12", 30, "2001:db8::25");
	assert_int_equal(read_pkt(&pk, DNS_TYPE_AAAA, &ans), 0);
	assert_int_equal(ans.count, 1);
	assert_int_equal(ans.rec[0].u.addr.family, AF_INET6);
	inet_pton(AF_INET6, "2001:db8::25", v6);
	assert_memory_equal(ans.rec[0].u.addr.addr, v6, 16);
}

static void txt(struct pkt *p, const char *const *strings, size_t n)
{
	size_t at = rr_begin(p, "@12", DNS_TYPE_TXT, 300);

	for (size_t i = 0; i < n; i++) {
		put8(p, (unsigned)strlen(strings[i]));
		put_bytes(p, strings[i], strlen(strings[i]));
	}
	rr_end(p, at);
}

static void txt_strings_are_joined_and_nul_free(void **state)
{
	static const char *const spf[] = { "v=spf1 ip4:192.0.2.0/24 ", "-all" };
	size_t at;

	(void)state;
	start(&pk, 0, 2, 0, "example.org", DNS_TYPE_TXT);
	txt(&pk, spf, 2);
	at = rr_begin(&pk, "@12", DNS_TYPE_TXT, 300);
	put8(&pk, 5);
	put_bytes(&pk, "v=S\0T", 5);
	put8(&pk, 0);                           /* an empty string */
	rr_end(&pk, at);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_TXT, &ans), 0);
	assert_int_equal(ans.count, 2);
	assert_string_equal(ans.rec[0].u.txt, "v=spf1 ip4:192.0.2.0/24 -all");
	assert_string_equal(ans.rec[1].u.txt, "v=S?T");
}

static void a_long_txt_is_cut(void **state)
{
	char s[256];
	size_t at;

	(void)state;
	memset(s, 'x', 255);
	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_TXT);
	at = rr_begin(&pk, "@12", DNS_TYPE_TXT, 300);
	for (int i = 0; i < 6; i++) {          /* 1530 octets of text */
		put8(&pk, 255);
		put_bytes(&pk, s, 255);
	}
	rr_end(&pk, at);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_TXT, &ans), 0);
	assert_int_equal(strlen(ans.rec[0].u.txt), DNS_TXT_MAX);
}

static void tlsa(struct pkt *p, size_t datalen)
{
	size_t at = rr_begin(p, "_25._tcp.mx.example", DNS_TYPE_TLSA, 300);

	put8(p, 3);
	put8(p, 1);
	put8(p, 1);
	for (size_t i = 0; i < datalen; i++)
		put8(p, (unsigned)i);
	rr_end(p, at);
}

static void tlsa_records_and_long_data_cut(void **state)
{
	(void)state;
	start(&pk, 0, 2, 0, "_25._tcp.mx.example", DNS_TYPE_TLSA);
	tlsa(&pk, 32);
	tlsa(&pk, 100);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_TLSA, &ans), 0);
	assert_int_equal(ans.count, 2);
	assert_int_equal(ans.rec[0].u.tlsa.usage, 3);
	assert_int_equal(ans.rec[0].u.tlsa.selector, 1);
	assert_int_equal(ans.rec[0].u.tlsa.mtype, 1);
	assert_int_equal(ans.rec[0].u.tlsa.len, 32);
	assert_int_equal(ans.rec[0].u.tlsa.data[31], 31);
	assert_int_equal(ans.rec[1].u.tlsa.len, 100);
	assert_int_equal(ans.rec[1].u.tlsa.data[63], 63);
}

static void a_cname_chain_is_skipped(void **state)
{
	size_t at;

	(void)state;
	start(&pk, 0, 3, 0, "www.example", DNS_TYPE_A);
	at = rr_begin(&pk, "@12", 5, 10);
	put_name(&pk, "web.example");
	rr_end(&pk, at);
	at = rr_begin(&pk, "web.example", 5, 10);
	put_name(&pk, "host.example");
	rr_end(&pk, at);
	addr(&pk, "host.example", 50, "192.0.2.1");
	assert_int_equal(read_pkt(&pk, DNS_TYPE_A, &ans), 0);
	assert_int_equal(ans.outcome, DNS_ANSWER);
	assert_int_equal(ans.count, 1);
	assert_int_equal(ans.ttl, 50);
}

static void nxdomain_takes_the_soa_negative_ttl(void **state)
{
	char text[64];

	(void)state;
	start(&pk, 3, 0, 1, "nowhere.example", DNS_TYPE_MX);
	soa(&pk, "example", 600, 60);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_MX, &ans), 0);
	assert_int_equal(ans.outcome, DNS_NXDOMAIN);
	assert_int_equal(ans.rcode, 3);
	assert_int_equal(ans.ttl, 60);
	assert_string_equal(dns_outcome_text(&ans, text, sizeof(text)), "NXDOMAIN");

	start(&pk, 3, 0, 1, "nowhere.example", DNS_TYPE_MX);
	soa(&pk, "example", 30, 3600);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_MX, &ans), 0);
	assert_int_equal(ans.ttl, 30);
}

static void nodata_with_and_without_soa(void **state)
{
	char text[64];

	(void)state;
	start(&pk, 0, 1, 1, "example.org", DNS_TYPE_MX);
	addr(&pk, "@12", 5, "192.0.2.1");       /* another type: not an answer */
	soa(&pk, "@12", 900, 300);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_MX, &ans), 0);
	assert_int_equal(ans.outcome, DNS_NODATA);
	assert_int_equal(ans.count, 0);
	assert_int_equal(ans.ttl, 300);
	assert_string_equal(dns_outcome_text(&ans, text, sizeof(text)), "no MX record");

	start(&pk, 0, 0, 0, "example.org", DNS_TYPE_AAAA);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_AAAA, &ans), 0);
	assert_int_equal(ans.outcome, DNS_NODATA);
	assert_int_equal(ans.ttl, 0);
	assert_string_equal(dns_outcome_text(&ans, text, sizeof(text)), "no AAAA record");
}

static void servfail_and_refused_fail(void **state)
{
	char text[64];

	(void)state;
	start(&pk, 2, 0, 0, "example.org", DNS_TYPE_MX);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_MX, &ans), 0);
	assert_int_equal(ans.outcome, DNS_FAILED);
	assert_int_equal(ans.rcode, 2);
	assert_string_equal(dns_outcome_text(&ans, text, sizeof(text)), "SERVFAIL");
	start(&pk, 5, 1, 0, "example.org", DNS_TYPE_A);
	addr(&pk, "@12", 5, "192.0.2.1");
	assert_int_equal(read_pkt(&pk, DNS_TYPE_A, &ans), 0);
	assert_int_equal(ans.outcome, DNS_FAILED);
	assert_int_equal(ans.count, 0);
	assert_string_equal(ans.error, "REFUSED");
	start(&pk, 9, 0, 0, "example.org", DNS_TYPE_A);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_A, &ans), 0);
	assert_string_equal(ans.error, "rcode 9");
}

static void records_beyond_the_limit_are_counted(void **state)
{
	char ip[32], text[64];

	(void)state;
	start(&pk, 0, DNS_RECORDS_MAX + 6, 0, "many.example", DNS_TYPE_A);
	for (int i = 0; i < DNS_RECORDS_MAX + 6; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 256, i % 256);
		addr(&pk, "@12", (uint32_t)(1000 - i), ip);
	}
	assert_int_equal(read_pkt(&pk, DNS_TYPE_A, &ans), 0);
	assert_int_equal(ans.count, DNS_RECORDS_MAX);
	assert_int_equal(ans.dropped, 6);
	assert_int_equal(ans.ttl, 1000 - (DNS_RECORDS_MAX - 1));
	assert_string_equal(dns_outcome_text(&ans, text, sizeof(text)), "70 A records");
}

static void ttls_over_2_31_count_as_zero(void **state)
{
	(void)state;
	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_A);
	addr(&pk, "@12", 0x80000000u, "192.0.2.1");
	assert_int_equal(read_pkt(&pk, DNS_TYPE_A, &ans), 0);
	assert_int_equal(ans.ttl, 0);
}

static void assert_fails(const struct pkt *p, int qtype, const char *why)
{
	memset(&ans, 0x55, sizeof(ans));
	assert_int_equal(read_pkt(p, qtype, &ans), -1);
	assert_int_equal(ans.outcome, DNS_FAILED);
	assert_int_equal(ans.count, 0);
	assert_int_equal(ans.secure, 0);
	assert_int_equal(ans.bogus, 0);
	assert_non_null(memchr(ans.error, '\0', sizeof(ans.error)));
	assert_non_null(strstr(ans.error, why));
}

static void lying_counts_and_truncation_fail(void **state)
{
	struct pkt good;

	(void)state;
	start(&pk, 0, 3, 0, "example.org", DNS_TYPE_MX);
	mx(&pk, "@12", 300, 10, "mx1.@12");
	assert_fails(&pk, DNS_TYPE_MX, "malformed packet");
	start(&good, 3, 1, 1, "example.org", DNS_TYPE_MX);
	mx(&good, "@12", 300, 10, "mx1.@12");
	soa(&good, "@12", 300, 10);
	for (size_t len = 0; len < good.n; len++) {
		pk = good;
		pk.n = len;
		assert_fails(&pk, DNS_TYPE_MX, "malformed packet");
	}
	assert_int_equal(dns_packet_read(NULL, 0, DNS_TYPE_MX, &ans), -1);
}

static void compression_loops_and_wild_pointers_fail(void **state)
{
	size_t at;

	(void)state;
	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_MX);
	at = rr_begin(&pk, "@12", DNS_TYPE_MX, 300);
	put16(&pk, 10);
	put16(&pk, 0xc000 | (unsigned)(pk.n));   /* points at itself */
	rr_end(&pk, at);
	assert_fails(&pk, DNS_TYPE_MX, "record 1");

	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_MX);
	at = rr_begin(&pk, "@12", DNS_TYPE_MX, 300);
	put16(&pk, 10);
	put_name(&pk, "a.@4000");                 /* beyond the packet */
	rr_end(&pk, at);
	assert_fails(&pk, DNS_TYPE_MX, "record 1");

	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_MX);
	at = rr_begin(&pk, "@12", DNS_TYPE_MX, 300);
	put16(&pk, 10);
	put16(&pk, 0xc000 | (unsigned)(pk.n + 2));  /* two pointers, each to the other */
	put16(&pk, 0xc000 | (unsigned)(pk.n - 2));
	rr_end(&pk, at);
	assert_fails(&pk, DNS_TYPE_MX, "record 1");
}

static void short_rdata_fails(void **state)
{
	size_t at;

	(void)state;
	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_A);
	at = rr_begin(&pk, "@12", DNS_TYPE_A, 300);
	put_bytes(&pk, "\x01\x02\x03", 3);
	rr_end(&pk, at);
	assert_fails(&pk, DNS_TYPE_A, "record 1 is malformed");

	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_AAAA);
	at = rr_begin(&pk, "@12", DNS_TYPE_AAAA, 300);
	put_bytes(&pk, "0123456789abcdefg", 17);
	rr_end(&pk, at);
	assert_fails(&pk, DNS_TYPE_AAAA, "record 1 is malformed");

	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_MX);
	at = rr_begin(&pk, "@12", DNS_TYPE_MX, 300);
	put16(&pk, 10);
	rr_end(&pk, at);
	assert_fails(&pk, DNS_TYPE_MX, "record 1 is malformed");

	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_TLSA);
	at = rr_begin(&pk, "@12", DNS_TYPE_TLSA, 300);
	put16(&pk, 0x0301);
	rr_end(&pk, at);
	assert_fails(&pk, DNS_TYPE_TLSA, "record 1 is malformed");
}

/* The MX target runs past its RDLENGTH: its final root label is the next
 * record's owner (the root), so the packet itself reads well. */
static void a_name_past_its_rdata_fails(void **state)
{
	size_t at;

	(void)state;
	start(&pk, 0, 2, 0, "example.org", DNS_TYPE_MX);
	at = rr_begin(&pk, "@12", DNS_TYPE_MX, 300);
	put16(&pk, 10);
	put8(&pk, 2);
	put_bytes(&pk, "mx", 2);
	rr_end(&pk, at);
	mx(&pk, ".", 300, 20, "mx2.@12");
	assert_fails(&pk, DNS_TYPE_MX, "record 1 is malformed");
}

static void txt_strings_past_the_rdata_fail(void **state)
{
	size_t at;

	(void)state;
	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_TXT);
	at = rr_begin(&pk, "@12", DNS_TYPE_TXT, 300);
	put8(&pk, 10);
	put_bytes(&pk, "short", 5);
	rr_end(&pk, at);
	assert_fails(&pk, DNS_TYPE_TXT, "record 1 is malformed");

	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_TXT);
	at = rr_begin(&pk, "@12", DNS_TYPE_TXT, 300);
	rr_end(&pk, at);                        /* no string at all */
	assert_fails(&pk, DNS_TYPE_TXT, "record 1 is malformed");
}

/* 253 characters is the longest name in 255 octets; a longer text comes
 * from octets written as escapes ("\\001"). */
static void names_over_253_characters_fail(void **state)
{
	char label[64], name[400];
	size_t at;

	(void)state;
	memset(label, 'a', 63);
	label[63] = '\0';
	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters: the longest */
	snprintf(name, sizeof(name), "%s.%s.%s.%.61s", label, label, label, label);
	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_MX);
	mx(&pk, "@12", 300, 10, name);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_MX, &ans), 0);
	assert_int_equal(strlen(ans.rec[0].u.mx.host), 253);

	snprintf(name, sizeof(name), "%s.%s.%s.%.62s", label, label, label, label);
	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_MX);
	mx(&pk, "@12", 300, 10, name);          /* 256 octets */
	assert_fails(&pk, DNS_TYPE_MX, "record 1");

	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_MX);
	at = rr_begin(&pk, "@12", DNS_TYPE_MX, 300);
	put16(&pk, 10);
	put8(&pk, 63);
	for (int i = 0; i < 63; i++)
		put8(&pk, 1);                   /* 252 characters as text */
	put_name(&pk, "a");
	rr_end(&pk, at);
	assert_fails(&pk, DNS_TYPE_MX, "record 1 is malformed");
}

static void odd_octets_in_names_are_escaped(void **state)
{
	size_t at;

	(void)state;
	start(&pk, 0, 1, 0, "example.org", DNS_TYPE_MX);
	at = rr_begin(&pk, "@12", DNS_TYPE_MX, 300);
	put16(&pk, 10);
	put8(&pk, 3);
	put_bytes(&pk, "A.\0", 3);
	put_name(&pk, "@12");
	rr_end(&pk, at);
	assert_int_equal(read_pkt(&pk, DNS_TYPE_MX, &ans), 0);
	assert_string_equal(ans.rec[0].u.mx.host, "a\\.\\000.example.org");
}

/* Another type's rdata is not read, but every record's owner is. */
static void an_unreadable_owner_fails_even_of_another_type(void **state)
{
	char self[8];
	size_t at;

	(void)state;
	start(&pk, 0, 2, 0, "example.org", DNS_TYPE_A);
	at = rr_begin(&pk, "@12", 5, 300);
	put16(&pk, 0xc000 | (unsigned)pk.n);     /* a CNAME target that loops */
	rr_end(&pk, at);
	addr(&pk, "@12", 30, "192.0.2.1");
	assert_int_equal(read_pkt(&pk, DNS_TYPE_A, &ans), 0);
	assert_int_equal(ans.count, 1);

	start(&pk, 0, 2, 0, "example.org", DNS_TYPE_A);
	addr(&pk, "@12", 30, "192.0.2.1");
	snprintf(self, sizeof(self), "@%zu", pk.n);
	at = rr_begin(&pk, self, 5, 300);        /* a CNAME owner that loops */
	put_name(&pk, "x");
	rr_end(&pk, at);
	assert_fails(&pk, DNS_TYPE_A, "answer record 2 cannot be read");
}

static void types_and_texts(void **state)
{
	char text[64];

	(void)state;
	assert_string_equal(dns_type_name(DNS_TYPE_TLSA), "TLSA");
	assert_string_equal(dns_type_name(65), "TYPE65");
	start(&pk, 0, 0, 0, "example.org", 65);
	assert_fails(&pk, 65, "cannot read TYPE65 records");
	memset(&ans, 0, sizeof(ans));
	ans.outcome = DNS_ANSWER;
	ans.bogus = 1;
	snprintf(ans.error, sizeof(ans.error), "signature expired");
	assert_string_equal(dns_outcome_text(&ans, text, sizeof(text)),
			    "DNSSEC validation failed: signature expired");
	assert_string_equal(dns_outcome_text(&ans, text, 8), "DNSSEC ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mx_records_compressed_or_not_lower_cased),
		cmocka_unit_test(null_mx_is_the_root),
		cmocka_unit_test(a_and_aaaa),
		cmocka_unit_test(txt_strings_are_joined_and_nul_free),
		cmocka_unit_test(a_long_txt_is_cut),
		cmocka_unit_test(tlsa_records_and_long_data_cut),
		cmocka_unit_test(a_cname_chain_is_skipped),
		cmocka_unit_test(nxdomain_takes_the_soa_negative_ttl),
		cmocka_unit_test(nodata_with_and_without_soa),
		cmocka_unit_test(servfail_and_refused_fail),
		cmocka_unit_test(records_beyond_the_limit_are_counted),
		cmocka_unit_test(ttls_over_2_31_count_as_zero),
		cmocka_unit_test(lying_counts_and_truncation_fail),
		cmocka_unit_test(compression_loops_and_wild_pointers_fail),
		cmocka_unit_test(short_rdata_fails),
		cmocka_unit_test(a_name_past_its_rdata_fails),
		cmocka_unit_test(txt_strings_past_the_rdata_fail),
		cmocka_unit_test(names_over_253_characters_fail),
		cmocka_unit_test(odd_octets_in_names_are_escaped),
		cmocka_unit_test(an_unreadable_owner_fails_even_of_another_type),
		cmocka_unit_test(types_and_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
