#include "mail_submit.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include <event2/event.h>

#include "line_conn.h"
#include "monotime.h"
#include "smtp_reply.h"
#include "text.h"

enum submit_stage {
	SUB_GREETING, SUB_EHLO, SUB_HELO, SUB_STARTTLS, SUB_TLS, SUB_AUTH, SUB_AUTH_USER,
	SUB_AUTH_PASS, SUB_MAIL, SUB_RCPT, SUB_DATA, SUB_BODY, SUB_QUIT,
};

static const char *const stage_names[] = {
	"greeting", "EHLO", "HELO", "STARTTLS", "TLS handshake", "AUTH", "AUTH", "AUTH",
	"MAIL FROM", "RCPT TO", "DATA", "end of DATA", "QUIT",
};

struct mail_submit {
	struct line_conn *conn;
	struct event *timer;
	struct target_config server;
	char helo[TARGET_HELO_MAX + 1];
	struct roundtrip_config check;     /* holds smtpPassword: wiped on free */
	char *message;
	submit_done_fn done;
	void *arg;
	enum submit_stage stage;
	struct smtp_reply reply;
	int offers_starttls, offers_plain, offers_login;
	uint64_t t_mail;
	struct submit_outcome out;
};

static void submit_free(struct mail_submit *m)
{
	line_conn_close(m->conn);
	if (m->timer)
		event_free(m->timer);
	free(m->message);
	explicit_bzero(&m->check, sizeof(m->check));
	free(m);
}

/* The dialogue is over: no more callbacks; the owner frees M. */
static void hang_up(struct mail_submit *m)
{
	line_conn_close(m->conn);
	m->conn = NULL;
	evtimer_del(m->timer);
}

/* Hands the outcome over; QUIT follows as a courtesy while the owner goes on. */
static void finish(struct mail_submit *m, enum roundtrip_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finish(struct mail_submit *m, enum roundtrip_result r, const char *fmt, ...)
{
	char text[2 * SMTP_LINE_MAX];
	struct timeval grace = { 1, 0 };
	va_list ap;
	submit_done_fn done = m->done;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	m->out.result = r;
	text_clean(m->out.error, sizeof(m->out.error), r == RT_OK ? "" : text,
		   r == RT_OK ? 0 : strlen(text));
	m->done = NULL;
	if (done)
		done(&m->out, m->arg);
	if (!m->conn || m->stage == SUB_TLS || m->stage == SUB_GREETING) {
		hang_up(m);
		return;
	}
	m->stage = SUB_QUIT;
	line_conn_send(m->conn, "QUIT\r\n", 6);
	evtimer_add(m->timer, &grace);
}

static void send_cmd(struct mail_submit *m, enum submit_stage stage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void send_cmd(struct mail_submit *m, enum submit_stage stage, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) - 2)
		n = 0;
	memcpy(buf + n, "\r\n", 2);
	line_conn_send(m->conn, buf, (size_t)n + 2);
	explicit_bzero(buf, sizeof(buf));   /* it may have held credentials */
	m->stage = stage;
	smtp_reply_reset(&m->reply);
}

static void note_keyword(struct mail_submit *m, const char *text, size_t len)
{
	size_t n = smtp_ehlo_keyword(text, len);

	if (n == 8 && strncasecmp(text, "STARTTLS", 8) == 0)
		m->offers_starttls = 1;
	if (n != 4 || strncasecmp(text, "AUTH", 4) != 0)
		return;
	for (size_t i = 4; i < len; i++) {
		if (text[i - 1] != ' ' && text[i - 1] != '=')
			continue;
		if (len - i >= 5 && strncasecmp(text + i, "PLAIN", 5) == 0 &&
		    (len - i == 5 || text[i + 5] == ' '))
			m->offers_plain = 1;
		if (len - i >= 5 && strncasecmp(text + i, "LOGIN", 5) == 0 &&
		    (len - i == 5 || text[i + 5] == ' '))
			m->offers_login = 1;
	}
}

static void base64(const char *in, size_t len, char *out, size_t size)
{
	if (4 * ((len + 2) / 3) + 1 > size) {
		out[0] = '\0';
		return;
	}
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)in, (int)len);
}

static void send_mail_from(struct mail_submit *m)
{
	m->t_mail = monotime_us();
	send_cmd(m, SUB_MAIL, "MAIL FROM:<%s>", m->check.from);
}

/* Credentials go over TLS only (DESIGN section 3). */
static void authenticate(struct mail_submit *m)
{
	char plain[2 * RT_CRED_MAX + 3], b64[4 * (2 * RT_CRED_MAX + 3) / 3 + 8];
	size_t ul = strlen(m->check.smtp_user), pl = strlen(m->check.smtp_password);

	if (!line_conn_tls(m->conn)) {
		finish(m, RT_SMTP_AUTH_FAILED, "SMTP AUTH: smtpUser is set but the session is not "
		       "encrypted (the server's row has tls=none): credentials are never sent in clear");
	} else if (m->offers_plain) {
		plain[0] = '\0';
		memcpy(plain + 1, m->check.smtp_user, ul + 1);
		memcpy(plain + ul + 2, m->check.smtp_password, pl);
		base64(plain, ul + pl + 2, b64, sizeof(b64));
		send_cmd(m, SUB_AUTH, "AUTH PLAIN %s", b64);
	} else if (m->offers_login) {
		send_cmd(m, SUB_AUTH, "AUTH LOGIN");
	} else {
		finish(m, RT_SMTP_AUTH_FAILED, "SMTP AUTH: the server offers neither AUTH PLAIN "
		       "nor AUTH LOGIN");
	}
	explicit_bzero(plain, sizeof(plain));
	explicit_bzero(b64, sizeof(b64));
}

static void send_login_part(struct mail_submit *m, const char *secret, enum submit_stage next)
{
	char b64[4 * (RT_CRED_MAX + 2) / 3 + 8];

	base64(secret, strlen(secret), b64, sizeof(b64));
	send_cmd(m, next, "%s", b64);
	explicit_bzero(b64, sizeof(b64));
}

/* After EHLO/HELO: STARTTLS if the row asks for it, AUTH if configured. */
static void after_hello(struct mail_submit *m)
{
	if (m->server.opt.tls == TLS_STARTTLS && !line_conn_tls(m->conn)) {
		if (m->offers_starttls)
			send_cmd(m, SUB_STARTTLS, "STARTTLS");
		else
			finish(m, RT_SEND_FAILED, "SMTP EHLO: the server does not offer STARTTLS");
	} else if (m->check.smtp_user[0]) {
		authenticate(m);
	} else {
		send_mail_from(m);
	}
}

static void send_hello(struct mail_submit *m, const char *verb, enum submit_stage stage)
{
	m->offers_starttls = m->offers_plain = m->offers_login = 0;
	send_cmd(m, stage, "%s %s", verb, m->helo);
}

static void refused(struct mail_submit *m)
{
	enum roundtrip_result r = RT_SEND_FAILED;

	if (m->stage >= SUB_AUTH && m->stage <= SUB_AUTH_PASS)
		r = RT_SMTP_AUTH_FAILED;
	else if (m->stage >= SUB_MAIL)
		r = RT_MESSAGE_REJECTED;
	finish(m, r, "SMTP %s: the server refused: %s", stage_names[m->stage], m->reply.last);
}

static void on_auth_reply(struct mail_submit *m, int code)
{
	if (code == 235)
		send_mail_from(m);
	else if (code == 334 && m->stage == SUB_AUTH && !m->offers_plain)
		send_login_part(m, m->check.smtp_user, SUB_AUTH_USER);
	else if (code == 334 && m->stage == SUB_AUTH_USER)
		send_login_part(m, m->check.smtp_password, SUB_AUTH_PASS);
	else
		refused(m);
}

static void on_data_reply(struct mail_submit *m, int code)
{
	if (m->stage == SUB_DATA && code == 354) {
		line_conn_send(m->conn, m->message, strlen(m->message));
		m->stage = SUB_BODY;
		smtp_reply_reset(&m->reply);
	} else if (m->stage == SUB_BODY && code == 250) {
		m->out.data_end_us = monotime_us();
		m->out.send_us = (uint32_t)(m->out.data_end_us - m->t_mail);
		finish(m, RT_OK, "%s", "");
	} else {
		refused(m);
	}
}

/* One complete reply: the next command, or the end. */
static void on_reply(struct mail_submit *m)
{
	int code = m->reply.code, ok = code / 100 == 2;

	switch (m->stage) {
	case SUB_GREETING: code == 220 ? send_hello(m, "EHLO", SUB_EHLO) : refused(m); break;
	case SUB_EHLO:
		if (ok)
			after_hello(m);
		else if (code / 100 == 5)
			send_hello(m, "HELO", SUB_HELO);
		else
			refused(m);
		break;
	case SUB_HELO: ok ? after_hello(m) : refused(m); break;
	case SUB_STARTTLS:
		if (code == 220) {
			m->stage = SUB_TLS;
			line_conn_starttls(m->conn);
		} else {
			refused(m);
		}
		break;
	case SUB_AUTH: case SUB_AUTH_USER: case SUB_AUTH_PASS: on_auth_reply(m, code); break;
	case SUB_MAIL: ok ? send_cmd(m, SUB_RCPT, "RCPT TO:<%s>", m->check.to) : refused(m); break;
	case SUB_RCPT: ok ? send_cmd(m, SUB_DATA, "DATA") : refused(m); break;
	case SUB_DATA: case SUB_BODY: on_data_reply(m, code); break;
	case SUB_QUIT: hang_up(m); break;
	case SUB_TLS: break;
	}
}

static void on_line(void *arg, const char *line, size_t len)
{
	struct mail_submit *m = arg;
	const char *text;
	size_t tlen;
	enum smtp_line_status s = smtp_reply_feed(&m->reply, line, len, &text, &tlen);

	if (m->stage == SUB_QUIT && s != SMTP_LINE_FINAL && s != SMTP_LINE_MORE) {
		hang_up(m);
		return;
	}
	if (s != SMTP_LINE_MORE && s != SMTP_LINE_FINAL) {
		finish(m, m->stage >= SUB_MAIL ? RT_MESSAGE_REJECTED : RT_SEND_FAILED,
		       "SMTP %s: the server's answer is not valid SMTP (%s)",
		       stage_names[m->stage], smtp_line_status_name(s));
		return;
	}
	if ((m->stage == SUB_EHLO) && m->reply.lines > 1)
		note_keyword(m, text, tlen);
	if (s == SMTP_LINE_FINAL)
		on_reply(m);
}

static void on_ready(void *arg)
{
	struct mail_submit *m = arg;

	if (m->stage == SUB_TLS)
		send_hello(m, "EHLO", SUB_EHLO);
}

static void on_failed(void *arg, enum line_conn_error err, const char *why)
{
	struct mail_submit *m = arg;

	(void)err;
	if (m->stage == SUB_QUIT) {
		hang_up(m);
		return;
	}
	finish(m, m->stage >= SUB_MAIL ? RT_MESSAGE_REJECTED : RT_SEND_FAILED,
	       "SMTP %s: %s", stage_names[m->stage], why);
}

static const struct line_conn_ops ops = { on_ready, on_line, on_failed };

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct mail_submit *m = arg;

	(void)fd;
	(void)what;
	if (m->stage == SUB_QUIT)
		hang_up(m);
	else
		finish(m, RT_SEND_FAILED, "SMTP %s: no answer within %u s",
		       stage_names[m->stage], m->server.opt.timeout_s);
}

struct mail_submit *mail_submit_start(struct event_base *base, struct evdns_base *dns,
				      SSL_CTX *tls, const struct submit_request *req,
				      submit_done_fn done, void *arg)
{
	struct mail_submit *m = calloc(1, sizeof(*m));
	struct timeval deadline = { (time_t)req->server->opt.timeout_s, 0 };

	if (!m)
		return NULL;
	m->server = *req->server;
	snprintf(m->helo, sizeof(m->helo), "%s",
		 req->server->opt.helo[0] ? req->server->opt.helo : req->helo);
	m->check = *req->check;
	m->message = strdup(req->message);
	m->done = done;
	m->arg = arg;
	m->stage = SUB_GREETING;   /* after the handshake with tls=implicit */
	smtp_reply_reset(&m->reply);
	m->timer = evtimer_new(base, on_timer, m);
	if (m->message && m->timer)
		m->conn = line_conn_open(base, dns, tls, m->server.host, m->server.port,
					 m->server.opt.tls == TLS_IMPLICIT, SMTP_LINE_MAX, &ops, m);
	if (!m->conn) {
		submit_free(m);
		return NULL;
	}
	evtimer_add(m->timer, &deadline);
	return m;
}

void mail_submit_abandon(struct mail_submit *m)
{
	if (m)
		submit_free(m);
}
