/* SPDX-License-Identifier: ISC */
/* helo_lookup.h: the names asked of the resolver in turn, exactly as given,
 * A and AAAA; the first with an address is the answer; a lookup cancelled
 * never answers and lets go of everything. A DNS server of libevent's own on
 * the same loop answers (evdns_add_server_port). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>

#include "core/fqdn.h"
#include "probe/helo_lookup.h"

struct world {
	struct event_base *base;
	struct evdns_base *dns;
	struct evdns_server_port *server;
	int server_fd;
	char asked[16][64];           /* what the server was asked, in order */
	int nasked;
	int answered;                 /* DONE ran */
	char answer[64];              /* its name, "" for NULL */
};

/* Only a.host.test has an address (A); aaaa.host.test only an AAAA. The
 * resolver mixes the case of the names it asks for (evdns' 0x20 bits). */
static void serve(struct evdns_server_request *req, void *arg)
{
	struct world *w = arg;
	const struct evdns_server_question *q = req->questions[0];
	int found = 0;

	if (q->type == EVDNS_TYPE_A && w->nasked < 16)
		snprintf(w->asked[w->nasked++], sizeof(w->asked[0]), "%s", q->name);
	if (q->type == EVDNS_TYPE_A && strcasecmp(q->name, "a.host.test") == 0) {
		uint32_t a = htonl(0x7f000001);

		evdns_server_request_add_a_reply(req, q->name, 1, &a, 10);
		found = 1;
	} else if (q->type == EVDNS_TYPE_AAAA && strcasecmp(q->name, "aaaa.host.test") == 0) {
		struct in6_addr six = IN6ADDR_LOOPBACK_INIT;

		evdns_server_request_add_aaaa_reply(req, q->name, 1, &six, 10);
		found = 1;
	}
	evdns_server_request_respond(req, found ? 0 : DNS_ERR_NOTEXIST);
}

static int bound_udp(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sin, &len), 0);
	return fd;
}

/* SILENT: the resolver's server reads nothing and never answers. */
static void setup(struct world *w, int silent)
{
	struct sockaddr_in sin;

	memset(w, 0, sizeof(*w));
	w->base = event_base_new();
	w->dns = evdns_base_new(w->base, 0);
	assert_non_null(w->dns);
	w->server_fd = bound_udp(&sin);
	if (!silent)
		w->server = evdns_add_server_port_with_base(w->base, w->server_fd, 0, serve, w);
	assert_int_equal(evdns_base_nameserver_sockaddr_add(w->dns, (struct sockaddr *)&sin,
							    sizeof(sin), 0), 0);
}

static void teardown(struct world *w)
{
	for (int i = 0; i < 10; i++)
		event_base_loop(w->base, EVLOOP_NONBLOCK);
	if (w->server)
		evdns_close_server_port(w->server);
	evdns_base_free(w->dns, 0);
	event_base_free(w->base);
	close(w->server_fd);
}

static void done(const char *name, void *arg)
{
	struct world *w = arg;

	w->answered++;
	snprintf(w->answer, sizeof(w->answer), "%s", name ? name : "");
}

static void run_until_answered(struct world *w)
{
	for (int i = 0; i < 1000 && !w->answered; i++)
		event_base_loop(w->base, EVLOOP_ONCE);
}

static struct fqdn_names names(int n, ...)
{
	struct fqdn_names out = { 0 };
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		snprintf(out.name[out.n++], sizeof(out.name[0]), "%s", va_arg(ap, const char *));
	va_end(ap);
	return out;
}

static void the_first_name_that_resolves_is_the_answer(void **state)
{
	struct world w;
	struct fqdn_names ask = names(3, "x.host.test", "a.host.test", "b.host.test");

	(void)state;
	setup(&w, 0);
	assert_non_null(helo_lookup_start(w.dns, &ask, done, &w));
	assert_int_equal(w.answered, 0);      /* never inside the call */
	run_until_answered(&w);
	assert_int_equal(w.answered, 1);
	assert_string_equal(w.answer, "a.host.test");
	assert_int_equal(w.nasked, 2);        /* in turn, stopping at the answer */
	assert_int_equal(strcasecmp(w.asked[0], "x.host.test"), 0);
	assert_int_equal(strcasecmp(w.asked[1], "a.host.test"), 0);
	teardown(&w);
	assert_int_equal(w.answered, 1);
}

static void an_ipv6_address_is_enough(void **state)
{
	struct world w;
	struct fqdn_names ask = names(1, "aaaa.host.test");

	(void)state;
	setup(&w, 0);
	assert_non_null(helo_lookup_start(w.dns, &ask, done, &w));
	run_until_answered(&w);
	assert_string_equal(w.answer, "aaaa.host.test");
	teardown(&w);
}

static void none_resolving_answers_null(void **state)
{
	struct world w;
	struct fqdn_names ask = names(2, "x.host.test", "y.host.test");

	(void)state;
	setup(&w, 0);
	assert_non_null(helo_lookup_start(w.dns, &ask, done, &w));
	run_until_answered(&w);
	assert_int_equal(w.answered, 1);
	assert_string_equal(w.answer, "");
	assert_int_equal(w.nasked, 2);
	teardown(&w);
}

static void cancelled_it_never_answers(void **state)
{
	struct world w;
	struct fqdn_names ask = names(2, "a.host.test", "b.host.test");
	struct helo_lookup *l;

	(void)state;
	setup(&w, 1);                        /* the server never answers */
	l = helo_lookup_start(w.dns, &ask, done, &w);
	assert_non_null(l);
	for (int i = 0; i < 5; i++)
		event_base_loop(w.base, EVLOOP_NONBLOCK);
	helo_lookup_cancel(l);
	teardown(&w);                        /* lets go from the loop: no leak */
	assert_int_equal(w.answered, 0);
}

static void nothing_to_ask_starts_nothing(void **state)
{
	struct world w;
	struct fqdn_names none = { 0 }, ask = names(1, "a.host.test");
	struct event_base *base = event_base_new();
	struct evdns_base *empty = evdns_base_new(base, 0);

	(void)state;
	setup(&w, 0);
	assert_null(helo_lookup_start(w.dns, &none, done, &w));
	assert_null(helo_lookup_start(empty, &ask, done, &w));   /* no server: never an answer */
	helo_lookup_cancel(NULL);
	teardown(&w);
	evdns_base_free(empty, 0);
	event_base_free(base);
	assert_int_equal(w.answered, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_first_name_that_resolves_is_the_answer),
		cmocka_unit_test(an_ipv6_address_is_enough),
		cmocka_unit_test(none_resolving_answers_null),
		cmocka_unit_test(cancelled_it_never_answers),
		cmocka_unit_test(nothing_to_ask_starts_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
