/* SPDX-License-Identifier: ISC */
#include "core/roundtrip_status.h"

void roundtrip_track_init(struct roundtrip_track *t)
{
	t->status = STATUS_UNKNOWN;
	t->consecutive_failures = 0;
}

enum roundtrip_notification roundtrip_track_apply(struct roundtrip_track *t,
						  unsigned fail_threshold, int success)
{
	enum server_status before = t->status;

	if (success) {
		t->consecutive_failures = 0;
		t->status = STATUS_UP;
		return before == STATUS_DOWN ? RT_NOTIFY_RECOVERED : RT_NOTIFY_NONE;
	}
	if (t->consecutive_failures < UINT32_MAX)
		t->consecutive_failures++;
	if (t->consecutive_failures < (fail_threshold ? fail_threshold : 1))
		return RT_NOTIFY_NONE;
	t->status = STATUS_DOWN;
	return before == STATUS_DOWN ? RT_NOTIFY_NONE : RT_NOTIFY_FAILED;
}

const char *roundtrip_result_name(enum roundtrip_result r)
{
	static const char *const names[] = {
		"?", "none", "ok", "sendFailed", "smtpAuthFailed", "messageRejected",
		"mailboxUnreachable", "mailboxLoginFailed", "deliveryTimeout", "internalError",
		"certInvalid",
	};

	return r >= RT_NONE && r <= RT_CERT_INVALID ? names[r] : "?";
}
