/* SPDX-License-Identifier: ISC */
/* MTA-STS (RFC 8461) as a sending MTA reads it: the _mta-sts TXT record
 * (section 3.1), the policy file (section 3.2) and its mx patterns
 * (section 4.1). Pure and bounded: a record and a policy are hostile until
 * read. */
#ifndef SMTPMON_MTA_STS_H
#define SMTPMON_MTA_STS_H

#include <stddef.h>
#include <stdint.h>

#include "core/dns_packet.h"

#define MTA_STS_ID_MAX 32               /* 1*32(ALPHA / DIGIT) */
#define MTA_STS_MX_MAX 16               /* mx lines kept; more make the policy invalid */
#define MTA_STS_POLICY_MAX 65536        /* bytes read at most (section 3.3) */
#define MTA_STS_MAX_AGE_MAX 31557600    /* a year, section 3.2 */

/* Values are the MIB's smtpMonDomainMtaStsMode. */
enum mta_sts_mode {
	MTA_STS_NO_POLICY = 1,  /* none fetched */
	MTA_STS_MODE_NONE = 2,
	MTA_STS_TESTING = 3,
	MTA_STS_ENFORCE = 4,
};

struct mta_sts_policy {
	enum mta_sts_mode mode;
	uint32_t max_age;
	unsigned nmx;
	char mx[MTA_STS_MX_MAX][DNS_NAME_MAX + 1];     /* lower case */
};

/* The TXT answer A for _mta-sts.DOMAIN: 1 with ID filled when exactly one
 * record starts "v=STSv1;" and reads; 0 when none does; -1 with ERR
 * filled when several do or the one that does is not valid. */
int mta_sts_record_read(const struct dns_answer *a, char id[MTA_STS_ID_MAX + 1], char *err,
			size_t errlen);

/* The policy BODY (LEN bytes) into P: 0, or -1 with ERR filled. */
int mta_sts_policy_read(const char *body, size_t len, struct mta_sts_policy *p, char *err,
			size_t errlen);

/* 1 when the mx PATTERN covers MX: the same name, or "*." and one label
 * more (section 4.1); case is ignored. */
int mta_sts_mx_matches(const char *pattern, const char *mx);

/* 1 when one of P's patterns covers MX. */
int mta_sts_policy_covers(const struct mta_sts_policy *p, const char *mx);

const char *mta_sts_mode_name(enum mta_sts_mode m);

/* P's mx patterns as "mx1.example.com, *.example.net". */
void mta_sts_patterns(const struct mta_sts_policy *p, char *buf, size_t size);

#endif
