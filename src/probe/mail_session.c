/* SPDX-License-Identifier: ISC */
#include "probe/mail_session.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "core/monotime.h"
#include "core/text.h"
#include "probe/curl_glue.h"

#define MASKS_MAX 16
#define SOCKS_MAX 4              /* happy eyeballs opens at most two */

struct sock_watch {
	struct mail_session *s;
	struct event *ev;
	struct sock_watch *next;
};

struct mail_session {
	struct event_base *base;
	struct evdns_base *dns;
	SSL_CTX *trust;
	struct mail_endpoint ep;
	char *masks[MASKS_MAX];               /* secrets as they may come back: wiped */
	CURLM *multi;
	CURL *easy;
	struct curl_slist *resolve;
	struct event *timer;                  /* curl's */
	struct event *later;                  /* a failure found before curl ran */
	struct sock_watch *watches;
	curl_socket_t socks[SOCKS_MAX];
	struct evdns_getaddrinfo_request *dns_req;
	int resolved, running, closed, depth, expect_status, sent_any;
	int own_bye;                          /* the running transfer is our LOGOUT/QUIT */
	int cut;                              /* curl's own goodbye went out: sockets shut */
	uint64_t deadline_us;
	mail_line_fn line;
	mail_done_fn done;
	void *arg;
	char body[MAIL_REPLY_MAX + 1];
	size_t body_len;
	char errbuf[CURL_ERROR_SIZE];
	enum mail_failure forced;             /* MAIL_OK: none */
	char forced_text[MAIL_TEXT_MAX + 1];
	struct mail_outcome out;              /* stage and reply so far */
};

static const char *proto_name(enum mail_proto p)
{
	return p == MAIL_SMTP ? "SMTP" : p == MAIL_IMAP ? "IMAP" : "POP3";
}

/* --- secrets: masked in any server text before it is cut or kept ---------- */

static void add_mask(struct mail_session *s, const char *m)
{
	for (int i = 0; i < MASKS_MAX; i++)
		if (!s->masks[i]) {
			s->masks[i] = strdup(m);
			return;
		} else if (strcmp(s->masks[i], m) == 0) {
			return;
		}
}

static void add_base64(struct mail_session *s, const char *raw, size_t n)
{
	char *b64 = malloc(4 * ((n + 2) / 3) + 1);

	if (!b64)
		return;
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)raw, (int)n);
	add_mask(s, b64);
	explicit_bzero(b64, strlen(b64));
	free(b64);
}

/* The secret raw, IMAP-quoted, in base64, and as AUTH PLAIN's blob
 * ("\0user\0secret") in base64. */
static void add_secret(struct mail_session *s, const char *user, const char *secret)
{
	size_t n = strlen(secret), u = strlen(user), k = 0;
	char esc[2 * 512 + 1], blob[2 + 2 * 512];

	add_mask(s, secret);
	add_base64(s, secret, n);
	for (size_t i = 0; i < n && k + 2 < sizeof(esc); i++) {
		if (secret[i] == '"' || secret[i] == '\\')
			esc[k++] = '\\';
		esc[k++] = secret[i];
	}
	esc[k] = '\0';
	add_mask(s, esc);
	if (u + n + 2 <= sizeof(blob)) {
		blob[0] = '\0';
		memcpy(blob + 1, user, u);
		blob[u + 1] = '\0';
		memcpy(blob + u + 2, secret, n);
		add_base64(s, blob, u + n + 2);
	}
	explicit_bzero(esc, sizeof(esc));
	explicit_bzero(blob, sizeof(blob));
}

static void mask_in(char *buf, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0 || n > len)
		return;
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(buf + i, needle, n) == 0)
			memset(buf + i, '*', n);
}

static void redact(const struct mail_session *s, char *buf, size_t len)
{
	for (int i = 0; i < MASKS_MAX && s->masks[i]; i++)
		mask_in(buf, len, s->masks[i]);
}

/* --- what the dialogue shows: commands sent, lines received ----------------- */

static const char *const verbs[] = {
	"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "QUIT", "RSET", "NOOP",
	"CAPABILITY", "LOGIN", "AUTHENTICATE", "SELECT", "SEARCH", "STORE", "EXPUNGE", "LOGOUT",
	"CAPA", "STLS", "USER", "PASS", "APOP", "STAT", "LIST", "TOP", "DELE",
};

static int credential_verb(const char *v)
{
	return strcmp(v, "AUTH") == 0 || strcmp(v, "AUTHENTICATE") == 0 ||
	       strcmp(v, "LOGIN") == 0 || strcmp(v, "PASS") == 0 || strcmp(v, "APOP") == 0;
}

static void shut_sockets(struct mail_session *s);

/* curl says goodbye on its own when it drops a connection, then waits for
 * the answer in a blocking loop (7.88's disconnect): the sockets are shut
 * at once so that wait ends now, and what the dialogue showed stays. */
static void hang_up(struct mail_session *s)
{
	s->cut = 1;
	shut_sockets(s);
}

/* The command's verb only: the rest may be a credential and is never kept. */
static void note_command(struct mail_session *s, const char *data, size_t size)
{
	char word[16];
	size_t i = 0, n = 0;

	if (s->cut)
		return;
	if (s->ep.proto == MAIL_IMAP) {            /* skip the tag */
		while (i < size && data[i] != ' ')
			i++;
		i++;
	}
	while (i + n < size && n < sizeof(word) - 1 && isalpha((unsigned char)data[i + n]))
		n++;
	if (n == 0 || (i + n < size && data[i + n] != ' ' && data[i + n] != '\r' &&
		       data[i + n] != ':'))
		return;                            /* a SASL continuation, not a command */
	memcpy(word, data + i, n);
	word[n] = '\0';
	for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
		if (strcmp(word, verbs[v]) != 0)
			continue;
		if (!s->own_bye && (strcmp(word, "QUIT") == 0 || strcmp(word, "LOGOUT") == 0)) {
			hang_up(s);
			return;
		}
		snprintf(s->out.stage, sizeof(s->out.stage), "%s",
			 strcmp(word, "MAIL") == 0 ? "MAIL FROM" :
			 strcmp(word, "RCPT") == 0 ? "RCPT TO" : word);
		if (strcmp(word, "MAIL") == 0)
			s->out.command_us[0] = monotime_us();
		if (credential_verb(word))
			s->out.command_us[1] = monotime_us();
		s->expect_status = 1;
		s->sent_any = 1;
		return;
	}
}

static void shut_sockets(struct mail_session *s)
{
	for (int i = 0; i < SOCKS_MAX; i++)
		if (s->socks[i] != CURL_SOCKET_BAD)
			shutdown(s->socks[i], SHUT_RDWR);
}

/* Not the protocol: the connection is cut so curl stops at once. */
static void violate(struct mail_session *s, const char *why)
{
	char text[MAIL_TEXT_MAX + 1];

	snprintf(text, sizeof(text), "%s %s: %s", proto_name(s->ep.proto),
		 s->sent_any ? s->out.stage : "greeting", why);
	mail_session_abort(s, MAIL_PROTOCOL, text);
}

static void note_reply(struct mail_session *s, const char *data, size_t size)
{
	char line[MAIL_REPLY_MAX + 1];
	size_t n = size;

	if (s->cut)
		return;
	while (n && (data[n - 1] == '\n' || data[n - 1] == '\r'))
		n--;
	if (n > MAIL_REPLY_MAX) {
		violate(s, "a line longer than the protocol allows");
		return;
	}
	memcpy(line, data, n);
	line[n] = '\0';
	redact(s, line, n);
	text_clean(s->out.reply, sizeof(s->out.reply), line, n);
	if (!mail_line_is_protocol(s->ep.proto, line, n, s->expect_status, s->sent_any)) {
		char why[MAIL_TEXT_MAX + 1];

		snprintf(why, sizeof(why), "unexpected answer: %.200s", s->out.reply);
		violate(s, why);
	}
	s->expect_status = 0;
	explicit_bzero(line, n);
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct mail_session *s = arg;
	static const char excessive[] = "Excessive server response line length";

	(void)h;
	if (type == CURLINFO_HEADER_OUT)
		note_command(s, data, size);
	else if (type == CURLINFO_HEADER_IN)
		note_reply(s, data, size);
	else if (type == CURLINFO_TEXT && size >= sizeof(excessive) - 1 &&
		 memcmp(data, excessive, sizeof(excessive) - 1) == 0)
		violate(s, "a line longer than the protocol allows");
	return 0;
}

/* Body lines (SEARCH answers, LIST, TOP) go to the owner one at a time. */
static void body_line(struct mail_session *s)
{
	size_t n = s->body_len;

	while (n && (s->body[n - 1] == '\n' || s->body[n - 1] == '\r'))
		n--;
	s->body[n] = '\0';
	if (s->line)
		s->line(s->arg, s->body, n);
	s->body_len = 0;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct mail_session *s = arg;
	size_t len = size * nmemb;

	for (size_t i = 0; i < len; i++) {
		if (s->body_len < MAIL_REPLY_MAX)
			s->body[s->body_len++] = data[i];
		if (data[i] == '\n')
			body_line(s);
	}
	return len;
}

/* --- sockets: opened through us, so a session can cut them ------------------ */

static curl_socket_t on_open(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct mail_session *s = arg;
	curl_socket_t fd;

	(void)purpose;
	for (int i = 0; i < SOCKS_MAX; i++)
		if (s->socks[i] == CURL_SOCKET_BAD) {
			fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
			s->socks[i] = fd;
			return fd;
		}
	return CURL_SOCKET_BAD;
}

static int on_close(void *arg, curl_socket_t fd)
{
	struct mail_session *s = arg;

	for (int i = 0; i < SOCKS_MAX; i++)
		if (s->socks[i] == fd)
			s->socks[i] = CURL_SOCKET_BAD;
	return close(fd);
}

/* --- the outcome ------------------------------------------------------------- */

static int reply_is_error(const struct mail_session *s)
{
	const char *r = s->out.reply;

	switch (s->ep.proto) {
	case MAIL_SMTP: return r[0] == '4' || r[0] == '5';
	case MAIL_IMAP: return strstr(r, " NO ") || strstr(r, " BAD ") || strncmp(r, "* BYE", 5) == 0;
	case MAIL_POP3: return strncmp(r, "-ERR", 4) == 0;
	}
	return 0;
}

static void say(struct mail_outcome *o, enum mail_failure f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct mail_outcome *o, enum mail_failure f, const char *fmt, ...)
{
	char text[2 * MAIL_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	o->failure = f;
	text_clean(o->text, sizeof(o->text), text, strlen(text));
}

static int connected(const struct mail_session *s)
{
	curl_off_t t = 0;

	return s->sent_any || s->out.reply[0] ||
	       (curl_easy_getinfo(s->easy, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK && t > 0);
}

static void classify(struct mail_session *s, CURLcode rc, struct mail_outcome *o)
{
	const char *p = proto_name(s->ep.proto), *st = s->sent_any ? o->stage : "greeting";
	const char *why = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);

	if (s->forced != MAIL_OK)
		return say(o, s->forced, "%s", s->forced_text);
	switch (rc) {
	case CURLE_OK: return say(o, MAIL_OK, "%s", "");
	case CURLE_OPERATION_TIMEDOUT:
		return say(o, MAIL_TIMEOUT, "%s %s: no answer in time", p,
			   connected(s) ? st : "connect");
	case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		return say(o, MAIL_CERT, "%s TLS: the server's certificate did not verify (%s); "
			   "no credential was sent", p, why);
	case CURLE_USE_SSL_FAILED:
		return say(o, MAIL_NO_UPGRADE, "%s: the server does not offer %s; no credential "
			   "was sent", p, s->ep.proto == MAIL_POP3 ? "STLS" : "STARTTLS");
	case CURLE_LOGIN_DENIED:
		return say(o, MAIL_LOGIN, "%s %s: the server refused the credentials: %s", p, st,
			   o->reply);
	case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_CONNECT: case CURLE_SSL_CONNECT_ERROR:
		return say(o, MAIL_NETWORK, "%s %s: %s", p,
			   rc == CURLE_SSL_CONNECT_ERROR ? "TLS handshake" : "connect", why);
	case CURLE_OUT_OF_MEMORY: return say(o, MAIL_INTERNAL, "internal error: %s", why);
	default: break;
	}
	if (reply_is_error(s))
		return say(o, MAIL_REFUSED, "%s %s: the server refused: %s", p, st, o->reply);
	say(o, MAIL_NETWORK, "%s %s: %s", p, st, why);
}

/* --- curl on the loop ------------------------------------------------------ */

static void free_now(struct mail_session *s);

static void deliver(struct mail_session *s, CURLcode rc)
{
	struct mail_outcome o = s->out;
	mail_done_fn done = s->done;

	if (s->body_len)
		body_line(s);
	classify(s, rc, &o);
	s->done = NULL;
	s->forced = MAIL_OK;
	if (done)
		done(s->arg, &o);
	explicit_bzero(&o, sizeof(o));
}

static void take_finished(struct mail_session *s)
{
	CURLMsg *m;
	int left;

	while (!s->closed && (m = curl_multi_info_read(s->multi, &left)) != NULL) {
		CURLcode rc = m->data.result;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_multi_remove_handle(s->multi, s->easy);
		s->running = 0;
		deliver(s, rc);
	}
}

/* Every entry from the loop: what the owner closed meanwhile goes at the end. */
static void drive(struct mail_session *s, curl_socket_t fd, int flags)
{
	int running;

	s->depth++;
	curl_multi_socket_action(s->multi, fd, flags, &running);
	take_finished(s);
	if (--s->depth == 0 && s->closed)
		free_now(s);
}

static void on_socket_event(evutil_socket_t fd, short what, void *arg)
{
	struct mail_session *s = ((struct sock_watch *)arg)->s;

	drive(s, fd, ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
		     ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0));
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drive(arg, CURL_SOCKET_TIMEOUT, 0);
}

static void watch_free(struct mail_session *s, struct sock_watch *w)
{
	struct sock_watch **p = &s->watches;

	while (*p && *p != w)
		p = &(*p)->next;
	if (*p)
		*p = w->next;
	if (w->ev)
		event_free(w->ev);
	free(w);
}

static int on_curl_socket(CURL *h, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct mail_session *s = arg;
	struct sock_watch *w = sockp;
	short events = EV_PERSIST;

	(void)h;
	if (what == CURL_POLL_REMOVE) {
		if (w)
			watch_free(s, w);
		curl_multi_assign(s->multi, fd, NULL);
		return 0;
	}
	if (!w) {
		if (!(w = calloc(1, sizeof(*w))))
			return -1;
		w->s = s;
		w->next = s->watches;
		s->watches = w;
		curl_multi_assign(s->multi, fd, w);
	} else if (w->ev) {
		event_free(w->ev);
	}
	events |= (what & CURL_POLL_IN) ? EV_READ : 0;
	events |= (what & CURL_POLL_OUT) ? EV_WRITE : 0;
	w->ev = event_new(s->base, fd, events, on_socket_event, w);
	return w->ev && event_add(w->ev, NULL) == 0 ? 0 : -1;
}

static int on_curl_timer(CURLM *m, long timeout_ms, void *arg)
{
	(void)m;
	return curl_glue_timer(((struct mail_session *)arg)->timer, timeout_ms);
}

/* --- a failure before curl ran: told from the loop, never inside a call ---- */

static void on_later(evutil_socket_t fd, short what, void *arg)
{
	struct mail_session *s = arg;

	(void)fd;
	(void)what;
	s->depth++;
	deliver(s, CURLE_COULDNT_RESOLVE_HOST);
	if (--s->depth == 0 && s->closed)
		free_now(s);
}

static void fail_later(struct mail_session *s, enum mail_failure f, const char *text)
{
	struct timeval now = { 0, 0 };

	s->forced = f;
	text_clean(s->forced_text, sizeof(s->forced_text), text, strlen(text));
	evtimer_add(s->later, &now);
}

/* --- resolution the project's way ------------------------------------------ */

static const char *url_host(const struct mail_session *s)
{
	return s->ep.tls_name[0] ? s->ep.tls_name : s->ep.host;
}

static int is_literal(const char *h)
{
	unsigned char buf[16];

	return evutil_inet_pton(AF_INET, h, buf) == 1 || evutil_inet_pton(AF_INET6, h, buf) == 1;
}

static void start_transfer(struct mail_session *s)
{
	long left_ms = s->deadline_us > monotime_us() ?
		(long)((s->deadline_us - monotime_us()) / 1000u) : 0;

	s->errbuf[0] = '\0';
	curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, left_ms > 0 ? left_ms : 1L);
	curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT_MS, left_ms > 0 ? left_ms : 1L);
	if (curl_multi_add_handle(s->multi, s->easy) != CURLM_OK) {
		fail_later(s, MAIL_INTERNAL, "internal error: curl refused the transfer");
		return;
	}
	s->running = 1;
}

static void append_addr(char *entry, size_t size, int family, const void *raw)
{
	char a[48];
	size_t n = strlen(entry);

	if (!evutil_inet_ntop(family, raw, a, sizeof(a)) || n + strlen(a) + 4 >= size)
		return;
	snprintf(entry + n, size - n, "%s%s%s%s", entry[n - 1] == ':' ? "" : ",",
		 family == AF_INET6 ? "[" : "", a, family == AF_INET6 ? "]" : "");
}

/* "name:port:addr,addr": curl connects where evdns said and verifies NAME. */
static int set_resolve(struct mail_session *s, const struct evutil_addrinfo *ai,
		       const char *literal)
{
	char entry[TARGET_HOST_MAX + 16 + 8 * 50];
	unsigned char raw[16];

	snprintf(entry, sizeof(entry), "%s:%u:", url_host(s), s->ep.port);
	if (literal && evutil_inet_pton(AF_INET, literal, raw) == 1)
		append_addr(entry, sizeof(entry), AF_INET, raw);
	else if (literal && evutil_inet_pton(AF_INET6, literal, raw) == 1)
		append_addr(entry, sizeof(entry), AF_INET6, raw);
	for (; ai; ai = ai->ai_next)
		if (ai->ai_family == AF_INET)
			append_addr(entry, sizeof(entry), AF_INET,
				    &((const struct sockaddr_in *)ai->ai_addr)->sin_addr);
		else if (ai->ai_family == AF_INET6)
			append_addr(entry, sizeof(entry), AF_INET6,
				    &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
	s->resolve = curl_slist_append(NULL, entry);
	s->resolved = 1;
	return s->resolve && curl_easy_setopt(s->easy, CURLOPT_RESOLVE, s->resolve) == CURLE_OK
	       ? 0 : -1;
}

static void on_resolved(int err, struct evutil_addrinfo *ai, void *arg)
{
	struct mail_session *s = arg;
	char why[MAIL_TEXT_MAX + TARGET_HOST_MAX + 64];

	s->dns_req = NULL;
	if (s->closed) {
		if (ai)
			evutil_freeaddrinfo(ai);
		if (s->depth == 0)
			free_now(s);
		return;
	}
	if (err || !ai) {
		snprintf(why, sizeof(why), "%s connect: %s does not resolve: %s",
			 proto_name(s->ep.proto), s->ep.host, evutil_gai_strerror(err));
		fail_later(s, MAIL_NETWORK, why);
	} else if (set_resolve(s, ai, NULL) != 0) {
		fail_later(s, MAIL_INTERNAL, "internal error: out of memory");
	} else {
		start_transfer(s);
	}
	if (ai)
		evutil_freeaddrinfo(ai);
}

static void resolve(struct mail_session *s)
{
	struct evutil_addrinfo hints;
	char service[8];

	if (is_literal(s->ep.host)) {
		if (strcmp(url_host(s), s->ep.host) != 0 && set_resolve(s, NULL, s->ep.host) != 0)
			return fail_later(s, MAIL_INTERNAL, "internal error: out of memory");
		s->resolved = 1;
		return start_transfer(s);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = s->ep.family == FAMILY_IPV4 ? AF_INET :
			  s->ep.family == FAMILY_IPV6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%u", s->ep.port);
	s->depth++;     /* an answer inside the call must not free S under us */
	s->dns_req = evdns_getaddrinfo(s->dns, s->ep.host, service, &hints, on_resolved, s);
	s->depth--;
}

/* --- the session ----------------------------------------------------------- */

static int set_tls(struct mail_session *s)
{
	CURL *e = s->easy;
	int bad = 0;

	bad |= curl_easy_setopt(e, CURLOPT_USE_SSL, s->ep.starttls ? (long)CURLUSESSL_ALL
								   : (long)CURLUSESSL_NONE);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, s->ep.verify ? 1L : 0L);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, s->ep.verify ? 2L : 0L);
	bad |= curl_easy_setopt(e, CURLOPT_CAINFO, NULL);   /* the store comes from TRUST */
	bad |= curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, curl_glue_trust);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, s->trust);
	return bad;
}

static int set_network(struct mail_session *s)
{
	CURL *e = s->easy;
	char iface[TARGET_SOURCE_MAX + 8];
	int bad = 0;

	bad |= curl_easy_setopt(e, CURLOPT_IPRESOLVE, s->ep.family == FAMILY_IPV4 ? CURL_IPRESOLVE_V4 :
				s->ep.family == FAMILY_IPV6 ? CURL_IPRESOLVE_V6 : CURL_IPRESOLVE_WHATEVER);
	if (s->ep.source[0]) {
		snprintf(iface, sizeof(iface), "host!%s", s->ep.source);
		bad |= curl_easy_setopt(e, CURLOPT_INTERFACE, iface);
	}
	bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open);
	bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, s);
	bad |= curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close);
	bad |= curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, s);
	return bad;
}

static int set_base(struct mail_session *s)
{
	CURL *e = s->easy;
	static const char *const protocols[] = { "smtp,smtps", "imap,imaps", "pop3,pop3s" };
	int bad = 0;

	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_SASL_IR, 1L);    /* AUTH PLAIN <response>: one round trip */
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, protocols[s->ep.proto]);
	bad |= curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);    /* the dialogue, to on_debug */
	bad |= curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
	bad |= curl_easy_setopt(e, CURLOPT_DEBUGDATA, s);
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
	bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
	return bad;
}

static int set_multi(struct mail_session *s)
{
	int bad = 0;

	bad |= curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	bad |= curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, s);
	bad |= curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	bad |= curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, s);
	return bad;
}

struct mail_session *mail_session_new(struct event_base *base, struct evdns_base *dns,
				      SSL_CTX *trust, const struct mail_endpoint *ep,
				      const char *user, const char *const *secrets)
{
	struct mail_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base = base;
	s->dns = dns;
	s->trust = trust;
	s->ep = *ep;
	for (int i = 0; i < SOCKS_MAX; i++)
		s->socks[i] = CURL_SOCKET_BAD;
	for (; secrets && *secrets; secrets++)
		if (**secrets)
			add_secret(s, user ? user : "", *secrets);
	snprintf(s->out.stage, sizeof(s->out.stage), "greeting");
	s->expect_status = 1;          /* the greeting */
	s->multi = curl_multi_init();
	s->easy = curl_easy_init();
	s->timer = evtimer_new(base, on_timer, s);
	s->later = evtimer_new(base, on_later, s);
	if (!s->multi || !s->easy || !s->timer || !s->later || set_multi(s) || set_base(s) ||
	    set_tls(s) || set_network(s)) {
		free_now(s);
		return NULL;
	}
	return s;
}

CURL *mail_session_easy(struct mail_session *s)
{
	return s->easy;
}

void mail_session_url(const struct mail_session *s, const char *path, char *buf, size_t size)
{
	static const char *const schemes[][2] = {
		{ "smtp", "smtps" }, { "imap", "imaps" }, { "pop3", "pop3s" },
	};
	const char *h = url_host(s);
	int v6 = strchr(h, ':') != NULL;

	snprintf(buf, size, "%s://%s%s%s:%u/%s", schemes[s->ep.proto][s->ep.implicit_tls ? 1 : 0],
		 v6 ? "[" : "", h, v6 ? "]" : "", s->ep.port, path);
}

int mail_session_goodbye(struct mail_session *s, uint64_t deadline_us, mail_done_fn done,
			 void *arg)
{
	CURL *e = s->easy;

	if (s->running || s->closed || s->cut)
		return -1;
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, s->ep.proto == MAIL_IMAP ? "LOGOUT" : "QUIT");
	curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	if (mail_session_run(s, deadline_us, NULL, done, arg) != 0)
		return -1;
	s->own_bye = 1;
	return 0;
}

int mail_session_run(struct mail_session *s, uint64_t deadline_us, mail_line_fn line,
		     mail_done_fn done, void *arg)
{
	if (s->running || s->closed || s->cut)
		return -1;
	s->own_bye = 0;
	s->deadline_us = deadline_us;
	s->line = line;
	s->done = done;
	s->arg = arg;
	s->body_len = 0;
	s->forced = MAIL_OK;
	s->out.reply[0] = '\0';
	if (!s->resolved && !s->dns_req)
		resolve(s);
	else
		start_transfer(s);
	return 0;
}

int mail_session_refuse(struct mail_session *s, enum mail_failure f, const char *text,
			mail_done_fn done, void *arg)
{
	if (s->running || s->closed || s->cut)
		return -1;
	s->done = done;
	s->arg = arg;
	fail_later(s, f, text);
	return 0;
}

void mail_session_abort(struct mail_session *s, enum mail_failure f, const char *text)
{
	if (s->forced != MAIL_OK)
		return;
	s->forced = f;
	snprintf(s->forced_text, sizeof(s->forced_text), "%s", text);
	shut_sockets(s);
}

int mail_session_sent_credentials(const struct mail_session *s)
{
	return s->out.command_us[1] != 0;
}

void mail_session_set_stage(struct mail_session *s, const char *stage)
{
	snprintf(s->out.stage, sizeof(s->out.stage), "%s", stage);
}

static void free_now(struct mail_session *s)
{
	if (s->dns_req) {             /* its cancellation answers from the loop, then frees */
		s->closed = 1;
		evdns_getaddrinfo_cancel(s->dns_req);
		return;
	}
	shut_sockets(s);              /* curl's QUIT/LOGOUT fails at once, never waits */
	if (s->multi && s->easy && s->running)
		curl_multi_remove_handle(s->multi, s->easy);
	if (s->easy)
		curl_easy_cleanup(s->easy);
	if (s->multi)
		curl_multi_cleanup(s->multi);
	while (s->watches)
		watch_free(s, s->watches);
	if (s->timer)
		event_free(s->timer);
	if (s->later)
		event_free(s->later);
	curl_slist_free_all(s->resolve);
	for (int i = 0; i < MASKS_MAX && s->masks[i]; i++) {
		explicit_bzero(s->masks[i], strlen(s->masks[i]));
		free(s->masks[i]);
	}
	explicit_bzero(s, sizeof(*s));
	free(s);
}

void mail_session_close(struct mail_session *s)
{
	if (!s || s->closed)
		return;
	s->closed = 1;
	s->done = NULL;
	s->line = NULL;
	if (s->depth == 0)
		free_now(s);
}

int mail_session_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void mail_session_global_cleanup(void)
{
	curl_global_cleanup();
}
