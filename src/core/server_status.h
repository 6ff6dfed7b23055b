/* SPDX-License-Identifier: ISC */
/* A server's Status as probes come in (doc/DESIGN.md section 3): pure state machine
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
	unsigned cert_warn_days;        /* a certificate closer to expiry: degraded */
};

/* What a successful probe found that can make it degraded. */
struct probe_health {
	uint32_t latency_us;
	int have_cert;
	int32_t cert_days_left;
	int listed;                     /* on a DNS blocklist (not from the probe itself) */
};

struct status_track {
	enum server_status status;
	unsigned consecutive_failures;
	unsigned consecutive_successes;
};

void status_init(struct status_track *t, int enabled);

/* Applies one probe's outcome; returns 1 when Status changed. */
int status_apply(struct status_track *t, const struct status_params *p,
		 int success, const struct probe_health *h);

/* What changed since the last probe (a DNSBL listing came or went), with
 * H as it now stands: up and degraded follow it, down and unknown wait
 * for a probe. Returns 1 when Status changed. */
int status_reassess(struct status_track *t, const struct status_params *p,
		    const struct probe_health *h);

int status_is_slow(const struct status_params *p, uint32_t latency_us);
int status_cert_in_warning(const struct status_params *p, const struct probe_health *h);

/* Whether smtpMonCertExpiring was sent, and for which certificate. */
struct cert_track {
	int warned;
	int warned_expired;
	unsigned char fingerprint[32];
};

/* After a probe that saw a certificate (FP, DAYS_LEFT) inside the warning
 * window: 1 when smtpMonCertExpiring is due — the first time, for a new
 * certificate, or when the days cross zero. Outside the window it forgets. */
int cert_expiry_due(struct cert_track *t, int in_warning, const unsigned char fp[32],
		    int32_t days_left);

const char *status_name(enum server_status s);

/* Values are the sub-identifiers of the MIB's notifications. */
enum status_notification {
	NOTIFY_SERVER_DOWN = 1,
	NOTIFY_SERVER_UP = 2,
	NOTIFY_SERVER_DEGRADED = 3,
	NOTIFY_CERT_EXPIRING = 4,
	NOTIFY_SERVER_LISTED = 5,
	NOTIFY_ROUNDTRIP_FAILED = 6,       /* sent by roundtrip.c, not by status rules */
	NOTIFY_ROUNDTRIP_RECOVERED = 7,
	NOTIFY_DOMAIN_DOWN = 8,            /* sent by the domain watches (agent/domain_module.c) */
	NOTIFY_DOMAIN_DEGRADED = 9,
	NOTIFY_DOMAIN_UP = 10,
	NOTIFY_DOMAIN_MX_CHANGED = 11,
	NOTIFY_DOMAIN_MTA_STS_FAILED = 12, /* sent by agent/domain_tls.c */
	NOTIFY_DOMAIN_MTA_STS_OK = 13,
	NOTIFY_SERVER_DANE_FAILED = 14,
	NOTIFY_SERVER_DANE_OK = 15,
};

/* The notifications a change of Status calls for, in the order to send
 * them; returns how many (0-2). Coming up at start-up is news to nobody;
 * a recovery that is slow clears the down alarm, then raises degraded. */
int status_notifications(enum server_status from, enum server_status to,
			 enum status_notification out[2]);

#endif
