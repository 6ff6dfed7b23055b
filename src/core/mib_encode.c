/* SPDX-License-Identifier: ISC */
#include "core/mib_encode.h"

#include <string.h>
#include <sys/socket.h>
#include <time.h>

size_t mib_date_and_time(uint64_t wall_us, unsigned char out[DATE_AND_TIME_LEN])
{
	time_t secs = (time_t)(wall_us / 1000000u);
	struct tm tm;
	int year;

	if (wall_us == 0 || !gmtime_r(&secs, &tm)) {
		memset(out, 0, 8);
		return 8;
	}
	year = tm.tm_year + 1900;
	out[0] = (unsigned char)(year >> 8);
	out[1] = (unsigned char)(year & 0xff);
	out[2] = (unsigned char)(tm.tm_mon + 1);
	out[3] = (unsigned char)tm.tm_mday;
	out[4] = (unsigned char)tm.tm_hour;
	out[5] = (unsigned char)tm.tm_min;
	out[6] = (unsigned char)(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	out[7] = (unsigned char)((wall_us / 100000u) % 10u);
	out[8] = '+';
	out[9] = 0;
	out[10] = 0;
	return DATE_AND_TIME_LEN;
}

int mib_inet_address_type(int family, size_t *len)
{
	if (family == AF_INET) {
		*len = 4;
		return 1;
	}
	if (family == AF_INET6) {
		*len = 16;
		return 2;
	}
	*len = 0;
	return 0;
}

uint32_t mib_timestamp(uint32_t uptime_cs, uint64_t now_us, uint64_t since_us)
{
	uint64_t ago_cs = now_us > since_us ? (now_us - since_us) / 10000u : 0;

	return ago_cs < uptime_cs ? uptime_cs - (uint32_t)ago_cs : 0;
}

int32_t mib_cert_days_left(int have_cert, int32_t days_left)
{
	return have_cert ? days_left : INT32_MAX;
}
