/* SPDX-License-Identifier: ISC */
#include "oneshot.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <openssl/crypto.h>

#include "agent/host_name.h"
#include "core/fqdn.h"
#include "core/monotime.h"
#include "core/state.h"
#include "core/target_config.h"
#include "probe/helo_lookup.h"
#include "probe/probe.h"
#include "probe/tls.h"

enum { STATE_OK, STATE_WARNING, STATE_CRITICAL, STATE_UNKNOWN };
static const char *const state_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

struct oneshot {
	struct target_config cfg;
	char keys[2048];                   /* the options as smtpMonServer keys */
	char helo[TARGET_HELO_MAX + 1];    /* the default EHLO name */
	struct fqdn_names ask;             /* its fully qualified forms to look up */
	struct helo_lookup *lookup;        /* under way */
	int named;                         /* the lookup is over, or took long enough */
	const char *ca_file, *ca_path;
	long warning_ms, critical_ms;      /* -1: none */
	int strict;                        /* a tolerated deviation is a WARNING */
	int verbose;
	int done;
	struct probe_outcome out;
};

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: smtpmond --probe HOST[:PORT] [--starttls|--tls] [--timeout S] "
		"[--helo NAME]\n"
		"                [--verify] [--sni NAME] [--ca-file PATH] [--ca-path DIR]\n"
		"                [--warning MS] [--critical MS] [--strict] [-v]\n"
		"One SMTP probe without SNMP, printed as a monitoring plugin does: exit status\n"
		"0 OK, 1 WARNING (slower than --warning, a certificate inside 14 days, or with\n"
		"--strict a reply that breaks RFC 5321 in a way sending MTAs tolerate),\n"
		"2 CRITICAL (failed, or slower than --critical), 3 UNKNOWN (usage).\n");
	return code;
}

static int number(const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Options that a smtpMonServer line could say become its keys, so that
 * the directive parser checks them as it checks the configuration. */
static int add_key(struct oneshot *o, const char *key, const char *value)
{
	size_t len = strlen(o->keys);
	int n = snprintf(o->keys + len, sizeof(o->keys) - len, " %s=%s", key, value);

	return n < 0 || (size_t)n >= sizeof(o->keys) - len ? -1 : 0;
}

static int apply_option(struct oneshot *o, int c, const char *arg)
{
	switch (c) {
	case 's': return add_key(o, "tls", "starttls");
	case 'T': return add_key(o, "tls", "implicit");
	case 'V': return add_key(o, "verifyCert", "yes");
	case 't': return add_key(o, "timeout", arg);
	case 'e': return add_key(o, "helo", arg);
	case 'n': return add_key(o, "sni", arg);
	case 'v': o->verbose = 1; return 0;
	case 'S': o->strict = 1; return 0;
	case 'f': o->ca_file = arg; return 0;
	case 'd': o->ca_path = arg; return 0;
	case 'w': return number(arg, 0, 3600000, &o->warning_ms);
	case 'c': return number(arg, 0, 3600000, &o->critical_ms);
	}
	return -1;
}

static int parse(struct oneshot *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "probe", required_argument, NULL, 'p' },
		{ "starttls", no_argument, NULL, 's' },
		{ "tls", no_argument, NULL, 'T' },
		{ "timeout", required_argument, NULL, 't' },
		{ "helo", required_argument, NULL, 'e' },
		{ "verify", no_argument, NULL, 'V' },
		{ "sni", required_argument, NULL, 'n' },
		{ "ca-file", required_argument, NULL, 'f' },
		{ "ca-path", required_argument, NULL, 'd' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "strict", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	char spec[TARGET_HOST_MAX + 16 + sizeof(o->keys)], err[600];
	const char *host = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		if (c == 'p')
			host = optarg;
		else if (c == '?' || apply_option(o, c, optarg) != 0)
			return -1;
	}
	if (!host || optind < argc || strlen(host) > TARGET_HOST_MAX + 8)
		return -1;
	snprintf(spec, sizeof(spec), "probe %s%s", host, o->keys);
	if (target_parse_server(spec, &o->cfg, err, sizeof(err)) != 0) {
		fprintf(stdout, "SMTP UNKNOWN - %s\n", err);
		return -1;
	}
	return 0;
}

static void on_done(const struct probe_outcome *out, void *arg)
{
	struct oneshot *o = arg;

	o->out = *out;
	o->done = 1;
}

static void on_named(const char *name, void *arg)
{
	struct oneshot *o = arg;

	if (name)
		snprintf(o->helo, sizeof(o->helo), "%s", name);
	o->lookup = NULL;
	o->named = 1;
}

static void on_enough(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	((struct oneshot *)arg)->named = 1;
}

/* The host's fully qualified name, asked of the resolver for at most half
 * of --timeout: without an answer by then the probe says the host's name
 * as it is. */
static void qualify(struct oneshot *o, struct event_base *base, struct evdns_base *dns)
{
	uint64_t half_us = (uint64_t)o->cfg.opt.timeout_s * 500000u;
	struct timeval half = { (time_t)(half_us / 1000000u), (suseconds_t)(half_us % 1000000u) };
	struct event *enough = evtimer_new(base, on_enough, o);

	if (!enough || !(o->lookup = helo_lookup_start(dns, &o->ask, on_named, o))) {
		if (enough)
			event_free(enough);
		return;
	}
	evtimer_add(enough, &half);
	while (!o->named)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(enough);
	helo_lookup_cancel(o->lookup);   /* unless it answered; let go of from the loop */
}

/* evdns says on stderr when a server refuses or fails; the status line
 * says what matters, and nothing else may come out. */
static void quiet(int severity, const char *msg)
{
	(void)severity;
	(void)msg;
}

/* OpenSSL only for a probe that speaks TLS, and the trust anchors (the
 * system store, or --ca-file / --ca-path) only for one that verifies: a
 * plain probe pays for neither, and names no CA file it would not read. */
static SSL_CTX *tls_for(const struct oneshot *o, char *err, size_t size)
{
	if (o->cfg.opt.tls == TLS_NONE)
		return NULL;
	/* The process exits after one probe: OpenSSL's clean-up at exit (6 %
	 * of a STARTTLS run's instructions, callgrind) would only free what the
	 * exit frees. What it holds stays reachable from its globals. */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
	if (!o->cfg.opt.verify_cert)
		return tls_context_bare(err, size);
	return tls_context_new(o->ca_file, o->ca_path, err, size);
}

/* The probe engine on a loop of our own; then the QUIT courtesy. The
 * lookup of the EHLO name and the probe together keep within --timeout. */
static int run(struct oneshot *o)
{
	struct event_base *base = event_base_new();
	struct evdns_base *dns = NULL;
	char err[PATH_MAX + 64];
	SSL_CTX *tls = tls_for(o, err, sizeof(err));
	struct probe_engine *e = NULL;
	struct probe *handle;
	uint64_t until, start = monotime_us(), within = (uint64_t)o->cfg.opt.timeout_s * 1000000u;
	int rc = -1;

	evdns_set_log_fn(quiet);
	if (base)
		dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	if (!dns && base)
		dns = evdns_base_new(base, 0);
	if (!tls && o->cfg.opt.tls != TLS_NONE)
		fprintf(stdout, "SMTP UNKNOWN - %s\n", err);
	if (base && dns && o->ask.n)
		qualify(o, base, dns);
	within = monotime_us() - start < within ? within - (monotime_us() - start) : 1;
	if (base && dns && (tls || o->cfg.opt.tls == TLS_NONE) && (e = probe_engine_new(base, dns, tls, NULL)) &&
	    probe_start_within(e, &o->cfg, within, o->helo, on_done, o, &handle) == 0) {
		while (!o->done)
			event_base_loop(base, EVLOOP_ONCE);
		/* The QUIT grace ends at the deadline too: no probe outlives it. */
		until = monotime_us() + 1000000u;
		if (until > start + (uint64_t)o->cfg.opt.timeout_s * 1000000u)
			until = start + (uint64_t)o->cfg.opt.timeout_s * 1000000u;
		while (probe_engine_live(e) && monotime_us() < until)
			event_base_loop(base, EVLOOP_ONCE);
		rc = 0;
	}
	probe_engine_free(e);
	/* A cancelled lookup lets go from the loop; with nothing active, turning
	 * it costs a system call and does nothing. */
	for (int i = 0; base && i < 10 &&
	     event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE); i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	if (dns)
		evdns_base_free(dns, 0);
	if (base)
		event_base_free(base);
	SSL_CTX_free(tls);
	return rc;
}

/* '|' separates the perfdata: never let a server's text contain one. */
static void plugin_text(char *s)
{
	for (; *s; s++)
		if (*s == '|')
			*s = '/';
}

static int judge(const struct oneshot *o, char *why, size_t size)
{
	const struct probe_outcome *r = &o->out;
	double ms = r->latency_us / 1000.0;

	if (r->result == RESULT_INTERNAL_ERROR) {
		snprintf(why, size, "%s", r->error);
		return STATE_UNKNOWN;
	}
	if (r->result != RESULT_OK) {
		snprintf(why, size, "%s%s%s%s: %s", probe_result_name(r->result),
			 r->enhanced_code[0] ? " (" : "", r->enhanced_code,
			 r->enhanced_code[0] ? ")" : "", r->error);
		return STATE_CRITICAL;
	}
	if (o->critical_ms >= 0 && ms > o->critical_ms) {
		snprintf(why, size, "%.1f ms (critical above %ld ms), %s", ms, o->critical_ms, r->banner);
		return STATE_CRITICAL;
	}
	if (o->warning_ms >= 0 && ms > o->warning_ms) {
		snprintf(why, size, "%.1f ms (warning above %ld ms), %s", ms, o->warning_ms, r->banner);
		return STATE_WARNING;
	}
	if (r->tls.have_cert && r->tls.days_left < 14) {
		snprintf(why, size, "%.1f ms, certificate expires in %d days, %s", ms,
			 r->tls.days_left, r->banner);
		return STATE_WARNING;
	}
	if (r->warning[0]) {
		snprintf(why, size, "%.1f ms, %s; breaks RFC 5321 (sending MTAs tolerate it): %s",
			 ms, r->banner, r->warning);
		return o->strict ? STATE_WARNING : STATE_OK;
	}
	snprintf(why, size, "%.1f ms, %s", ms, r->banner);
	return STATE_OK;
}

static void threshold(char *buf, size_t size, long ms)
{
	if (ms >= 0)
		snprintf(buf, size, "%.6f", ms / 1000.0);
	else
		buf[0] = '\0';
}

static void print_result(const struct oneshot *o, int state, char *why)
{
	const struct probe_outcome *r = &o->out;
	uint32_t total = r->result == RESULT_OK ? r->latency_us : r->elapsed_us;
	char warn[32], crit[32];

	threshold(warn, sizeof(warn), o->warning_ms);
	threshold(crit, sizeof(crit), o->critical_ms);
	plugin_text(why);
	printf("SMTP %s - %s | time=%.6fs;%s;%s;0 connect=%.6fs;;;0 banner=%.6fs;;;0 "
	       "helo=%.6fs;;;0", state_names[state], why, total / 1e6, warn, crit,
	       r->connect_us / 1e6, r->banner_us / 1e6, r->helo_us / 1e6);
	if (o->cfg.opt.tls != TLS_NONE)
		printf(" tls=%.6fs;;;0", r->tls_us / 1e6);
	printf("\n");
}

static void print_stages(const struct oneshot *o)
{
	const struct probe_outcome *r = &o->out;
	char addr[64] = "";

	if (r->addr_family)
		inet_ntop(r->addr_family, r->addr, addr, sizeof(addr));
	printf("address   %s port %u\n", addr[0] ? addr : "-", o->cfg.port);
	printf("connect   %9.3f ms\n", r->connect_us / 1000.0);
	printf("greeting  %9.3f ms  %s\n", r->banner_us / 1000.0, r->banner);
	/* The line that decided a multi-line greeting, when it is not the first. */
	if (r->stage == STAGE_GREETING && r->last_reply[0] && strcmp(r->last_reply, r->banner))
		printf("          decided by  %s\n", r->last_reply);
	if (r->tls.have_cert)
		printf("tls       %9.3f ms  %s, %s, issuer %s, %d days left\n", r->tls_us / 1000.0,
		       r->tls.version, r->tls.subject, r->tls.issuer, r->tls.days_left);
	if (r->helo_us || r->stage == STAGE_EHLO || r->stage == STAGE_HELO)   /* EHLO was sent */
		printf("ehlo/helo %9.3f ms  %s\n", r->helo_us / 1000.0,
		       r->stage == STAGE_EHLO || r->stage == STAGE_HELO || r->stage == STAGE_DONE ?
		       r->last_reply : "");
	if (r->enhanced_code[0])
		printf("enhanced  %s\n", r->enhanced_code);
	if (r->warning[0])
		printf("warning   %s\n", r->warning);
	if (r->ehlo_keywords[0])
		printf("keywords  %s\n", r->ehlo_keywords);
	printf("result    %s after %.3f ms at %s\n", probe_result_name(r->result),
	       r->elapsed_us / 1000.0, probe_stage_name(r->stage));
}

int oneshot_main(int argc, char **argv)
{
	struct oneshot o;
	struct target_options none;
	char why[1024];
	int state;

	memset(&o, 0, sizeof(o));
	memset(&none, 0, sizeof(none));
	o.warning_ms = o.critical_ms = -1;
	if (parse(&o, argc, argv) != 0)
		return usage(stdout, STATE_UNKNOWN);
	target_config_finish(&o.cfg, &none);
	if (!o.cfg.opt.helo[0])
		smtpmon_default_helo(o.helo, sizeof(o.helo), &o.ask);
	if (run(&o) != 0) {
		printf("SMTP UNKNOWN - cannot run the probe\n");
		return STATE_UNKNOWN;
	}
	state = judge(&o, why, sizeof(why));
	print_result(&o, state, why);
	if (o.verbose)
		print_stages(&o);
	return state;
}
