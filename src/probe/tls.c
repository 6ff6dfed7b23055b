/* SPDX-License-Identifier: ISC */
#include "probe/tls.h"

#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "core/monotime.h"
#include "core/state.h"
#include "core/target_config.h"
#include "core/text.h"

SSL_CTX *tls_context_bare(char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx) {
		snprintf(err, errlen, "cannot create a TLS context");
		return NULL;
	}
	/* Verification is judged after the handshake, so that the columns
	 * show the certificate even when it does not verify. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	return ctx;
}

SSL_CTX *tls_context_new(const char *ca_file, const char *ca_path, char *err, size_t errlen)
{
	SSL_CTX *ctx = tls_context_bare(err, errlen);
	int ok;

	if (!ctx)
		return NULL;
	/* Lets a domain watch's check verify TLSA records on one of its SSLs
	 * (probe/tls_check.c); the others are unaffected. */
	if (SSL_CTX_dane_enable(ctx) <= 0) {
		snprintf(err, errlen, "cannot enable DANE in the TLS context");
		SSL_CTX_free(ctx);
		return NULL;
	}
	if ((ca_file && *ca_file) || (ca_path && *ca_path))
		ok = SSL_CTX_load_verify_locations(ctx, (ca_file && *ca_file) ? ca_file : NULL,
						   (ca_path && *ca_path) ? ca_path : NULL);
	else
		ok = SSL_CTX_set_default_verify_paths(ctx);
	if (!ok) {
		snprintf(err, errlen, "cannot load trust anchors from %s",
			 (ca_file && *ca_file) ? ca_file : (ca_path && *ca_path) ? ca_path : "the system store");
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

SSL *tls_session_new(SSL_CTX *ctx, const struct target_config *cfg)
{
	SSL *ssl = SSL_new(ctx);
	const char *name = target_tls_name(cfg);

	if (!ssl)
		return NULL;
	if (*name) {
		SSL_set_tlsext_host_name(ssl, name);
		SSL_set1_host(ssl, name);
	} else {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), cfg->host);
	}
	return ssl;
}

static void name_text(X509_NAME *name, char *out, size_t size)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len;

	out[0] = '\0';
	if (!bio)
		return;
	X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
	len = BIO_get_mem_data(bio, &data);
	if (len > 0)
		text_clean(out, size, data, (size_t)len);
	BIO_free(bio);
}

/* Whole days left, rounded down: an expired certificate gives a negative. */
static int32_t days_left(const ASN1_TIME *not_after)
{
	int days = 0, secs = 0;

	if (!ASN1_TIME_diff(&days, &secs, NULL, not_after))
		return 0;
	if (secs < 0)
		days -= 1;
	return days;
}

static uint64_t wall_us_of(const ASN1_TIME *t)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (uint64_t)timegm(&tm) * 1000000u;
}

void tls_read_peer(SSL *ssl, struct tls_facts *out)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	unsigned int fplen = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->version, sizeof(out->version), "%s", SSL_get_version(ssl));
	if (!cert)
		return;
	out->have_cert = 1;
	out->not_after_wall_us = wall_us_of(X509_get0_notAfter(cert));
	out->days_left = days_left(X509_get0_notAfter(cert));
	name_text(X509_get_subject_name(cert), out->subject, sizeof(out->subject));
	name_text(X509_get_issuer_name(cert), out->issuer, sizeof(out->issuer));
	X509_digest(cert, EVP_sha256(), out->fingerprint, &fplen);
	X509_free(cert);
}

int tls_verify_result(SSL *ssl, char *buf, size_t size)
{
	long rc = SSL_get_verify_result(ssl);

	if (rc == X509_V_OK && SSL_get0_peer_certificate(ssl))
		return 0;
	snprintf(buf, size, "%s", rc == X509_V_OK ? "no certificate presented"
		 : X509_verify_cert_error_string(rc));
	return -1;
}

void tls_error_text(unsigned long err, char *buf, size_t size)
{
	if (!err) {
		snprintf(buf, size, "handshake failed");
		return;
	}
	ERR_error_string_n(err, buf, size);
}
