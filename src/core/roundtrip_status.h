/* SPDX-License-Identifier: ISC */
/* smtpMonRoundTripLastResult and the round trip's Status rules
 * (doc/DESIGN.md section 4): pure, unit-tested. */
#ifndef SMTPMON_ROUNDTRIP_STATUS_H
#define SMTPMON_ROUNDTRIP_STATUS_H

#include <stdint.h>

#include "core/server_status.h"

/* Values are the MIB's smtpMonRoundTripLastResult enumeration. */
enum roundtrip_result {
	RT_NONE = 1,
	RT_OK = 2,
	RT_SEND_FAILED = 3,
	RT_SMTP_AUTH_FAILED = 4,
	RT_MESSAGE_REJECTED = 5,
	RT_MAILBOX_UNREACHABLE = 6,
	RT_MAILBOX_LOGIN_FAILED = 7,
	RT_DELIVERY_TIMEOUT = 8,
	RT_INTERNAL_ERROR = 9,
	RT_CERT_INVALID = 10,      /* a server's certificate did not verify: no credential sent */
};

/* Values are the sub-identifiers of the MIB's notifications. */
enum roundtrip_notification {
	RT_NOTIFY_NONE = 0,
	RT_NOTIFY_FAILED = 6,
	RT_NOTIFY_RECOVERED = 7,
};

struct roundtrip_track {
	enum server_status status;          /* unknown, up, down or disabled */
	unsigned consecutive_failures;
};

void roundtrip_track_init(struct roundtrip_track *t);

/* One finished check: down after FAIL_THRESHOLD failures in a row (one
 * Failed), up again on the next success (one Recovered; coming up at
 * start-up is news to nobody). Returns the notification due. */
enum roundtrip_notification roundtrip_track_apply(struct roundtrip_track *t,
						  unsigned fail_threshold, int success);

const char *roundtrip_result_name(enum roundtrip_result r);

/* What smtpMonRoundTripFailed / Recovered carry, on the notification queue. */
struct roundtrip_note {
	char name[33];                      /* smtpMonRoundTripName */
	char server[33];                    /* smtpMonRoundTripServer */
	enum roundtrip_result result;
	enum server_status status;          /* after the check */
	char error[256];
	uint32_t delivery_us;
};

#endif
