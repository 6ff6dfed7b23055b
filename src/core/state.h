/* SPDX-License-Identifier: ISC */
/* What smtpmon knows of a server: one probe's outcome, the TLS facts it
 * saw, and a row's state as the MIB shows it. Plain types, written by the
 * probe thread and copied across in the store (shared/store.h). */
#ifndef SMTPMON_STATE_H
#define SMTPMON_STATE_H

#include <stdint.h>

#include "core/probe_result.h"
#include "core/server_status.h"

#define STATE_TEXT_MAX 255   /* DisplayString (SIZE(0..255)) columns */

/* What a completed TLS handshake showed of the server's leaf certificate. */
struct tls_facts {
	int have_cert;
	char version[16];                      /* "TLSv1.3" */
	uint64_t not_after_wall_us;
	int32_t days_left;                     /* negative once expired */
	unsigned char fingerprint[32];         /* SHA-256, to tell a new certificate */
	char subject[STATE_TEXT_MAX + 1];      /* RFC 2253 */
	char issuer[STATE_TEXT_MAX + 1];
};

/* What one finished probe found: written by the probe engine. */
struct probe_outcome {
	enum probe_result result;
	enum probe_stage stage;                /* where it ended */
	int reply_code;                        /* the reply that decided, 0 if none */
	uint32_t elapsed_us;                   /* start (resolution included) to decision */
	uint32_t latency_us, connect_us, banner_us, helo_us, tls_us;
	int addr_family;                       /* AF_INET, AF_INET6 or 0 */
	unsigned char addr[16];
	char enhanced_code[12];                /* RFC 3463 "4.7.0" of the deciding reply, or "" */
	uint64_t finished_wall_us;
	struct tls_facts tls;                  /* kept from the last handshake */
	/* the texts last, as in tls_facts, for the store's packed copy */
	char last_reply[STATE_TEXT_MAX + 1];   /* last reply line received, if any */
	char error[STATE_TEXT_MAX + 1];        /* empty on success */
	char banner[STATE_TEXT_MAX + 1];       /* first greeting line, empty if none */
	char ehlo_keywords[STATE_TEXT_MAX + 1];
	char warning[STATE_TEXT_MAX + 1];      /* what a sending MTA would tolerate, or "" */
};

/* A row's state as the MIB shows it. The store keeps it packed (packed.h):
 * every number comes before the first text field. */
struct target_state {
	struct status_track track;
	struct cert_track cert;                /* smtpMonCertExpiring already sent? */
	uint64_t last_probe_wall_us;           /* 0: never probed */
	uint64_t last_change_wall_us;          /* 0: Status never changed */
	uint32_t probes, failures;             /* Counter32, wrap */
	uint64_t counters_since_us;            /* monotonic: when they started from 0 */
	unsigned dnsbl_listings;               /* DnsblListings */
	struct probe_outcome last;             /* LastBanner kept from the last greeting */
	char dnsbl_zones[STATE_TEXT_MAX + 1];  /* DnsblZones: the lists that list it */
};

#endif
