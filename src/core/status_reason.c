/* SPDX-License-Identifier: ISC */
#include "core/status_reason.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/state.h"
#include "core/target_config.h"

struct status_params status_params_of(const struct target_config *cfg)
{
	struct status_params p = {
		.fail_threshold = cfg->opt.fail_threshold,
		.recover_threshold = cfg->opt.recover_threshold,
		.latency_threshold_ms = cfg->opt.latency_threshold_ms,
		.cert_warn_days = cfg->opt.cert_warn_days,
	};
	return p;
}

/* A growing sentence in a fixed buffer; what does not fit is cut. */
struct sentence {
	char *buf;
	size_t size, len;
};

static void say(struct sentence *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct sentence *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->len + 1 >= s->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->len, s->size - s->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len = s->len + (size_t)n < s->size ? s->len + (size_t)n : s->size - 1;
}

/* What made a server that answers degraded: each cause, "; " between. */
static void degraded_causes(struct sentence *s, const struct status_params *p,
			    const struct target_state *st)
{
	const struct tls_facts *t = &st->last.tls;
	struct probe_health h = { st->last.latency_us, t->have_cert, t->days_left, 0 };
	size_t start = s->len;

	if (status_is_slow(p, st->last.latency_us))
		say(s, "slower than %u ms: %.1f ms", (unsigned)p->latency_threshold_ms,
		    st->last.latency_us / 1000.0);
	if (status_cert_in_warning(p, &h) && t->days_left >= 0)
		say(s, "%scertificate expires in %d days", s->len > start ? "; " : "",
		    (int)t->days_left);
	else if (status_cert_in_warning(p, &h))
		say(s, "%scertificate expired %d days ago", s->len > start ? "; " : "",
		    (int)-t->days_left);
	if (st->dnsbl_listings)
		say(s, "%slisted on %s", s->len > start ? "; " : "", st->dnsbl_zones);
	if (s->len == start)
		say(s, "degraded at the last good probe");
}

/* A failure that did not (yet) change Status. */
static void pending_failure(struct sentence *s, const struct status_params *p,
			    const struct target_state *st)
{
	if (st->track.consecutive_failures)
		say(s, "; the last probe failed (%u of %u failures in a row for down): %s",
		    st->track.consecutive_failures, p->fail_threshold, st->last.error);
}

size_t status_reason(char *buf, size_t size, const struct target_config *cfg,
		     const struct target_state *st)
{
	struct status_params p = status_params_of(cfg);
	struct sentence s = { buf, size, 0 };

	if (!size)
		return 0;
	buf[0] = '\0';
	switch (st->track.status) {
	case STATUS_DISABLED:
		say(&s, "not probed: the row is disabled");
		break;
	case STATUS_UNKNOWN:
		if (!st->probes)
			say(&s, "not probed yet");
		else
			say(&s, "no verdict yet: %u of %u failures in a row for down: %s",
			    st->track.consecutive_failures, p.fail_threshold, st->last.error);
		break;
	case STATUS_DOWN:
		if (st->track.consecutive_failures)
			say(&s, "%u probes in a row failed: %s", st->track.consecutive_failures,
			    st->last.error);
		else
			say(&s, "recovering: %u of %u good probes in a row for up",
			    st->track.consecutive_successes, p.recover_threshold);
		break;
	case STATUS_DEGRADED:
		degraded_causes(&s, &p, st);
		pending_failure(&s, &p, st);
		break;
	case STATUS_UP:
		if (p.latency_threshold_ms)
			say(&s, "answered in %.1f ms (threshold %u ms)", st->last.latency_us / 1000.0,
			    (unsigned)p.latency_threshold_ms);
		else
			say(&s, "answered in %.1f ms", st->last.latency_us / 1000.0);
		pending_failure(&s, &p, st);
		break;
	}
	return s.len;
}
