#include "mailbox_client.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "line_conn.h"
#include "monotime.h"
#include "text.h"

#define POP3_SCAN_MAX 50   /* newest messages looked at in one POP3 session */

enum mb_stage {
	MBS_GREETING, MBS_LOGIN, MBS_USER, MBS_PASS, MBS_SELECT, MBS_SEARCH_TOKEN,
	MBS_SEARCH_MARKER, MBS_STORE, MBS_EXPUNGE, MBS_STAT, MBS_TOP, MBS_DELE, MBS_LOGOUT,
};

static const char *const stage_names[] = {
	"greeting", "LOGIN", "USER", "PASS", "SELECT", "SEARCH", "SEARCH", "STORE", "EXPUNGE",
	"STAT", "TOP", "DELE", "LOGOUT",
};

struct mailbox_client {
	struct line_conn *conn;
	struct event *timer;
	struct roundtrip_config check;      /* holds the password: wiped on free */
	char token_needle[96];              /* "smtpmon=NAME=TOKEN" */
	char marker[64];                    /* "smtpmon=NAME=" */
	mailbox_done_fn done;
	void *arg;
	enum mb_stage stage;
	char tag[8];                        /* IMAP: the tag of the command out */
	unsigned ntag;
	int in_multiline;                   /* POP3: inside a TOP answer */
	int found;
	unsigned nums[IMAP_SEARCH_MAX], nnums;   /* the test messages to delete */
	unsigned top_next, top_last;        /* POP3: the next message to look at */
	unsigned deleting;                  /* POP3: DELE sent for nums[0..deleting) */
	struct mailbox_outcome out;
};

static void client_free(struct mailbox_client *c)
{
	line_conn_close(c->conn);
	if (c->timer)
		event_free(c->timer);
	explicit_bzero(&c->check, sizeof(c->check));
	free(c);
}

/* The session is over: no more callbacks; the owner frees C. */
static void hang_up(struct mailbox_client *c)
{
	line_conn_close(c->conn);
	c->conn = NULL;
	evtimer_del(c->timer);
}

/* A server's text may echo what we sent: the password never goes further. */
static void redact(char *text, const char *secret)
{
	size_t n = strlen(secret);
	char *p;

	while (n && (p = strstr(text, secret)) != NULL)
		memset(p, '*', n);
}

static void send_logout(struct mailbox_client *c)
{
	struct timeval grace = { 1, 0 };

	c->stage = MBS_LOGOUT;
	if (c->check.proto == MAILBOX_IMAP)
		line_conn_send(c->conn, "z LOGOUT\r\n", 10);
	else
		line_conn_send(c->conn, "QUIT\r\n", 6);
	evtimer_add(c->timer, &grace);
}

static void decide(struct mailbox_client *c, enum mailbox_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Hands the verdict over; a polite logout follows unless the session broke. */
static void decide(struct mailbox_client *c, enum mailbox_verdict v, const char *fmt, ...)
{
	char text[2 * MAILBOX_LINE_MAX];
	mailbox_done_fn done = c->done;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	redact(text, c->check.password);
	text_clean(c->out.error, sizeof(c->out.error), text, strlen(text));
	c->out.verdict = v;
	c->done = NULL;
	if (done)
		done(&c->out, c->arg);
	if (v == MB_UNREACHABLE || c->stage == MBS_GREETING || c->stage == MBS_LOGOUT)
		hang_up(c);
	else
		send_logout(c);
}

static void send_cmd(struct mailbox_client *c, enum mb_stage stage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* IMAP commands get a fresh tag; POP3 ones go as they are. */
static void send_cmd(struct mailbox_client *c, enum mb_stage stage, const char *fmt, ...)
{
	char buf[1200];
	size_t n = 0;
	va_list ap;
	int k;

	if (c->check.proto == MAILBOX_IMAP) {
		snprintf(c->tag, sizeof(c->tag), "a%u", ++c->ntag % 100000);
		n = (size_t)snprintf(buf, sizeof(buf), "%s ", c->tag);
	}
	va_start(ap, fmt);
	k = vsnprintf(buf + n, sizeof(buf) - n - 2, fmt, ap);
	va_end(ap);
	if (k > 0 && (size_t)k < sizeof(buf) - n - 2)
		n += (size_t)k;
	memcpy(buf + n, "\r\n", 2);
	line_conn_send(c->conn, buf, n + 2);
	explicit_bzero(buf, sizeof(buf));   /* it may have held the password */
	c->stage = stage;
}

/* --- IMAP4rev1 ------------------------------------------------------------- */

static void imap_login(struct mailbox_client *c)
{
	char user[2 * RT_CRED_MAX + 3], pass[2 * RT_CRED_MAX + 3];

	if (imap_quote(user, sizeof(user), c->check.user) == 0 &&
	    imap_quote(pass, sizeof(pass), c->check.password) == 0)
		send_cmd(c, MBS_LOGIN, "LOGIN %s %s", user, pass);
	else
		decide(c, MB_LOGIN_FAILED, "IMAP LOGIN: the credentials cannot be quoted");
	explicit_bzero(pass, sizeof(pass));
}

/* "3,7,9": the sequence set of the messages to delete. */
static void sequence_set(const struct mailbox_client *c, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < c->nnums && len + 12 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%u", i ? "," : "", c->nums[i]);
}

static void imap_searched(struct mailbox_client *c)
{
	char set[IMAP_SEARCH_MAX * 11 + 1];

	if (c->stage == MBS_SEARCH_TOKEN && !c->found) {
		decide(c, MB_NOT_FOUND, "IMAP: the test message is not there yet");
	} else if (c->stage == MBS_SEARCH_TOKEN) {
		send_cmd(c, MBS_SEARCH_MARKER, "SEARCH HEADER Message-ID \"%s\"", c->marker);
	} else {
		sequence_set(c, set, sizeof(set));
		send_cmd(c, MBS_STORE, "STORE %s +FLAGS.SILENT (\\Deleted)", set);
	}
}

/* The tagged answer to the command out: the next step. */
static void imap_tagged_ok(struct mailbox_client *c)
{
	switch (c->stage) {
	case MBS_LOGIN: send_cmd(c, MBS_SELECT, "SELECT INBOX"); break;
	case MBS_SELECT:
		send_cmd(c, MBS_SEARCH_TOKEN, "SEARCH HEADER Message-ID \"%s\"", c->token_needle);
		break;
	case MBS_SEARCH_TOKEN: case MBS_SEARCH_MARKER: imap_searched(c); break;
	case MBS_STORE: send_cmd(c, MBS_EXPUNGE, "EXPUNGE"); break;
	case MBS_EXPUNGE:
		c->out.deleted = c->nnums;
		decide(c, MB_FOUND, "%s", "");
		break;
	default: break;
	}
}

static void imap_search_result(struct mailbox_client *c, const struct imap_line *l)
{
	if (c->stage == MBS_SEARCH_TOKEN && l->nnums && !c->found) {
		c->found = 1;
		c->out.seen_us = monotime_us();
	} else if (c->stage == MBS_SEARCH_MARKER) {
		memcpy(c->nums, l->nums, sizeof(c->nums));
		c->nnums = l->nnums;
	}
}

static void imap_line(struct mailbox_client *c, const char *line, size_t len)
{
	struct imap_line l;

	imap_parse_line(line, len, c->tag[0] ? c->tag : "*", &l);
	if (c->stage == MBS_LOGOUT) {
		if (l.kind == IMAP_TAGGED_OK || l.kind == IMAP_INVALID)
			hang_up(c);
		return;
	}
	if (c->stage == MBS_GREETING && l.kind == IMAP_GREETING_OK)
		imap_login(c);
	else if (l.kind == IMAP_SEARCH)
		imap_search_result(c, &l);
	else if (l.kind == IMAP_TAGGED_OK)
		imap_tagged_ok(c);
	else if (l.kind == IMAP_TAGGED_NO && c->stage == MBS_LOGIN)
		decide(c, MB_LOGIN_FAILED, "IMAP LOGIN: the server refused the credentials: %s",
		       l.text);
	else if (l.kind == IMAP_TAGGED_NO || l.kind == IMAP_TAGGED_BAD || l.kind == IMAP_BYE ||
		 l.kind == IMAP_INVALID || l.kind == IMAP_CONTINUE || c->stage == MBS_GREETING)
		decide(c, MB_UNREACHABLE, "IMAP %s: unexpected answer: %.200s",
		       stage_names[c->stage], line);
}

/* --- POP3 -------------------------------------------------------------------- */

/* The next message to read the headers of, newest first, or the end of
 * the scan: delete what was found, or say it is not there. */
static void pop3_next_top(struct mailbox_client *c)
{
	if (c->top_next >= c->top_last && c->top_next > 0) {
		send_cmd(c, MBS_TOP, "TOP %u 0", c->top_next--);
	} else if (!c->found) {
		decide(c, MB_NOT_FOUND, "POP3: the test message is not there yet");
	} else {
		c->deleting = 0;
		send_cmd(c, MBS_DELE, "DELE %u", c->nums[c->deleting++]);
	}
}

static void pop3_stat(struct mailbox_client *c, const char *line, size_t len)
{
	unsigned count = len > 4 ? pop3_message_number(line + 4, len - 4) : 0;

	if (len > 4 && line[4] == '0' && (len == 5 || line[5] == ' '))
		count = 0;
	else if (!count)
		return (void)decide(c, MB_UNREACHABLE, "POP3 STAT: unexpected answer: %.200s", line);
	c->top_next = count;
	c->top_last = count > POP3_SCAN_MAX ? count - POP3_SCAN_MAX + 1 : 1;
	pop3_next_top(c);
}

/* A header line of the message whose TOP is being read. */
static void pop3_header(struct mailbox_client *c, const char *line, size_t len)
{
	unsigned msg = c->top_next + 1;

	if (header_message_id_has(line, len, c->token_needle) && !c->found) {
		c->found = 1;
		c->out.seen_us = monotime_us();
	}
	if (header_message_id_has(line, len, c->marker) && c->nnums < IMAP_SEARCH_MAX &&
	    (c->nnums == 0 || c->nums[c->nnums - 1] != msg))
		c->nums[c->nnums++] = msg;
}

static void pop3_ok(struct mailbox_client *c, const char *line, size_t len)
{
	char user[RT_CRED_MAX + 1];

	switch (c->stage) {
	case MBS_GREETING:
		snprintf(user, sizeof(user), "%s", c->check.user);
		send_cmd(c, MBS_USER, "USER %s", user);
		break;
	case MBS_USER: send_cmd(c, MBS_PASS, "PASS %s", c->check.password); break;
	case MBS_PASS: send_cmd(c, MBS_STAT, "STAT"); break;
	case MBS_STAT: pop3_stat(c, line, len); break;
	case MBS_TOP: c->in_multiline = 1; break;
	case MBS_DELE:
		if (c->deleting < c->nnums) {
			send_cmd(c, MBS_DELE, "DELE %u", c->nums[c->deleting++]);
		} else {
			c->out.deleted = c->nnums;
			send_cmd(c, MBS_LOGOUT, "QUIT");   /* QUIT commits the deletions */
		}
		break;
	default: break;
	}
}

static void pop3_line(struct mailbox_client *c, const char *line, size_t len)
{
	const char *data;
	size_t dlen;
	enum pop3_kind k;

	if (c->in_multiline) {
		if (pop3_multiline_end(line, len, &data, &dlen) == 1) {
			c->in_multiline = 0;
			pop3_next_top(c);
		} else
			pop3_header(c, data, dlen);
		return;
	}
	k = pop3_status(line, len);
	if (c->stage == MBS_LOGOUT && c->deleting && c->out.deleted && k == POP3_OK)
		decide(c, MB_FOUND, "%s", "");      /* the deletions are done */
	else if (c->stage == MBS_LOGOUT)
		hang_up(c);
	else if (k == POP3_OK)
		pop3_ok(c, line, len);
	else if (k == POP3_ERR && (c->stage == MBS_USER || c->stage == MBS_PASS))
		decide(c, MB_LOGIN_FAILED, "POP3 %s: the server refused the credentials: %.200s",
		       stage_names[c->stage], line);
	else
		decide(c, MB_UNREACHABLE, "POP3 %s: unexpected answer: %.200s",
		       stage_names[c->stage], line);
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

static void on_ready(void *arg)
{
	(void)arg;   /* the server speaks first */
}

static void on_failed(void *arg, enum line_conn_error err, const char *why)
{
	struct mailbox_client *c = arg;

	(void)err;
	if (c->stage == MBS_LOGOUT && !c->done) {
		hang_up(c);
		return;
	}
	decide(c, MB_UNREACHABLE, "%s %s: %s", c->check.proto == MAILBOX_IMAP ? "IMAP" : "POP3",
	       stage_names[c->stage], why);
}

static const struct line_conn_ops ops = { on_ready, on_line, on_failed };

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct mailbox_client *c = arg;

	(void)fd;
	(void)what;
	if (!c->done)
		hang_up(c);   /* the logout's grace is over */
	else
		decide(c, MB_UNREACHABLE, "%s %s: no answer in time",
		       c->check.proto == MAILBOX_IMAP ? "IMAP" : "POP3", stage_names[c->stage]);
}

struct mailbox_client *mailbox_look(struct event_base *base, struct evdns_base *dns,
				    SSL_CTX *tls, const struct roundtrip_config *check,
				    const char *token, uint32_t timeout_s,
				    mailbox_done_fn done, void *arg)
{
	struct mailbox_client *c = calloc(1, sizeof(*c));
	struct timeval deadline = { (time_t)timeout_s, 0 };

	if (!c)
		return NULL;
	c->check = *check;
	roundtrip_marker(check->name, c->marker, sizeof(c->marker));
	snprintf(c->token_needle, sizeof(c->token_needle), "%s%s", c->marker, token);
	c->done = done;
	c->arg = arg;
	c->stage = MBS_GREETING;
	c->timer = evtimer_new(base, on_timer, c);
	if (c->timer)
		c->conn = line_conn_open(base, dns, tls, check->host, check->port,
					 check->mailbox_tls, MAILBOX_LINE_MAX, &ops, c);
	if (!c->conn) {
		client_free(c);
		return NULL;
	}
	evtimer_add(c->timer, &deadline);
	return c;
}

void mailbox_abandon(struct mailbox_client *c)
{
	if (c)
		client_free(c);
}
