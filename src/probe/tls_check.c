/* SPDX-License-Identifier: ISC */
#include "probe/tls_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/probe_result.h"
#include "core/state.h"
#include "probe/conn_gate.h"
#include "probe/probe.h"

struct tls_check_run {
	struct probe_engine *engine;
	struct conn_gate *gate;
	struct target_config cfg;
	char helo[TARGET_HELO_MAX + 1];
	const struct tlsa_set *tlsa;    /* the caller's, valid until DONE */
	struct tls_check *out;
	struct probe *probe;
	struct fd_waiter wait;
	int waiting;
	int starting, ended;            /* decided inside probe_start() */
	void (*done)(void *arg);
	void *arg;
};

/* --- in the handshake ------------------------------------------------------ */

static void dane_before(SSL *ssl, void *arg)
{
	struct tls_check_run *r = arg;
	unsigned added = 0;

	if (!r->tlsa || SSL_dane_enable(ssl, r->out->mx) <= 0)
		return;
	SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	for (unsigned i = 0; i < r->tlsa->usable && i < TLSA_KEPT_MAX; i++) {
		const struct dns_tlsa *t = &r->tlsa->rec[i];

		added += SSL_dane_tlsa_add(ssl, t->usage, t->selector, t->mtype, t->data,
					   t->len) > 0;
	}
	r->out->dane_checked = added > 0;
}

/* The data a TLSA record with SELECTOR and MTYPE would hold for CERT. */
static int tlsa_data(X509 *cert, uint8_t selector, uint8_t mtype, unsigned char *out,
		     unsigned *len)
{
	unsigned char *der = NULL;
	int n = selector == 0 ? i2d_X509(cert, &der) : i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert),
									&der);
	int ok = n > 0;

	if (ok && mtype == 0) {
		/* Longer than any record kept (dns_tlsa): it matches none. */
		ok = (unsigned)n <= EVP_MAX_MD_SIZE;
		*len = ok ? (unsigned)n : 0;
		if (ok)
			memcpy(out, der, *len);
	} else if (ok) {
		ok = EVP_Digest(der, (size_t)n, out, len, mtype == 1 ? EVP_sha256() : EVP_sha512(),
				NULL);
	}
	OPENSSL_free(der);
	return ok;
}

static int record_matches(const struct dns_tlsa *t, STACK_OF(X509) *chain)
{
	unsigned char data[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	int last = t->usage == 3 ? 1 : sk_X509_num(chain);

	for (int i = 0; i < last && i < sk_X509_num(chain); i++)
		if (tlsa_data(sk_X509_value(chain, i), t->selector, t->mtype, data, &len) &&
		    len == t->len && memcmp(data, t->data, len) == 0)
			return 1;
	return 0;
}

/* Records that match nothing presented: published for a next key. */
static unsigned spare_records(const struct tlsa_set *tlsa, STACK_OF(X509) *chain)
{
	unsigned spare = 0;

	for (unsigned i = 0; chain && i < tlsa->usable && i < TLSA_KEPT_MAX; i++)
		spare += !record_matches(&tlsa->rec[i], chain);
	return spare;
}

/* The chain against the trust store, for the MX name (RFC 8461 section 4.1). */
static void pkix_verify(SSL *ssl, struct tls_check *out)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	int ok = 0;

	if (ctx && leaf && X509_STORE_CTX_init(ctx, SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl)),
					       leaf, SSL_get_peer_cert_chain(ssl)) == 1) {
		X509_STORE_CTX_set_default(ctx, "ssl_server");
		X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), out->mx, 0);
		ok = X509_verify_cert(ctx) == 1;
		if (!ok)
			snprintf(out->pkix_error, sizeof(out->pkix_error), "%s",
				 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	} else {
		snprintf(out->pkix_error, sizeof(out->pkix_error), "%s", leaf ?
			 "out of memory" : "no certificate presented");
	}
	out->pkix_ok = ok;
	X509_STORE_CTX_free(ctx);
}

static void dane_result(SSL *ssl, const struct tlsa_set *tlsa, struct tls_check *out)
{
	uint8_t usage, selector, mtype;
	const unsigned char *data;
	size_t dlen;
	long v = SSL_get_verify_result(ssl);
	struct dns_tlsa t = { 0 };

	out->spare = spare_records(tlsa, SSL_get_peer_cert_chain(ssl));
	if (v != X509_V_OK || SSL_get0_dane_tlsa(ssl, &usage, &selector, &mtype, &data, &dlen) < 0) {
		snprintf(out->dane_error, sizeof(out->dane_error), "%s",
			 v == X509_V_OK ? "no record matched" : X509_verify_cert_error_string(v));
		return;
	}
	out->dane_ok = 1;
	t.usage = usage;
	t.selector = selector;
	t.mtype = mtype;
	t.len = (uint16_t)(dlen > sizeof(t.data) ? sizeof(t.data) : dlen);
	memcpy(t.data, data, t.len);
	tlsa_text(&t, out->dane_record, sizeof(out->dane_record));
}

static void inspect_after(SSL *ssl, const struct tls_facts *peer, void *arg)
{
	struct tls_check_run *r = arg;
	struct tls_check *out = r->out;

	out->outcome = TLS_CHECK_DONE;
	out->days_left = peer->days_left;
	pkix_verify(ssl, out);
	if (out->dane_checked)
		dane_result(ssl, r->tlsa, out);
}

/* --- the probe -------------------------------------------------------------- */

static void finish(struct tls_check_run *r)
{
	void (*done)(void *arg) = r->done;
	void *arg = r->arg;

	free(r);
	done(arg);
}

static void on_probed(const struct probe_outcome *o, void *arg)
{
	struct tls_check_run *r = arg;
	struct tls_check *out = r->out;

	r->probe = NULL;
	if (out->outcome != TLS_CHECK_DONE) {
		out->outcome = o->result == RESULT_TLS_UNAVAILABLE || o->result == RESULT_TLS_FAILURE
			       ? TLS_CHECK_NO_TLS : TLS_CHECK_UNREACHABLE;
		snprintf(out->error, sizeof(out->error), "%.120s", o->error[0] ? o->error :
			 probe_result_name(o->result));
	}
	if (r->starting)
		r->ended = 1;           /* start_probe finishes it */
	else
		finish(r);
}

static void start_probe(void *arg)
{
	struct tls_check_run *r = arg;
	struct probe_tls_hook hook = { dane_before, inspect_after, r };

	int rc;

	r->waiting = 0;
	r->starting = 1;
	rc = probe_start(r->engine, &r->cfg, r->helo, on_probed, r, &r->probe);
	r->starting = 0;
	if (rc != 0 && !r->ended) {
		r->out->outcome = TLS_CHECK_UNREACHABLE;
		snprintf(r->out->error, sizeof(r->out->error), "out of memory");
		r->ended = 1;
	}
	if (r->ended)
		finish(r);
	else if (r->probe)
		probe_set_tls_hook(r->probe, &hook);
}

struct tls_check_run *tls_check_start(struct probe_engine *engine, struct conn_gate *gate,
				      const struct target_config *cfg, const char *helo,
				      const struct tlsa_set *tlsa, struct tls_check *out,
				      void (*done)(void *arg), void *arg)
{
	struct tls_check_run *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->engine = engine;
	r->gate = gate;
	r->cfg = *cfg;
	r->cfg.opt.verify_cert = 0;     /* judged here: the probe goes on to QUIT */
	snprintf(r->helo, sizeof(r->helo), "%s", helo ? helo : "localhost");
	r->tlsa = tlsa;
	r->out = out;
	r->done = done;
	r->arg = arg;
	r->waiting = 1;
	conn_gate_wait(gate, &r->wait, 1, start_probe, r);
	return r;
}

void tls_check_cancel(struct tls_check_run *r)
{
	if (!r)
		return;
	if (r->waiting)
		conn_gate_cancel(r->gate, &r->wait);
	if (r->probe)
		probe_abandon(r->probe);
	free(r);
}
