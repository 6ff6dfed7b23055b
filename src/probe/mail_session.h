/* SPDX-License-Identifier: ISC */
/* One verified connection to a mail server for the round trips, over
 * libcurl's multi-socket interface on the probe thread's loop: the name is
 * resolved the project's way (evdns, smtpMonResolver) and handed to curl,
 * TLS is verified against the probe's trust store before any command that
 * carries a credential, and every server line is checked as it arrives.
 * A session runs one transfer at a time (curl keeps the connection between
 * them); closing it never waits for the server. */
#ifndef SMTPMON_MAIL_SESSION_H
#define SMTPMON_MAIL_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "core/mailbox_proto.h"
#include "core/target_config.h"

struct event_base;
struct evdns_base;
struct mail_session;

#define MAIL_REPLY_MAX 8192        /* one server line we look at, CRLF excluded */
#define MAIL_TEXT_MAX 255          /* an error text, as the MIB shows it */

struct mail_endpoint {
	enum mail_proto proto;
	int implicit_tls;              /* smtps, imaps, pop3s */
	int starttls;                  /* the upgrade is required */
	int verify;                    /* 0: verifyCert=no (labs only) */
	char host[TARGET_HOST_MAX + 1];     /* to connect to: a name or a literal */
	char tls_name[TARGET_HOST_MAX + 1]; /* verified and sent as SNI; empty: HOST */
	uint16_t port;
	enum addr_family family;
	char source[TARGET_SOURCE_MAX + 1]; /* local address; empty: any */
};

/* What the session's last transfer came to. */
enum mail_failure {
	MAIL_OK,
	MAIL_CERT,           /* the certificate did not verify: nothing was sent */
	MAIL_NO_UPGRADE,     /* STARTTLS required and not offered */
	MAIL_LOGIN,          /* the server refused the credentials */
	MAIL_REFUSED,        /* the server refused a command (an error reply) */
	MAIL_PROTOCOL,       /* not the protocol, or a line too long */
	MAIL_TIMEOUT,        /* no answer in time */
	MAIL_NETWORK,        /* resolve, connect, TLS handshake, connection lost */
	MAIL_INTERNAL,       /* out of memory, curl refused an option */
};

struct mail_outcome {
	enum mail_failure failure;
	char stage[24];                /* the command the server answered: "RCPT TO", "greeting" */
	char text[MAIL_TEXT_MAX + 1];  /* "SMTP RCPT TO: the server refused: 550 ...", redacted */
	char reply[MAIL_TEXT_MAX + 1]; /* the server's last line, cleaned and redacted */
	uint64_t command_us[2];        /* when MAIL FROM was sent (SMTP), 0 if never */
	int authenticated;             /* a credential-carrying command was answered */
};

/* Body lines (without CRLF) of the running transfer: SEARCH answers, a
 * POP3 LIST or TOP. Lines longer than MAIL_REPLY_MAX arrive cut. */
typedef void (*mail_line_fn)(void *arg, const char *line, size_t len);
/* The transfer ended; the session may be used again or closed here. */
typedef void (*mail_done_fn)(void *arg, const struct mail_outcome *o);

/* A session to EP; the first transfer connects. SECRETS (NULL-ended) are
 * masked wherever server text is kept, in every form they take on the wire
 * (USER's AUTH PLAIN blob too). NULL when out of memory. */
struct mail_session *mail_session_new(struct event_base *base, struct evdns_base *dns,
				      SSL_CTX *trust, const struct mail_endpoint *ep,
				      const char *user, const char *const *secrets);

/* The easy handle, to set the next transfer's credentials and request
 * (URL path, CURLOPT_CUSTOMREQUEST, upload). The session owns it. */
CURL *mail_session_easy(struct mail_session *s);

/* "imap://name:port/PATH": the URL for the endpoint with PATH (may be ""). */
void mail_session_url(const struct mail_session *s, const char *path, char *buf, size_t size);

/* Starts a transfer that must end by DEADLINE_US (monotonic); DONE runs
 * once, from the loop. Returns 0, or -1 when out of memory. */
int mail_session_run(struct mail_session *s, uint64_t deadline_us, mail_line_fn line,
		     mail_done_fn done, void *arg);

/* LOGOUT (IMAP) or QUIT (POP3) as a transfer of its own, answered: POP3
 * commits its deletions then. -1 when the connection is gone already. */
int mail_session_goodbye(struct mail_session *s, uint64_t deadline_us, mail_done_fn done,
			 void *arg);

/* Ends the session's part before it connects: DONE runs once, from the loop,
 * with failure F and TEXT (a credential that cannot be read, say). */
int mail_session_refuse(struct mail_session *s, enum mail_failure f, const char *text,
			mail_done_fn done, void *arg);

/* Refuses the running transfer with TEXT (e.g. before DATA when AUTH was
 * never offered): it ends as MAIL_PROTOCOL. */
void mail_session_abort(struct mail_session *s, enum mail_failure f, const char *text);

/* 1 once a command that carries a credential went out (AUTH, LOGIN, PASS). */
int mail_session_sent_credentials(const struct mail_session *s);

/* The stage the next server line answers, for the dialogue's own steps
 * curl does not show as a command (the end of DATA). */
void mail_session_set_stage(struct mail_session *s, const char *stage);

/* Closes without a word to the server and frees S; no callback runs after.
 * NULL allowed. */
void mail_session_close(struct mail_session *s);

/* Once per process, before any session (curl_global_init); 0 or -1. */
int mail_session_global_init(void);
void mail_session_global_cleanup(void);

#endif
