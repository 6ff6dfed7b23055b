/* SPDX-License-Identifier: ISC */
/* The global settings, as the configuration and the writable scalars give
 * them (smtpMonDefaults, smtpMonHeloName, smtpMonCaFile, ...): plain values,
 * read by both threads' set-up code. */
#ifndef SMTPMON_SETTINGS_H
#define SMTPMON_SETTINGS_H

#include <limits.h>

#include "core/dnsbl.h"
#include "core/limits.h"
#include "core/target_config.h"

#define SMTPMON_RESOLVERS_MAX 3            /* as resolv.conf's nameserver lines */
#define SMTPMON_RESOLVER_LEN 56            /* "[IPv6]:PORT" */

/* Global settings from the configuration (smtpMonDefaults, smtpMonHeloName). */
struct smtpmon_settings {
	struct target_options defaults;        /* as given; built-ins fill the rest */
	char helo[TARGET_HELO_MAX + 1];        /* empty: the host's name */
	char helo_host[TARGET_HELO_MAX + 1];   /* HELO is the host's own name: that name as
						* found at once (HELO may be its fully
						* qualified form, found later); empty: given */
	int notifications;                     /* smtpMonNotifications: 1 yes, 0 no, -1 unset */
	char ca_file[PATH_MAX];                /* smtpMonCaFile; empty: system store */
	char ca_path[PATH_MAX];                /* smtpMonCaPath */
	char trust_anchor[PATH_MAX];           /* smtpMonTrustAnchor: DNSSEC trust anchors
						* (DANE); empty: TLSA records not validated */
	int globals_by_snmp;                   /* a scalar was SET: persist them */
	int history_size;                      /* smtpMonHistorySize; -1 unset (10) */
	struct dnsbl_zones dnsbl;              /* smtpMonDnsbl */
	char resolver[SMTPMON_RESOLVERS_MAX][SMTPMON_RESOLVER_LEN]; /* smtpMonResolver */
	unsigned nresolvers;                   /* 0: /etc/resolv.conf */
	struct smtpmon_limits limits;          /* smtpMonLimits */
	struct limits_allow allow;             /* smtpMonSetAllow: rows created by SET */
};

#define SMTPMON_HISTORY_DEFAULT 10
#define SMTPMON_HISTORY_MAX 1000

#endif
