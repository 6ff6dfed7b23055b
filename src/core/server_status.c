/* SPDX-License-Identifier: ISC */
#include "core/server_status.h"

#include <string.h>

void status_init(struct status_track *t, int enabled)
{
	t->status = enabled ? STATUS_UNKNOWN : STATUS_DISABLED;
	t->consecutive_failures = 0;
	t->consecutive_successes = 0;
}

int status_is_slow(const struct status_params *p, uint32_t latency_us)
{
	return p->latency_threshold_ms && latency_us > (uint64_t)p->latency_threshold_ms * 1000u;
}

int status_cert_in_warning(const struct status_params *p, const struct probe_health *h)
{
	return h->have_cert && h->cert_days_left < (int64_t)p->cert_warn_days;
}

static int degraded(const struct status_params *p, const struct probe_health *h)
{
	return status_is_slow(p, h->latency_us) || status_cert_in_warning(p, h) || h->listed;
}

static enum server_status next_status(const struct status_track *t,
				      const struct status_params *p,
				      int success, const struct probe_health *h)
{
	if (!success)
		return t->consecutive_failures >= p->fail_threshold ? STATUS_DOWN : t->status;
	if (t->status == STATUS_DOWN && t->consecutive_successes < p->recover_threshold)
		return STATUS_DOWN;
	return degraded(p, h) ? STATUS_DEGRADED : STATUS_UP;
}

int status_reassess(struct status_track *t, const struct status_params *p,
		    const struct probe_health *h)
{
	enum server_status before = t->status;

	if (before != STATUS_UP && before != STATUS_DEGRADED)
		return 0;
	t->status = degraded(p, h) ? STATUS_DEGRADED : STATUS_UP;
	return t->status != before;
}

int status_apply(struct status_track *t, const struct status_params *p,
		 int success, const struct probe_health *h)
{
	enum server_status before = t->status;

	if (before == STATUS_DISABLED)
		return 0;
	if (success) {
		t->consecutive_failures = 0;
		t->consecutive_successes++;
	} else {
		t->consecutive_successes = 0;
		t->consecutive_failures++;
	}
	t->status = next_status(t, p, success, h);
	return t->status != before;
}

const char *status_name(enum server_status s)
{
	switch (s) {
	case STATUS_UNKNOWN:
		return "unknown";
	case STATUS_UP:
		return "up";
	case STATUS_DEGRADED:
		return "degraded";
	case STATUS_DOWN:
		return "down";
	case STATUS_DISABLED:
		return "disabled";
	}
	return "invalid";
}

int status_notifications(enum server_status from, enum server_status to,
			 enum status_notification out[2])
{
	int n = 0;

	if (from == to || from == STATUS_DISABLED || to == STATUS_DISABLED)
		return 0;
	if (to == STATUS_DOWN)
		out[n++] = NOTIFY_SERVER_DOWN;
	if ((to == STATUS_UP || to == STATUS_DEGRADED) &&
	    (from == STATUS_DOWN || (from == STATUS_DEGRADED && to == STATUS_UP)))
		out[n++] = NOTIFY_SERVER_UP;
	if (to == STATUS_DEGRADED)
		out[n++] = NOTIFY_SERVER_DEGRADED;
	return n;
}

int cert_expiry_due(struct cert_track *t, int in_warning, const unsigned char fp[32],
		    int32_t days_left)
{
	int expired = days_left < 0;
	int due;

	if (!in_warning) {
		t->warned = 0;
		return 0;
	}
	due = !t->warned || memcmp(t->fingerprint, fp, sizeof(t->fingerprint)) != 0 ||
	      (expired && !t->warned_expired);
	t->warned = 1;
	t->warned_expired = expired;
	memcpy(t->fingerprint, fp, sizeof(t->fingerprint));
	return due;
}
