/* SPDX-License-Identifier: ISC */
/* The probe thread: one libevent loop, its resolver (smtpMonResolver, else
 * /etc/resolv.conf; /etc/hosts either way), the TLS context with the trust
 * anchors, the budget of connections it may hold open (conn_gate.h), and
 * the thread that runs the loop. The agent thread sets it up,
 * starts it and joins it; everything on the loop runs in this thread
 * (doc/DESIGN.md section 1). */
#ifndef SMTPMON_PROBE_THREAD_H
#define SMTPMON_PROBE_THREAD_H

#include <stddef.h>

#include <openssl/ssl.h>

struct event_base;
struct conn_gate;
struct dns_client;
struct evdns_base;
struct probe_thread;
struct smtpmon_settings;

/* Agent thread: the loop, resolver and TLS context (reading the CA files
 * blocks, so it happens here), and a budget of MAX_CONNECTIONS open
 * connections (0: no limit). NULL with ERR filled when it cannot be set
 * up; otherwise ERR says what was set aside (a resolver that could not be
 * used), or is empty. */
/* What code on the loop uses of it. */
struct loop_parts {
	struct event_base *base;
	struct evdns_base *dns;
	SSL_CTX *tls;
	struct conn_gate *gate;
	struct dns_client *resolver;    /* any record type (dns_client.h), or NULL */
	struct dns_client *validator;   /* the same, DNSSEC-validated (smtpMonTrustAnchor),
					 * or NULL */
	const char *helo;               /* the probes' EHLO name, read on the loop only */
};

struct probe_thread *probe_thread_new(const struct smtpmon_settings *settings,
				      unsigned max_connections, char *err, size_t errlen);

/* Starts the thread with every signal blocked (signals are the agent's). */
int probe_thread_start(struct probe_thread *t);

/* Stops the loop and joins the thread; safe when not started. */
void probe_thread_stop(struct probe_thread *t);

/* After it stopped: frees the resolver, the loop and the TLS context. */
void probe_thread_free(struct probe_thread *t);

struct event_base *probe_thread_base(const struct probe_thread *t);
struct evdns_base *probe_thread_dns(const struct probe_thread *t);
SSL_CTX *probe_thread_tls(const struct probe_thread *t);
struct conn_gate *probe_thread_gate(const struct probe_thread *t);
struct dns_client *probe_thread_resolver(const struct probe_thread *t);
struct dns_client *probe_thread_validator(const struct probe_thread *t);

#endif
