/* SPDX-License-Identifier: ISC */
/* DateAndTime and InetAddress encodings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "core/mib_encode.h"

static void never_is_the_all_zero_eight_octets(void **state)
{
	unsigned char dt[DATE_AND_TIME_LEN];
	const unsigned char zero[8] = { 0 };

	(void)state;
	memset(dt, 0xaa, sizeof(dt));
	assert_int_equal(mib_date_and_time(0, dt), 8);
	assert_memory_equal(dt, zero, 8);
}

static void utc_time_with_zone_and_deciseconds(void **state)
{
	/* 2026-11-28 14:22:46.7 UTC */
	const uint64_t us = 1795875766700000ull;
	const unsigned char want[] = { 0x07, 0xea, 11, 28, 14, 22, 46, 7, '+', 0, 0 };
	unsigned char dt[DATE_AND_TIME_LEN];

	(void)state;
	assert_int_equal(mib_date_and_time(us, dt), 11);
	assert_memory_equal(dt, want, sizeof(want));
}

static void address_types(void **state)
{
	size_t len = 99;

	(void)state;
	assert_int_equal(mib_inet_address_type(AF_INET, &len), 1);
	assert_int_equal(len, 4);
	assert_int_equal(mib_inet_address_type(AF_INET6, &len), 2);
	assert_int_equal(len, 16);
	assert_int_equal(mib_inet_address_type(0, &len), 0);
	assert_int_equal(len, 0);
}

static void a_timestamp_is_uptime_then(void **state)
{
	(void)state;
	/* sysUpTime 1000.00 s; the counters started 250 s ago: 750.00 s */
	assert_int_equal(mib_timestamp(100000, 900000000ull, 650000000ull), 75000);
	/* started now */
	assert_int_equal(mib_timestamp(100000, 900000000ull, 900000000ull), 100000);
}

static void a_timestamp_before_the_agents_start_is_zero(void **state)
{
	(void)state;
	/* snmpd restarted 100 s ago; the counters are 250 s old */
	assert_int_equal(mib_timestamp(10000, 900000000ull, 650000000ull), 0);
	assert_int_equal(mib_timestamp(0, 900000000ull, 900000000ull), 0);
}

static void no_certificate_is_never_fewer_than_n_days(void **state)
{
	(void)state;
	assert_int_equal(mib_cert_days_left(0, 0), 2147483647);
	assert_int_equal(mib_cert_days_left(1, 0), 0);
	assert_int_equal(mib_cert_days_left(1, -3), -3);
	assert_int_equal(mib_cert_days_left(1, 90), 90);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(never_is_the_all_zero_eight_octets),
		cmocka_unit_test(utc_time_with_zone_and_deciseconds),
		cmocka_unit_test(address_types),
		cmocka_unit_test(a_timestamp_is_uptime_then),
		cmocka_unit_test(a_timestamp_before_the_agents_start_is_zero),
		cmocka_unit_test(no_certificate_is_never_fewer_than_n_days),
	};

	return cmocka_run_group_tests_name("mib_encode", tests, NULL, NULL);
}
