/* SPDX-License-Identifier: ISC */
/* The floor: the least a program can do for one SMTP dialogue (connect,
 * read the 220, EHLO, read the 250, QUIT, close) on epoll, with CONCURRENCY
 * dialogues in flight, and nothing else. Its CPU per probe is what
 * smtpmond's is measured against (bench/run.py).
 *
 *   floor_prober [-d] -c CONCURRENCY -n PROBES HOST:PORT [HOST:PORT ...]
 *   floor_prober [-d] -r RATE [-b BATCH] -n PROBES HOST:PORT [HOST:PORT ...]
 *
 * -d does the dialogue as doc/DESIGN.md section 3 has smtpmond do it, which the
 * bare one skips: it waits for the connect to complete (ConnectTime) and
 * asks for its error, and after QUIT half-closes and waits for the server's
 * answer or close before closing (the courtesy). That is 15 system calls
 * instead of 10.
 *
 * -r paces the starts as a scheduler does: RATE probes a second, BATCH at a
 * time (1 by default), however many are then in flight. A probe started
 * alone into an idle loop pays for its own wake-ups; that is the floor a
 * scheduled prober is compared with at the same rate.
 *
 * Prints "probes N cpu_us_per_probe X wall_s Y". IPv4 loopback only. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum step { WAIT_CONNECT, WAIT_GREETING, WAIT_EHLO, WAIT_QUIT };

struct dialogue {
	int fd;
	enum step step;
};

static struct sockaddr_in *targets;
static int ntargets, next_target, design;

static int parse_target(const char *spec, struct sockaddr_in *sa)
{
	char host[64];
	int port;

	if (sscanf(spec, "%63[0-9.]:%d", host, &port) != 2)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int start(int ep, struct dialogue *d)
{
	struct sockaddr_in *sa = &targets[next_target++ % ntargets];
	struct epoll_event ev = { .events = design ? EPOLLOUT : EPOLLIN, .data.ptr = d };

	d->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (d->fd < 0)
		return -1;
	if (connect(d->fd, (struct sockaddr *)sa, sizeof(*sa)) != 0 && errno != EINPROGRESS)
		return -1;
	d->step = design ? WAIT_CONNECT : WAIT_GREETING;
	return epoll_ctl(ep, EPOLL_CTL_ADD, d->fd, &ev);
}

/* 1 when the buffer ends with a final reply line ("DDD " ... CRLF). */
static int final_line(const char *buf, ssize_t n)
{
	ssize_t start = n - 2;

	if (n < 6 || buf[n - 1] != '\n')
		return 0;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	return buf[start + 3] == ' ';
}

/* -d: the connect completed; now wait for the greeting. */
static int connected(int ep, struct dialogue *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = d };
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(d->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err ||
	    epoll_ctl(ep, EPOLL_CTL_MOD, d->fd, &ev) != 0) {
		close(d->fd);
		return 1;
	}
	d->step = WAIT_GREETING;
	return 0;
}

/* Returns 1 when the dialogue is over. Replies arrive whole on loopback. */
static int advance(int ep, struct dialogue *d)
{
	static const char ehlo[] = "EHLO floor.example\r\n", quit[] = "QUIT\r\n";
	char buf[4096];
	ssize_t n;

	if (d->step == WAIT_CONNECT)
		return connected(ep, d);
	n = read(d->fd, buf, sizeof(buf));
	if (d->step == WAIT_QUIT) {
		close(d->fd);
		return 1;
	}

	if (n <= 0 || !final_line(buf, n)) {
		if (n > 0)
			return 0;      /* a reply in pieces: wait for the rest */
		close(d->fd);
		return 1;
	}
	if (d->step == WAIT_GREETING) {
		if (write(d->fd, ehlo, sizeof(ehlo) - 1) < 0)
			perror("write");
		d->step = WAIT_EHLO;
		return 0;
	}
	if (write(d->fd, quit, sizeof(quit) - 1) < 0)
		perror("write");
	if (design) {
		shutdown(d->fd, SHUT_WR);
		d->step = WAIT_QUIT;
		return 0;
	}
	close(d->fd);
	return 1;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Runs the dialogues the events are for; returns how many ended. Ended
 * dialogues go on the free list when there is one. */
static int serve(int ep, struct epoll_event *events, int n, struct dialogue **free_list,
		 int *nfree)
{
	int ended = 0;

	for (int i = 0; i < n; i++) {
		struct dialogue *x = events[i].data.ptr;

		if (!advance(ep, x))
			continue;
		ended++;
		if (free_list)
			free_list[(*nfree)++] = x;
	}
	return ended;
}

/* CONCURRENCY dialogues always in flight: each one ended starts the next. */
static int run_closed(int ep, int concurrency, int total)
{
	struct dialogue *d = calloc((size_t)concurrency, sizeof(*d)), *free_list[256];
	struct epoll_event events[256];
	int started = 0, done = 0, nfree = 0;

	for (; started < concurrency && started < total; started++)
		if (start(ep, &d[started]) != 0)
			return 1;
	while (done < total) {
		int n = epoll_wait(ep, events, 256, 5000);

		if (n <= 0)
			return 1;
		nfree = 0;
		done += serve(ep, events, n, free_list, &nfree);
		for (int i = 0; i < nfree && started < total; i++, started++)
			if (start(ep, free_list[i]) != 0)
				return 1;
	}
	return 0;
}

/* Starts BATCH dialogues every BATCH/RATE seconds, however many are in flight. */
static int run_paced(int ep, double rate, int batch, int total)
{
	enum { POOL = 4096 };
	struct dialogue *pool = calloc(POOL, sizeof(*pool)), *free_list[POOL];
	struct epoll_event events[256];
	int started = 0, done = 0, nfree = 0;
	double next = now_s();

	for (int i = 0; i < POOL; i++)
		free_list[nfree++] = &pool[POOL - 1 - i];
	while (done < total) {
		double wait = next - now_s();
		int n;

		if (wait <= 0 && started < total) {
			for (int i = 0; i < batch && started < total && nfree > 0; i++, started++)
				if (start(ep, free_list[--nfree]) != 0)
					return 1;
			next += batch / rate;
			continue;
		}
		n = epoll_wait(ep, events, 256, started < total ? (int)(wait * 1000) + 1 : 5000);
		if (n < 0 || (n == 0 && started >= total))
			return 1;
		done += serve(ep, events, n, free_list, &nfree);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int concurrency = 1, total = 1000, batch = 1, opt, ep, rc;
	double rate = 0, cpu0, t0;

	while ((opt = getopt(argc, argv, "dc:n:r:b:")) != -1) {
		if (opt == 'd')
			design = 1;
		else if (opt == 'c')
			concurrency = atoi(optarg);
		else if (opt == 'n')
			total = atoi(optarg);
		else if (opt == 'r')
			rate = atof(optarg);
		else if (opt == 'b')
			batch = atoi(optarg);
	}
	ntargets = argc - optind;
	if (ntargets < 1 || concurrency < 1 || concurrency > 256 || total < 1 || rate < 0 ||
	    batch < 1) {
		fprintf(stderr, "usage: floor_prober [-d] (-c CONCURRENCY | -r RATE [-b BATCH]) "
			"-n PROBES HOST:PORT...\n");
		return 2;
	}
	targets = calloc((size_t)ntargets, sizeof(*targets));
	for (int i = 0; i < ntargets; i++)
		if (parse_target(argv[optind + i], &targets[i]) != 0)
			return 2;
	ep = epoll_create1(0);
	t0 = now_s();
	cpu0 = cpu_s();
	rc = rate > 0 ? run_paced(ep, rate, batch, total) : run_closed(ep, concurrency, total);
	if (rc != 0)
		return rc;
	printf("probes %d cpu_us_per_probe %.1f wall_s %.2f\n", total,
	       (cpu_s() - cpu0) * 1e6 / total, now_s() - t0);
	return 0;
}
