/* SPDX-License-Identifier: ISC */
#include "oneshot_domain.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "agent/host_name.h"
#include "core/domain_policy.h"
#include "core/fqdn.h"
#include "core/monotime.h"
#include "core/settings.h"
#include "probe/domain_watch.h"
#include "probe/probe_thread.h"
#include "shared/notify_queue.h"

enum { STATE_OK, STATE_WARNING, STATE_CRITICAL, STATE_UNKNOWN };
static const char *const state_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

struct oneshot_domain {
	char spec[TARGET_HOST_MAX + 16];        /* HOST[:PORT] */
	char keys[1024];                        /* the options as smtpMonDomain keys */
	int dane_only;                          /* --dane: HOST is one MX */
	struct smtpmon_settings settings;       /* resolvers, CA files, trust anchors */
	struct domain_config cfg;
	struct mx_set *set;
	struct domain_policy_report *report;
};

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: smtpmond --probe DOMAIN[:PORT] --domain [options]\n"
		"       smtpmond --probe MXHOST[:PORT] --dane [options]\n"
		"options: [--trust-anchor FILE] [--resolver ADDR]... [--ca-file PATH]\n"
		"         [--ca-path DIR] [--timeout S] [--helo NAME] [--family any|ipv4|ipv6|both]\n"
		"         [--cert-warn-days N]\n"
		"--domain: the MX set of DOMAIN, its MTA-STS policy and every MX's DANE records,\n"
		"as a domain watch checks them once; --dane: MXHOST's DANE records only.\n"
		"Exit status 0 OK, 1 WARNING (a testing policy that would fail, a policy that\n"
		"cannot be had, records that cannot be validated, a certificate that expires\n"
		"within --cert-warn-days with no record for a next key), 2 CRITICAL (an enforced\n"
		"policy or a TLSA record that senders would fail on, the domain missing),\n"
		"3 UNKNOWN (usage, or the check could not be run).\n");
	return code;
}

static int add_key(struct oneshot_domain *o, const char *key, const char *value)
{
	size_t len = strlen(o->keys);
	int n = snprintf(o->keys + len, sizeof(o->keys) - len, " %s=%s", key, value);

	return n < 0 || (size_t)n >= sizeof(o->keys) - len ? -1 : 0;
}

static int add_resolver(struct oneshot_domain *o, const char *addr)
{
	struct smtpmon_settings *s = &o->settings;

	if (s->nresolvers == SMTPMON_RESOLVERS_MAX || strlen(addr) >= SMTPMON_RESOLVER_LEN)
		return -1;
	strcpy(s->resolver[s->nresolvers++], addr);
	return 0;
}

static int set_path(char dst[PATH_MAX], const char *arg)
{
	return snprintf(dst, PATH_MAX, "%s", arg) < PATH_MAX ? 0 : -1;
}

static int apply_option(struct oneshot_domain *o, int c, const char *arg)
{
	switch (c) {
	case 'p': return snprintf(o->spec, sizeof(o->spec), "%s", arg) < (int)sizeof(o->spec) ?
		  0 : -1;
	case 'D': return 0;
	case 'N': o->dane_only = 1; return add_key(o, "mtaSts", "no");
	case 'a': return set_path(o->settings.trust_anchor, arg);
	case 'r': return add_resolver(o, arg);
	case 'f': return set_path(o->settings.ca_file, arg);
	case 'd': return set_path(o->settings.ca_path, arg);
	case 't': return add_key(o, "timeout", arg);
	case 'e': return add_key(o, "helo", arg);
	case 'F': return add_key(o, "family", arg);
	case 'w': return add_key(o, "certWarnDays", arg);
	}
	return -1;
}

static int parse(struct oneshot_domain *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "probe", required_argument, NULL, 'p' },
		{ "domain", no_argument, NULL, 'D' },
		{ "dane", no_argument, NULL, 'N' },
		{ "trust-anchor", required_argument, NULL, 'a' },
		{ "resolver", required_argument, NULL, 'r' },
		{ "ca-file", required_argument, NULL, 'f' },
		{ "ca-path", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "helo", required_argument, NULL, 'e' },
		{ "family", required_argument, NULL, 'F' },
		{ "cert-warn-days", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	char line[sizeof(o->spec) + sizeof(o->keys) + 16], err[600];
	struct target_options none;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (c == '?' || apply_option(o, c, optarg) != 0)
			return -1;
	if (!o->spec[0] || optind < argc)
		return -1;
	snprintf(line, sizeof(line), "probe %s%s", o->spec, o->keys);
	if (domain_parse(line, &o->cfg, err, sizeof(err)) != 0) {
		printf("SMTP UNKNOWN - %s\n", err);
		return -1;
	}
	memset(&none, 0, sizeof(none));
	target_options_merge(&o->cfg.opt, &o->cfg.opt, &none);
	o->cfg.host_only = o->dane_only;
	return 0;
}

/* --- the run ----------------------------------------------------------------- */

/* The probe thread's parts (probe_thread.h), run on this thread: trust
 * anchors that cannot be read are an error here, not a warning. */
static struct probe_thread *make_parts(const struct oneshot_domain *o, char *err,
				       size_t errlen)
{
	struct probe_thread *t = probe_thread_new(&o->settings, 0, err, errlen);

	if (t && o->settings.trust_anchor[0] && !probe_thread_validator(t)) {
		probe_thread_free(t);
		return NULL;
	}
	return t;
}

/* A round is over when the MX set came and either no checks follow it (no
 * MX host) or their report came too. */
static int finished(struct oneshot_domain *o, struct domain_watches *set, struct domain_watch *w)
{
	uint64_t wall;

	if (!o->set)
		o->set = domain_watches_take(set, w, &wall);
	if (o->set && !o->report)
		o->report = domain_watches_take_report(set, w);
	return o->set && (o->report || (o->set->kind != MX_LISTED &&
					o->set->kind != MX_IMPLICIT) || o->set->nhosts == 0);
}

static void tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

static int run(struct oneshot_domain *o, char *err, size_t errlen)
{
	struct probe_thread *t = make_parts(o, err, errlen);
	struct notify_queue *activity = notify_queue_new(64, 0);
	struct domain_watches *set = NULL;
	struct domain_watch *w = NULL;
	struct event *ev = NULL;
	struct timeval every = { 0, 50000 };
	uint64_t until = monotime_us() + (10u + 3u * o->cfg.opt.timeout_s) * 1000000ull;
	char helo[TARGET_HELO_MAX + 1];
	struct fqdn_names ask = { 0 };
	int rc = -1;

	smtpmon_default_helo(helo, sizeof(helo), &ask);
	if (t && activity) {
		struct loop_parts loop = {
			probe_thread_base(t), probe_thread_dns(t), probe_thread_tls(t),
			probe_thread_gate(t), probe_thread_resolver(t), probe_thread_validator(t), helo,
		};

		set = domain_watches_new(&loop, activity);
		w = set ? domain_watches_add(set, &o->cfg, 0) : NULL;
		ev = event_new(loop.base, -1, EV_PERSIST, tick, NULL);
	}
	if (w && ev && event_add(ev, &every) == 0) {
		while (!finished(o, set, w) && monotime_us() < until)
			event_base_loop(probe_thread_base(t), EVLOOP_ONCE);
		rc = o->set ? 0 : (snprintf(err, errlen, "no answer in time"), -1);
	}
	if (ev)
		event_free(ev);
	domain_watches_free(set);
	probe_thread_free(t);
	notify_queue_free(activity);
	return rc;
}

/* --- the verdict ----------------------------------------------------------------- */

static int worse(int a, int b)
{
	return a > b ? a : b;
}

static int sts_verdict(enum mta_sts_state s, const struct mta_sts_policy *p)
{
	if (!mta_sts_state_is_problem(s))
		return STATE_OK;
	if ((s == MTA_STS_MX_NOT_COVERED || s == MTA_STS_CERT_INVALID) &&
	    p->mode == MTA_STS_ENFORCE)
		return STATE_CRITICAL;
	return STATE_WARNING;
}

static int dane_verdict(enum dane_state s)
{
	if (s == DANE_EXPIRING || s == DANE_NO_TRUST_ANCHOR)
		return STATE_WARNING;
	return dane_state_is_problem(s) ? STATE_CRITICAL : STATE_OK;
}

/* A line per row to OUT; the worst verdict, with VALID of N rows valid. */
static int print_mx(const struct oneshot_domain *o, FILE *out, unsigned *valid, unsigned *n)
{
	struct mx_row rows[DOMAIN_ROWS_MAX];
	unsigned cut, count = mx_rows(o->set, o->cfg.family, rows, DOMAIN_ROWS_MAX, &cut);
	char reason[256], record[96], where[TARGET_HOST_MAX + 1];
	int state = STATE_OK;

	for (unsigned i = 0; i < count; i++) {
		const struct domain_policy_report *r = o->report;
		enum dane_state d = dane_judge(r->have_anchor, r->dane ? policy_tlsa_for(r, rows[i].mx) :
					       NULL, policy_check_for(r, rows[i].mx, &rows[i].addr),
					       o->cfg.opt.cert_warn_days, reason, sizeof(reason),
					       record, sizeof(record));

		mx_row_where(&rows[i], where, sizeof(where));
		fprintf(out, "MX %u %s%s%s: DANE %s: %s\n", rows[i].pref, rows[i].mx,
		       rows[i].addr.family ? " at " : "", rows[i].addr.family ? where : "",
		       dane_state_name(d), reason);
		*valid += d == DANE_VALID;
		state = worse(state, dane_verdict(d));
	}
	*n = count;
	return state;
}

static int report(const struct oneshot_domain *o)
{
	char mx[256], sts[256], head[TARGET_HOST_MAX + 260];
	enum mta_sts_state s = MTA_STS_DISABLED;
	unsigned valid = 0, n = 0;
	int state = STATE_OK;
	char *lines = NULL;
	size_t len = 0;
	FILE *mem;

	mx_set_describe(o->set, mx, sizeof(mx));
	if (o->set->kind == MX_FAILED || o->set->kind == MX_NO_DOMAIN) {
		state = o->set->kind == MX_FAILED ? STATE_UNKNOWN : STATE_CRITICAL;
		printf("SMTP %s - %s: %s\n", state_names[state], o->cfg.domain, mx);
		return state;
	}
	if (o->report && !o->dane_only) {
		s = mta_sts_judge(o->report, o->set, o->cfg.opt.cert_warn_days, sts, sizeof(sts));
		state = sts_verdict(s, &o->report->policy);
	}
	snprintf(head, sizeof(head), "%s: %s", o->cfg.domain, mx);
	if (!o->report) {
		printf("SMTP OK - %s\n", head);
		return STATE_OK;
	}
	/* The status line comes first, with the MX lines' verdict in it. */
	mem = open_memstream(&lines, &len);
	if (!mem)
		return STATE_UNKNOWN;
	state = worse(state, print_mx(o, mem, &valid, &n));
	fclose(mem);
	printf("SMTP %s - %s; MTA-STS %s; DANE valid for %u of %u\n", state_names[state], head,
	       o->dane_only ? "not checked" : mta_sts_state_name(s), valid, n);
	if (!o->dane_only)
		printf("MTA-STS: %s\n", sts);
	fputs(lines ? lines : "", stdout);
	free(lines);
	return state;
}

int oneshot_domain_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--domain") == 0 || strcmp(argv[i], "--dane") == 0)
			return 1;
	return 0;
}

int oneshot_domain_main(int argc, char **argv)
{
	struct oneshot_domain *o = calloc(1, sizeof(*o));
	char err[600] = "";
	int state;

	if (!o) {
		printf("SMTP UNKNOWN - out of memory\n");
		return STATE_UNKNOWN;
	}
	if (parse(o, argc, argv) != 0) {
		free(o);
		return usage(stdout, STATE_UNKNOWN);
	}
	if (run(o, err, sizeof(err)) != 0) {
		printf("SMTP UNKNOWN - cannot run the check: %s\n", err[0] ? err : "out of memory");
		state = STATE_UNKNOWN;
	} else {
		state = report(o);
	}
	free(o->set);
	free(o->report);
	free(o);
	return state;
}
