/* SPDX-License-Identifier: ISC */
/* The log's lines about servers and round trips: each kind word for word,
 * cut at the buffer's bound, and never more than one line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <string.h>
#include <syslog.h>
#include <sys/socket.h>

#include "core/log_line.h"

static const unsigned char v4[16] = { 192, 0, 2, 7 };
static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x25 };

static struct target_config server(const char *name, const char *host, uint16_t port)
{
	struct target_config cfg = { .port = port };

	strcpy(cfg.name, name);
	strcpy(cfg.host, host);
	return cfg;
}

/* A probe refused in its greeting, made at 192.0.2.7. */
static struct log_server refused(void)
{
	return (struct log_server){
		.status = STATUS_DOWN,
		.result = RESULT_BANNER_REJECTED,
		.stage = STAGE_GREETING,
		.reply_code = 554,
		.elapsed_us = 12345,
		.latency_us = 12000,
		.addr_family = AF_INET,
		.addr = v4,
		.error = "the server refused the session in its greeting: 554 go away",
		.dnsbl_zones = "",
		.cert_subject = "",
		.cert_issuer = "",
	};
}

static struct log_server answered(void)
{
	return (struct log_server){
		.status = STATUS_UP,
		.result = RESULT_OK,
		.stage = STAGE_DONE,
		.reply_code = 250,
		.elapsed_us = 4000,
		.latency_us = 3456,
		.addr_family = AF_INET,
		.addr = v4,
		.error = "",
		.dnsbl_zones = "",
		.cert_subject = "CN=mx.example.org",
		.cert_issuer = "CN=Example CA",
	};
}

static struct roundtrip_note note(enum roundtrip_result result, enum server_status status,
				  const char *error)
{
	struct roundtrip_note n = { .result = result, .status = status, .delivery_us = 2345678 };

	strcpy(n.name, "loop");
	strcpy(n.server, "mx1");
	strcpy(n.error, error);
	return n;
}

static void a_failed_probe_is_logged_with_where_it_ended_and_what_the_server_said(void **state)
{
	struct target_config cfg = server("mx1", "mx.example.org", 25);
	struct log_server s = refused();
	char line[LOG_LINE_MAX];
	const char *want = "smtpmon: probe of mx1 (mx.example.org:25 at 192.0.2.7) failed at "
			   "greeting after 12.3 ms: bannerRejected, reply 554: the server refused "
			   "the session in its greeting: 554 go away";

	(void)state;
	assert_int_equal(log_line_probe_failed(line, sizeof(line), &cfg, &s), strlen(want));
	assert_string_equal(line, want);
}

static void a_probe_that_found_no_address_is_logged_without_one(void **state)
{
	struct target_config cfg = server("nx", "nowhere.example", 25);
	struct log_server s = refused();
	char line[LOG_LINE_MAX];

	(void)state;
	s.result = RESULT_DNS_FAILURE;
	s.stage = STAGE_RESOLVE;
	s.reply_code = 0;
	s.elapsed_us = 50;
	s.addr_family = 0;
	s.addr = NULL;
	s.error = "the name could not be resolved";
	log_line_probe_failed(line, sizeof(line), &cfg, &s);
	assert_string_equal(line, "smtpmon: probe of nx (nowhere.example:25) failed at resolve "
			    "after 0.1 ms: dnsFailure, reply 0: the name could not be resolved");
}

static void an_ipv6_server_is_logged_in_brackets_at_its_address(void **state)
{
	struct target_config cfg = server("six", "2001:db8::25", 587);
	struct log_server s = refused();
	char line[LOG_LINE_MAX];

	(void)state;
	s.addr_family = AF_INET6;
	s.addr = v6;
	s.error = "x";
	log_line_probe_failed(line, sizeof(line), &cfg, &s);
	assert_string_equal(line, "smtpmon: probe of six ([2001:db8::25]:587 at 2001:db8::25) "
			    "failed at greeting after 12.3 ms: bannerRejected, reply 554: x");
}

static void a_server_going_down_is_logged_with_what_it_was_before(void **state)
{
	struct target_config cfg = server("mx1", "mx.example.org", 25);
	struct log_server s = refused();
	char line[LOG_LINE_MAX];

	(void)state;
	log_line_status_changed(line, sizeof(line), &cfg, &s, STATUS_UP);
	assert_string_equal(line, "smtpmon: server mx1 (mx.example.org:25 at 192.0.2.7) is now "
			    "down (was up): bannerRejected, reply 554: the server refused the "
			    "session in its greeting: 554 go away");
}

static void a_server_coming_up_ends_its_line_at_the_reply_code(void **state)
{
	struct target_config cfg = server("mx1", "mx.example.org", 25);
	struct log_server s = answered();
	char line[LOG_LINE_MAX];

	(void)state;
	log_line_status_changed(line, sizeof(line), &cfg, &s, STATUS_DOWN);
	assert_string_equal(line, "smtpmon: server mx1 (mx.example.org:25 at 192.0.2.7) is now "
			    "up (was down): ok, reply 250");
	s.status = STATUS_DISABLED;
	log_line_status_changed(line, sizeof(line), &cfg, &s, STATUS_UNKNOWN);
	assert_string_equal(line, "smtpmon: server mx1 (mx.example.org:25 at 192.0.2.7) is now "
			    "disabled (was unknown): ok, reply 250");
}

static void a_blocklist_check_is_logged_with_what_the_lists_said(void **state)
{
	struct target_config cfg = server("mx1", "mx.example.org", 25);
	struct log_server s = answered();
	char line[LOG_LINE_MAX];

	(void)state;
	log_line_dnsbl_checked(line, sizeof(line), &cfg, &s, "zone-a.test answered 127.0.0.2");
	assert_string_equal(line, "smtpmon: blocklist check of mx1 (mx.example.org:25 at "
			    "192.0.2.7): zone-a.test answered 127.0.0.2");
}

static void down_up_and_degraded_notifications_tell_status_reply_and_latency(void **state)
{
	struct target_config cfg = server("mx1", "mx.example.org", 25);
	struct log_server down = refused(), up = answered();
	char line[LOG_LINE_MAX];

	(void)state;
	log_line_server_notification(line, sizeof(line), NOTIFY_SERVER_DOWN, &cfg, &down);
	assert_string_equal(line, "smtpmon: smtpMonServerDown: server mx1 (mx.example.org:25) is "
			    "down: bannerRejected, reply 554, latency 12.0 ms: the server refused "
			    "the session in its greeting: 554 go away");
	log_line_server_notification(line, sizeof(line), NOTIFY_SERVER_UP, &cfg, &up);
	assert_string_equal(line, "smtpmon: smtpMonServerUp: server mx1 (mx.example.org:25) is "
			    "up: ok, reply 250, latency 3.5 ms");
	up.status = STATUS_DEGRADED;
	log_line_server_notification(line, sizeof(line), NOTIFY_SERVER_DEGRADED, &cfg, &up);
	assert_string_equal(line, "smtpmon: smtpMonServerDegraded: server mx1 (mx.example.org:25) "
			    "is degraded: ok, reply 250, latency 3.5 ms");
}

static void a_listing_names_the_lists_and_counts_them_in_words(void **state)
{
	struct target_config cfg = server("mx1", "mx.example.org", 25);
	struct log_server s = answered();
	char line[LOG_LINE_MAX];

	(void)state;
	s.dnsbl_listings = 1;
	s.dnsbl_zones = "zone-a.test";
	log_line_server_notification(line, sizeof(line), NOTIFY_SERVER_LISTED, &cfg, &s);
	assert_string_equal(line, "smtpmon: smtpMonServerListed: server mx1 (mx.example.org:25) "
			    "is listed on 1 blocklist: zone-a.test");
	s.dnsbl_listings = 2;
	s.dnsbl_zones = "zone-a.test zone-b.test";
	log_line_server_notification(line, sizeof(line), NOTIFY_SERVER_LISTED, &cfg, &s);
	assert_string_equal(line, "smtpmon: smtpMonServerListed: server mx1 (mx.example.org:25) "
			    "is listed on 2 blocklists: zone-a.test zone-b.test");
}

static const char *cert_line(int32_t days_left)
{
	static char line[LOG_LINE_MAX];
	struct target_config cfg = server("mx1", "mx.example.org", 25);
	struct log_server s = answered();

	s.cert_days_left = days_left;
	log_line_server_notification(line, sizeof(line), NOTIFY_CERT_EXPIRING, &cfg, &s);
	return line;
}

static void a_certificate_expiring_is_logged_with_its_days_subject_and_issuer(void **state)
{
	(void)state;
	assert_string_equal(cert_line(5), "smtpmon: smtpMonCertExpiring: server mx1 "
			    "(mx.example.org:25): certificate CN=mx.example.org expires in 5 days "
			    "(issuer CN=Example CA)");
	assert_string_equal(cert_line(1), "smtpmon: smtpMonCertExpiring: server mx1 "
			    "(mx.example.org:25): certificate CN=mx.example.org expires in 1 day "
			    "(issuer CN=Example CA)");
	assert_string_equal(cert_line(0), "smtpmon: smtpMonCertExpiring: server mx1 "
			    "(mx.example.org:25): certificate CN=mx.example.org expires in 0 days "
			    "(issuer CN=Example CA)");
}

/* One day past expiry has always read "expired 1 day", without "ago". */
static void an_expired_certificate_is_logged_with_the_days_since(void **state)
{
	(void)state;
	assert_string_equal(cert_line(-3), "smtpmon: smtpMonCertExpiring: server mx1 "
			    "(mx.example.org:25): certificate CN=mx.example.org expired 3 days ago "
			    "(issuer CN=Example CA)");
	assert_string_equal(cert_line(-1), "smtpmon: smtpMonCertExpiring: server mx1 "
			    "(mx.example.org:25): certificate CN=mx.example.org expired 1 day "
			    "(issuer CN=Example CA)");
	assert_non_null(strstr(cert_line(INT32_MIN), " expired 2147483648 days ago "));
}

static void a_failed_round_trip_check_is_logged_with_its_result_and_error(void **state)
{
	struct roundtrip_note n = note(RT_MESSAGE_REJECTED, STATUS_DOWN, "SMTP DATA: 554 no");
	char line[LOG_LINE_MAX];
	const char *want = "smtpmon: round trip loop through mx1 failed: messageRejected: "
			   "SMTP DATA: 554 no";

	(void)state;
	assert_int_equal(log_line_roundtrip_failed(line, sizeof(line), &n), strlen(want));
	assert_string_equal(line, want);
}

static void a_round_trip_going_down_is_logged_with_what_it_was_before(void **state)
{
	struct roundtrip_note n = note(RT_DELIVERY_TIMEOUT, STATUS_DOWN, "");
	char line[LOG_LINE_MAX];

	(void)state;
	log_line_roundtrip_changed(line, sizeof(line), &n, STATUS_UNKNOWN);
	assert_string_equal(line, "smtpmon: round trip loop through mx1 is now down (was unknown)");
	n.status = STATUS_UP;
	log_line_roundtrip_changed(line, sizeof(line), &n, STATUS_DOWN);
	assert_string_equal(line, "smtpmon: round trip loop through mx1 is now up (was down)");
}

static void round_trip_notifications_tell_the_failure_or_the_delivery_time(void **state)
{
	struct roundtrip_note n = note(RT_SMTP_AUTH_FAILED, STATUS_DOWN, "SMTP AUTH: 535 no");
	char line[LOG_LINE_MAX];

	(void)state;
	log_line_roundtrip_notification(line, sizeof(line), NOTIFY_ROUNDTRIP_FAILED, &n);
	assert_string_equal(line, "smtpmon: smtpMonRoundTripFailed: round trip loop through mx1 "
			    "is down: smtpAuthFailed: SMTP AUTH: 535 no");
	n = note(RT_OK, STATUS_UP, "");
	log_line_roundtrip_notification(line, sizeof(line), NOTIFY_ROUNDTRIP_RECOVERED, &n);
	assert_string_equal(line, "smtpmon: smtpMonRoundTripRecovered: round trip loop through "
			    "mx1 is up: delivered in 2345.7 ms");
}

static void every_notification_is_named_as_in_the_mib(void **state)
{
	(void)state;
	assert_string_equal(log_notification_name(NOTIFY_SERVER_DOWN), "smtpMonServerDown");
	assert_string_equal(log_notification_name(NOTIFY_SERVER_UP), "smtpMonServerUp");
	assert_string_equal(log_notification_name(NOTIFY_SERVER_DEGRADED), "smtpMonServerDegraded");
	assert_string_equal(log_notification_name(NOTIFY_CERT_EXPIRING), "smtpMonCertExpiring");
	assert_string_equal(log_notification_name(NOTIFY_SERVER_LISTED), "smtpMonServerListed");
	assert_string_equal(log_notification_name(NOTIFY_ROUNDTRIP_FAILED),
			    "smtpMonRoundTripFailed");
	assert_string_equal(log_notification_name(NOTIFY_ROUNDTRIP_RECOVERED),
			    "smtpMonRoundTripRecovered");
	assert_string_equal(log_notification_name((enum status_notification)99), "?");
}

/* --- bounds ------------------------------------------------------------------- */

static char long_text[256];

static const char *longest(char c)
{
	memset(long_text, c, 255);
	long_text[255] = '\0';
	return long_text;
}

static void a_long_line_is_cut_at_the_buffer_and_nothing_beyond_is_written(void **state)
{
	struct target_config cfg = server("mx1", "mx.example.org", 25);
	struct log_server s = refused();
	struct roundtrip_note n = note(RT_SEND_FAILED, STATUS_DOWN, "");
	char buf[48];

	(void)state;
	s.error = longest('e');
	memset(buf, '#', sizeof(buf));
	assert_int_equal(log_line_probe_failed(buf, 20, &cfg, &s), 19);
	assert_string_equal(buf, "smtpmon: probe of m");
	for (size_t i = 20; i < sizeof(buf); i++)
		assert_int_equal(buf[i], '#');

	memset(buf, '#', sizeof(buf));
	assert_int_equal(log_line_roundtrip_failed(buf, 1, &n), 0);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '#');
	assert_int_equal(log_line_roundtrip_changed(buf, 0, &n, STATUS_UP), 0);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '#');
}

/* The texts each as long as the store keeps them, every number at its widest. */
static void the_longest_line_of_every_kind_fits_in_log_line_max(void **state)
{
	static const unsigned char wide[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	};
	struct target_config cfg = { .port = 65535 };
	struct log_server s = {
		.status = STATUS_DEGRADED, .result = RESULT_CONNECTION_CLOSED,
		.stage = STAGE_TLS, .reply_code = INT_MIN, .elapsed_us = UINT32_MAX,
		.latency_us = UINT32_MAX, .addr_family = AF_INET6, .addr = wide,
		.dnsbl_listings = UINT_MAX, .cert_days_left = INT32_MIN,
	};
	struct roundtrip_note n = { .result = RT_MAILBOX_LOGIN_FAILED,
				    .status = STATUS_DISABLED, .delivery_us = UINT32_MAX };
	char error[256], zones[256], subject[256], issuer[256], detail[256];
	char line[LOG_LINE_MAX], big[4 * LOG_LINE_MAX];
	size_t len;

	(void)state;
	memset(cfg.name, 'n', TARGET_NAME_MAX);
	memset(cfg.host, ':', TARGET_HOST_MAX);
	memset(n.name, 'r', sizeof(n.name) - 1);
	memset(n.server, 's', sizeof(n.server) - 1);
	memset(n.error, 'e', sizeof(n.error) - 1);
	strcpy(error, longest('e'));
	strcpy(zones, longest('z'));
	strcpy(subject, longest('S'));
	strcpy(issuer, longest('I'));
	strcpy(detail, longest('d'));
	s.error = error;
	s.dnsbl_zones = zones;
	s.cert_subject = subject;
	s.cert_issuer = issuer;

#define FITS(call_line, call_big)                                            \
	do {                                                                 \
		len = (call_line);                                           \
		assert_int_equal(len, (call_big));                           \
		assert_true(len < sizeof(line) - 1);                         \
		assert_string_equal(line, big);                              \
	} while (0)
	FITS(log_line_probe_failed(line, sizeof(line), &cfg, &s),
	     log_line_probe_failed(big, sizeof(big), &cfg, &s));
	FITS(log_line_status_changed(line, sizeof(line), &cfg, &s, STATUS_DEGRADED),
	     log_line_status_changed(big, sizeof(big), &cfg, &s, STATUS_DEGRADED));
	FITS(log_line_dnsbl_checked(line, sizeof(line), &cfg, &s, detail),
	     log_line_dnsbl_checked(big, sizeof(big), &cfg, &s, detail));
	for (enum status_notification k = NOTIFY_SERVER_DOWN; k <= NOTIFY_SERVER_LISTED; k++)
		FITS(log_line_server_notification(line, sizeof(line), k, &cfg, &s),
		     log_line_server_notification(big, sizeof(big), k, &cfg, &s));
	FITS(log_line_roundtrip_failed(line, sizeof(line), &n),
	     log_line_roundtrip_failed(big, sizeof(big), &n));
	FITS(log_line_roundtrip_changed(line, sizeof(line), &n, STATUS_DEGRADED),
	     log_line_roundtrip_changed(big, sizeof(big), &n, STATUS_DEGRADED));
	FITS(log_line_roundtrip_notification(line, sizeof(line), NOTIFY_ROUNDTRIP_FAILED, &n),
	     log_line_roundtrip_notification(big, sizeof(big), NOTIFY_ROUNDTRIP_FAILED, &n));
	FITS(log_line_roundtrip_notification(line, sizeof(line), NOTIFY_ROUNDTRIP_RECOVERED, &n),
	     log_line_roundtrip_notification(big, sizeof(big), NOTIFY_ROUNDTRIP_RECOVERED, &n));
#undef FITS
}

/* --- one line, never two ---------------------------------------------------- */

static void assert_one_printable_line(const char *line, size_t len)
{
	assert_int_equal(strlen(line), len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		assert_true(c >= 0x20 && c <= 0x7e);
	}
}

static const char hostile[] = "a\nsmtpmon: forged\r\tline\x1b[2J\x7f\xc3\xa9\v\f\x01z";
/* As text_clean (text.h) makes it: a tab a space, every other such byte '?'. */
static const char hostile_clean[] = "a?smtpmon: forged? line?[2J??????z";

static void no_text_can_end_a_line_or_start_another(void **state)
{
	struct target_config cfg = server("mx1", "mx.example.org", 25);
	struct log_server s = refused();
	struct roundtrip_note n = note(RT_SEND_FAILED, STATUS_DOWN, hostile);
	char line[LOG_LINE_MAX];
	size_t len;

	(void)state;
	s.error = hostile;
	s.dnsbl_zones = hostile;
	s.cert_subject = hostile;
	s.cert_issuer = hostile;
	strcpy(cfg.name, "m\nx");
	strcpy(n.name, "l\r\n");
	strcpy(n.server, "\x85");

	len = log_line_probe_failed(line, sizeof(line), &cfg, &s);
	assert_one_printable_line(line, len);
	assert_string_equal(line, "smtpmon: probe of m?x (mx.example.org:25 at 192.0.2.7) failed "
			    "at greeting after 12.3 ms: bannerRejected, reply 554: "
			    "a?smtpmon: forged? line?[2J??????z");
	len = log_line_status_changed(line, sizeof(line), &cfg, &s, STATUS_UP);
	assert_one_printable_line(line, len);
	assert_non_null(strstr(line, hostile_clean));
	len = log_line_dnsbl_checked(line, sizeof(line), &cfg, &s, hostile);
	assert_one_printable_line(line, len);
	assert_non_null(strstr(line, hostile_clean));
	for (enum status_notification k = NOTIFY_SERVER_DOWN; k <= NOTIFY_SERVER_LISTED; k++) {
		len = log_line_server_notification(line, sizeof(line), k, &cfg, &s);
		assert_one_printable_line(line, len);
		assert_non_null(strstr(line, hostile_clean));
	}
	len = log_line_roundtrip_failed(line, sizeof(line), &n);
	assert_one_printable_line(line, len);
	assert_string_equal(line, "smtpmon: round trip l?? through ? failed: sendFailed: "
			    "a?smtpmon: forged? line?[2J??????z");
	len = log_line_roundtrip_changed(line, sizeof(line), &n, STATUS_UP);
	assert_one_printable_line(line, len);
	len = log_line_roundtrip_notification(line, sizeof(line), NOTIFY_ROUNDTRIP_FAILED, &n);
	assert_one_printable_line(line, len);
	assert_non_null(strstr(line, hostile_clean));
	len = log_line_roundtrip_notification(line, sizeof(line), NOTIFY_ROUNDTRIP_RECOVERED, &n);
	assert_one_printable_line(line, len);
}

/* A log kept at warning and worse (snmpd -LOw) tells every outage once,
 * and a server that stays down does not fill it. */
static void outages_are_warnings_and_what_stays_down_is_not(void **state)
{
	(void)state;
	assert_int_equal(log_level_status_changed(STATUS_DOWN), LOG_WARNING);
	assert_int_equal(log_level_status_changed(STATUS_DEGRADED), LOG_WARNING);
	assert_int_equal(log_level_status_changed(STATUS_UP), LOG_NOTICE);
	assert_int_equal(log_level_notification(NOTIFY_SERVER_DOWN), LOG_WARNING);
	assert_int_equal(log_level_notification(NOTIFY_SERVER_DEGRADED), LOG_WARNING);
	assert_int_equal(log_level_notification(NOTIFY_CERT_EXPIRING), LOG_WARNING);
	assert_int_equal(log_level_notification(NOTIFY_SERVER_LISTED), LOG_WARNING);
	assert_int_equal(log_level_notification(NOTIFY_ROUNDTRIP_FAILED), LOG_WARNING);
	assert_int_equal(log_level_notification(NOTIFY_SERVER_UP), LOG_NOTICE);
	assert_int_equal(log_level_notification(NOTIFY_ROUNDTRIP_RECOVERED), LOG_NOTICE);
	assert_int_equal(log_level_probe_failed(STATUS_UP), LOG_WARNING);   /* not down yet */
	assert_int_equal(log_level_probe_failed(STATUS_DOWN), LOG_INFO);    /* known down */
	assert_int_equal(log_level_roundtrip_failed(STATUS_UP), LOG_WARNING);
	assert_int_equal(log_level_roundtrip_failed(STATUS_DOWN), LOG_INFO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_failed_probe_is_logged_with_where_it_ended_and_what_the_server_said),
		cmocka_unit_test(a_probe_that_found_no_address_is_logged_without_one),
		cmocka_unit_test(an_ipv6_server_is_logged_in_brackets_at_its_address),
		cmocka_unit_test(a_server_going_down_is_logged_with_what_it_was_before),
		cmocka_unit_test(a_server_coming_up_ends_its_line_at_the_reply_code),
		cmocka_unit_test(a_blocklist_check_is_logged_with_what_the_lists_said),
		cmocka_unit_test(down_up_and_degraded_notifications_tell_status_reply_and_latency),
		cmocka_unit_test(a_listing_names_the_lists_and_counts_them_in_words),
		cmocka_unit_test(a_certificate_expiring_is_logged_with_its_days_subject_and_issuer),
		cmocka_unit_test(an_expired_certificate_is_logged_with_the_days_since),
		cmocka_unit_test(a_failed_round_trip_check_is_logged_with_its_result_and_error),
		cmocka_unit_test(a_round_trip_going_down_is_logged_with_what_it_was_before),
		cmocka_unit_test(round_trip_notifications_tell_the_failure_or_the_delivery_time),
		cmocka_unit_test(every_notification_is_named_as_in_the_mib),
		cmocka_unit_test(a_long_line_is_cut_at_the_buffer_and_nothing_beyond_is_written),
		cmocka_unit_test(the_longest_line_of_every_kind_fits_in_log_line_max),
		cmocka_unit_test(no_text_can_end_a_line_or_start_another),
		cmocka_unit_test(outages_are_warnings_and_what_stays_down_is_not),
	};

	return cmocka_run_group_tests_name("log_line", tests, NULL, NULL);
}
