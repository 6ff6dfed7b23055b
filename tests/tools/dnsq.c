/* SPDX-License-Identifier: ISC */
/* The DNS client (src/probe/dns_client.c) driven from the command line for
 * tests/integration/test_dns_client.py: every question of a round asked at
 * once on one event_base, the answers printed in the order asked once all
 * came, rounds separated by "+" (the next one starts when a line arrives on
 * standard input, so the test can change the server in between; the client
 * and its cache stay).
 *   dnsq [-r RESOLVER]... [-a TRUST_ANCHOR] [-t TIMEOUT_MS] [-k MS]
 *        TYPE NAME [TYPE NAME]... [+ TYPE NAME ...]...
 * -k MS frees the client MS ms into the first round, with what is in flight.
 * Each answer is a block: "= NAME TYPE OUTCOME", then "rcode N", "ttl N",
 * "ms N", "flags secure|bogus|-", "text ...", "count N dropped N", and a
 * line per record: "mx PREF HOST" (HOST "." for the root: a null MX),
 * "a ADDR", "aaaa ADDR", "txt TEXT", "tlsa U S M LEN HEX". A question not
 * answered is "= NAME TYPE pending".
 * Exit status 3 when DONE ran inside dns_query() or twice. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/settings.h"
#include "probe/dns_client.h"

#define QUESTIONS_MAX 64

struct question {
	const char *name;
	int type;
	struct dns_query *q;
	int done;                       /* times DONE ran */
	double asked, answered;         /* ms on the monotonic clock */
	struct dns_answer a;
};

static struct question questions[QUESTIONS_MAX];
static int nquestions, left, asking, broken;
static struct event_base *base;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int type_of(const char *text)
{
	static const struct { const char *name; int type; } types[] = {
		{ "A", DNS_TYPE_A }, { "AAAA", DNS_TYPE_AAAA }, { "MX", DNS_TYPE_MX },
		{ "TXT", DNS_TYPE_TXT }, { "TLSA", DNS_TYPE_TLSA },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(text, types[i].name) == 0)
			return types[i].type;
	return atoi(text);
}

static void answered(const struct dns_answer *a, void *arg)
{
	struct question *qu = arg;

	if (asking || qu->done) {
		fprintf(stderr, "dnsq: DONE for %s %s\n", qu->name,
			asking ? "ran inside dns_query()" : "ran twice");
		broken = 1;
	}
	qu->done++;
	qu->answered = now_ms();
	qu->q = NULL;
	memcpy(&qu->a, a, sizeof(*a));
	if (--left == 0)
		event_base_loopbreak(base);
}

static void print_record(const struct dns_record *r)
{
	char text[INET6_ADDRSTRLEN];

	switch (r->type) {
	case DNS_TYPE_MX:
		printf("mx %u %s\n", (unsigned)r->u.mx.pref, r->u.mx.host[0] ? r->u.mx.host : ".");
		break;
	case DNS_TYPE_A:
	case DNS_TYPE_AAAA:
		inet_ntop(r->u.addr.family, r->u.addr.addr, text, sizeof(text));
		printf("%s %s\n", r->type == DNS_TYPE_A ? "a" : "aaaa", text);
		break;
	case DNS_TYPE_TXT:
		printf("txt %s\n", r->u.txt);
		break;
	case DNS_TYPE_TLSA:
		printf("tlsa %u %u %u %u ", r->u.tlsa.usage, r->u.tlsa.selector, r->u.tlsa.mtype,
		       r->u.tlsa.len);
		for (unsigned i = 0; i < r->u.tlsa.len && i < sizeof(r->u.tlsa.data); i++)
			printf("%02x", r->u.tlsa.data[i]);
		printf("\n");
		break;
	}
}

static void print_answer(const struct question *qu)
{
	static const char *const outcomes[] = { "?", "answer", "nodata", "nxdomain", "failed" };
	const struct dns_answer *a = &qu->a;
	char text[160];

	if (!qu->done) {
		printf("= %s %s pending\n", qu->name, dns_type_name(qu->type));
		return;
	}
	printf("= %s %s %s\n", qu->name, dns_type_name(qu->type),
	       outcomes[a->outcome >= DNS_ANSWER && a->outcome <= DNS_FAILED ? a->outcome : 0]);
	printf("rcode %d\nttl %u\nms %.0f\n", a->rcode, a->ttl, qu->answered - qu->asked);
	printf("flags %s\n", a->secure ? "secure" : a->bogus ? "bogus" : "-");
	printf("text %s\n", dns_outcome_text(a, text, sizeof(text)));
	printf("count %u dropped %u\n", a->count, a->dropped);
	for (unsigned i = 0; i < a->count && i < DNS_RECORDS_MAX; i++)
		print_record(&a->rec[i]);
}

static void stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	event_base_loopbreak(base);
}

/* Asks the round's questions at once, runs the loop until all are answered
 * (or KILL_MS passed), and prints the answers. */
static void run_round(struct dns_client *c, int first, int n, unsigned timeout_ms,
		      unsigned kill_ms)
{
	struct event *kill = NULL;

	left = 0;
	for (int i = first; i < first + n; i++) {
		struct question *qu = &questions[i];

		qu->asked = now_ms();
		asking = 1;
		qu->q = dns_query(c, qu->name, qu->type, timeout_ms, answered, qu);
		asking = 0;
		if (!qu->q) {
			fprintf(stderr, "dnsq: cannot ask %s\n", qu->name);
			exit(1);
		}
		left++;
	}
	if (kill_ms) {
		struct timeval tv = { kill_ms / 1000, (kill_ms % 1000) * 1000 };

		kill = evtimer_new(base, stop, NULL);
		evtimer_add(kill, &tv);
	}
	event_base_dispatch(base);
	if (kill)
		event_free(kill);
	for (int i = first; i < first + n; i++)
		print_answer(&questions[i]);
	fflush(stdout);
}

/* Reads the questions from ARGV: the rounds' sizes go to ROUNDS. */
static int read_questions(int argc, char **argv, int *rounds, int *nrounds)
{
	*nrounds = 0;
	rounds[0] = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "+") == 0) {
			if (rounds[*nrounds] == 0)
				return -1;      /* an empty round */
			rounds[++*nrounds] = 0;
			continue;
		}
		if (i + 1 >= argc || nquestions == QUESTIONS_MAX)
			return -1;
		questions[nquestions].type = type_of(argv[i]);
		questions[nquestions++].name = argv[++i];
		rounds[*nrounds]++;
	}
	return rounds[(*nrounds)++] ? 0 : -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: dnsq [-r RESOLVER]... [-a TRUST_ANCHOR] [-t TIMEOUT_MS] [-k MS] "
		"TYPE NAME... [+ TYPE NAME...]...\n");
	exit(2);
}

static void read_options(int argc, char **argv, struct smtpmon_settings *s,
			 const char **anchor, unsigned *timeout_ms, unsigned *kill_ms)
{
	int opt;

	while ((opt = getopt(argc, argv, "r:a:t:k:")) != -1) {
		if (opt == 'r' && s->nresolvers < SMTPMON_RESOLVERS_MAX &&
		    strlen(optarg) < SMTPMON_RESOLVER_LEN)
			strcpy(s->resolver[s->nresolvers++], optarg);
		else if (opt == 'a')
			*anchor = optarg;
		else if (opt == 't')
			*timeout_ms = (unsigned)strtoul(optarg, NULL, 10);
		else if (opt == 'k')
			*kill_ms = (unsigned)strtoul(optarg, NULL, 10);
		else
			usage();
	}
}

int main(int argc, char **argv)
{
	static struct smtpmon_settings settings;
	const char *anchor = NULL;
	unsigned timeout_ms = 5000, kill_ms = 0;
	int rounds[QUESTIONS_MAX + 1], nrounds, first = 0;
	char err[256] = "", line[64];
	struct dns_client *c;

	read_options(argc, argv, &settings, &anchor, &timeout_ms, &kill_ms);
	if (read_questions(argc - optind, argv + optind, rounds, &nrounds) != 0)
		usage();
	base = event_base_new();
	c = base ? dns_client_new(base, &settings, anchor, err, sizeof(err)) : NULL;
	if (!c) {
		fprintf(stderr, "dnsq: %s\n", err);
		return 1;
	}
	for (int r = 0; r < nrounds; r++) {
		if (r > 0 && (printf("+\n"), fflush(stdout), !fgets(line, sizeof(line), stdin)))
			break;
		run_round(c, first, rounds[r], timeout_ms, r == 0 ? kill_ms : 0);
		first += rounds[r];
		if (kill_ms)
			break;
	}
	dns_client_free(c);
	event_base_free(base);
	return broken ? 3 : 0;
}
