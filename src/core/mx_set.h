/* SPDX-License-Identifier: ISC */
/* A domain's MX set as a sending MTA reads it (RFC 5321 section 5.1): the
 * MX hosts by preference with their addresses, or the domain itself when it
 * has no MX (the implicit MX), or a null MX (RFC 7505); and the rows of
 * smtpMonServerTable it makes, numbered so that a row keeps its name (and
 * its counters) for as long as its MX host and address stay. Pure. */
#ifndef SMTPMON_MX_SET_H
#define SMTPMON_MX_SET_H

#include <stddef.h>
#include <stdint.h>

#include "core/dns_packet.h"
#include "core/domain_config.h"

#define MX_HOSTS_MAX 32
#define MX_ADDRS_MAX 16

enum mx_kind {
	MX_UNKNOWN = 0,         /* not looked up yet */
	MX_LISTED,              /* MX records */
	MX_IMPLICIT,            /* no MX record: the domain's own addresses */
	MX_NULL,                /* "0 .": the domain takes no mail */
	MX_NO_DOMAIN,           /* NXDOMAIN */
	MX_FAILED,              /* the MX lookup itself failed (SERVFAIL, timeout) */
};

struct mx_host {
	uint16_t pref;
	char name[DNS_NAME_MAX + 1];
	int looked_up;                  /* its address lookups are done */
	int failed;                     /* one of them failed (SERVFAIL, a timeout) */
	unsigned naddr;
	struct dns_addr addr[MX_ADDRS_MAX];
	char error[128];                /* "" or why it has no address: "NXDOMAIN" */
};

struct mx_set {
	enum mx_kind kind;
	char error[128];                /* MX_FAILED: what the resolver said */
	unsigned nhosts;
	unsigned dropped;               /* MX records beyond MX_HOSTS_MAX */
	struct mx_host host[MX_HOSTS_MAX];
};

/* The MX answer A for DOMAIN into S: hosts by preference then name, the
 * same host once; MX_IMPLICIT makes DOMAIN its one host (preference 0). */
void mx_set_from_answer(struct mx_set *s, const char *domain, const struct dns_answer *a);

/* The addresses answer A (an A or AAAA question) for host H. */
void mx_host_add_answer(struct mx_host *h, const struct dns_answer *a);

/* A failed address question says nothing of the host's addresses: NOW's
 * hosts whose question failed keep the addresses BEFORE had for them, so
 * that a resolver's hiccup does not drop rows (and their counters). */
void mx_set_keep_addresses(struct mx_set *now, const struct mx_set *before);

/* One row: an MX host, probed by name (FAMILY 0, the watch's family) or at
 * one address (family=both). */
struct mx_row {
	unsigned number;                        /* the N of WATCH.N; 0 until numbered */
	uint16_t pref;
	char mx[DNS_NAME_MAX + 1];
	struct dns_addr addr;                   /* family 0: by name */
};

/* The rows S makes for family F, at most MAX (DOMAIN_ROWS_MAX); *CUT gets
 * how many more it would make. Hosts without an address make none. */
unsigned mx_rows(const struct mx_set *s, enum domain_family f, struct mx_row *out,
		 unsigned max, unsigned *cut);

/* Numbers NEXT's rows: a row with the same MX host and address as one of
 * PREV takes its number, the others the lowest numbers left free. */
void mx_rows_number(const struct mx_row *prev, unsigned nprev, struct mx_row *next,
		    unsigned n);

/* "WATCH.N" (TARGET_NAME_MAX + 1 bytes). */
void mx_row_name(const char *watch, const struct mx_row *r, char *out, size_t size);

/* The explicit keys of R's row of watch D: D's keys, HOST R's address or
 * MX host, the MX host as the TLS name (a certificate is for the MX name,
 * whatever address it is reached at), the watch's family when by name.
 * The rows and the watch's TLS checks connect alike. */
void mx_row_target(const struct domain_config *d, const struct mx_row *r,
		   struct target_config *spec);

/* The address of R as text ("192.0.2.1", "2001:db8::1"), or its MX host. */
void mx_row_where(const struct mx_row *r, char *out, size_t size);

/* The MX set in a line: "10 mx1.example.com, 20 mx2.example.com", "null MX",
 * "no MX: example.com itself", ... */
void mx_set_describe(const struct mx_set *s, char *buf, size_t size);

/* 1 when the MX hosts or their preferences differ, with what changed in
 * BUF: "added 30 mx3.example.com; removed 20 mx2.example.com". */
int mx_set_changed(const struct mx_set *before, const struct mx_set *after, char *buf,
		   size_t size);

/* Addresses found over all hosts, of family F (both: of either). */
unsigned mx_set_addresses(const struct mx_set *s, enum domain_family f);

#endif
