/* SPDX-License-Identifier: ISC */
#include "probe/probe.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <event2/buffer.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "core/monotime.h"
#include "core/smtp_reply.h"
#include "core/state.h"
#include "core/target_config.h"
#include "core/text.h"
#include "probe/conn_gate.h"
#include "probe/probe_conn.h"
#include "probe/tls.h"

/* After QUIT the 221 is a courtesy: wait this long for the server's close
 * so our close does not turn into a reset, then go (doc/DESIGN.md section 3),
 * and never past the probe's deadline. */
#define QUIT_GRACE_US 500000

/* Octets of the server's input looked at in one go. */
#define READ_CHUNK 4096

struct probe {
	struct probe_engine *eng;
	struct probe *prev, *next;             /* engine's live list */
	struct target_config cfg;              /* a copy: the row may change while we close */
	char helo[TARGET_HELO_MAX + 1];
	probe_done_fn done;
	void *done_arg;

	enum probe_stage stage;
	int decided;                           /* outcome delivered; closing */
	int resolving_inline;                  /* inside evdns_getaddrinfo() */
	int holding;                           /* inside probe_start(): free later */
	int freed_while_held;
	int inline_err;                        /* result stashed by an inline answer */
	struct evutil_addrinfo *inline_ai;
	struct evdns_getaddrinfo_request *dns_req;
	struct evutil_addrinfo *ai_list, *ai_cur;
	struct probe_conn *conn;
	struct event *timer;                   /* deadline, then QUIT grace */
	struct smtp_reply reply;
	char detail[STATE_TEXT_MAX + 1];       /* LastError when not the generic one */

	struct probe_tls_hook hook;            /* a domain watch's look at the handshake */
	int starttls_offered;                  /* seen in the EHLO reply */
	int tls_done;                          /* the handshake completed */
	uint64_t t_start, t_deadline, t_first_connect, t_attempt, t_connected, t_command;
	uint64_t t_greeting_wait, t_tls_start;
	struct probe_outcome out;
};

struct probe_engine {
	struct event_base *base;
	struct evdns_base *dns;
	SSL_CTX *tls;
	struct conn_gate *gate;                /* a place each, until closed */
	struct probe *live;
	unsigned nlive;
};

static void probe_free(struct probe *p);
static void start_connect(struct probe *p);

/* --- life cycle ------------------------------------------------------- */

static void link_probe(struct probe_engine *e, struct probe *p)
{
	p->next = e->live;
	if (e->live)
		e->live->prev = p;
	e->live = p;
	e->nlive++;
}

static void unlink_probe(struct probe *p)
{
	struct probe_engine *e = p->eng;

	if (p->prev)
		p->prev->next = p->next;
	else
		e->live = p->next;
	if (p->next)
		p->next->prev = p->prev;
	e->nlive--;
	conn_gate_give(e->gate, 1);
}

/* A pending DNS request must answer its cancellation before we may go. */
static void probe_free(struct probe *p)
{
	if (p->dns_req) {
		struct evdns_getaddrinfo_request *req = p->dns_req;

		p->dns_req = NULL;
		p->decided = 1;
		p->done = NULL;
		evdns_getaddrinfo_cancel(req);
		return;
	}
	unlink_probe(p);
	probe_conn_free(p->conn);
	if (p->timer)
		event_free(p->timer);
	if (p->ai_list)
		evutil_freeaddrinfo(p->ai_list);
	p->conn = NULL;
	p->timer = NULL;
	p->ai_list = NULL;
	if (p->holding)
		p->freed_while_held = 1;
	else
		free(p);
}

/* --- the decision ------------------------------------------------------ */

static uint32_t elapsed_us(uint64_t from, uint64_t to)
{
	uint64_t d = (from && to > from) ? to - from : 0;

	return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

static void record_address(struct probe *p)
{
	const struct sockaddr *sa = p->ai_cur ? p->ai_cur->ai_addr : NULL;

	if (sa && sa->sa_family == AF_INET) {
		p->out.addr_family = AF_INET;
		memcpy(p->out.addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		p->out.addr_family = AF_INET6;
		memcpy(p->out.addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	}
}

static void close_after_quit(struct probe *p);
static void note_enhanced_code(struct probe *p);
static void on_event(struct probe_conn *c, short what, void *arg);
static void fail_protocol(struct probe *p, const char *why);

/* Fixes the result, hands it over, then closes politely or at once. */
static void decide(struct probe *p, enum probe_result result, int err)
{
	char text[2 * SMTP_KEEP_MAX];
	int have_reply = p->reply.lines > 0;
	uint64_t now = monotime_us();

	if (p->decided)
		return;
	p->decided = 1;
	p->out.result = result;
	p->out.stage = result == RESULT_OK ? STAGE_DONE : p->stage;
	p->out.reply_code = (result == RESULT_OK || have_reply) ? p->reply.code : 0;
	p->out.elapsed_us = elapsed_us(p->t_start, now);
	if (have_reply) {
		text_clean(p->out.last_reply, sizeof(p->out.last_reply), p->reply.last,
			   strlen(p->reply.last));
		note_enhanced_code(p);
	}
	/* Latency is the time to a working session: none when it failed. */
	p->out.latency_us = result == RESULT_OK ? elapsed_us(p->t_first_connect, now) : 0;
	p->out.finished_wall_us = walltime_us();
	record_address(p);
	if (result != RESULT_OK && p->detail[0]) {
		memcpy(p->out.error, p->detail, sizeof(p->out.error));
	} else if (result != RESULT_OK) {
		probe_error_text(text, sizeof(text), result, p->stage,
				 have_reply ? p->reply.last : NULL, err);
		text_clean(p->out.error, sizeof(p->out.error), text, strlen(text));
	}
	if (p->done)
		p->done(&p->out, p->done_arg);
	p->done = NULL;
	if (p->conn && (result == RESULT_OK || result == RESULT_BANNER_REJECTED ||
		       result == RESULT_HELO_REJECTED || result == RESULT_TLS_UNAVAILABLE ||
		       result == RESULT_CERT_INVALID))
		close_after_quit(p);
	else
		probe_free(p);
}

/* Decides with a LastError of our own words instead of the generic one. */
static void decide_because(struct probe *p, enum probe_result result, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void decide_because(struct probe *p, enum probe_result result, const char *fmt, ...)
{
	char text[2 * SMTP_KEEP_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	text_clean(p->detail, sizeof(p->detail), text, strlen(text));
	decide(p, result, 0);
}

/* --- QUIT: send, half-close, short grace, close ------------------------ */

/* QUIT is a courtesy (doc/DESIGN.md section 3): after it, whatever the server says
 * or its closing ends the probe; so does the grace timer. */
static void quit_read(struct probe_conn *c, void *arg)
{
	(void)c;
	probe_free(arg);
}

static void quit_event(struct probe_conn *c, short what, void *arg)
{
	(void)c;
	(void)what;
	probe_free(arg);
}

static void close_after_quit(struct probe *p)
{
	uint64_t now = monotime_us();
	uint64_t left = p->t_deadline > now ? p->t_deadline - now : 0;
	uint64_t wait = left < QUIT_GRACE_US ? left : QUIT_GRACE_US;
	struct timeval grace = { (time_t)(wait / 1000000u), (suseconds_t)(wait % 1000000u) };
	struct evbuffer *in = probe_conn_input(p->conn);

	if (wait == 0) {
		probe_free(p);
		return;
	}
	evbuffer_drain(in, evbuffer_get_length(in));
	probe_conn_setcb(p->conn, quit_read, quit_event, p);
	evtimer_add(p->timer, &grace);
	if (probe_conn_write_last(p->conn, "QUIT\r\n", 6) != 0)
		probe_free(p);
}

/* --- the dialogue ------------------------------------------------------ */

static void send_line(struct probe *p, const char *line, enum probe_stage stage)
{
	char buf[TARGET_HELO_MAX + 16];
	int n = snprintf(buf, sizeof(buf), "%s\r\n", line);

	probe_conn_write(p->conn, buf, n > 0 && (size_t)n < sizeof(buf) ? (size_t)n : 0);
	smtp_reply_reset(&p->reply);
	p->stage = stage;
	p->t_command = monotime_us();
}

static void send_hello(struct probe *p, const char *verb, enum probe_stage stage)
{
	char line[8 + TARGET_HELO_MAX];

	snprintf(line, sizeof(line), "%s %s", verb, p->helo);
	send_line(p, line, stage);
}

static void add_ehlo_keyword(struct probe *p, const char *text, size_t len)
{
	char word[64];
	size_t n = smtp_ehlo_keyword(text, len);

	if (n == 0 || n >= sizeof(word))
		return;
	for (size_t i = 0; i < n; i++)
		word[i] = (char)toupper((unsigned char)text[i]);
	word[n] = '\0';
	if (strcmp(word, "STARTTLS") == 0)
		p->starttls_offered = 1;
	text_append_word(p->out.ehlo_keywords, sizeof(p->out.ehlo_keywords), word, n);
}

static void on_greeting(struct probe *p, enum reply_verdict v)
{
	text_clean(p->out.banner, sizeof(p->out.banner), p->reply.first, strlen(p->reply.first));
	p->out.banner_us = elapsed_us(p->t_greeting_wait, monotime_us());
	if (v == VERDICT_PROCEED)
		send_hello(p, "EHLO", STAGE_EHLO);
	else if (v == VERDICT_REJECTED)
		decide(p, result_for_rejection(p->stage), 0);
	else
		fail_protocol(p, "reply code out of place");
}

/* EHLO accepted: go on to STARTTLS if the row asks for it, else done. */
static void on_hello_accepted(struct probe *p)
{
	if (p->cfg.opt.tls != TLS_STARTTLS || p->tls_done) {
		decide(p, RESULT_OK, 0);
		return;
	}
	if (p->starttls_offered) {
		send_line(p, "STARTTLS", STAGE_STARTTLS);
		return;
	}
	decide_because(p, RESULT_TLS_UNAVAILABLE, "%s: the server does not offer STARTTLS; "
		       "server said: %s", probe_stage_name(p->stage), p->reply.first);
}

static void start_tls(struct probe *p);

static void on_starttls(struct probe *p, enum reply_verdict v)
{
	if (v == VERDICT_PROCEED)
		start_tls(p);
	else if (v == VERDICT_REJECTED)
		decide(p, result_for_rejection(p->stage), 0);
	else
		fail_protocol(p, "reply code out of place");
}

/* HeloTime adds up every EHLO/HELO: the fallback and the one after TLS. */
static void on_hello(struct probe *p, enum reply_verdict v)
{
	p->out.helo_us += elapsed_us(p->t_command, monotime_us());
	if (v == VERDICT_FALLBACK) {
		p->out.ehlo_keywords[0] = '\0';
		send_hello(p, "HELO", STAGE_HELO);
	} else if (v == VERDICT_PROCEED) {
		on_hello_accepted(p);
	} else if (v == VERDICT_REJECTED) {
		decide(p, result_for_rejection(p->stage), 0);
	} else {
		fail_protocol(p, "reply code out of place");
	}
}

static void on_reply(struct probe *p)
{
	enum reply_verdict v = classify_reply(p->stage, p->reply.code);

	if (p->stage == STAGE_GREETING)
		on_greeting(p, v);
	else if (p->stage == STAGE_STARTTLS)
		on_starttls(p, v);
	else
		on_hello(p, v);
}

/* A protocolError that says what exactly was wrong with the server's bytes. */
static void fail_protocol(struct probe *p, const char *why)
{
	decide_because(p, RESULT_PROTOCOL_ERROR, "%s: the server's answer is not valid SMTP (%s)%s%s",
		       probe_stage_name(p->stage), why, p->reply.last[0] ? "; server said: " : "",
		       p->reply.last);
}

/* What a sending MTA would tolerate in the reply just read, for LastWarning. */
static void note_deviations(struct probe *p)
{
	char what[256], line[2 * STATE_TEXT_MAX];
	size_t used = strlen(p->out.warning);
	int n;

	if (!p->reply.deviations)
		return;
	smtp_deviation_text(p->reply.deviations, what, sizeof(what));
	n = snprintf(line, sizeof(line), "%s%s: %s", used ? "; " : "", probe_stage_name(p->stage),
		     what);
	if (n > 0 && used + (size_t)n < sizeof(p->out.warning))
		memcpy(p->out.warning + used, line, (size_t)n + 1);
}

/* The RFC 3463 code of the deciding reply line, when it has one. */
static void note_enhanced_code(struct probe *p)
{
	const char *last = p->reply.last;
	size_t len = strlen(last);

	if (len > 4)
		smtp_enhanced_code(p->reply.code, last + 4, len - 4, p->out.enhanced_code);
}

/* Feeds the server's bytes at BUF to the reply; *USED says how many were
 * taken. Returns NEED for more, FINAL for a whole reply, or the error. */
static enum smtp_line_status take(struct probe *p, const char *buf, size_t len, size_t *used)
{
	const char *text;
	size_t textlen;
	enum smtp_line_status s;

	do {
		size_t n;

		s = smtp_reply_take(&p->reply, buf, len, &n, &text, &textlen);
		buf += n;
		len -= n;
		*used += n;
		if ((s == SMTP_LINE_MORE || s == SMTP_LINE_FINAL) && p->stage == STAGE_EHLO &&
		    p->reply.lines > 1)
			add_ehlo_keyword(p, text, textlen);
	} while (s == SMTP_LINE_MORE && len > 0);
	if (s == SMTP_LINE_FINAL)
		note_deviations(p);
	return s == SMTP_LINE_MORE ? SMTP_LINE_NEED : s;
}

/* Bytes after a final reply, before our next command. After the 220 to
 * STARTTLS they would be taken as the server's first TLS bytes: refused,
 * never fed to the handshake (the STARTTLS injection flaw). */
static void talked_out_of_turn(struct probe *p, size_t n)
{
	if (p->stage == STAGE_STARTTLS && p->reply.code == 220) {
		decide_because(p, RESULT_TLS_FAILURE, "STARTTLS: the server sent %zu bytes before "
			       "the TLS handshake began; refused", n);
		return;
	}
	fail_protocol(p, "data sent before the client's command");
}

static void on_read(struct probe_conn *c, void *arg)
{
	struct probe *p = arg;
	struct evbuffer *in = probe_conn_input(c);
	size_t avail;

	while ((avail = evbuffer_get_length(in)) > 0) {
		size_t n = avail < READ_CHUNK ? avail : READ_CHUNK, used = 0;
		const char *buf = (const char *)evbuffer_pullup(in, (ev_ssize_t)n);
		enum smtp_line_status s = take(p, buf, n, &used);

		evbuffer_drain(in, used);       /* before a decision frees IN */
		if (s == SMTP_LINE_ERR_SYNTAX || s == SMTP_LINE_ERR_TOO_BIG) {
			fail_protocol(p, smtp_line_status_name(s));
			return;
		}
		if (s == SMTP_LINE_FINAL) {
			/* Nothing may follow a final reply before our next command. */
			if (evbuffer_get_length(in) > 0) {
				talked_out_of_turn(p, evbuffer_get_length(in));
				return;
			}
			on_reply(p);
			return;
		}
	}
}

/* --- connection -------------------------------------------------------- */

/* The current address failed to connect: go on with the next one. */
static void try_next_address(struct probe *p, int err)
{
	probe_conn_free(p->conn);
	p->conn = NULL;
	if (p->ai_cur->ai_next) {
		p->ai_cur = p->ai_cur->ai_next;
		start_connect(p);
		return;
	}
	decide(p, result_for_socket_error(STAGE_CONNECT, err), err);
}

/* --- TLS ------------------------------------------------------------------ */

/* Wraps the connection in TLS; nothing read in plaintext may remain (a
 * reply followed by more bytes was already refused), so nothing can be
 * injected into the encrypted session. */
static void start_tls(struct probe *p)
{
	SSL *ssl = tls_session_new(p->eng->tls, &p->cfg);

	p->stage = STAGE_TLS;
	p->t_tls_start = monotime_us();
	if (ssl && p->hook.before)
		p->hook.before(ssl, p->hook.arg);
	if (!ssl || probe_conn_start_tls(p->conn, ssl) != 0) {
		if (ssl)
			SSL_free(ssl);
		decide(p, RESULT_INTERNAL_ERROR, ENOMEM);
	}
}

static void tls_established(struct probe *p)
{
	SSL *ssl = probe_conn_ssl(p->conn);
	char why[256];

	p->out.tls_us = elapsed_us(p->t_tls_start, monotime_us());
	p->tls_done = 1;
	tls_read_peer(ssl, &p->out.tls);
	if (p->hook.after)
		p->hook.after(ssl, &p->out.tls, p->hook.arg);
	if (p->cfg.opt.verify_cert && tls_verify_result(ssl, why, sizeof(why)) != 0) {
		decide_because(p, RESULT_CERT_INVALID, "TLS handshake: the server's certificate "
			       "did not verify: %s", why);
	} else if (p->cfg.opt.tls == TLS_IMPLICIT) {
		p->stage = STAGE_GREETING;
		p->t_greeting_wait = monotime_us();
	} else {
		p->out.ehlo_keywords[0] = '\0';
		send_hello(p, "EHLO", STAGE_EHLO);
	}
}

static void tls_failed(struct probe *p, int err)
{
	unsigned long e, first = 0;
	char why[256];

	while ((e = probe_conn_tls_error(p->conn)) != 0)
		if (!first)
			first = e;
	if (!first && err) {
		decide(p, result_for_socket_error(STAGE_TLS, err), err);
		return;
	}
	tls_error_text(first, why, sizeof(why));
	decide_because(p, RESULT_TLS_FAILURE, "TLS handshake: the TLS handshake failed (%s)", why);
}

static void on_connected(struct probe *p)
{
	p->t_connected = monotime_us();
	p->out.connect_us = elapsed_us(p->t_attempt, p->t_connected);
	if (p->cfg.opt.tls == TLS_IMPLICIT) {
		start_tls(p);
		return;
	}
	p->stage = STAGE_GREETING;
	p->t_greeting_wait = p->t_connected;
}

static void on_event(struct probe_conn *c, short what, void *arg)
{
	struct probe *p = arg;
	int err = EVUTIL_SOCKET_ERROR();

	(void)c;
	if (what & BEV_EVENT_CONNECTED) {
		if (p->stage == STAGE_TLS)
			tls_established(p);
		else
			on_connected(p);
		return;
	}
	if (p->stage == STAGE_CONNECT && (what & BEV_EVENT_ERROR)) {
		try_next_address(p, err);
		return;
	}
	if (p->stage == STAGE_TLS && (what & BEV_EVENT_ERROR)) {
		tls_failed(p, err);
		return;
	}
	if (what & BEV_EVENT_EOF)
		decide(p, result_for_close(p->stage), 0);
	else
		decide(p, result_for_socket_error(p->stage, err), err);
}

/* source=: the local address, of the family of the address to reach.
 * Returns 0, or -1 with the probe decided. */
static int bind_source(struct probe *p, int fd, int family)
{
	struct sockaddr_storage ss;
	socklen_t len;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET && inet_pton(AF_INET, p->cfg.opt.source,
					   &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		len = sizeof(struct sockaddr_in);
	} else if (family == AF_INET6 && inet_pton(AF_INET6, p->cfg.opt.source,
						   &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		len = sizeof(struct sockaddr_in6);
	} else {
		decide_because(p, RESULT_NETWORK_ERROR, "connect: %s has no address of the "
			       "family of source=%s", p->cfg.host, p->cfg.opt.source);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) == 0)
		return 0;
	decide_because(p, RESULT_NETWORK_ERROR, "connect: cannot send from source=%s: %s",
		       p->cfg.opt.source, strerror(errno));
	return -1;
}

/* Our own connect() so that an immediate refusal keeps its errno. */
static void start_connect(struct probe *p)
{
	const struct evutil_addrinfo *ai = p->ai_cur;
	int fd, err;

	p->stage = STAGE_CONNECT;
	p->t_attempt = monotime_us();
	if (!p->t_first_connect)
		p->t_first_connect = p->t_attempt;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		decide(p, RESULT_INTERNAL_ERROR, errno);
		return;
	}
	if (p->cfg.opt.source[0] && bind_source(p, fd, ai->ai_family) != 0) {
		close(fd);
		return;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
		err = errno;
		close(fd);
		try_next_address(p, err);
		return;
	}
	p->conn = probe_conn_new(p->eng->base, fd, on_read, on_event, p);
	if (!p->conn) {
		close(fd);
		decide(p, RESULT_INTERNAL_ERROR, ENOMEM);
	}
}

/* --- resolution and deadline ------------------------------------------- */

/* Which addresses were asked for, when not any. */
static const char *family_note(const struct target_config *cfg)
{
	if (cfg->opt.family == FAMILY_IPV4)
		return " to an IPv4 address (family=ipv4)";
	if (cfg->opt.family == FAMILY_IPV6)
		return " to an IPv6 address (family=ipv6)";
	return cfg->opt.source[0] ? " to an address of the source= address's family" : "";
}

static void resolved(struct probe *p, int err, struct evutil_addrinfo *ai)
{
	if (err) {
		if (ai)
			evutil_freeaddrinfo(ai);
		p->stage = STAGE_RESOLVE;
		decide_because(p, RESULT_DNS_FAILURE, "resolve: cannot resolve '%s'%s: %s",
			       p->cfg.host, family_note(&p->cfg), evutil_gai_strerror(err));
		return;
	}
	p->ai_list = p->ai_cur = ai;
	start_connect(p);
}

static void on_resolved(int err, struct evutil_addrinfo *ai, void *arg)
{
	struct probe *p = arg;

	if (p->resolving_inline) {
		p->inline_err = err ? err : 0;
		p->inline_ai = ai;
		p->resolving_inline = 2;
		return;
	}
	p->dns_req = NULL;
	if (p->decided) {       /* cancelled by the deadline or shutdown */
		if (ai)
			evutil_freeaddrinfo(ai);
		probe_free(p);
		return;
	}
	resolved(p, err, ai);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct probe *p = arg;

	(void)fd;
	(void)what;
	if (p->decided)
		probe_free(p);   /* QUIT grace over */
	else
		decide(p, result_for_timeout(p->stage), 0);
}

/* With source= and family=any, only addresses the source can reach. */
static int source_family(const struct target_config *cfg)
{
	unsigned char a[16];

	if (!cfg->opt.source[0])
		return AF_UNSPEC;
	return inet_pton(AF_INET, cfg->opt.source, a) == 1 ? AF_INET : AF_INET6;
}

static void resolve(struct probe *p)
{
	struct evutil_addrinfo hints;
	char port[8];
	struct evdns_getaddrinfo_request *req;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = p->cfg.opt.family == FAMILY_IPV4 ? AF_INET :
			  p->cfg.opt.family == FAMILY_IPV6 ? AF_INET6 : source_family(&p->cfg);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = EVUTIL_AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", p->cfg.port);
	p->stage = STAGE_RESOLVE;
	/* Literals and /etc/hosts names are answered inside the call. */
	p->resolving_inline = 1;
	req = evdns_getaddrinfo(p->eng->dns, p->cfg.host, port, &hints, on_resolved, p);
	if (p->resolving_inline == 2) {
		p->resolving_inline = 0;
		resolved(p, p->inline_err, p->inline_ai);
		return;
	}
	p->resolving_inline = 0;
	p->dns_req = req;
}

int probe_start(struct probe_engine *e, const struct target_config *cfg,
		const char *helo, probe_done_fn done, void *arg, struct probe **handle)
{
	return probe_start_within(e, cfg, (uint64_t)cfg->opt.timeout_s * 1000000u, helo, done,
				  arg, handle);
}

int probe_start_within(struct probe_engine *e, const struct target_config *cfg,
		       uint64_t within_us, const char *helo, probe_done_fn done, void *arg,
		       struct probe **handle)
{
	struct timeval deadline = { (time_t)(within_us / 1000000u),
				    (suseconds_t)(within_us % 1000000u) };
	struct probe *p = calloc(1, sizeof(*p));

	*handle = NULL;
	if (p)
		p->timer = evtimer_new(e->base, on_timer, p);
	if (!p || !p->timer) {
		free(p);
		conn_gate_give(e->gate, 1);
		return -1;
	}
	p->eng = e;
	p->cfg = *cfg;
	snprintf(p->helo, sizeof(p->helo), "%s", cfg->opt.helo[0] ? cfg->opt.helo : helo);
	p->done = done;
	p->done_arg = arg;
	p->out.result = RESULT_NONE;
	p->t_start = monotime_us();
	p->t_deadline = p->t_start + within_us;
	smtp_reply_reset(&p->reply);
	link_probe(e, p);
	evtimer_add(p->timer, &deadline);
	/* A literal that fails at once is decided inside resolve(): DONE has
	 * run then, and there is no running probe to hand back. */
	p->holding = 1;
	resolve(p);
	p->holding = 0;
	if (p->freed_while_held)
		free(p);
	else if (!p->decided)
		*handle = p;
	return 0;
}

void probe_set_tls_hook(struct probe *p, const struct probe_tls_hook *hook)
{
	p->hook = *hook;
}

void probe_abandon(struct probe *p)
{
	if (!p->decided) {
		p->done = NULL;
		p->decided = 1;
		probe_free(p);
	}
}

/* --- engine ------------------------------------------------------------ */

struct probe_engine *probe_engine_new(struct event_base *base, struct evdns_base *dns,
				      SSL_CTX *tls, struct conn_gate *gate)
{
	struct probe_engine *e = calloc(1, sizeof(*e));

	if (e) {
		e->base = base;
		e->dns = dns;
		e->tls = tls;
		e->gate = gate;
	}
	return e;
}

unsigned probe_engine_live(const struct probe_engine *e)
{
	return e->nlive;
}

void probe_engine_free(struct probe_engine *e)
{
	if (!e)
		return;
	for (struct probe *p = e->live, *next; p; p = next) {
		next = p->next;
		p->done = NULL;
		p->decided = 1;
		probe_free(p);
	}
	/* Cancelled DNS requests answer from the loop, and a freed TLS
	 * bufferevent finishes in a finalizer that runs from the loop too: let
	 * them, or event_base_free() leaks what they hold. */
	for (int i = 0; i < 10 && event_base_get_num_events(e->base, EVENT_BASE_COUNT_ACTIVE); i++)
		event_base_loop(e->base, EVLOOP_NONBLOCK);
	free(e);
}
