/* SPDX-License-Identifier: ISC */
/* smtpMonServerStatusReason: every Status says why it is what it is. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/state.h"
#include "core/status_reason.h"
#include "core/target_config.h"

static struct target_config cfg;
static struct target_state st;
static char buf[256];

static int setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memset(&st, 0, sizeof(st));
	cfg.opt.fail_threshold = 2;
	cfg.opt.recover_threshold = 1;
	cfg.opt.cert_warn_days = 14;
	return 0;
}

static const char *reason(void)
{
	status_reason(buf, sizeof(buf), &cfg, &st);
	return buf;
}

static void disabled_and_never_probed(void **state)
{
	(void)state;
	st.track.status = STATUS_DISABLED;
	assert_string_equal(reason(), "not probed: the row is disabled");
	st.track.status = STATUS_UNKNOWN;
	assert_string_equal(reason(), "not probed yet");
}

static void unknown_counts_its_failures(void **state)
{
	(void)state;
	st.track.status = STATUS_UNKNOWN;
	st.probes = 1;
	st.track.consecutive_failures = 1;
	strcpy(st.last.error, "connect: connection refused");
	assert_string_equal(reason(), "no verdict yet: 1 of 2 failures in a row for down: "
			    "connect: connection refused");
}

static void down_gives_the_failure(void **state)
{
	(void)state;
	st.track.status = STATUS_DOWN;
	st.track.consecutive_failures = 3;
	strcpy(st.last.error, "greeting: the server refused the session");
	assert_string_equal(reason(), "3 probes in a row failed: greeting: the server refused "
			    "the session");
	cfg.opt.recover_threshold = 3;
	st.track.consecutive_failures = 0;
	st.track.consecutive_successes = 1;
	assert_string_equal(reason(), "recovering: 1 of 3 good probes in a row for up");
}

static void up_gives_the_time_and_a_pending_failure(void **state)
{
	(void)state;
	st.track.status = STATUS_UP;
	st.last.latency_us = 12345;
	assert_string_equal(reason(), "answered in 12.3 ms");
	cfg.opt.latency_threshold_ms = 200;
	assert_string_equal(reason(), "answered in 12.3 ms (threshold 200 ms)");
	st.track.consecutive_failures = 1;
	strcpy(st.last.error, "connect: timed out");
	assert_string_equal(reason(), "answered in 12.3 ms (threshold 200 ms); the last probe "
			    "failed (1 of 2 failures in a row for down): connect: timed out");
}

static void degraded_names_each_cause(void **state)
{
	(void)state;
	st.track.status = STATUS_DEGRADED;
	cfg.opt.latency_threshold_ms = 200;
	st.last.latency_us = 350200;
	assert_string_equal(reason(), "slower than 200 ms: 350.2 ms");
	st.last.latency_us = 1000;
	st.last.tls.have_cert = 1;
	st.last.tls.days_left = 9;
	assert_string_equal(reason(), "certificate expires in 9 days");
	st.last.tls.days_left = -4;
	st.dnsbl_listings = 1;
	strcpy(st.dnsbl_zones, "zen.example.org");
	assert_string_equal(reason(), "certificate expired 4 days ago; listed on zen.example.org");
}

static void a_long_reason_is_cut_not_overrun(void **state)
{
	char small[20];

	(void)state;
	st.track.status = STATUS_DOWN;
	st.track.consecutive_failures = 3;
	memset(st.last.error, 'e', sizeof(st.last.error) - 1);
	assert_int_equal(status_reason(small, sizeof(small), &cfg, &st), sizeof(small) - 1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_true(status_reason(buf, sizeof(buf), &cfg, &st) < sizeof(buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(disabled_and_never_probed, setup),
		cmocka_unit_test_setup(unknown_counts_its_failures, setup),
		cmocka_unit_test_setup(down_gives_the_failure, setup),
		cmocka_unit_test_setup(up_gives_the_time_and_a_pending_failure, setup),
		cmocka_unit_test_setup(degraded_names_each_cause, setup),
		cmocka_unit_test_setup(a_long_reason_is_cut_not_overrun, setup),
	};

	return cmocka_run_group_tests_name("status_reason", tests, NULL, NULL);
}
