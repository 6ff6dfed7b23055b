/* SPDX-License-Identifier: ISC */
/* Monotonic and wall clocks in microseconds: stage times never jump with NTP. */
#ifndef SMTPMON_MONOTIME_H
#define SMTPMON_MONOTIME_H

#include <stdint.h>
#include <time.h>

static inline uint64_t monotime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static inline uint64_t walltime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#endif
