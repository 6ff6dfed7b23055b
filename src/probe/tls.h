/* SPDX-License-Identifier: ISC */
/* TLS for the probe engine: the shared context (trust anchors), one SSL per
 * connection (SNI and the name to verify), and what the peer showed. */
#ifndef SMTPMON_TLS_H
#define SMTPMON_TLS_H

#include <openssl/ssl.h>
struct target_config;
struct tls_facts;

/* Agent thread, before the probe thread starts (reading CA files blocks).
 * CA_FILE / CA_PATH may be empty: the system store. NULL with ERR filled. */
SSL_CTX *tls_context_new(const char *ca_file, const char *ca_path, char *err, size_t errlen);

/* The same context without trust anchors, for probes that verify nothing:
 * reading the system store costs tens of milliseconds. */
SSL_CTX *tls_context_bare(char *err, size_t errlen);

/* A client SSL for CFG: SNI when it has a name; the expected name (or
 * address) is checked during verification. */
SSL *tls_session_new(SSL_CTX *ctx, const struct target_config *cfg);

/* After the handshake: protocol version and the leaf certificate's facts. */
void tls_read_peer(SSL *ssl, struct tls_facts *out);

/* 0 when the chain and name verified; else -1 and the reason in BUF. */
int tls_verify_result(SSL *ssl, char *buf, size_t size);

/* The first OpenSSL error of a failed handshake, as text. */
void tls_error_text(unsigned long err, char *buf, size_t size);

#endif
