/* SPDX-License-Identifier: ISC */
#include "core/lateness.h"

void lateness_record(struct lateness *l, uint64_t late_us)
{
	uint64_t coarse;

	l->count++;
	if (late_us > l->max_us)
		l->max_us = late_us;
	if (late_us < LATENESS_FINE * 100u) {
		l->fine[late_us / 100u]++;
		return;
	}
	coarse = (late_us - LATENESS_FINE * 100u) / 10000u;
	l->coarse[coarse < LATENESS_COARSE ? coarse : LATENESS_COARSE]++;
}

uint64_t lateness_percentile(const struct lateness *l, double p)
{
	uint64_t rank = (uint64_t)((double)l->count * p / 100.0 + 0.5), seen = 0;

	if (!l->count)
		return 0;
	if (rank < 1)
		rank = 1;
	for (unsigned i = 0; i < LATENESS_FINE; i++)
		if ((seen += l->fine[i]) >= rank)
			return (i + 1) * 100u;
	for (unsigned i = 0; i < LATENESS_COARSE; i++)
		if ((seen += l->coarse[i]) >= rank)
			return LATENESS_FINE * 100u + (i + 1) * 10000u;
	return l->max_us;
}
