/* SPDX-License-Identifier: ISC */
/* What the configuration and, above all, SNMP SETs may make smtpmond hold
 * and do (smtpMonLimits, smtpMonSetAllow): how many rows, how often a row
 * created by SET is probed, how much memory the histories may take, and
 * which addresses and ports a row created by SET may point at. The pure
 * part: parsing, matching and the arithmetic, every buffer bounded. */
#ifndef SMTPMON_LIMITS_H
#define SMTPMON_LIMITS_H

#include <stddef.h>
#include <stdint.h>

/* Defaults: bench/ runs 10,000 servers, and 100,000 are planned; rows made
 * by SET come from the network, so they get a smaller share. The history
 * budget holds 10 entries (smtpMonHistorySize's default) for 100,000 rows
 * at the worst case of one entry (see HISTORY_ENTRY_BYTES). */
#define LIMITS_ROWS_DEFAULT 100000u
#define LIMITS_SET_ROWS_DEFAULT 1000u
#define LIMITS_SET_MIN_INTERVAL_DEFAULT 60u
#define LIMITS_HISTORY_MIB_DEFAULT 320u

#define LIMITS_ROWS_MAX 1000000u
#define LIMITS_HISTORY_MIB_MAX 1048576u        /* 1 TiB */
#define LIMITS_INTERVAL_MAX 86400u             /* as interval= */

/* smtpMonLimits rows=N setRows=N setMinInterval=SECONDS historyMemory=MIB */
struct smtpmon_limits {
	uint32_t rows;              /* every row, from the configuration or by SET */
	uint32_t set_rows;          /* rows created by SET (0: SET creates none) */
	uint32_t set_min_interval;  /* seconds; rows created by SET only */
	uint32_t history_mib;       /* smtpMonHistorySize x rows x one entry, in MiB */
};

void limits_default(struct smtpmon_limits *l);

/* One smtpMonLimits line, "key=value ...": the keys it gives replace those
 * of L, the others stay (a later line overrides an earlier one). All or
 * nothing: returns 0, or -1 with ERR filled and L untouched. */
int limits_parse(const char *args, struct smtpmon_limits *l, char *err, size_t errlen);

/* The allow-list of rows created by SET (smtpMonSetAllow): address
 * prefixes, each with the ports of its line (none: any port). */
#define LIMITS_ALLOW_MAX 64           /* prefixes, over every line */
#define LIMITS_PORTS_MAX 16           /* ports= of one line */

struct allow_rule {
	unsigned char v6;             /* 0: IPv4, 1: IPv6 */
	unsigned char bits;           /* prefix length */
	unsigned char addr[16];       /* IPv4 in the first 4 bytes */
	unsigned char nports;         /* 0: any port */
	uint16_t port[LIMITS_PORTS_MAX];
};

struct limits_allow {
	unsigned n;                   /* 0: no allow-list, everything goes */
	struct allow_rule rule[LIMITS_ALLOW_MAX];
};

/* One smtpMonSetAllow line, "PREFIX[,PREFIX...] [ports=PORT[,PORT...]]",
 * where PREFIX is ADDRESS[/BITS] (IPv4 or IPv6, without brackets; no bits
 * set past BITS): its prefixes are added to A, each with the line's ports.
 * All or nothing: returns 0, or -1 with ERR filled and A untouched. */
int limits_allow_parse(const char *args, struct limits_allow *a, char *err, size_t errlen);

enum allow_verdict {
	ALLOW_OK = 0,
	ALLOW_NOT_ADDRESS,            /* a name: only address literals are judged */
	ALLOW_HOST_OUTSIDE,           /* in no prefix */
	ALLOW_PORT_OUTSIDE,           /* in a prefix, but none of its lines has the port */
};

/* Whether a row may probe HOST (an IPv4 or IPv6 literal, without brackets)
 * at PORT; PORT 0 judges the host alone (in any prefix). An IPv4-mapped
 * IPv6 address (::ffff:192.0.2.1) is also its IPv4 address. Without an
 * allow-list, everything is ALLOW_OK. */
enum allow_verdict limits_allow_check(const struct limits_allow *a, const char *host,
				      uint16_t port);

/* Why V refuses HOST at PORT, for the log: "HOST is outside
 * smtpMonSetAllow" and the like (an IPv6 HOST in brackets); "" for
 * ALLOW_OK. Always a string within SIZE bytes. */
void limits_allow_explain(enum allow_verdict v, const char *host, uint16_t port, char *buf,
			  size_t size);

/* Whether some line of A takes PORT (any port without an allow-list). */
int limits_allow_port(const struct limits_allow *a, uint16_t port);

/* Bytes SIZE history entries of ENTRY bytes take for each of ROWS rows
 * (UINT64_MAX if that overflows). */
uint64_t limits_history_bytes(uint32_t size, uint32_t rows, size_t entry);

/* Whether they fit in L's history budget. */
int limits_history_fits(const struct smtpmon_limits *l, uint32_t size, uint32_t rows,
			size_t entry);

/* The largest size, at most CAP, that fits ROWS rows in L's budget. */
uint32_t limits_history_max_size(const struct smtpmon_limits *l, uint32_t rows, size_t entry,
				 uint32_t cap);

/* Whether a SET may leave ROWS rows, SET_ROWS of them created by SET:
 * 0, or the limit it would pass (LIMIT_ROWS or LIMIT_SET_ROWS). */
enum { LIMIT_ROWS = 1, LIMIT_SET_ROWS = 2 };
int limits_rows_check(const struct smtpmon_limits *l, uint64_t rows, uint64_t set_rows);

/* The whole MiB, rounded up, that BYTES take (for the log). */
uint64_t limits_mib(uint64_t bytes);

#endif
