/* SPDX-License-Identifier: ISC */
/* Column names and numeric instance OIDs, for tools without the MIB. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/mib_columns.h"

static void a_server_column_in_a_named_row(void **state)
{
	char buf[256];
	const struct mib_column *c = mib_column_find("smtpMonServerStatus");

	(void)state;
	assert_non_null(c);
	assert_int_equal(mib_instance_oid(buf, sizeof(buf), c, "mx1"),
			 strlen(".1.3.6.1.4.1.8072.9999.9999.25.1.2.1.20.3.109.120.49"));
	assert_string_equal(buf, ".1.3.6.1.4.1.8072.9999.9999.25.1.2.1.20.3.109.120.49");
}

static void server_columns_by_their_short_names_in_any_case(void **state)
{
	(void)state;
	assert_ptr_equal(mib_column_find("Status"), mib_column_find("smtpMonServerStatus"));
	assert_ptr_equal(mib_column_find("certdaysleft"),
			 mib_column_find("smtpMonServerCertDaysLeft"));
	assert_int_equal(mib_column_find("Latency")->column, 25);
	assert_int_equal(mib_column_find("DisplayName")->column, 45);
}

static void a_round_trip_column_by_its_full_name(void **state)
{
	char buf[256];
	const struct mib_column *c = mib_column_find("smtpMonRoundTripStatus");

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->table, 4);
	mib_instance_oid(buf, sizeof(buf), c, "rt");
	assert_string_equal(buf, ".1.3.6.1.4.1.8072.9999.9999.25.1.4.1.4.2.114.116");
}

static void the_index_alone(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(mib_instance_oid(buf, sizeof(buf), NULL, "mx1"), 12);
	assert_string_equal(buf, "3.109.120.49");
}

static void unknown_columns_and_bad_names_are_refused(void **state)
{
	char buf[256];

	(void)state;
	assert_null(mib_column_find("smtpMonServerName"));     /* the index: not-accessible */
	assert_null(mib_column_find("Bogus"));
	assert_null(mib_column_find("RoundTripStatus"));
	assert_int_equal(mib_instance_oid(buf, sizeof(buf), mib_column_find("Status"), ""), 0);
	assert_int_equal(mib_instance_oid(buf, sizeof(buf), mib_column_find("Status"), "a b"), 0);
	assert_int_equal(mib_instance_oid(buf, sizeof(buf), mib_column_find("Status"),
					  "123456789012345678901234567890123"), 0);
}

static void a_buffer_too_small_is_no_oid(void **state)
{
	char buf[40];

	(void)state;
	for (size_t n = 1; n < sizeof(buf); n++)
		assert_int_equal(mib_instance_oid(buf, n, mib_column_find("Status"), "mx1"), 0);
	assert_int_equal(mib_instance_oid(buf, 12, NULL, "mx1"), 0);
	assert_int_equal(mib_instance_oid(buf, 13, NULL, "mx1"), 12);
}

static void columns_are_in_oid_order(void **state)
{
	const struct mib_column *c = mib_columns();

	(void)state;
	for (; c[1].name; c++)
		assert_true(c[0].table < c[1].table ||
			    (c[0].table == c[1].table && c[0].column < c[1].column));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_server_column_in_a_named_row),
		cmocka_unit_test(server_columns_by_their_short_names_in_any_case),
		cmocka_unit_test(a_round_trip_column_by_its_full_name),
		cmocka_unit_test(the_index_alone),
		cmocka_unit_test(unknown_columns_and_bad_names_are_refused),
		cmocka_unit_test(a_buffer_too_small_is_no_oid),
		cmocka_unit_test(columns_are_in_oid_order),
	};

	return cmocka_run_group_tests_name("mib_columns", tests, NULL, NULL);
}
