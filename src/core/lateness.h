/* SPDX-License-Identifier: ISC */
/* How late probes start against their due time: a fixed histogram (100 us
 * steps to 100 ms, 10 ms steps to 10 s), so the probe thread can tell its
 * schedule's accuracy at any scale without keeping every sample. Pure. */
#ifndef SMTPMON_LATENESS_H
#define SMTPMON_LATENESS_H

#include <stdint.h>

#define LATENESS_FINE 1000      /* 100 us each: 0 to 100 ms */
#define LATENESS_COARSE 990     /* 10 ms each: 100 ms to 10 s */

struct lateness {
	uint64_t count;
	uint64_t max_us;
	uint32_t fine[LATENESS_FINE];
	uint32_t coarse[LATENESS_COARSE + 1];   /* the last: 10 s and more */
};

void lateness_record(struct lateness *l, uint64_t late_us);

/* The Pth percentile (0-100) in microseconds, to the step of its bucket's
 * upper edge; 0 when nothing was recorded. */
uint64_t lateness_percentile(const struct lateness *l, double p);

#endif
