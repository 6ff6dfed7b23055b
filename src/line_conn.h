/* A line-oriented client connection on the probe thread's loop, for the
 * round-trip check's SMTP, IMAP and POP3 dialogues: resolve (evdns),
 * connect to the first address that answers, implicit TLS or a STARTTLS
 * upgrade (bufferevent_openssl), and complete lines, each bounded. */
#ifndef SMTPMON_LINE_CONN_H
#define SMTPMON_LINE_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

struct event_base;
struct evdns_base;
struct line_conn;

enum line_conn_error {
	LC_RESOLVE,       /* the name did not resolve */
	LC_CONNECT,       /* no address accepted the connection */
	LC_TLS,           /* the TLS handshake failed */
	LC_CLOSED,        /* the server closed the connection */
	LC_TOO_LONG,      /* a line longer than the limit */
	LC_INJECTED,      /* bytes after STARTTLS's reply, before the handshake */
	LC_NETWORK,       /* any other socket error */
	LC_NO_MEMORY,
};

struct line_conn_ops {
	void (*ready)(void *arg);        /* connected; after TLS when there is TLS */
	void (*line)(void *arg, const char *line, size_t len);   /* without CRLF */
	void (*failed)(void *arg, enum line_conn_error err, const char *why);
};

/* Every callback runs on the loop; any of them may close the connection.
 * Returns NULL only when out of memory. SSL_CTX is the probe thread's. */
struct line_conn *line_conn_open(struct event_base *base, struct evdns_base *dns, SSL_CTX *tls,
				 const char *host, uint16_t port, int implicit_tls,
				 size_t line_max, const struct line_conn_ops *ops, void *arg);

void line_conn_send(struct line_conn *c, const char *data, size_t len);

/* Upgrades to TLS now (after the server's go-ahead): READY comes again
 * after the handshake. Bytes already received beyond the go-ahead are an
 * injection attempt: LC_INJECTED. */
void line_conn_starttls(struct line_conn *c);

int line_conn_tls(const struct line_conn *c);

/* No callback runs after this. */
void line_conn_close(struct line_conn *c);

#endif
