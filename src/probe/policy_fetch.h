/* SPDX-License-Identifier: ISC */
/* An MTA-STS policy fetched as RFC 8461 section 3.3 says: one HTTPS GET of
 * https://mta-sts.DOMAIN/.well-known/mta-sts.txt through libcurl's multi
 * interface on the probe thread's loop, at addresses already looked up
 * (curl resolves nothing), the certificate verified for the name against
 * the probe's trust store, no redirect followed, the body bounded in size
 * and the whole fetch in time. */
#ifndef SMTPMON_POLICY_FETCH_H
#define SMTPMON_POLICY_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "core/dns_packet.h"
#include "core/domain_policy.h"

struct event_base;
struct policy_fetch;

struct policy_fetched {
	enum policy_fetch_outcome outcome;
	char error[POLICY_TEXT_MAX];    /* why it failed; FETCH_REDIRECTED: where to;
					 * FETCH_NOT_TEXT: the media type served */
	const char *body;               /* FETCH_OK: valid during the callback only */
	size_t len;
};

typedef void (*policy_fetched_fn)(const struct policy_fetched *f, void *arg);

/* Fetches the policy of DOMAIN from ADDRS (N, port 443) within TIMEOUT_MS,
 * trusting TRUST's store. DONE runs once, from the loop. NULL when out of
 * memory (DONE does not run). */
struct policy_fetch *policy_fetch_start(struct event_base *base, SSL_CTX *trust,
					const char *domain, const struct dns_addr *addrs, unsigned n,
					unsigned timeout_ms, policy_fetched_fn done, void *arg);

/* DONE will not run. NULL allowed. */
void policy_fetch_cancel(struct policy_fetch *f);

#endif
