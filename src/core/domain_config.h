/* SPDX-License-Identifier: ISC */
/* A domain watch: smtpMonDomain NAME DOMAIN[:PORT] [key=value ...], whose MX
 * set becomes rows of smtpMonServerTable. Pure parsing of the directive. */
#ifndef SMTPMON_DOMAIN_CONFIG_H
#define SMTPMON_DOMAIN_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/target_config.h"

/* Rows are named NAME.N within the servers' 32 characters: N stays below
 * 2 * DOMAIN_ROWS_MAX (core/mx_set.h). */
#define DOMAIN_WATCH_NAME_MAX (TARGET_NAME_MAX - 4)
#define DOMAIN_ROWS_MAX 64
#define DOMAIN_DNS_INTERVAL_DEFAULT 300
#define DOMAIN_DNS_INTERVAL_MIN 5
#define DOMAIN_DNS_INTERVAL_MAX 86400

/* Values are the MIB's smtpMonDomainFamily. */
enum domain_family {
	DOMAIN_FAMILY_ANY = 1,          /* a row per MX host, by name, either family */
	DOMAIN_FAMILY_IPV4 = 2,         /* a row per MX host, over IPv4 */
	DOMAIN_FAMILY_IPV6 = 3,         /* a row per MX host, over IPv6 */
	DOMAIN_FAMILY_BOTH = 4,         /* a row per address of either family */
};

struct domain_config {
	char name[DOMAIN_WATCH_NAME_MAX + 1];
	char domain[TARGET_HOST_MAX + 1];       /* lower case, no final dot */
	uint16_t port;                          /* 0: 25, or 465 with tls=implicit */
	enum domain_family family;
	uint32_t dns_interval_s;
	int mta_sts;                            /* mtaSts=yes|no: check its MTA-STS policy */
	int dane;                               /* dane=yes|no: check its MX hosts' TLSA records */
	int host_only;                          /* not a directive's: DOMAIN is one MX host
						 * (smtpmond --probe HOST --dane) */
	struct target_options opt;              /* the server keys given, for every row */
};

/* What ties a row of smtpMonServerTable to the watch that made it. */
struct domain_origin {
	char watch[DOMAIN_WATCH_NAME_MAX + 1];
	char mx[TARGET_HOST_MAX + 1];
	uint16_t pref;
	int dane_state;                         /* enum dane_state (domain_policy.h) */
	char dane_record[96];
	char dane_reason[256];
};

/* "NAME DOMAIN[:PORT] [key=value ...]": every smtpMonServer key but sni=
 * and family=, plus family=any|ipv4|ipv6|both, dnsInterval=SECONDS,
 * mtaSts=yes|no and dane=yes|no (both yes by default).
 * Returns 0, or -1 with ERR filled. */
int domain_parse(const char *args, struct domain_config *d, char *err, size_t errlen);

/* 1 when two watches would look up and probe the same way. */
int domain_config_equal(const struct domain_config *a, const struct domain_config *b);

const char *domain_family_name(enum domain_family f);

/* The port its rows probe. */
uint16_t domain_port(const struct domain_config *d);

#endif
