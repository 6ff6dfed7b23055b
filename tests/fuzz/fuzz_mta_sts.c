/* SPDX-License-Identifier: ISC */
/* libFuzzer target: what an HTTPS server sends as an MTA-STS policy, and a
 * TXT record as a resolver hands it on. Whatever the bytes, the readers stay
 * inside their buffers and what they accept keeps the policy's rules: a
 * mode, max_age within a year, mx patterns that are host names, and a
 * pattern that covers a name covers it whatever its case. */
#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mta_sts.h"

static void check_policy(const struct mta_sts_policy *p)
{
	char upper[DNS_NAME_MAX + 1];

	assert(p->mode >= MTA_STS_MODE_NONE && p->mode <= MTA_STS_ENFORCE);
	assert(p->max_age <= MTA_STS_MAX_AGE_MAX);
	assert(p->nmx <= MTA_STS_MX_MAX);
	assert(p->mode == MTA_STS_MODE_NONE || p->nmx > 0);
	for (unsigned i = 0; i < p->nmx; i++) {
		size_t n = strlen(p->mx[i]);

		assert(n > 0 && n <= DNS_NAME_MAX);
		for (size_t j = 0; j <= n; j++)
			upper[j] = (char)toupper((unsigned char)p->mx[i][j]);
		if (strncmp(p->mx[i], "*.", 2) != 0)
			assert(mta_sts_policy_covers(p, upper));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mta_sts_policy p;
	struct dns_answer *a = calloc(1, sizeof(*a));
	char err[256], id[MTA_STS_ID_MAX + 1], patterns[256];

	if (mta_sts_policy_read((const char *)data, size, &p, err, sizeof(err)) == 0)
		check_policy(&p);
	else
		assert(strlen(err) < sizeof(err));
	mta_sts_patterns(&p, patterns, sizeof(patterns));
	assert(strlen(patterns) < sizeof(patterns));
	a->outcome = DNS_ANSWER;
	a->count = 1;
	a->rec[0].type = DNS_TYPE_TXT;
	memcpy(a->rec[0].u.txt, data, size < DNS_TXT_MAX ? size : DNS_TXT_MAX);
	if (mta_sts_record_read(a, id, err, sizeof(err)) == 1)
		assert(strlen(id) >= 1 && strlen(id) <= MTA_STS_ID_MAX);
	free(a);
	return 0;
}
