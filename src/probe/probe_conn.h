/* SPDX-License-Identifier: ISC */
/* A probe's connection: a plain socket driven by one event and our own
 * recv/send, until STARTTLS or implicit TLS hands the socket to an OpenSSL
 * bufferevent. A plain dialogue costs a third fewer system calls than
 * through a socket bufferevent (no FIONREAD before each read, no write
 * event around each command). Events are reported as BEV_EVENT_* flags,
 * with the socket error in EVUTIL_SOCKET_ERROR(). */
#ifndef SMTPMON_PROBE_CONN_H
#define SMTPMON_PROBE_CONN_H

#include <stddef.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/ssl.h>

struct probe_conn;

typedef void (*probe_conn_read_fn)(struct probe_conn *c, void *arg);
typedef void (*probe_conn_event_fn)(struct probe_conn *c, short what, void *arg);

/* FD is a non-blocking socket whose connect() is under way; it becomes the
 * connection's (closed by probe_conn_free) unless this returns NULL.
 * BEV_EVENT_CONNECTED when it is up; READ_CB whenever input grew. */
struct probe_conn *probe_conn_new(struct event_base *base, evutil_socket_t fd,
				  probe_conn_read_fn read_cb, probe_conn_event_fn event_cb,
				  void *arg);

void probe_conn_setcb(struct probe_conn *c, probe_conn_read_fn read_cb,
		      probe_conn_event_fn event_cb, void *arg);

/* Begins a TLS client handshake on the connection (SSL becomes its own);
 * BEV_EVENT_CONNECTED when it completed. Returns 0, or -1. */
int probe_conn_start_tls(struct probe_conn *c, SSL *ssl);
SSL *probe_conn_ssl(const struct probe_conn *c);          /* NULL before TLS */
unsigned long probe_conn_tls_error(struct probe_conn *c);  /* 0: none left */

struct evbuffer *probe_conn_input(struct probe_conn *c);
int probe_conn_write(struct probe_conn *c, const void *data, size_t len);
/* The last words: once they are sent, the write side ends (a TCP
 * half-close, or TLS's close_notify); reading goes on. */
int probe_conn_write_last(struct probe_conn *c, const void *data, size_t len);
void probe_conn_free(struct probe_conn *c);

#endif
