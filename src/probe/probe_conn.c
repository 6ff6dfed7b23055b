/* SPDX-License-Identifier: ISC */
#include "probe/probe_conn.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>

/* A plain connection reads at most this much per wake-up: replies are
 * mostly a few hundred octets, and the reader takes them in pieces anyway
 * (a reply over 64 KiB is refused). */
#define READ_CHUNK 4096

struct probe_conn {
	struct event_base *base;
	evutil_socket_t fd;
	struct event *ev;              /* plain: EV_WRITE until connected, then EV_READ */
	struct evbuffer *in;           /* plain: what arrived, not yet taken */
	struct evbuffer *out;          /* plain: what send() did not take at once */
	struct bufferevent *tls;       /* once TLS began: owns fd */
	int connecting;
	int closing;                   /* end the write side once OUT is sent */
	probe_conn_read_fn read_cb;
	probe_conn_event_fn event_cb;
	void *arg;
};

static void on_plain(evutil_socket_t fd, short what, void *arg);

/* One event per connection, re-aimed. Not with epoll's changelist, which
 * would save an epoll_ctl here: it defers the EPOLL_CTL_DEL of a closed
 * socket past close(), where it can reach a socket of the agent thread's
 * that got the same number (ThreadSanitizer reported it). */
static int watch(struct probe_conn *c, short what)
{
	if (!c->ev) {
		c->ev = event_new(c->base, c->fd, what, on_plain, c);
		if (!c->ev)
			return -1;
	} else if (event_get_events(c->ev) == what) {
		return 0;
	} else {
		event_del(c->ev);
		event_assign(c->ev, c->base, c->fd, what, on_plain, c);
	}
	return event_add(c->ev, NULL);
}

static short reading(const struct probe_conn *c)
{
	return (short)(EV_READ | EV_PERSIST | (evbuffer_get_length(c->out) ? EV_WRITE : 0));
}

/* The callbacks come last: they may free C. */
static void tell(struct probe_conn *c, short what, int err)
{
	EVUTIL_SET_SOCKET_ERROR(err);
	c->event_cb(c, what, c->arg);
}

static void connected(struct probe_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err) {
		tell(c, BEV_EVENT_ERROR, err);
		return;
	}
	c->connecting = 0;
	if (watch(c, reading(c)) != 0) {
		tell(c, BEV_EVENT_ERROR, ENOMEM);
		return;
	}
	tell(c, BEV_EVENT_CONNECTED, 0);
}

static void readable(struct probe_conn *c)
{
	char buf[READ_CHUNK];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

	if (n > 0 && evbuffer_add(c->in, buf, (size_t)n) == 0)
		c->read_cb(c, c->arg);
	else if (n > 0)
		tell(c, BEV_EVENT_READING | BEV_EVENT_ERROR, ENOMEM);
	else if (n == 0)
		tell(c, BEV_EVENT_READING | BEV_EVENT_EOF, 0);
	else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		tell(c, BEV_EVENT_READING | BEV_EVENT_ERROR, errno);
}

/* Returns 0, or -1 with the event told. */
static int writable(struct probe_conn *c)
{
	if (evbuffer_write(c->out, c->fd) < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		tell(c, BEV_EVENT_WRITING | BEV_EVENT_ERROR, errno);
		return -1;
	}
	if (!evbuffer_get_length(c->out) && c->closing)
		shutdown(c->fd, SHUT_WR);
	if (!evbuffer_get_length(c->out) && watch(c, reading(c)) != 0) {
		tell(c, BEV_EVENT_WRITING | BEV_EVENT_ERROR, ENOMEM);
		return -1;
	}
	return 0;
}

static void on_plain(evutil_socket_t fd, short what, void *arg)
{
	struct probe_conn *c = arg;

	(void)fd;
	if (c->connecting)
		connected(c);
	else if ((what & EV_WRITE) && writable(c) != 0)
		return;
	else if (what & EV_READ)
		readable(c);
}

struct probe_conn *probe_conn_new(struct event_base *base, evutil_socket_t fd,
				  probe_conn_read_fn read_cb, probe_conn_event_fn event_cb,
				  void *arg)
{
	struct probe_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->base = base;
	c->fd = fd;
	c->connecting = 1;
	c->read_cb = read_cb;
	c->event_cb = event_cb;
	c->arg = arg;
	c->in = evbuffer_new();
	c->out = evbuffer_new();
	if (!c->in || !c->out || watch(c, EV_WRITE) != 0) {
		c->fd = -1;            /* the caller still owns it */
		probe_conn_free(c);
		return NULL;
	}
	return c;
}

void probe_conn_setcb(struct probe_conn *c, probe_conn_read_fn read_cb,
		      probe_conn_event_fn event_cb, void *arg)
{
	c->read_cb = read_cb;
	c->event_cb = event_cb;
	c->arg = arg;
}

/* --- TLS --------------------------------------------------------------- */

static void on_tls_read(struct bufferevent *bev, void *arg)
{
	struct probe_conn *c = arg;

	(void)bev;
	c->read_cb(c, c->arg);
}

/* All written: after the last words, TLS ends with a close_notify. */
static void on_tls_written(struct bufferevent *bev, void *arg)
{
	struct probe_conn *c = arg;

	if (c->closing)
		SSL_shutdown(bufferevent_openssl_get_ssl(bev));
	c->closing = 0;
}

static void on_tls_event(struct bufferevent *bev, short what, void *arg)
{
	struct probe_conn *c = arg;

	(void)bev;
	c->event_cb(c, what, c->arg);
}

int probe_conn_start_tls(struct probe_conn *c, SSL *ssl)
{
	struct bufferevent *b = bufferevent_openssl_socket_new(c->base, c->fd, ssl,
							       BUFFEREVENT_SSL_CONNECTING,
							       BEV_OPT_CLOSE_ON_FREE);

	if (!b)
		return -1;
	event_free(c->ev);
	c->ev = NULL;
	c->tls = b;
	bufferevent_setcb(b, on_tls_read, on_tls_written, on_tls_event, c);
	bufferevent_enable(b, EV_READ | EV_WRITE);
	return 0;
}

SSL *probe_conn_ssl(const struct probe_conn *c)
{
	return c->tls ? bufferevent_openssl_get_ssl(c->tls) : NULL;
}

unsigned long probe_conn_tls_error(struct probe_conn *c)
{
	return c->tls ? bufferevent_get_openssl_error(c->tls) : 0;
}

/* --- both -------------------------------------------------------------- */

struct evbuffer *probe_conn_input(struct probe_conn *c)
{
	return c->tls ? bufferevent_get_input(c->tls) : c->in;
}

/* Plain: one send() when nothing waits before it, instead of arming and
 * disarming a write event, as the syscalls are most of what a probe costs. */
int probe_conn_write(struct probe_conn *c, const void *data, size_t len)
{
	ssize_t n = 0;

	if (c->tls)
		return bufferevent_write(c->tls, data, len);
	if (!c->connecting && !evbuffer_get_length(c->out)) {
		n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == (ssize_t)len)
			return 0;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (n < 0)
			n = 0;
	}
	if (evbuffer_add(c->out, (const char *)data + n, len - (size_t)n) != 0)
		return -1;
	return c->connecting ? 0 : watch(c, reading(c));
}

int probe_conn_write_last(struct probe_conn *c, const void *data, size_t len)
{
	c->closing = 1;
	if (probe_conn_write(c, data, len) != 0)
		return -1;
	if (!c->tls && !evbuffer_get_length(c->out))
		shutdown(c->fd, SHUT_WR);
	return 0;
}

void probe_conn_free(struct probe_conn *c)
{
	if (!c)
		return;
	if (c->tls) {
		bufferevent_free(c->tls);      /* closes fd */
	} else {
		if (c->ev)
			event_free(c->ev);
		if (c->fd >= 0)
			evutil_closesocket(c->fd);
	}
	if (c->in)
		evbuffer_free(c->in);
	if (c->out)
		evbuffer_free(c->out);
	free(c);
}
