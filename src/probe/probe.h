/* SPDX-License-Identifier: ISC */
/* One SMTP probe as an explicit state machine on a libevent loop:
 * resolve, connect, greeting, EHLO (HELO on 5xx), QUIT. Never blocks, never
 * pipelines, one deadline for the whole probe (doc/DESIGN.md section 3). */
#ifndef SMTPMON_PROBE_H
#define SMTPMON_PROBE_H

#include <stdint.h>

#include <openssl/ssl.h>
struct probe_outcome;
struct tls_facts;
struct target_config;

struct conn_gate;
struct event_base;
struct evdns_base;
struct probe_engine;
struct probe;

/* Called once per probe, from the loop, when its result is decided. */
typedef void (*probe_done_fn)(const struct probe_outcome *o, void *arg);

/* TLS: the context for tls=starttls and tls=implicit (the engine does not own it).
 * GATE (NULL: none): each probe holds one of its places from probe_start
 * until its socket is closed, QUIT's grace included. */
struct probe_engine *probe_engine_new(struct event_base *base, struct evdns_base *dns,
				      SSL_CTX *tls, struct conn_gate *gate);

/* Abandons every probe still running (no callbacks) and frees the engine. */
void probe_engine_free(struct probe_engine *e);

/* Starts a probe of CFG (copied), introducing itself as HELO. Returns 0, or
 * -1 if it could not even start. *HANDLE is the running probe, or NULL when
 * it was decided at once (DONE has then already run). With a gate, the
 * caller has taken a place for it (conn_gate_take or conn_gate_wait): the
 * probe gives it back, -1 or not. */
int probe_start(struct probe_engine *e, const struct target_config *cfg,
		const char *helo, probe_done_fn done, void *arg, struct probe **handle);

/* The same with a deadline WITHIN_US from now instead of CFG's timeout. */
int probe_start_within(struct probe_engine *e, const struct target_config *cfg,
		       uint64_t within_us, const char *helo, probe_done_fn done, void *arg,
		       struct probe **handle);

/* A look at a probe's TLS handshake, on the loop: BEFORE with the new SSL
 * (to add DANE records, say), AFTER once it is established, with what the
 * probe read of the peer (tls_read_peer), before the probe judges it. */
struct probe_tls_hook {
	void (*before)(SSL *ssl, void *arg);
	void (*after)(SSL *ssl, const struct tls_facts *peer, void *arg);
	void *arg;
};

/* Sets P's hook; P is a running probe (probe_start's *HANDLE). */
void probe_set_tls_hook(struct probe *p, const struct probe_tls_hook *hook);

/* Forgets a running probe: DONE will not be called; it closes at once. */
void probe_abandon(struct probe *p);

/* Probes whose sockets are still open (running or saying QUIT). */
unsigned probe_engine_live(const struct probe_engine *e);

#endif
