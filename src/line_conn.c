#include "line_conn.h"

#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "tls.h"

struct line_conn {
	struct event_base *base;
	struct evdns_base *dns;
	SSL_CTX *tls_ctx;
	char host[256];
	int implicit_tls;
	size_t line_max;
	const struct line_conn_ops *ops;
	void *arg;
	struct evdns_getaddrinfo_request *dns_req;
	struct evutil_addrinfo *ai_list, *ai_cur;
	struct bufferevent *bev;
	int connecting, handshaking, tls_on;
	int depth;               /* inside a callback or a resolver call */
	int closed;              /* the owner let go: free when depth is 0 */
	int inline_answer;       /* the resolver answered inside its call */
	int inline_err;          /* ... with this error */
	char *buf;               /* one line */
	uint16_t port;
	struct event *kick;      /* starts the resolution from the loop */
};

static void conn_free(struct line_conn *c)
{
	if (c->dns_req) {   /* its cancellation answers from the loop, then frees */
		evdns_getaddrinfo_cancel(c->dns_req);
		return;
	}
	if (c->bev)
		bufferevent_free(c->bev);
	if (c->kick)
		event_free(c->kick);
	if (c->ai_list)
		evutil_freeaddrinfo(c->ai_list);
	free(c->buf);
	free(c);
}

/* Runs after every callback: what the owner closed meanwhile goes now. */
static int leave(struct line_conn *c)
{
	if (--c->depth == 0 && c->closed) {
		conn_free(c);
		return 1;
	}
	return c->closed;
}

static void fail(struct line_conn *c, enum line_conn_error err, const char *why)
{
	if (c->closed)
		return;
	c->depth++;
	c->ops->failed(c->arg, err, why);
	leave(c);
}

static void ready(struct line_conn *c)
{
	c->depth++;
	c->ops->ready(c->arg);
	leave(c);
}

/* Delivers complete lines while the owner keeps the connection. */
static void on_read(struct bufferevent *bev, void *arg)
{
	struct line_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	c->depth++;
	while (!c->closed) {
		size_t eol = 0;
		struct evbuffer_ptr pos = evbuffer_search_eol(in, NULL, &eol, EVBUFFER_EOL_CRLF);

		if (pos.pos < 0 ? evbuffer_get_length(in) >= c->line_max
				: (size_t)pos.pos + 2 > c->line_max) {
			fail(c, LC_TOO_LONG, "a line longer than the protocol allows");
			break;
		}
		if (pos.pos < 0)
			break;
		evbuffer_remove(in, c->buf, (size_t)pos.pos);
		evbuffer_drain(in, eol);
		c->buf[pos.pos] = '\0';
		c->ops->line(c->arg, c->buf, (size_t)pos.pos);
	}
	leave(c);
}

static void start_connect(struct line_conn *c);

/* The server closed: lines it sent before (over TLS they can come with the
 * close) are read first; then, if the owner still listens, the close. */
static void closed(struct line_conn *c)
{
	c->depth++;
	on_read(c->bev, c);
	fail(c, LC_CLOSED, "the server closed the connection");
	leave(c);
}

/* The current address failed: the next one, or the end. */
static void try_next(struct line_conn *c, int err)
{
	char why[300];

	if (c->bev)
		bufferevent_free(c->bev);
	c->bev = NULL;
	if (c->ai_cur && c->ai_cur->ai_next) {
		c->ai_cur = c->ai_cur->ai_next;
		start_connect(c);
		return;
	}
	snprintf(why, sizeof(why), "cannot connect to %s: %s", c->host, strerror(err));
	fail(c, LC_CONNECT, why);
}

static void on_connected(struct line_conn *c)
{
	c->connecting = 0;
	if (c->handshaking) {
		c->handshaking = 0;
		c->tls_on = 1;
		ready(c);
	} else if (c->implicit_tls) {
		line_conn_starttls(c);
	} else {
		ready(c);
	}
}

static void tls_failed(struct line_conn *c, short what, int err)
{
	unsigned long e, first = 0;
	char why[256];

	while ((e = bufferevent_get_openssl_error(c->bev)) != 0)
		if (!first)
			first = e;
	if (first)
		tls_error_text(first, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s", (what & BEV_EVENT_EOF) ?
			 "the server closed the connection" : strerror(err));
	fail(c, LC_TLS, why);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct line_conn *c = arg;
	int err = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		on_connected(c);
	else if (c->connecting)
		try_next(c, err ? err : ECONNREFUSED);
	else if (c->handshaking)
		tls_failed(c, what, err);
	else if (what & BEV_EVENT_EOF)
		closed(c);
	else
		fail(c, LC_NETWORK, strerror(err));
}

static void start_connect(struct line_conn *c)
{
	const struct evutil_addrinfo *ai = c->ai_cur;
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		fail(c, LC_NETWORK, strerror(errno));
		return;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
		int err = errno;

		close(fd);
		try_next(c, err);
		return;
	}
	c->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		fail(c, LC_NO_MEMORY, "out of memory");
		return;
	}
	c->connecting = 1;
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, NULL, 0) != 0)
		try_next(c, errno);
}

static void resolved(struct line_conn *c, int err, struct evutil_addrinfo *ai)
{
	char why[400];

	if (err || !ai) {
		if (ai)
			evutil_freeaddrinfo(ai);
		snprintf(why, sizeof(why), "cannot resolve '%s': %s", c->host,
			 evutil_gai_strerror(err));
		fail(c, LC_RESOLVE, why);
		return;
	}
	c->ai_list = c->ai_cur = ai;
	start_connect(c);
}

static void on_resolved(int err, struct evutil_addrinfo *ai, void *arg)
{
	struct line_conn *c = arg;

	c->dns_req = NULL;
	if (c->closed) {   /* cancelled */
		if (ai)
			evutil_freeaddrinfo(ai);
		if (c->depth == 0)
			conn_free(c);
		return;
	}
	if (c->depth > 0 && !c->inline_answer) {   /* inside evdns_getaddrinfo() */
		c->inline_answer = 1;
		c->ai_list = ai;
		c->inline_err = err;
		return;
	}
	c->depth++;
	resolved(c, err, ai);
	leave(c);
}

/* Literals and /etc/hosts names are answered inside evdns_getaddrinfo(). */
static void resolve(evutil_socket_t fd, short what, void *arg)
{
	struct line_conn *c = arg;
	struct evutil_addrinfo hints;
	char service[8];
	struct evdns_getaddrinfo_request *req;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = EVUTIL_AI_NUMERICSERV;
	(void)fd;
	(void)what;
	snprintf(service, sizeof(service), "%u", c->port);
	c->depth++;
	req = evdns_getaddrinfo(c->dns, c->host, service, &hints, on_resolved, c);
	if (c->inline_answer) {
		struct evutil_addrinfo *ai = c->ai_list;

		c->ai_list = NULL;
		resolved(c, c->inline_err, ai);
	} else {
		c->dns_req = req;
	}
	leave(c);
}

struct line_conn *line_conn_open(struct event_base *base, struct evdns_base *dns, SSL_CTX *tls,
				 const char *host, uint16_t port, int implicit_tls,
				 size_t line_max, const struct line_conn_ops *ops, void *arg)
{
	struct line_conn *c = calloc(1, sizeof(*c));

	if (!c || !(c->buf = malloc(line_max))) {
		free(c);
		return NULL;
	}
	c->base = base;
	c->dns = dns;
	c->tls_ctx = tls;
	snprintf(c->host, sizeof(c->host), "%s", host);
	c->implicit_tls = implicit_tls;
	c->line_max = line_max;
	c->ops = ops;
	c->arg = arg;
	c->port = port;
	/* From the loop, so that no callback runs before the owner has C. */
	c->kick = evtimer_new(base, resolve, c);
	if (!c->kick) {
		conn_free(c);
		return NULL;
	}
	event_active(c->kick, EV_TIMEOUT, 0);
	return c;
}

void line_conn_send(struct line_conn *c, const char *data, size_t len)
{
	if (c->bev && !c->closed)
		bufferevent_write(c->bev, data, len);
}

/* A name gets SNI; an address literal none. */
static SSL *new_ssl(struct line_conn *c)
{
	unsigned char a[16];
	SSL *ssl = SSL_new(c->tls_ctx);

	if (ssl && inet_pton(AF_INET, c->host, a) != 1 && inet_pton(AF_INET6, c->host, a) != 1)
		SSL_set_tlsext_host_name(ssl, c->host);
	return ssl;
}

void line_conn_starttls(struct line_conn *c)
{
	SSL *ssl;
	struct bufferevent *f;

	if (evbuffer_get_length(bufferevent_get_input(c->bev)) > 0) {
		fail(c, LC_INJECTED, "the server sent data before the TLS handshake began");
		return;
	}
	ssl = new_ssl(c);
	f = ssl ? bufferevent_openssl_filter_new(c->base, c->bev, ssl, BUFFEREVENT_SSL_CONNECTING,
						 BEV_OPT_CLOSE_ON_FREE) : NULL;
	if (!f) {
		if (ssl)
			SSL_free(ssl);
		fail(c, LC_NO_MEMORY, "out of memory");
		return;
	}
	c->bev = f;
	c->handshaking = 1;
	bufferevent_setcb(f, on_read, NULL, on_event, c);
	bufferevent_enable(f, EV_READ | EV_WRITE);
}

int line_conn_tls(const struct line_conn *c)
{
	return c->tls_on;
}

void line_conn_close(struct line_conn *c)
{
	if (!c || c->closed)
		return;
	c->closed = 1;
	if (c->depth == 0)
		conn_free(c);
}
