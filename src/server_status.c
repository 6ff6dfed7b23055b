#include "server_status.h"

void status_init(struct status_track *t, int enabled)
{
	t->status = enabled ? STATUS_UNKNOWN : STATUS_DISABLED;
	t->consecutive_failures = 0;
	t->consecutive_successes = 0;
}

static enum server_status status_for_success(const struct status_params *p,
					     uint32_t latency_us)
{
	if (p->latency_threshold_ms &&
	    latency_us > (uint64_t)p->latency_threshold_ms * 1000u)
		return STATUS_DEGRADED;
	return STATUS_UP;
}

static enum server_status next_status(const struct status_track *t,
				      const struct status_params *p,
				      int success, uint32_t latency_us)
{
	if (!success)
		return t->consecutive_failures >= p->fail_threshold ? STATUS_DOWN : t->status;
	if (t->status == STATUS_DOWN && t->consecutive_successes < p->recover_threshold)
		return STATUS_DOWN;
	return status_for_success(p, latency_us);
}

int status_apply(struct status_track *t, const struct status_params *p,
		 int success, uint32_t latency_us)
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
	t->status = next_status(t, p, success, latency_us);
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
