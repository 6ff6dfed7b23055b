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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(never_is_the_all_zero_eight_octets),
		cmocka_unit_test(utc_time_with_zone_and_deciseconds),
		cmocka_unit_test(address_types),
	};

	return cmocka_run_group_tests_name("mib_encode", tests, NULL, NULL);
}
