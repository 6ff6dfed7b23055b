/* SPDX-License-Identifier: ISC */
/* The log's lines about servers and round trips, all formatted here: a failed
 * probe, a change of Status, a blocklist check, a round trip's result, and
 * the line for each notification sent. Pure: plain values in, one line out.
 *
 * Each log_line_* function writes its line, without the newline, into BUF
 * (SIZE bytes; NUL-terminated whenever SIZE > 0), cut at SIZE - 1 bytes, and
 * returns the length written. Every byte of the line is printable ASCII:
 * the texts given are cleaned as text_clean (text.h) cleans (a tab becomes
 * a space, any other byte outside 0x20..0x7e a '?'), so no text can end the
 * line or start another. LOG_LINE_MAX holds the longest line of every kind
 * whole, with texts as long as the store keeps them (255 octets each). */
#ifndef SMTPMON_LOG_LINE_H
#define SMTPMON_LOG_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/probe_result.h"
#include "core/roundtrip_status.h"
#include "core/domain_status.h"
#include "core/server_status.h"
#include "core/target_config.h"

#define LOG_LINE_MAX 1024

/* What a line tells of a server row's state (struct target_state): Status
 * and the last probe. The texts must not be NULL. */
struct log_server {
	enum server_status status;      /* Status now */
	enum probe_result result;       /* of the last probe */
	enum probe_stage stage;         /* where it ended */
	int reply_code;                 /* 0 if none */
	uint32_t elapsed_us;            /* start to decision */
	uint32_t latency_us;
	int addr_family;                /* AF_INET, AF_INET6, or 0 for no address */
	const unsigned char *addr;      /* 4 or 16 bytes */
	const char *error;              /* "" on success */
	unsigned dnsbl_listings;
	const char *dnsbl_zones;        /* the lists that list it */
	const char *cert_subject;
	const char *cert_issuer;
	int32_t cert_days_left;         /* negative once expired */
};

/* The notification's name in the MIB ("smtpMonServerDown"); "?" if none. */
const char *log_notification_name(enum status_notification kind);

/* A probe that failed: "smtpmon: probe of NAME (HOST:PORT at ADDR) failed
 * at STAGE after MS ms: RESULT, reply CODE: ERROR". */
size_t log_line_probe_failed(char *buf, size_t size, const struct target_config *cfg,
			     const struct log_server *s);

/* Status changed from WAS to S->status: "smtpmon: server NAME (HOST:PORT at
 * ADDR) is now down (was up): RESULT, reply CODE[: ERROR]". */
size_t log_line_status_changed(char *buf, size_t size, const struct target_config *cfg,
			       const struct log_server *s, enum server_status was);

/* A DNS blocklist check of S's address, and what the lists said (DETAIL). */
size_t log_line_dnsbl_checked(char *buf, size_t size, const struct target_config *cfg,
			      const struct log_server *s, const char *detail);

/* The line for a server's notification (every kind but the round trips'):
 * down, up and degraded tell Status and the last probe; smtpMonServerListed
 * the lists; smtpMonCertExpiring the certificate. */
size_t log_line_server_notification(char *buf, size_t size, enum status_notification kind,
				    const struct target_config *cfg, const struct log_server *s);

/* A round trip's check that failed: "smtpmon: round trip NAME through
 * SERVER failed: RESULT: ERROR". */
size_t log_line_roundtrip_failed(char *buf, size_t size, const struct roundtrip_note *n);

/* A round trip's Status changed from WAS to N->status. */
size_t log_line_roundtrip_changed(char *buf, size_t size, const struct roundtrip_note *n,
				  enum server_status was);

/* The line for smtpMonRoundTripFailed (KIND NOTIFY_ROUNDTRIP_FAILED) or
 * smtpMonRoundTripRecovered (any other KIND). */
size_t log_line_roundtrip_notification(char *buf, size_t size, enum status_notification kind,
				       const struct roundtrip_note *n);

/* The line for a domain notification (NOTIFY_DOMAIN_*). */
size_t log_line_domain_notification(char *buf, size_t size, enum status_notification kind,
				    const struct domain_note *n);

/* The syslog level of each kind of line, so that a log kept at warning
 * and worse (Debian runs snmpd with -LOw) still tells every outage: a
 * change for the worse and its notification at warning, a recovery at
 * notice, and a failure of something already known down at info, so that
 * a server that stays down does not fill the log every interval. */
int log_level_probe_failed(enum server_status now);
int log_level_status_changed(enum server_status now);
int log_level_notification(enum status_notification kind);
int log_level_roundtrip_failed(enum server_status before);

#endif
