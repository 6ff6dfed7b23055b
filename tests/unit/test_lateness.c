/* SPDX-License-Identifier: ISC */
/* The lateness histogram: percentiles to the step of their bucket. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/lateness.h"

static void empty_is_zero(void **state)
{
	static struct lateness l;

	(void)state;
	assert_int_equal(lateness_percentile(&l, 50), 0);
}

static void percentiles_land_on_bucket_edges(void **state)
{
	static struct lateness l;

	(void)state;
	memset(&l, 0, sizeof(l));
	for (int i = 0; i < 98; i++)
		lateness_record(&l, 250);          /* 0.25 ms */
	lateness_record(&l, 42000);                /* 42 ms */
	lateness_record(&l, 2500000);              /* 2.5 s */
	assert_int_equal(l.count, 100);
	assert_int_equal(lateness_percentile(&l, 50), 300);
	assert_int_equal(lateness_percentile(&l, 99), 42100);
	assert_int_equal(lateness_percentile(&l, 100), 2510000);
	assert_int_equal(l.max_us, 2500000);
}

static void beyond_ten_seconds_reports_the_maximum(void **state)
{
	static struct lateness l;

	(void)state;
	memset(&l, 0, sizeof(l));
	lateness_record(&l, 60000000);
	assert_int_equal(lateness_percentile(&l, 50), 60000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_is_zero),
		cmocka_unit_test(percentiles_land_on_bucket_edges),
		cmocka_unit_test(beyond_ten_seconds_reports_the_maximum),
	};

	return cmocka_run_group_tests_name("lateness", tests, NULL, NULL);
}
