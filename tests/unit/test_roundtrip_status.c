/* SPDX-License-Identifier: ISC */
/* A round trip's Status: down after failThreshold failed checks, with one
 * smtpMonRoundTripFailed; up on the next success, with one Recovered. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/roundtrip_status.h"

static void unknown_until_the_first_check_and_a_first_success_is_silent(void **state)
{
	struct roundtrip_track t;

	(void)state;
	roundtrip_track_init(&t);
	assert_int_equal(t.status, STATUS_UNKNOWN);
	assert_int_equal(roundtrip_track_apply(&t, 1, 1), RT_NOTIFY_NONE);
	assert_int_equal(t.status, STATUS_UP);
}

static void one_failure_is_down_with_the_default_threshold(void **state)
{
	struct roundtrip_track t;

	(void)state;
	roundtrip_track_init(&t);
	assert_int_equal(roundtrip_track_apply(&t, 1, 0), RT_NOTIFY_FAILED);
	assert_int_equal(t.status, STATUS_DOWN);
	assert_int_equal(roundtrip_track_apply(&t, 1, 0), RT_NOTIFY_NONE);   /* once per outage */
	assert_int_equal(t.consecutive_failures, 2);
}

static void down_waits_for_fail_threshold_failures_in_a_row(void **state)
{
	struct roundtrip_track t;

	(void)state;
	roundtrip_track_init(&t);
	roundtrip_track_apply(&t, 3, 1);
	assert_int_equal(roundtrip_track_apply(&t, 3, 0), RT_NOTIFY_NONE);
	assert_int_equal(roundtrip_track_apply(&t, 3, 0), RT_NOTIFY_NONE);
	assert_int_equal(roundtrip_track_apply(&t, 3, 1), RT_NOTIFY_NONE);   /* the count restarts */
	assert_int_equal(roundtrip_track_apply(&t, 3, 0), RT_NOTIFY_NONE);
	assert_int_equal(roundtrip_track_apply(&t, 3, 0), RT_NOTIFY_NONE);
	assert_int_equal(t.status, STATUS_UP);
	assert_int_equal(roundtrip_track_apply(&t, 3, 0), RT_NOTIFY_FAILED);
	assert_int_equal(t.status, STATUS_DOWN);
}

static void one_success_recovers_with_one_notification(void **state)
{
	struct roundtrip_track t;

	(void)state;
	roundtrip_track_init(&t);
	roundtrip_track_apply(&t, 1, 0);
	assert_int_equal(roundtrip_track_apply(&t, 1, 1), RT_NOTIFY_RECOVERED);
	assert_int_equal(t.status, STATUS_UP);
	assert_int_equal(t.consecutive_failures, 0);
	assert_int_equal(roundtrip_track_apply(&t, 1, 1), RT_NOTIFY_NONE);
}

static void results_have_the_mib_names(void **state)
{
	(void)state;
	assert_string_equal(roundtrip_result_name(RT_OK), "ok");
	assert_string_equal(roundtrip_result_name(RT_MESSAGE_REJECTED), "messageRejected");
	assert_string_equal(roundtrip_result_name(RT_MAILBOX_LOGIN_FAILED), "mailboxLoginFailed");
	assert_string_equal(roundtrip_result_name(RT_DELIVERY_TIMEOUT), "deliveryTimeout");
	assert_string_equal(roundtrip_result_name((enum roundtrip_result)42), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_until_the_first_check_and_a_first_success_is_silent),
		cmocka_unit_test(one_failure_is_down_with_the_default_threshold),
		cmocka_unit_test(down_waits_for_fail_threshold_failures_in_a_row),
		cmocka_unit_test(one_success_recovers_with_one_notification),
		cmocka_unit_test(results_have_the_mib_names),
	};

	return cmocka_run_group_tests_name("roundtrip_status", tests, NULL, NULL);
}
