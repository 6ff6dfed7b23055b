/* SPDX-License-Identifier: ISC */
/* What a domain watch finds of the domain's demands on senders' TLS, and
 * what it makes of it: its MTA-STS policy (RFC 8461) and its MX hosts'
 * DANE TLSA records (RFC 7672), judged against what each MX presented.
 * The probe thread fills a report (probe/domain_checks.c); the judging is
 * pure, for the agent thread and the tests. */
#ifndef SMTPMON_DOMAIN_POLICY_H
#define SMTPMON_DOMAIN_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "core/domain_config.h"
#include "core/dns_packet.h"
#include "core/mta_sts.h"
#include "core/mx_set.h"

#define TLSA_KEPT_MAX 8                 /* usable records kept per MX host */
#define POLICY_TEXT_MAX 160

/* Values are the MIB's smtpMonDomainMtaStsState. */
enum mta_sts_state {
	MTA_STS_UNKNOWN = 1,            /* not checked yet */
	MTA_STS_DISABLED,               /* mtaSts=no */
	MTA_STS_NONE,                   /* no _mta-sts record: no policy */
	MTA_STS_OK,                     /* a sender following the policy delivers */
	MTA_STS_DNS_ERROR,              /* the TXT lookup failed */
	MTA_STS_INVALID_RECORD,         /* several v=STSv1 records, or one unreadable */
	MTA_STS_FETCH_FAILED,           /* the policy could not be fetched */
	MTA_STS_REDIRECTED,             /* the policy URL answered with a redirect */
	MTA_STS_TOO_LARGE,              /* the policy is over MTA_STS_POLICY_MAX */
	MTA_STS_INVALID_POLICY,         /* not a policy, or not served as text/plain */
	MTA_STS_MX_NOT_COVERED,         /* an MX host matches no mx pattern */
	MTA_STS_CERT_INVALID,           /* an MX's certificate is not valid for its name */
};

/* Values are the MIB's smtpMonServerDaneState. */
/* In order of gravity: from DANE_EXPIRING on, a notification is sent. */
enum dane_state {
	DANE_UNKNOWN = 1,               /* not checked yet */
	DANE_DISABLED,                  /* dane=no, or not a domain watch's row */
	DANE_NONE,                      /* no TLSA records: DANE does not apply */
	DANE_VALID,                     /* a record matches what the MX presents */
	DANE_UNSIGNED,                  /* records, but not DNSSEC-signed: senders ignore them */
	DANE_NO_TRUST_ANCHOR,           /* records, but no smtpMonTrustAnchor to validate them */
	DANE_UNREACHABLE,               /* the MX could not be reached to check it */
	DANE_EXPIRING,                  /* valid, but the certificate expires soon and
					 * no record for a next one is published */
	DANE_MISMATCH,                  /* no record matches: DANE senders do not deliver */
	DANE_BOGUS,                     /* DNSSEC validation failed: senders defer */
	DANE_DNS_ERROR,                 /* the TLSA lookup failed: senders defer */
	DANE_NO_TLS,                    /* records, and the MX offers no TLS: senders defer */
};

/* How a policy fetch ended. */
enum policy_fetch_outcome {
	FETCH_NOT_RUN = 0,
	FETCH_OK,
	FETCH_FAILED,                   /* resolve, connect, TLS, an HTTP status not 200 */
	FETCH_REDIRECTED,
	FETCH_TOO_LARGE,
	FETCH_NOT_TEXT,                 /* served with another media type */
};

/* The TLSA records of one MX host (_PORT._tcp.MX). */
struct tlsa_set {
	char mx[DNS_NAME_MAX + 1];
	enum dns_outcome outcome;       /* 0: not asked */
	int secure, bogus;
	char error[128];
	unsigned usable;                /* DANE-TA(2) and DANE-EE(3) records */
	unsigned unusable;              /* PKIX-TA(0), PKIX-EE(1), unknown: ignored */
	struct dns_tlsa rec[TLSA_KEPT_MAX];
};

/* One connection to a row's MX (or address), with TLS, to see what it presents. */
enum tls_check_outcome {
	TLS_CHECK_NOT_RUN = 0,
	TLS_CHECK_UNREACHABLE,          /* no connection or no SMTP greeting */
	TLS_CHECK_NO_TLS,               /* no STARTTLS, or the handshake failed */
	TLS_CHECK_DONE,
};

struct tls_check {
	char mx[DNS_NAME_MAX + 1];
	struct dns_addr addr;           /* family 0: by name */
	enum tls_check_outcome outcome;
	char error[128];                /* unreachable, no TLS: why */
	int pkix_ok;                    /* the chain verifies to a trust anchor for MX */
	char pkix_error[96];
	int32_t days_left;              /* the leaf certificate's */
	int dane_checked;               /* DANE was on in the handshake */
	int dane_ok;
	char dane_error[96];
	char dane_record[96];           /* the record that matched, "3 1 1 a1b2c3..." */
	unsigned spare;                 /* usable records that match nothing presented */
};

struct domain_policy_report {
	/* MTA-STS */
	int mta_sts;                    /* checked (mtaSts=yes) */
	struct {
		enum dns_outcome outcome;
		char error[128];
		int found;              /* mta_sts_record_read's answer */
		char id[MTA_STS_ID_MAX + 1];
		char problem[128];      /* found -1: why */
	} txt;
	enum policy_fetch_outcome fetch;
	char fetch_error[POLICY_TEXT_MAX];
	int policy_ok;
	char policy_error[128];
	struct mta_sts_policy policy;
	/* DANE */
	int dane;                       /* checked (dane=yes) */
	int have_anchor;                /* TLSA answers were validated */
	unsigned ntlsa;
	struct tlsa_set tlsa[MX_HOSTS_MAX];
	/* The connections, one per row (the watch's family) */
	unsigned nchecks;
	struct tls_check check[DOMAIN_ROWS_MAX];
};

/* The TLSA answer A for MX into T. */
void tlsa_set_from_answer(struct tlsa_set *t, const char *mx, const struct dns_answer *a);

/* R's TLSA records, or NULL when MX was not asked. */
const struct tlsa_set *policy_tlsa_for(const struct domain_policy_report *r, const char *mx);

/* R's connection to MX at WHERE (family 0: by name), or NULL. */
const struct tls_check *policy_check_for(const struct domain_policy_report *r, const char *mx,
					 const struct dns_addr *where);

/* The domain's MTA-STS state from R and its MX set S, with why in REASON;
 * WARN_DAYS: certificates expiring sooner are named in it. */
enum mta_sts_state mta_sts_judge(const struct domain_policy_report *r, const struct mx_set *s,
				 uint32_t warn_days, char *reason, size_t size);

/* One row's DANE state from its MX host's records T (NULL: not asked) and
 * its connection C (NULL: not made), with why in REASON and the matching
 * record in RECORD; WARN_DAYS as certWarnDays. */
enum dane_state dane_judge(int have_anchor, const struct tlsa_set *t, const struct tls_check *c,
			   uint32_t warn_days, char *reason, size_t size, char *record,
			   size_t rsize);

const char *mta_sts_state_name(enum mta_sts_state s);
const char *dane_state_name(enum dane_state s);

/* States a notification is sent for: a sender following the policy or the
 * records defers or bounces mail, or soon will. */
int mta_sts_state_is_problem(enum mta_sts_state s);
int dane_state_is_problem(enum dane_state s);

/* "3 1 1 a1b2c3d4e5f6..." (the data cut to 32 hex digits and "..."). */
void tlsa_text(const struct dns_tlsa *t, char *buf, size_t size);

#endif
