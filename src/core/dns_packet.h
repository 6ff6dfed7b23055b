/* SPDX-License-Identifier: ISC */
/* What a DNS answer says, read from the wire packet a resolver returned
 * (RFC 1035 section 4): the rcode, and the answer section's records of the
 * type asked for, with their TTL. Pure and bounded: a packet is hostile
 * until read (lying counts, compression loops, truncated records). */
#ifndef SMTPMON_DNS_PACKET_H
#define SMTPMON_DNS_PACKET_H

#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX 253        /* a name in text, without the final dot */
#define DNS_RECORDS_MAX 64      /* records kept of one answer; the rest counted */
#define DNS_TXT_MAX 1024        /* a TXT record's strings, joined */

enum { DNS_TYPE_A = 1, DNS_TYPE_MX = 15, DNS_TYPE_TXT = 16, DNS_TYPE_AAAA = 28,
       DNS_TYPE_TLSA = 52 };

/* What became of a question. */
enum dns_outcome {
	DNS_ANSWER = 1,         /* NOERROR with records of the type */
	DNS_NODATA,             /* NOERROR, none of the type (the name exists) */
	DNS_NXDOMAIN,           /* the name does not exist */
	DNS_FAILED,             /* SERVFAIL, REFUSED, a timeout, a packet not read */
};

struct dns_mx {
	uint16_t pref;
	char host[DNS_NAME_MAX + 1];    /* lower case, no final dot; "" is the root (null MX) */
};

struct dns_addr {
	int family;                     /* AF_INET or AF_INET6 */
	unsigned char addr[16];
};

struct dns_tlsa {
	uint8_t usage, selector, mtype;
	uint16_t len;
	unsigned char data[64];         /* SHA-512 at most; longer data is cut, LEN says */
};

struct dns_record {
	uint16_t type;
	uint32_t ttl;
	union {
		struct dns_mx mx;
		struct dns_addr addr;
		struct dns_tlsa tlsa;
		char txt[DNS_TXT_MAX + 1];      /* character-strings joined, NUL-free
						 * (bytes outside printable ASCII
						 * become '?'), cut at DNS_TXT_MAX */
	} u;
};

struct dns_answer {
	enum dns_outcome outcome;
	int rcode;                      /* as received; -1 when no packet */
	uint32_t ttl;                   /* the lowest TTL of the records kept, or for
					 * NODATA/NXDOMAIN the SOA's negative TTL (RFC
					 * 2308), else 0 */
	int secure;                     /* the resolver validated it (DNSSEC) */
	int bogus;                      /* validation failed */
	char error[128];                /* DNS_FAILED and bogus: why, in words;
					 * NODATA: "no MX record" */
	unsigned count;                 /* records in REC */
	unsigned dropped;               /* records of the type beyond DNS_RECORDS_MAX */
	struct dns_record rec[DNS_RECORDS_MAX];
};

/* Reads the answer to a question of QTYPE from PACKET (LEN octets) into A:
 * 0, or -1 with A->outcome DNS_FAILED and A->error saying what was wrong
 * with the packet. Records of other types (the CNAMEs leading to them) are
 * skipped; an unreadable record of QTYPE fails the whole answer. */
int dns_packet_read(const unsigned char *packet, size_t len, int qtype, struct dns_answer *a);

/* Orders addresses: family 0 (none: a host reached by name), then IPv4,
 * then IPv6, each by its octets; 0 when they are the same. */
int dns_addr_cmp(const struct dns_addr *a, const struct dns_addr *b);

/* "A", "MX", ... or "TYPE65" for the log. */
const char *dns_type_name(int type);

/* The outcome as a log and LastDnsError text: "NXDOMAIN", "no MX record",
 * "SERVFAIL", or A->error. */
const char *dns_outcome_text(const struct dns_answer *a, char *buf, size_t size);

#endif
