/* SPDX-License-Identifier: ISC */
#include "probe/policy_fetch.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "core/mta_sts.h"
#include "core/text.h"
#include "probe/curl_glue.h"

#define SOCKS_MAX 4

struct policy_fetch {
	struct event_base *base;
	SSL_CTX *trust;
	CURLM *multi;
	CURL *easy;
	struct curl_slist *resolve;
	struct event *timer;            /* curl's */
	struct event *sock_ev[SOCKS_MAX];
	curl_socket_t sock_fd[SOCKS_MAX];
	policy_fetched_fn done;
	void *arg;
	int too_large;
	size_t len;
	char body[MTA_STS_POLICY_MAX];
	char errbuf[CURL_ERROR_SIZE];
};

static void finish(struct policy_fetch *f, struct policy_fetched *r)
{
	policy_fetched_fn done = f->done;
	void *arg = f->arg;

	f->done = NULL;
	done(r, arg);
	policy_fetch_cancel(f);
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct policy_fetch *f = arg;
	size_t n = size * nmemb;

	if (n > sizeof(f->body) - f->len) {
		f->too_large = 1;
		return 0;                       /* curl stops: CURLE_WRITE_ERROR */
	}
	memcpy(f->body + f->len, data, n);
	f->len += n;
	return n;
}

/* "text/plain" with any parameters ("; charset=utf-8"). */
static int is_text_plain(const char *ctype)
{
	size_t n = strcspn(ctype, "; \t");

	return n == 10 && strncasecmp(ctype, "text/plain", 10) == 0;
}

static void judge(struct policy_fetch *f, CURLcode rc, struct policy_fetched *r)
{
	long status = 0;
	char *ctype = NULL, *where = NULL;

	curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(f->easy, CURLINFO_CONTENT_TYPE, &ctype);
	curl_easy_getinfo(f->easy, CURLINFO_REDIRECT_URL, &where);
	if (f->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		r->outcome = FETCH_TOO_LARGE;
	} else if (rc != CURLE_OK) {
		r->outcome = FETCH_FAILED;
		text_clean(r->error, sizeof(r->error), f->errbuf[0] ? f->errbuf : curl_easy_strerror(rc),
			   strlen(f->errbuf[0] ? f->errbuf : curl_easy_strerror(rc)));
	} else if (status >= 300 && status < 400) {
		r->outcome = FETCH_REDIRECTED;
		snprintf(r->error, sizeof(r->error), "HTTP %ld to %.120s", status, where ? where : "?");
	} else if (status != 200) {
		r->outcome = FETCH_FAILED;
		snprintf(r->error, sizeof(r->error), "HTTP status %ld", status);
	} else if (!ctype || !is_text_plain(ctype)) {
		r->outcome = FETCH_NOT_TEXT;
		text_clean(r->error, sizeof(r->error), ctype ? ctype : "no media type",
			   strlen(ctype ? ctype : "no media type"));
	} else {
		r->outcome = FETCH_OK;
		r->body = f->body;
		r->len = f->len;
	}
}

static void take_finished(struct policy_fetch *f)
{
	struct policy_fetched r;
	CURLMsg *m;
	int left;

	while (f->done && (m = curl_multi_info_read(f->multi, &left)) != NULL)
		if (m->msg == CURLMSG_DONE) {
			memset(&r, 0, sizeof(r));
			judge(f, m->data.result, &r);
			finish(f, &r);
			return;
		}
}

static void drive(struct policy_fetch *f, curl_socket_t fd, int flags)
{
	int running;

	curl_multi_socket_action(f->multi, fd, flags, &running);
	take_finished(f);
}

static void on_socket(evutil_socket_t fd, short what, void *arg)
{
	drive(arg, fd, ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
		       ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0));
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drive(arg, CURL_SOCKET_TIMEOUT, 0);
}

static int slot_of(struct policy_fetch *f, curl_socket_t fd)
{
	for (int i = 0; i < SOCKS_MAX; i++)
		if (f->sock_ev[i] && f->sock_fd[i] == fd)
			return i;
	for (int i = 0; i < SOCKS_MAX; i++)
		if (!f->sock_ev[i])
			return i;
	return -1;
}

static int on_curl_socket(CURL *h, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct policy_fetch *f = arg;
	int i = slot_of(f, fd);
	short events = EV_PERSIST;

	(void)h;
	(void)sockp;
	if (i < 0)
		return -1;
	if (f->sock_ev[i])
		event_free(f->sock_ev[i]);
	f->sock_ev[i] = NULL;
	if (what == CURL_POLL_REMOVE)
		return 0;
	events |= (what & CURL_POLL_IN) ? EV_READ : 0;
	events |= (what & CURL_POLL_OUT) ? EV_WRITE : 0;
	f->sock_fd[i] = fd;
	f->sock_ev[i] = event_new(f->base, fd, events, on_socket, f);
	return f->sock_ev[i] && event_add(f->sock_ev[i], NULL) == 0 ? 0 : -1;
}

static int on_curl_timer(CURLM *m, long timeout_ms, void *arg)
{
	(void)m;
	return curl_glue_timer(((struct policy_fetch *)arg)->timer, timeout_ms);
}

/* "mta-sts.DOMAIN:443:ADDR,ADDR" for CURLOPT_RESOLVE. */
static struct curl_slist *resolve_entry(const char *host, const struct dns_addr *addrs,
					unsigned n)
{
	char entry[DNS_NAME_MAX + 16 + 8 * (INET6_ADDRSTRLEN + 3)], one[INET6_ADDRSTRLEN];
	int used = snprintf(entry, sizeof(entry), "%s:443:", host);

	for (unsigned i = 0; i < n && i < 8 && used > 0 && (size_t)used < sizeof(entry); i++) {
		if (!inet_ntop(addrs[i].family, addrs[i].addr, one, sizeof(one)))
			continue;
		used += snprintf(entry + used, sizeof(entry) - (size_t)used, "%s%s%s%s",
				 entry[used - 1] == ':' ? "" : ",", addrs[i].family == AF_INET6 ? "[" : "",
				 one, addrs[i].family == AF_INET6 ? "]" : "");
	}
	return curl_slist_append(NULL, entry);
}

static int set_options(struct policy_fetch *f, const char *host, unsigned timeout_ms)
{
	CURL *e = f->easy;
	char url[DNS_NAME_MAX + 64];
	int bad = 0;

	snprintf(url, sizeof(url), "https://%s/.well-known/mta-sts.txt", host);
	bad |= curl_easy_setopt(e, CURLOPT_URL, url);
	bad |= curl_easy_setopt(e, CURLOPT_RESOLVE, f->resolve);
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	bad |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MTA_STS_POLICY_MAX);
	bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	bad |= curl_easy_setopt(e, CURLOPT_CAINFO, NULL);   /* the store comes from TRUST */
	bad |= curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, curl_glue_trust);
	bad |= curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, f->trust);
	bad |= curl_easy_setopt(e, CURLOPT_USERAGENT, "smtpmon (MTA-STS check)");
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, f->errbuf);
	bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
	bad |= curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	bad |= curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	bad |= curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	bad |= curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	return bad;
}

struct policy_fetch *policy_fetch_start(struct event_base *base, SSL_CTX *trust,
					const char *domain, const struct dns_addr *addrs, unsigned n,
					unsigned timeout_ms, policy_fetched_fn done, void *arg)
{
	struct policy_fetch *f = calloc(1, sizeof(*f));
	char host[DNS_NAME_MAX + 16];

	if (!f)
		return NULL;
	snprintf(host, sizeof(host), "mta-sts.%s", domain);
	f->base = base;
	f->trust = trust;
	f->done = done;
	f->arg = arg;
	f->multi = curl_multi_init();
	f->easy = curl_easy_init();
	f->timer = evtimer_new(base, on_timer, f);
	f->resolve = resolve_entry(host, addrs, n);
	if (!f->multi || !f->easy || !f->timer || !f->resolve ||
	    set_options(f, host, timeout_ms) != 0 ||
	    curl_multi_add_handle(f->multi, f->easy) != CURLM_OK) {
		f->done = NULL;
		policy_fetch_cancel(f);
		return NULL;
	}
	return f;
}

void policy_fetch_cancel(struct policy_fetch *f)
{
	if (!f)
		return;
	if (f->multi && f->easy)
		curl_multi_remove_handle(f->multi, f->easy);
	for (int i = 0; i < SOCKS_MAX; i++)
		if (f->sock_ev[i])
			event_free(f->sock_ev[i]);
	if (f->easy)
		curl_easy_cleanup(f->easy);
	if (f->multi)
		curl_multi_cleanup(f->multi);
	if (f->timer)
		event_free(f->timer);
	curl_slist_free_all(f->resolve);
	free(f);
}
