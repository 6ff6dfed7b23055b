/* SPDX-License-Identifier: ISC */
/* Status damping: failThreshold, recoverThreshold and latencyThreshold. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/server_status.h"

static const struct status_params defaults = { 2, 1, 0, 14 };

/* A successful probe's health: its latency, and no certificate. */
static const struct probe_health *fast(uint32_t latency_us)
{
	static struct probe_health h;

	h.latency_us = latency_us;
	h.have_cert = 0;
	h.cert_days_left = 0;
	return &h;
}

static const struct probe_health *with_cert(int32_t days_left)
{
	static struct probe_health h;

	h.latency_us = 1000;
	h.have_cert = 1;
	h.cert_days_left = days_left;
	return &h;
}

static void unknown_before_first_probe_up_after_success(void **state)
{
	struct status_track t;

	(void)state;
	status_init(&t, 1);
	assert_int_equal(t.status, STATUS_UNKNOWN);
	assert_int_equal(status_apply(&t, &defaults, 1, fast(1000)), 1);
	assert_int_equal(t.status, STATUS_UP);
	assert_int_equal(status_apply(&t, &defaults, 1, fast(1000)), 0);
}

static void down_only_after_fail_threshold_failures(void **state)
{
	struct status_track t;

	(void)state;
	status_init(&t, 1);
	status_apply(&t, &defaults, 1, fast(1000));
	assert_int_equal(status_apply(&t, &defaults, 0, fast(0)), 0);
	assert_int_equal(t.status, STATUS_UP);
	assert_int_equal(t.consecutive_failures, 1);
	assert_int_equal(status_apply(&t, &defaults, 0, fast(0)), 1);
	assert_int_equal(t.status, STATUS_DOWN);
	assert_int_equal(status_apply(&t, &defaults, 0, fast(0)), 0);
	assert_int_equal(t.consecutive_failures, 3);
}

static void failing_from_the_start_is_unknown_then_down(void **state)
{
	struct status_track t;

	(void)state;
	status_init(&t, 1);
	assert_int_equal(status_apply(&t, &defaults, 0, fast(0)), 0);
	assert_int_equal(t.status, STATUS_UNKNOWN);
	assert_int_equal(status_apply(&t, &defaults, 0, fast(0)), 1);
	assert_int_equal(t.status, STATUS_DOWN);
}

static void isolated_blip_resets_the_count(void **state)
{
	struct status_track t;

	(void)state;
	status_init(&t, 1);
	status_apply(&t, &defaults, 1, fast(1000));
	for (int i = 0; i < 10; i++) {
		assert_int_equal(status_apply(&t, &defaults, 0, fast(0)), 0);
		assert_int_equal(status_apply(&t, &defaults, 1, fast(1000)), 0);
		assert_int_equal(t.status, STATUS_UP);
	}
}

static void recovery_needs_recover_threshold_successes(void **state)
{
	const struct status_params p = { 1, 3, 0, 14 };
	struct status_track t;

	(void)state;
	status_init(&t, 1);
	status_apply(&t, &p, 0, fast(0));
	assert_int_equal(t.status, STATUS_DOWN);
	assert_int_equal(status_apply(&t, &p, 1, fast(10)), 0);
	assert_int_equal(status_apply(&t, &p, 1, fast(10)), 0);
	assert_int_equal(status_apply(&t, &p, 0, fast(0)), 0);   /* a failure restarts the count */
	assert_int_equal(status_apply(&t, &p, 1, fast(10)), 0);
	assert_int_equal(status_apply(&t, &p, 1, fast(10)), 0);
	assert_int_equal(status_apply(&t, &p, 1, fast(10)), 1);
	assert_int_equal(t.status, STATUS_UP);
}

static void slower_than_latency_threshold_is_degraded(void **state)
{
	const struct status_params p = { 2, 1, 100, 14 };
	struct status_track t;

	(void)state;
	status_init(&t, 1);
	status_apply(&t, &p, 1, fast(100000));          /* exactly 100 ms: not above */
	assert_int_equal(t.status, STATUS_UP);
	assert_int_equal(status_apply(&t, &p, 1, fast(100001)), 1);
	assert_int_equal(t.status, STATUS_DEGRADED);
	assert_int_equal(status_apply(&t, &p, 0, fast(0)), 0);   /* one failure: still degraded */
	assert_int_equal(t.status, STATUS_DEGRADED);
	assert_int_equal(status_apply(&t, &p, 1, fast(5000)), 1);
	assert_int_equal(t.status, STATUS_UP);
}

static void disabled_ignores_probes(void **state)
{
	struct status_track t;

	(void)state;
	status_init(&t, 0);
	assert_int_equal(t.status, STATUS_DISABLED);
	assert_int_equal(status_apply(&t, &defaults, 0, fast(0)), 0);
	assert_int_equal(status_apply(&t, &defaults, 0, fast(0)), 0);
	assert_int_equal(t.status, STATUS_DISABLED);
	assert_string_equal(status_name(STATUS_DEGRADED), "degraded");
}

static int notes(enum server_status from, enum server_status to,
		 enum status_notification out[2])
{
	out[0] = out[1] = 0;
	return status_notifications(from, to, out);
}

static void first_decision_up_is_silent_but_down_is_news(void **state)
{
	enum status_notification n[2];

	(void)state;
	assert_int_equal(notes(STATUS_UNKNOWN, STATUS_UP, n), 0);
	assert_int_equal(notes(STATUS_UNKNOWN, STATUS_DOWN, n), 1);
	assert_int_equal(n[0], NOTIFY_SERVER_DOWN);
	assert_int_equal(notes(STATUS_UNKNOWN, STATUS_DEGRADED, n), 1);
	assert_int_equal(n[0], NOTIFY_SERVER_DEGRADED);
}

static void down_and_recovery_each_give_one(void **state)
{
	enum status_notification n[2];

	(void)state;
	assert_int_equal(notes(STATUS_UP, STATUS_DOWN, n), 1);
	assert_int_equal(n[0], NOTIFY_SERVER_DOWN);
	assert_int_equal(notes(STATUS_DEGRADED, STATUS_DOWN, n), 1);
	assert_int_equal(n[0], NOTIFY_SERVER_DOWN);
	assert_int_equal(notes(STATUS_DOWN, STATUS_UP, n), 1);
	assert_int_equal(n[0], NOTIFY_SERVER_UP);
}

static void slowness_raises_degraded_and_speed_clears_it(void **state)
{
	enum status_notification n[2];

	(void)state;
	assert_int_equal(notes(STATUS_UP, STATUS_DEGRADED, n), 1);
	assert_int_equal(n[0], NOTIFY_SERVER_DEGRADED);
	assert_int_equal(notes(STATUS_DEGRADED, STATUS_UP, n), 1);
	assert_int_equal(n[0], NOTIFY_SERVER_UP);
	assert_int_equal(notes(STATUS_DOWN, STATUS_DEGRADED, n), 2);
	assert_int_equal(n[0], NOTIFY_SERVER_UP);
	assert_int_equal(n[1], NOTIFY_SERVER_DEGRADED);
}

static void no_change_and_disabling_are_silent(void **state)
{
	enum status_notification n[2];

	(void)state;
	assert_int_equal(notes(STATUS_DOWN, STATUS_DOWN, n), 0);
	assert_int_equal(notes(STATUS_UP, STATUS_DISABLED, n), 0);
	assert_int_equal(notes(STATUS_DISABLED, STATUS_UNKNOWN, n), 0);
}

static void certificate_inside_warn_days_is_degraded(void **state)
{
	struct status_track t;

	(void)state;
	status_init(&t, 1);
	assert_int_equal(status_apply(&t, &defaults, 1, with_cert(30)), 1);
	assert_int_equal(t.status, STATUS_UP);
	assert_int_equal(status_apply(&t, &defaults, 1, with_cert(14)), 0);
	assert_int_equal(status_apply(&t, &defaults, 1, with_cert(13)), 1);
	assert_int_equal(t.status, STATUS_DEGRADED);
	assert_int_equal(status_apply(&t, &defaults, 1, with_cert(-3)), 0);  /* expired: still */
	assert_int_equal(t.status, STATUS_DEGRADED);
	assert_int_equal(status_apply(&t, &defaults, 1, with_cert(365)), 1); /* renewed */
	assert_int_equal(t.status, STATUS_UP);
}

static void cert_expiring_is_sent_once_per_certificate_and_at_expiry(void **state)
{
	struct cert_track c = { 0 };
	unsigned char a[32] = { 1 }, b[32] = { 2 };

	(void)state;
	assert_int_equal(cert_expiry_due(&c, 0, a, 40), 0);
	assert_int_equal(cert_expiry_due(&c, 1, a, 5), 1);
	assert_int_equal(cert_expiry_due(&c, 1, a, 4), 0);
	assert_int_equal(cert_expiry_due(&c, 1, a, 0), 0);
	assert_int_equal(cert_expiry_due(&c, 1, a, -1), 1);   /* the days crossed zero */
	assert_int_equal(cert_expiry_due(&c, 1, a, -2), 0);
	assert_int_equal(cert_expiry_due(&c, 1, b, 3), 1);    /* another certificate */
	assert_int_equal(cert_expiry_due(&c, 0, b, 90), 0);   /* renewed: forgotten */
	assert_int_equal(cert_expiry_due(&c, 1, b, 3), 1);
}

static void a_listing_degrades_an_up_server_and_delisting_clears_it(void **state)
{
	struct probe_health listed = { 1000, 0, 0, 1 }, clean = { 1000, 0, 0, 0 };
	struct status_track t;

	(void)state;
	status_init(&t, 1);
	assert_int_equal(status_reassess(&t, &defaults, &listed), 0);   /* unknown waits */
	status_apply(&t, &defaults, 1, &clean);
	assert_int_equal(status_reassess(&t, &defaults, &listed), 1);
	assert_int_equal(t.status, STATUS_DEGRADED);
	assert_int_equal(status_apply(&t, &defaults, 1, &listed), 0);  /* probes keep it */
	assert_int_equal(status_reassess(&t, &defaults, &clean), 1);
	assert_int_equal(t.status, STATUS_UP);
}

static void a_listing_leaves_a_down_server_down(void **state)
{
	struct probe_health listed = { 1000, 0, 0, 1 };
	struct status_track t;

	(void)state;
	status_init(&t, 1);
	status_apply(&t, &defaults, 0, &listed);
	status_apply(&t, &defaults, 0, &listed);
	assert_int_equal(t.status, STATUS_DOWN);
	assert_int_equal(status_reassess(&t, &defaults, &listed), 0);
	assert_int_equal(t.status, STATUS_DOWN);
	assert_int_equal(status_apply(&t, &defaults, 1, &listed), 1);  /* recovers degraded */
	assert_int_equal(t.status, STATUS_DEGRADED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_before_first_probe_up_after_success),
		cmocka_unit_test(down_only_after_fail_threshold_failures),
		cmocka_unit_test(failing_from_the_start_is_unknown_then_down),
		cmocka_unit_test(isolated_blip_resets_the_count),
		cmocka_unit_test(recovery_needs_recover_threshold_successes),
		cmocka_unit_test(slower_than_latency_threshold_is_degraded),
		cmocka_unit_test(disabled_ignores_probes),
		cmocka_unit_test(certificate_inside_warn_days_is_degraded),
		cmocka_unit_test(cert_expiring_is_sent_once_per_certificate_and_at_expiry),
		cmocka_unit_test(first_decision_up_is_silent_but_down_is_news),
		cmocka_unit_test(down_and_recovery_each_give_one),
		cmocka_unit_test(slowness_raises_degraded_and_speed_clears_it),
		cmocka_unit_test(no_change_and_disabling_are_silent),
		cmocka_unit_test(a_listing_degrades_an_up_server_and_delisting_clears_it),
		cmocka_unit_test(a_listing_leaves_a_down_server_down),
	};

	return cmocka_run_group_tests_name("server_status", tests, NULL, NULL);
}
