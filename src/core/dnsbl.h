/* SPDX-License-Identifier: ISC */
/* DNS blocklists (doc/DESIGN.md sections 2 and 3), the pure part: the name to ask
 * a list about an address, and what its answer means (RFC 5782). */
#ifndef SMTPMON_DNSBL_H
#define SMTPMON_DNSBL_H

#include <stddef.h>
#include <stdint.h>

/* A DNS name is at most 253 characters; a reversed IPv6 address takes 64. */
#define DNSBL_ZONE_MAX 180
#define DNSBL_NAME_MAX 254

/* The name to look up: IPv4 reversed by octet, IPv6 by nibble, then the
 * zone ("2.0.0.127.zen.example"). FAMILY is AF_INET or AF_INET6 and ADDR
 * holds 4 or 16 bytes. Returns 0, or -1 if it does not fit. */
int dnsbl_query_name(int family, const unsigned char *addr, const char *zone,
		     char *out, size_t size);

enum dnsbl_answer {
	DNSBL_NOT_LISTED,
	DNSBL_LISTED,
	DNSBL_LIST_ERROR,     /* the list said something that is no listing: log it */
};

/* What the A records a list answered (IPv4, network byte order) say. Only
 * 127.0.0.0/8 lists, never 127.0.0.1 (the RFC 5782 test answer), never
 * 127.255.255.0/24 (lists' own errors: refused, rate-limited); anything
 * outside 127/8 is a resolver that rewrites answers. An error wins over a
 * listing in the same answer. WHY (may be NULL) says what was wrong. */
enum dnsbl_answer dnsbl_classify(const uint32_t *addrs, int n, char *why, size_t why_size);

/* The zones of smtpMonDnsbl, in the order given. */
#define DNSBL_ZONES_MAX 16
struct dnsbl_zones {
	unsigned n;
	char zone[DNSBL_ZONES_MAX][DNSBL_ZONE_MAX + 1];
};

/* What one check of an address found, zone by zone. */
struct dnsbl_verdicts {
	unsigned n;
	char zone[DNSBL_ZONES_MAX][DNSBL_ZONE_MAX + 1];
	enum dnsbl_answer answer[DNSBL_ZONES_MAX];   /* LIST_ERROR also for no answer */
	char why[DNSBL_ZONES_MAX][96];               /* what was wrong, for the log */
};

/* ZONES_BEFORE (comma-separated, as DnsblZones shows them) updated by V: a
 * zone that answered is in or out by its answer; one that erred keeps its
 * place (an error is never a listing, nor a delisting); zones no longer
 * asked drop out. Returns the number of listings; OUT gets the new list. */
unsigned dnsbl_apply(const char *zones_before, const struct dnsbl_verdicts *v,
		     char *out, size_t size);

/* 1 when AFTER names a zone that BEFORE did not: smtpMonServerListed is due. */
int dnsbl_new_listing(const char *before, const char *after);

#endif
