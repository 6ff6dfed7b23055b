/* SPDX-License-Identifier: ISC */
/* fakefarm: the bench's fake SMTP servers for large sizes, in C on epoll.
 * tests/fixtures/fakesmtp.py serves about 1,000 dialogues a second on a whole
 * core; 100,000 servers at 60 s need 1,667, and the probes then time out
 * waiting for the farm, not for smtpmond. This one answers the "ok" dialogue
 * only: 220 greeting; 250 to EHLO, HELO and anything else; 221 to QUIT, then
 * close.
 *
 *   fakefarm PORTS_FILE NAME=ADDR:PORT ...
 *
 * PORT 0 picks a free port; PORTS_FILE then gets {"NAME": port, ...}. Runs
 * until killed. Build: cc -O2 -o fakefarm bench/fakefarm.c */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINE_MAX_LEN 512
#define MAX_LISTENERS 1024

struct conn {
	unsigned short len;
	char buf[LINE_MAX_LEN];
};

static int listeners[MAX_LISTENERS], nlisteners;
static struct conn **conns;
static size_t nconns;

static int is_listener(int fd)
{
	for (int i = 0; i < nlisteners; i++)
		if (listeners[i] == fd)
			return 1;
	return 0;
}

static void drop(int ep, int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	if ((size_t)fd < nconns) {
		free(conns[fd]);
		conns[fd] = NULL;
	}
}

static void say(int fd, const char *s)
{
	if (send(fd, s, strlen(s), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* the client went away: its read says so next */
	}
}

/* 1: the connection is over. */
static int answer(int fd, const char *line)
{
	if (strncasecmp(line, "QUIT", 4) == 0) {
		say(fd, "221 2.0.0 farm.fake.test closing\r\n");
		return 1;
	}
	if (strncasecmp(line, "EHLO", 4) == 0)
		say(fd, "250-farm.fake.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
	else
		say(fd, "250 2.0.0 ok\r\n");
	return 0;
}

static void readable(int ep, int fd)
{
	struct conn *c = (size_t)fd < nconns ? conns[fd] : NULL;
	char buf[4096];
	ssize_t n;

	if (!c) {
		drop(ep, fd);
		return;
	}
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (c->len < LINE_MAX_LEN - 1)
				c->buf[c->len++] = buf[i];
			if (buf[i] != '\n')
				continue;
			c->buf[c->len] = '\0';
			c->len = 0;
			if (answer(fd, c->buf)) {
				drop(ep, fd);
				return;
			}
		}
	}
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		drop(ep, fd);
}

static void accept_all(int ep, int lfd)
{
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

		if ((size_t)fd >= nconns || !(conns[fd] = calloc(1, sizeof(struct conn)))) {
			close(fd);
			continue;
		}
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
		say(fd, "220 farm.fake.test ESMTP smtpmon-fakefarm\r\n");
	}
}

static int listen_on(const char *addr, int port, int *bound)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	socklen_t len = sizeof(sa);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 4096) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		return -1;
	*bound = ntohs(sa.sin_port);
	return fd;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	struct epoll_event evs[256];
	char tmp[4096];
	FILE *out;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (argc < 3) {
		fprintf(stderr, "usage: fakefarm PORTS_FILE NAME=ADDR:PORT ...\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	nconns = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1048576 ? rl.rlim_cur : 65536;
	conns = calloc(nconns, sizeof(*conns));
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	out = fopen(tmp, "w");
	if (ep < 0 || !conns || !out)
		return 1;
	fputc('{', out);
	for (int i = 2; i < argc && nlisteners < MAX_LISTENERS; i++) {
		char name[64], addr[64];
		int port, bound;
		struct epoll_event ev = { .events = EPOLLIN };

		if (sscanf(argv[i], "%63[^=]=%63[^:]:%d", name, addr, &port) != 3 ||
		    (listeners[nlisteners] = listen_on(addr, port, &bound)) < 0) {
			fprintf(stderr, "fakefarm: cannot listen as %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		ev.data.fd = listeners[nlisteners++];
		epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);
		fprintf(out, "%s\"%s\": %d", i > 2 ? ", " : "", name, bound);
	}
	fputs("}\n", out);
	if (fclose(out) != 0 || rename(tmp, argv[1]) != 0)
		return 1;
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);

		for (int i = 0; i < n; i++) {
			if (is_listener(evs[i].data.fd))
				accept_all(ep, evs[i].data.fd);
			else
				readable(ep, evs[i].data.fd);
		}
	}
}
