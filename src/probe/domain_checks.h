/* SPDX-License-Identifier: ISC */
/* One round of a domain watch's TLS policy checks, on the probe thread's
 * loop, after its MX set was looked up: the _mta-sts TXT record and the
 * policy it announces (policy_fetch.h), the TLSA records of every MX host
 * (validated when smtpMonTrustAnchor is given), then a connection with TLS
 * to every row's MX where a policy or records call for one (tls_check.h).
 * Its report is judged on the agent thread (core/domain_policy.h). */
#ifndef SMTPMON_DOMAIN_CHECKS_H
#define SMTPMON_DOMAIN_CHECKS_H

#include <openssl/ssl.h>

#include "core/domain_config.h"
#include "core/domain_policy.h"
#include "core/mx_set.h"

struct conn_gate;
struct dns_client;
struct event_base;
struct probe_engine;
struct domain_checks;

struct domain_checks_parts {
	struct event_base *base;
	struct dns_client *dns;         /* any record type */
	struct dns_client *validator;   /* DNSSEC-validated, or NULL */
	struct probe_engine *engine;    /* the connections */
	struct conn_gate *gate;
	SSL_CTX *trust;                 /* the policy's HTTPS */
	const char *helo;
};

/* The round is over: R is the callee's to free. */
typedef void (*domain_checks_fn)(struct domain_policy_report *r, void *arg);

/* Starts a round for CFG (its options merged) whose MX set is SET (read
 * during the call only). DONE runs once, from the loop. NULL when there is
 * nothing to check (mtaSts=no and dane=no, or no MX host) or no memory:
 * DONE does not run then. */
struct domain_checks *domain_checks_start(const struct domain_checks_parts *parts,
					  const struct domain_config *cfg,
					  const struct mx_set *set, domain_checks_fn done,
					  void *arg);

/* DONE will not run. NULL allowed. */
void domain_checks_cancel(struct domain_checks *c);

#endif
