/* SPDX-License-Identifier: ISC */
#include "probe/mail_submit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/monotime.h"
#include "core/roundtrip_config.h"
#include "core/text.h"
#include "probe/mail_session.h"

struct mail_submit {
	struct mail_session *s;
	struct roundtrip_config check;     /* holds smtpPassword: wiped on free */
	char bearer[RT_TOKEN_MAX + 1];     /* wiped on free */
	char *message;
	size_t len, off;
	struct curl_slist *rcpt;
	submit_done_fn done;
	void *arg;
	struct submit_outcome out;
};

static void submit_free(struct mail_submit *m)
{
	mail_session_close(m->s);
	curl_slist_free_all(m->rcpt);
	free(m->message);
	explicit_bzero(m, sizeof(*m));
	free(m);
}

static void finish(struct mail_submit *m, enum roundtrip_result r, const char *text)
{
	submit_done_fn done = m->done;

	m->out.result = r;
	text_clean(m->out.error, sizeof(m->out.error), r == RT_OK ? "" : text,
		   r == RT_OK ? 0 : strlen(text));
	m->done = NULL;
	if (done)
		done(&m->out, m->arg);
}

/* AUTH's refusal is the credentials'; from MAIL FROM on, the message's. */
static enum roundtrip_result result_of(const struct mail_outcome *o)
{
	if (o->failure == MAIL_CERT)
		return RT_CERT_INVALID;
	if (o->failure == MAIL_LOGIN || (o->failure == MAIL_REFUSED && strcmp(o->stage, "AUTH") == 0))
		return RT_SMTP_AUTH_FAILED;
	if (o->failure == MAIL_INTERNAL)
		return RT_INTERNAL_ERROR;
	if (o->command_us[0] && (o->failure == MAIL_REFUSED || o->failure == MAIL_PROTOCOL))
		return RT_MESSAGE_REJECTED;
	return RT_SEND_FAILED;
}

static void on_sent(void *arg, const struct mail_outcome *o)
{
	struct mail_submit *m = arg;
	uint64_t now = monotime_us();

	if (o->failure != MAIL_OK) {
		finish(m, result_of(o), o->text);
		return;
	}
	m->out.data_end_us = now;
	m->out.send_us = o->command_us[0] && now > o->command_us[0] ?
		(uint32_t)(now - o->command_us[0]) : 1;
	finish(m, RT_OK, "");
}

/* The message for DATA; at its end the next reply is the one to the ".". */
static size_t on_read(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct mail_submit *m = arg;
	size_t n = m->len - m->off;

	if (n > size * nmemb)
		n = size * nmemb;
	memcpy(buf, m->message + m->off, n);
	m->off += n;
	if (n == 0)
		mail_session_set_stage(m->s, "end of DATA");
	return n;
}

/* Called before MAIL FROM: with smtpUser set, AUTH must have succeeded. */
static int on_prereq(void *arg, char *primary_ip, char *local_ip, int primary_port,
		     int local_port)
{
	struct mail_submit *m = arg;

	(void)primary_ip;
	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	if (!m->check.smtp_user[0] || mail_session_sent_credentials(m->s))
		return CURL_PREREQFUNC_OK;
	mail_session_abort(m->s, MAIL_LOGIN, "SMTP AUTH: the server offers no AUTH mechanism "
			   "for smtpUser; no message was sent");
	return CURL_PREREQFUNC_ABORT;
}

static int set_request(struct mail_submit *m, const char *helo)
{
	CURL *e = mail_session_easy(m->s);
	char url[TARGET_HOST_MAX + TARGET_HELO_MAX + 32], from[RT_ADDR_MAX + 3], to[RT_ADDR_MAX + 3];
	int bad = 0;

	mail_session_url(m->s, helo, url, sizeof(url));
	snprintf(from, sizeof(from), "<%s>", m->check.from);
	snprintf(to, sizeof(to), "<%s>", m->check.to);
	if (!(m->rcpt = curl_slist_append(NULL, to)))
		return -1;
	bad |= curl_easy_setopt(e, CURLOPT_URL, url);
	bad |= curl_easy_setopt(e, CURLOPT_MAIL_FROM, from);
	bad |= curl_easy_setopt(e, CURLOPT_MAIL_RCPT, m->rcpt);
	bad |= curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
	bad |= curl_easy_setopt(e, CURLOPT_READDATA, m);
	bad |= curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
	bad |= curl_easy_setopt(e, CURLOPT_PREREQDATA, m);
	if (m->check.smtp_user[0]) {
		bad |= curl_easy_setopt(e, CURLOPT_USERNAME, m->check.smtp_user);
		bad |= m->bearer[0] ? curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, m->bearer)
				    : curl_easy_setopt(e, CURLOPT_PASSWORD, m->check.smtp_password);
	}
	return bad ? -1 : 0;
}

static struct mail_session *open_session(struct mail_submit *m, struct event_base *base,
					 struct evdns_base *dns, SSL_CTX *tls,
					 const struct target_config *server)
{
	struct mail_endpoint ep;
	const char *secrets[] = { m->check.smtp_password, m->bearer, NULL };

	memset(&ep, 0, sizeof(ep));
	ep.proto = MAIL_SMTP;
	ep.implicit_tls = server->opt.tls == TLS_IMPLICIT;
	ep.starttls = server->opt.tls == TLS_STARTTLS;
	ep.verify = m->check.verify_cert;
	snprintf(ep.host, sizeof(ep.host), "%s", server->host);
	snprintf(ep.tls_name, sizeof(ep.tls_name), "%s", server->opt.sni);
	ep.port = server->port;
	ep.family = server->opt.family;
	snprintf(ep.source, sizeof(ep.source), "%s", server->opt.source);
	return mail_session_new(base, dns, tls, &ep, m->check.smtp_user, secrets);
}

/* Credentials only over TLS (doc/DESIGN.md section 4), checked before connecting;
 * a token file that cannot be read is the credentials' failure too. 0, or
 * -1 with the reason in ERR. */
static int refused_now(struct mail_submit *m, const struct target_config *server, char *err,
		       size_t errlen)
{
	if (!m->check.smtp_user[0])
		return 0;
	if (server->opt.tls == TLS_NONE) {
		snprintf(err, errlen, "SMTP AUTH: smtpUser is set but the session is not encrypted "
			 "(the server's row has tls=none): credentials are never sent in clear");
		return -1;
	}
	if (m->check.smtp_token_file[0])
		return roundtrip_read_token(m->check.smtp_token_file, m->bearer, sizeof(m->bearer),
					    err, errlen);
	return 0;
}

/* Sends, or tells from the loop why not (the outcome is the credentials'). */
static int begin(struct mail_submit *m, const struct submit_request *req, int refused,
		 const char *why)
{
	uint64_t deadline = monotime_us() + (uint64_t)req->server->opt.timeout_s * 1000000u;

	if (refused)
		return mail_session_refuse(m->s, MAIL_LOGIN, why, on_sent, m);
	if (set_request(m, req->server->opt.helo[0] ? req->server->opt.helo : req->helo) != 0)
		return -1;
	return mail_session_run(m->s, deadline, NULL, on_sent, m);
}

struct mail_submit *mail_submit_start(struct event_base *base, struct evdns_base *dns,
				      SSL_CTX *tls, const struct submit_request *req,
				      submit_done_fn done, void *arg)
{
	struct mail_submit *m = calloc(1, sizeof(*m));
	char why[MAIL_TEXT_MAX + 1] = "";
	int refused;

	if (!m)
		return NULL;
	m->check = *req->check;
	m->message = strdup(req->message);
	m->len = m->message ? strlen(m->message) : 0;
	m->done = done;
	m->arg = arg;
	refused = refused_now(m, req->server, why, sizeof(why)) != 0;   /* reads the token */
	m->s = open_session(m, base, dns, tls, req->server);
	if (!m->message || !m->s || begin(m, req, refused, why) != 0) {
		submit_free(m);
		return NULL;
	}
	return m;
}

void mail_submit_abandon(struct mail_submit *m)
{
	if (m)
		submit_free(m);
}
