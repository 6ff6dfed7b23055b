/* SPDX-License-Identifier: ISC */
/* One look into the check's mailbox over a verified mail_session (libcurl
 * on the probe thread's loop): log in (SASL, IMAP LOGIN or POP3 USER/PASS,
 * or a bearer token), look for the test message by its token (IMAP SEARCH
 * HEADER, POP3 LIST and TOP), and when it is there delete it with every
 * older test message of the same check (left over from a crash or a
 * timeout); then log out. */
#ifndef SMTPMON_MAILBOX_CLIENT_H
#define SMTPMON_MAILBOX_CLIENT_H

#include <stdint.h>

#include <openssl/ssl.h>

#include "core/state.h"
struct roundtrip_config;

struct event_base;
struct evdns_base;
struct mailbox_client;

enum mailbox_verdict {
	MB_FOUND,          /* the message is there (and was deleted) */
	MB_NOT_FOUND,      /* not yet */
	MB_UNREACHABLE,    /* connect, TLS, a server error or no answer in time */
	MB_LOGIN_FAILED,   /* the server refused the credentials */
	MB_CERT_INVALID,   /* its certificate did not verify: no credential was sent */
};

struct mailbox_outcome {
	enum mailbox_verdict verdict;
	char error[STATE_TEXT_MAX + 1];    /* the password never appears in it */
	uint64_t seen_us;                  /* monotonic time the token was seen */
	unsigned deleted;                  /* test messages deleted */
};

typedef void (*mailbox_done_fn)(const struct mailbox_outcome *o, void *arg);

/* Looks for TOKEN in the mailbox of CHECK (copied); the whole session
 * must end within TIMEOUT_S. TLS is the probe thread's TLS (its trust
 * store verifies the server). DONE runs once, from the loop, and must not
 * free the handle: the logout may still be on its way. NULL when out of
 * memory. */
struct mailbox_client *mailbox_look(struct event_base *base, struct evdns_base *dns,
				    SSL_CTX *tls, const struct roundtrip_config *check,
				    const char *token, uint32_t timeout_s,
				    mailbox_done_fn done, void *arg);

/* Frees C, done or not (DONE will not run); its connection closes now.
 * The owner always calls it, NULL allowed. */
void mailbox_abandon(struct mailbox_client *c);

#endif
