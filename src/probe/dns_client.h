/* SPDX-License-Identifier: ISC */
/* A DNS client for the probe thread's loop that can ask for any record
 * type (evdns asks only for A, AAAA and PTR): libunbound's event API on the
 * loop's event_base, so no query blocks and no thread of its own runs, and
 * answers can be DNSSEC-validated (for DANE). It forwards to smtpMonResolver,
 * else to /etc/resolv.conf's servers, as the probes' resolver does. */
#ifndef SMTPMON_DNS_CLIENT_H
#define SMTPMON_DNS_CLIENT_H

#include <stddef.h>

#include "core/dns_packet.h"

struct event_base;
struct dns_client;
struct dns_query;
struct smtpmon_settings;

/* Agent thread, before the loop runs (reading resolv.conf and trust
 * anchors blocks): a client on BASE forwarding to SETTINGS' resolvers.
 * TRUST_ANCHOR_FILE (NULL: none) turns on DNSSEC validation. NULL with ERR
 * filled when it cannot be made. */
struct dns_client *dns_client_new(struct event_base *base,
				  const struct smtpmon_settings *settings,
				  const char *trust_anchor_file, char *err, size_t errlen);

/* After the loop stopped: cancels what is asked (no callback runs). */
void dns_client_free(struct dns_client *c);

/* Runs once from the loop, never inside dns_query(); A is valid during the
 * call only. */
typedef void (*dns_answer_fn)(const struct dns_answer *a, void *arg);

/* Loop thread: asks NAME (text, no final dot needed) for QTYPE; DONE runs
 * with the answer, or DNS_FAILED "timed out" after TIMEOUT_MS. NULL when
 * it cannot be asked (out of memory): DONE does not run then. */
struct dns_query *dns_query(struct dns_client *c, const char *name, int qtype,
			    unsigned timeout_ms, dns_answer_fn done, void *arg);

/* Loop thread: DONE will not run. Q may be NULL. */
void dns_query_cancel(struct dns_query *q);

#endif
