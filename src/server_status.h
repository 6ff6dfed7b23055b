/* A server's Status as probes come in (DESIGN section 5): pure state machine
 * with failThreshold / recoverThreshold damping and the latency threshold. */
#ifndef SMTPMON_SERVER_STATUS_H
#define SMTPMON_SERVER_STATUS_H

#include <stdint.h>

/* Values are the MIB's smtpMonServerStatus enumeration. */
enum server_status {
	STATUS_UNKNOWN = 1,
	STATUS_UP = 2,
	STATUS_DEGRADED = 3,
	STATUS_DOWN = 4,
	STATUS_DISABLED = 5,
};

struct status_params {
	unsigned fail_threshold;        /* consecutive failures before down */
	unsigned recover_threshold;     /* consecutive successes before up again */
	uint32_t latency_threshold_ms;  /* 0 = off; slower successes are degraded */
};

struct status_track {
	enum server_status status;
	unsigned consecutive_failures;
	unsigned consecutive_successes;
};

void status_init(struct status_track *t, int enabled);

/* Applies one probe's outcome; returns 1 when Status changed. */
int status_apply(struct status_track *t, const struct status_params *p,
		 int success, uint32_t latency_us);

const char *status_name(enum server_status s);

/* Values are the sub-identifiers of the MIB's notifications. */
enum status_notification {
	NOTIFY_SERVER_DOWN = 1,
	NOTIFY_SERVER_UP = 2,
	NOTIFY_SERVER_DEGRADED = 3,
};

/* The notifications a change of Status calls for, in the order to send
 * them; returns how many (0-2). Coming up at start-up is news to nobody;
 * a recovery that is slow clears the down alarm, then raises degraded. */
int status_notifications(enum server_status from, enum server_status to,
			 enum status_notification out[2]);

#endif
