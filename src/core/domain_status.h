/* SPDX-License-Identifier: ISC */
/* A domain watch's Status and its reason: whether mail to the domain gets
 * through, from its MX set and the Status of the rows it made. Pure. */
#ifndef SMTPMON_DOMAIN_STATUS_H
#define SMTPMON_DOMAIN_STATUS_H

#include <stddef.h>

#include "core/mx_set.h"
#include "core/server_status.h"

/* Values are the MIB's smtpMonDomainStatus. */
enum domain_status {
	DOMAIN_UNKNOWN = 1,
	DOMAIN_UP = 2,          /* every row takes mail, none degraded */
	DOMAIN_DEGRADED = 3,    /* mail gets through, but not to every MX or address */
	DOMAIN_DOWN = 4,        /* no row takes mail, or no MX host resolves */
	DOMAIN_NO_MAIL = 5,     /* a null MX: the domain says it takes no mail */
};

/* A row as the domain sees it. */
struct domain_row_view {
	const char *mx;
	const char *where;              /* its address, or the MX host */
	enum server_status status;
	const char *result;             /* LastResult's name, for a row down */
};

struct domain_view {
	const char *domain;
	const struct mx_set *set;       /* the last one that did not fail */
	unsigned cut;                   /* rows not made: DOMAIN_ROWS_MAX reached */
	unsigned nrows;
	const struct domain_row_view *rows;
};

/* The Status, with one sentence saying why in REASON (cut to SIZE). */
enum domain_status domain_status_of(const struct domain_view *v, char *reason, size_t size);

const char *domain_status_name(enum domain_status s);

/* What a domain notification carries, from the agent thread's watch to the
 * notifier (and its log line). */
struct domain_note {
	char watch[DOMAIN_WATCH_NAME_MAX + 1];
	char domain[TARGET_HOST_MAX + 1];
	enum domain_status status;
	char reason[256];
	char mx_set[256];
	char change[256];
	unsigned addresses, up;
	/* MTA-STS (NOTIFY_DOMAIN_MTA_STS_*): REASON says why */
	int sts_state, sts_mode;
	/* DANE (NOTIFY_SERVER_DANE_*): the row, REASON says why */
	char row[TARGET_NAME_MAX + 1];
	char host[TARGET_HOST_MAX + 1];
	char mx[TARGET_HOST_MAX + 1];
	unsigned port;
	int dane_state;
	char record[96];
};

/* As a row's Status, for the notification rules (server_status.h): noMail
 * is neither up nor down. */
enum server_status domain_status_as_server(enum domain_status s);

#endif
