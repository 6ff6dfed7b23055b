/* SPDX-License-Identifier: ISC */
#include "probe/mailbox_client.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "core/mailbox_proto.h"
#include "core/monotime.h"
#include "core/roundtrip_config.h"
#include "core/text.h"
#include "probe/mail_session.h"

#define POP3_SCAN_MAX 50   /* newest messages looked at in one POP3 session */
#define LOGOUT_GRACE_US 2000000u

/* The transfers of one look, in order; each one reuses the connection. */
enum mb_step {
	MB_FIND,          /* IMAP SEARCH for this check's token */
	MB_MARKED,        /* IMAP SEARCH for every test message of the check */
	MB_STORE,         /* IMAP STORE \Deleted */
	MB_EXPUNGE,
	MB_LIST,          /* POP3 LIST: how many messages */
	MB_TOP,           /* POP3 TOP n 0, newest first */
	MB_DELE,
	MB_BYE,           /* LOGOUT / QUIT (POP3's commits the deletions) */
};

struct mailbox_client {
	struct mail_session *s;
	struct roundtrip_config check;      /* holds the password: wiped on free */
	char bearer[RT_TOKEN_MAX + 1];      /* wiped on free */
	char token_needle[96];              /* "smtpmon=NAME=TOKEN" */
	char marker[64];                    /* "smtpmon=NAME=" */
	mailbox_done_fn done;
	void *arg;
	uint64_t deadline_us;
	enum mb_step step;
	int found;
	unsigned nums[IMAP_SEARCH_MAX], nnums;   /* the test messages to delete */
	unsigned top_next, top_last, deleting;
	struct mailbox_outcome out;
};

static void client_free(struct mailbox_client *c)
{
	mail_session_close(c->s);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

static void decide(struct mailbox_client *c, enum mailbox_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Hands the verdict over once; the session may go on with a logout. */
static void decide(struct mailbox_client *c, enum mailbox_verdict v, const char *fmt, ...)
{
	char text[2 * MAIL_TEXT_MAX];
	mailbox_done_fn done = c->done;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	text_clean(c->out.error, sizeof(c->out.error), text, strlen(text));
	c->out.verdict = v;
	c->done = NULL;
	if (done)
		done(&c->out, c->arg);
}

static void on_step(void *arg, const struct mail_outcome *o);
static void on_line(void *arg, const char *line, size_t len);

static void step(struct mailbox_client *c, enum mb_step st, const char *custom, int nobody)
{
	CURL *e = mail_session_easy(c->s);
	char url[RT_URL_MAX + 64];
	c->step = st;
	mail_session_url(c->s, c->check.proto == MAILBOX_IMAP ? "INBOX" : "", url, sizeof(url));
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, custom);
	curl_easy_setopt(e, CURLOPT_NOBODY, nobody ? 1L : 0L);
	if (mail_session_run(c->s, c->deadline_us, on_line, on_step, c) != 0)
		decide(c, MB_UNREACHABLE, "internal error: out of memory");
}

static void say_goodbye(struct mailbox_client *c)
{
	uint64_t deadline = monotime_us() + LOGOUT_GRACE_US;

	c->step = MB_BYE;
	if (deadline > c->deadline_us)
		deadline = c->deadline_us;
	if (mail_session_goodbye(c->s, deadline, on_step, c) != 0 && c->done)
		decide(c, MB_UNREACHABLE, "%s: the connection was lost before QUIT",
		       c->check.proto == MAILBOX_IMAP ? "IMAP" : "POP3");
}

/* --- IMAP4rev1 ------------------------------------------------------------- */

static void imap_search(struct mailbox_client *c, enum mb_step st, const char *needle)
{
	char quoted[200], cmd[256];

	imap_quote(quoted, sizeof(quoted), needle);
	snprintf(cmd, sizeof(cmd), "SEARCH HEADER Message-ID %s", quoted);
	step(c, st, cmd, 0);
}

/* "3,7,9": the sequence set of the messages to delete. */
static void imap_store(struct mailbox_client *c)
{
	char cmd[IMAP_SEARCH_MAX * 11 + 64];
	size_t len = (size_t)snprintf(cmd, sizeof(cmd), "STORE ");

	for (unsigned i = 0; i < c->nnums && len + 12 < sizeof(cmd); i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, "%s%u", i ? "," : "",
					c->nums[i]);
	snprintf(cmd + len, sizeof(cmd) - len, " +FLAGS.SILENT (\\Deleted)");
	step(c, MB_STORE, cmd, 0);
}

static void imap_line(struct mailbox_client *c, const char *line, size_t len)
{
	struct imap_line l;

	imap_parse_line(line, len, "*", &l);
	if (l.kind != IMAP_SEARCH)
		return;
	if (c->step == MB_FIND && l.nnums && !c->found) {
		c->found = 1;
		c->out.seen_us = monotime_us();
	} else if (c->step == MB_MARKED) {
		memcpy(c->nums, l.nums, sizeof(c->nums));
		c->nnums = l.nnums;
	}
}

static void imap_next(struct mailbox_client *c)
{
	switch (c->step) {
	case MB_FIND:
		if (!c->found) {
			decide(c, MB_NOT_FOUND, "IMAP: the test message is not there yet");
			say_goodbye(c);
		} else {
			imap_search(c, MB_MARKED, c->marker);
		}
		break;
	case MB_MARKED:
		if (c->nnums)
			imap_store(c);
		else
			step(c, MB_EXPUNGE, "EXPUNGE", 0);
		break;
	case MB_STORE: step(c, MB_EXPUNGE, "EXPUNGE", 0); break;
	case MB_EXPUNGE:
		c->out.deleted = c->nnums;
		decide(c, MB_FOUND, "%s", "");
		say_goodbye(c);
		break;
	default: break;
	}
}

/* --- POP3 -------------------------------------------------------------------- */

/* The next message to read the headers of, newest first, or the end of
 * the scan: delete what was found, or say it is not there. */
static void pop3_next_top(struct mailbox_client *c)
{
	char cmd[32];

	if (c->top_next >= c->top_last && c->top_next > 0) {
		snprintf(cmd, sizeof(cmd), "TOP %u 0", c->top_next--);
		step(c, MB_TOP, cmd, 0);
	} else if (!c->found) {
		decide(c, MB_NOT_FOUND, "POP3: the test message is not there yet");
		say_goodbye(c);
	} else {
		c->deleting = 0;
		snprintf(cmd, sizeof(cmd), "DELE %u", c->nums[c->deleting++]);
		step(c, MB_DELE, cmd, 1);
	}
}

static void pop3_line(struct mailbox_client *c, const char *line, size_t len)
{
	unsigned msg = c->top_next + 1, n;

	if (c->step == MB_LIST && (n = pop3_message_number(line, len)) > c->top_next)
		c->top_next = n;
	if (c->step != MB_TOP)
		return;
	if (header_message_id_has(line, len, c->token_needle) && !c->found) {
		c->found = 1;
		c->out.seen_us = monotime_us();
	}
	if (header_message_id_has(line, len, c->marker) && c->nnums < IMAP_SEARCH_MAX &&
	    (c->nnums == 0 || c->nums[c->nnums - 1] != msg))
		c->nums[c->nnums++] = msg;
}

static void pop3_next(struct mailbox_client *c)
{
	char cmd[32];

	switch (c->step) {
	case MB_LIST:
		c->top_last = c->top_next > POP3_SCAN_MAX ? c->top_next - POP3_SCAN_MAX + 1 : 1;
		pop3_next_top(c);
		break;
	case MB_TOP: pop3_next_top(c); break;
	case MB_DELE:
		if (c->deleting < c->nnums) {
			snprintf(cmd, sizeof(cmd), "DELE %u", c->nums[c->deleting++]);
			step(c, MB_DELE, cmd, 1);
		} else {
			c->out.deleted = c->nnums;
			say_goodbye(c);          /* QUIT commits the deletions */
		}
		break;
	default: break;
	}
}

/* --- the session ------------------------------------------------------------ */

static void on_line(void *arg, const char *line, size_t len)
{
	struct mailbox_client *c = arg;

	if (c->check.proto == MAILBOX_IMAP)
		imap_line(c, line, len);
	else
		pop3_line(c, line, len);
}

static void failed(struct mailbox_client *c, const struct mail_outcome *o)
{
	enum mailbox_verdict v = o->failure == MAIL_LOGIN ? MB_LOGIN_FAILED :
				 o->failure == MAIL_CERT ? MB_CERT_INVALID : MB_UNREACHABLE;

	decide(c, v, "%s", o->text);   /* curl has dropped the connection: no goodbye */
}

static void on_step(void *arg, const struct mail_outcome *o)
{
	struct mailbox_client *c = arg;

	if (c->step == MB_BYE) {
		if (c->done && c->deleting && o->failure == MAIL_OK)
			decide(c, MB_FOUND, "%s", "");          /* the deletions are done */
		else if (c->done)
			decide(c, MB_UNREACHABLE, "%s", o->text[0] ? o->text : "POP3 QUIT: failed");
		return;
	}
	if (o->failure != MAIL_OK)
		failed(c, o);
	else if (c->check.proto == MAILBOX_IMAP)
		imap_next(c);
	else
		pop3_next(c);
}

/* The password or bearer token as its file holds it now (tokens expire;
 * files are read with the privileges the process has by now): 0, or -1
 * with the reason in ERR. */
static int read_secret(struct mailbox_client *c, char *err, size_t errlen)
{
	if (c->check.token_file[0])
		return roundtrip_read_token(c->check.token_file, c->bearer, sizeof(c->bearer), err,
					    errlen);
	if (c->check.password_file[0])
		return roundtrip_read_password_file(&c->check, err, errlen);
	return 0;
}

static int set_credentials(struct mailbox_client *c)
{
	CURL *e = mail_session_easy(c->s);

	if (curl_easy_setopt(e, CURLOPT_USERNAME, c->check.user) != CURLE_OK)
		return -1;
	if (c->bearer[0])
		return curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, c->bearer) == CURLE_OK ? 0 : -1;
	return curl_easy_setopt(e, CURLOPT_PASSWORD, c->check.password) == CURLE_OK ? 0 : -1;
}

static struct mail_session *open_session(struct mailbox_client *c, struct event_base *base,
					 struct evdns_base *dns, SSL_CTX *tls)
{
	struct mail_endpoint ep;
	const char *secrets[] = { c->check.password, c->bearer, NULL };

	memset(&ep, 0, sizeof(ep));
	ep.proto = c->check.proto == MAILBOX_IMAP ? MAIL_IMAP : MAIL_POP3;
	ep.implicit_tls = c->check.mailbox_tls;
	ep.starttls = c->check.mailbox_starttls;
	ep.verify = c->check.verify_cert;
	snprintf(ep.host, sizeof(ep.host), "%s", c->check.host);
	ep.port = c->check.port;
	return mail_session_new(base, dns, tls, &ep, c->check.user, secrets);
}

struct mailbox_client *mailbox_look(struct event_base *base, struct evdns_base *dns,
				    SSL_CTX *tls, const struct roundtrip_config *check,
				    const char *token, uint32_t timeout_s,
				    mailbox_done_fn done, void *arg)
{
	struct mailbox_client *c = calloc(1, sizeof(*c));
	char why[MAIL_TEXT_MAX + 1] = "";
	int unreadable, rc;

	if (!c)
		return NULL;
	c->check = *check;
	roundtrip_marker(check->name, c->marker, sizeof(c->marker));
	snprintf(c->token_needle, sizeof(c->token_needle), "%s%s", c->marker, token);
	c->done = done;
	c->arg = arg;
	c->deadline_us = monotime_us() + (uint64_t)timeout_s * 1000000u;
	unreadable = read_secret(c, why, sizeof(why)) != 0;
	c->s = open_session(c, base, dns, tls);
	if (!c->s || set_credentials(c) != 0) {
		client_free(c);
		return NULL;
	}
	rc = 0;
	if (unreadable)                         /* told from the loop, never in this call */
		rc = mail_session_refuse(c->s, MAIL_LOGIN, why, on_step, c);
	else if (check->proto == MAILBOX_IMAP)
		imap_search(c, MB_FIND, c->token_needle);
	else
		step(c, MB_LIST, NULL, 0);
	if (rc != 0) {
		client_free(c);
		return NULL;
	}
	return c;
}

void mailbox_abandon(struct mailbox_client *c)
{
	if (c)
		client_free(c);
}
