/* SPDX-License-Identifier: ISC */
#include "probe/probe_thread.h"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/thread.h>

#include "core/settings.h"
#include "probe/conn_gate.h"
#include "probe/dns_client.h"
#include "probe/tls.h"

struct probe_thread {
	struct event_base *base;
	struct evdns_base *dns;
	SSL_CTX *tls;
	struct conn_gate *gate;
	struct dns_client *resolver;            /* NULL when it could not be made */
	struct dns_client *validator;           /* DNSSEC-validating; NULL without anchors */
	pthread_t thread;
	int running;
};

/* smtpMonResolver's servers, or /etc/resolv.conf's; /etc/hosts either way.
 * Without nameservers, literals and /etc/hosts still resolve. A server
 * evdns refuses is said in ERR and left out. */
static struct evdns_base *make_resolver(struct event_base *base,
					const struct smtpmon_settings *settings,
					char *err, size_t errlen)
{
	struct evdns_base *dns;

	if (!settings->nresolvers) {
		dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
				     EVDNS_BASE_DISABLE_WHEN_INACTIVE);
		return dns ? dns : evdns_base_new(base, 0);
	}
	dns = evdns_base_new(base, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (!dns)
		return NULL;
	evdns_base_load_hosts(dns, NULL);
	for (unsigned i = 0; i < settings->nresolvers; i++)
		if (evdns_base_nameserver_ip_add(dns, settings->resolver[i]) != 0)
			snprintf(err, errlen, "smtpMonResolver %s: cannot use it",
				 settings->resolver[i]);
	return dns;
}

/* The domain watches' resolver: without it the probes still run, and only
 * the watches cannot (a warning in ERR, unless one is there already). */
static void make_dns_client(struct probe_thread *t, const struct smtpmon_settings *settings,
			    char *err, size_t errlen)
{
	char why[256] = "";

	t->resolver = dns_client_new(t->base, settings, NULL, why, sizeof(why));
	if (!t->resolver && !err[0])
		snprintf(err, errlen, "no DNS client for the domain watches: %s", why);
	if (!t->resolver || !settings->trust_anchor[0])
		return;
	t->validator = dns_client_new(t->base, settings, settings->trust_anchor, why, sizeof(why));
	if (!t->validator && !err[0])
		snprintf(err, errlen, "TLSA records cannot be validated: %s", why);
}

struct probe_thread *probe_thread_new(const struct smtpmon_settings *settings,
				      unsigned max_connections, char *err, size_t errlen)
{
	struct probe_thread *t = calloc(1, sizeof(*t));

	err[0] = '\0';
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->tls = tls_context_new(settings->ca_file, settings->ca_path, err, errlen);
	if (t->tls && evthread_use_pthreads() == 0 && (t->base = event_base_new()) != NULL)
		t->dns = make_resolver(t->base, settings, err, errlen);
	if (t->dns)
		t->gate = conn_gate_new(t->base, max_connections);
	if (!t->gate) {
		if (!err[0])
			snprintf(err, errlen, "cannot set up the probe thread's loop");
		probe_thread_free(t);
		return NULL;
	}
	make_dns_client(t, settings, err, errlen);
	return t;
}

static void *run(void *arg)
{
	struct probe_thread *t = arg;

	event_base_loop(t->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

int probe_thread_start(struct probe_thread *t)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&t->thread, NULL, run, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -1;
	t->running = 1;
	return 0;
}

void probe_thread_stop(struct probe_thread *t)
{
	if (!t || !t->running)
		return;
	event_base_loopbreak(t->base);
	pthread_join(t->thread, NULL);
	t->running = 0;
}

void probe_thread_free(struct probe_thread *t)
{
	if (!t)
		return;
	probe_thread_stop(t);
	conn_gate_free(t->gate);
	dns_client_free(t->validator);
	dns_client_free(t->resolver);
	if (t->dns)
		evdns_base_free(t->dns, 0);
	if (t->base)
		event_base_free(t->base);
	SSL_CTX_free(t->tls);
	free(t);
}

struct event_base *probe_thread_base(const struct probe_thread *t)
{
	return t->base;
}

struct dns_client *probe_thread_resolver(const struct probe_thread *t)
{
	return t->resolver;
}

struct dns_client *probe_thread_validator(const struct probe_thread *t)
{
	return t->validator;
}

struct evdns_base *probe_thread_dns(const struct probe_thread *t)
{
	return t->dns;
}

SSL_CTX *probe_thread_tls(const struct probe_thread *t)
{
	return t->tls;
}

struct conn_gate *probe_thread_gate(const struct probe_thread *t)
{
	return t->gate;
}
