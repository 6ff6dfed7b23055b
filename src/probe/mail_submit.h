/* SPDX-License-Identifier: ISC */
/* Sends one test message through a monitored server, non-blocking on the
 * probe thread's loop: greeting, EHLO (HELO on 5xx), STARTTLS when the
 * server's row says so, AUTH PLAIN or LOGIN over TLS only, MAIL FROM,
 * RCPT TO, DATA; every reply code is checked; then QUIT. */
#ifndef SMTPMON_MAIL_SUBMIT_H
#define SMTPMON_MAIL_SUBMIT_H

#include <stdint.h>

#include <openssl/ssl.h>

#include "core/roundtrip_status.h"
#include "core/state.h"

struct event_base;
struct evdns_base;
struct mail_submit;

struct submit_outcome {
	enum roundtrip_result result;   /* RT_OK, RT_SEND_FAILED, RT_SMTP_AUTH_FAILED,
					   RT_MESSAGE_REJECTED or RT_INTERNAL_ERROR */
	char error[STATE_TEXT_MAX + 1];
	uint32_t send_us;               /* MAIL FROM to the 250 after DATA */
	uint64_t data_end_us;           /* monotonic time of that 250 */
};

typedef void (*submit_done_fn)(const struct submit_outcome *o, void *arg);

struct submit_request {
	const struct target_config *server;   /* host, port, tls, timeout, sni */
	const char *helo;
	const struct roundtrip_config *check; /* from, to, smtpUser/smtpPassword */
	const char *message;                  /* ready for DATA, ends in CRLF.CRLF */
};

/* DONE runs once from the loop (never inside this call) and must not free
 * the handle: QUIT may still be on its way. The request is copied. NULL
 * when out of memory. */
struct mail_submit *mail_submit_start(struct event_base *base, struct evdns_base *dns,
				      SSL_CTX *tls, const struct submit_request *req,
				      submit_done_fn done, void *arg);

/* Frees M, done or not (DONE will not run); its connection closes now.
 * The owner always calls it, NULL allowed. */
void mail_submit_abandon(struct mail_submit *m);

#endif
