/* SPDX-License-Identifier: ISC */
/* smtpMonLimits and smtpMonSetAllow: what is parsed, what an allow-list
 * takes, and the history budget's arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"

static char err[256];

/* --- smtpMonLimits -------------------------------------------------------- */

static void the_defaults_hold_the_benchmarks_and_a_smaller_share_for_set(void **state)
{
	struct smtpmon_limits l;

	(void)state;
	limits_default(&l);
	assert_int_equal(l.rows, 100000);
	assert_int_equal(l.set_rows, 1000);
	assert_int_equal(l.set_min_interval, 60);
	assert_int_equal(l.history_mib, 320);
	/* smtpMonHistorySize's default of 10 for every row, at 320 octets an entry. */
	assert_true(limits_history_fits(&l, 10, l.rows, 320));
	assert_false(limits_history_fits(&l, 11, l.rows, 320));
}

static void a_line_sets_the_keys_it_gives_and_keeps_the_others(void **state)
{
	struct smtpmon_limits l;

	(void)state;
	limits_default(&l);
	assert_int_equal(limits_parse("rows=5 setMinInterval=1", &l, err, sizeof(err)), 0);
	assert_int_equal(l.rows, 5);
	assert_int_equal(l.set_min_interval, 1);
	assert_int_equal(l.set_rows, 1000);
	assert_int_equal(l.history_mib, 320);
	assert_int_equal(limits_parse("  setRows=0\thistoryMemory=1 ", &l, err, sizeof(err)), 0);
	assert_int_equal(l.set_rows, 0);       /* no row created by SET at all */
	assert_int_equal(l.history_mib, 1);
	assert_int_equal(l.rows, 5);
}

static void assert_limits_refused(const char *line, const char *why)
{
	struct smtpmon_limits l, before;

	limits_default(&l);
	assert_int_equal(limits_parse("rows=7", &l, err, sizeof(err)), 0);
	before = l;
	err[0] = '\0';
	if (limits_parse(line, &l, err, sizeof(err)) != -1)
		fail_msg("'%s' taken", line);
	if (!strstr(err, why))
		fail_msg("'%s': error '%s' does not say '%s'", line, err, why);
	assert_memory_equal(&l, &before, sizeof(l));     /* all or nothing */
}

static void bad_limits_are_refused_whole(void **state)
{
	(void)state;
	assert_limits_refused("", "expected key=value");
	assert_limits_refused(NULL, "expected key=value");
	assert_limits_refused("rows", "expected rows=N");
	assert_limits_refused("colour=blue", "'colour=': expected rows=N");
	assert_limits_refused("setRows=5 rows=0", "rows=0: expected a whole number from 1 to 1000000");
	assert_limits_refused("rows=1000001", "from 1 to 1000000");
	assert_limits_refused("rows=-1", "expected a whole number");
	assert_limits_refused("rows=1e3", "expected a whole number");
	assert_limits_refused("rows= 5", "expected a whole number");
	assert_limits_refused("rows=99999999999999999999", "expected a whole number");
	assert_limits_refused("setMinInterval=0", "from 1 to 86400");
	assert_limits_refused("setMinInterval=86401", "from 1 to 86400");
	assert_limits_refused("historyMemory=0", "from 1 to 1048576");
	assert_limits_refused("rows=5 rows=6", "'rows' is given twice");
}

/* --- smtpMonSetAllow -------------------------------------------------------- */

static struct limits_allow allow;

static void allow_lines(const char *first, ...)
{
	va_list ap;

	memset(&allow, 0, sizeof(allow));
	va_start(ap, first);
	for (const char *l = first; l; l = va_arg(ap, const char *))
		if (limits_allow_parse(l, &allow, err, sizeof(err)) != 0)
			fail_msg("'%s' refused: %s", l, err);
	va_end(ap);
}

static void without_an_allow_list_everything_goes(void **state)
{
	(void)state;
	memset(&allow, 0, sizeof(allow));
	assert_int_equal(limits_allow_check(&allow, "192.0.2.1", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "mx.example.com", 25), ALLOW_OK);
	assert_true(limits_allow_port(&allow, 1));
}

static void ipv4_prefixes_match_on_their_bits(void **state)
{
	(void)state;
	allow_lines("192.0.2.0/24,198.51.100.7 10.0.0.0/9", NULL);
	assert_int_equal(allow.n, 3);
	assert_int_equal(limits_allow_check(&allow, "192.0.2.0", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "192.0.2.255", 2525), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "192.0.3.0", 25), ALLOW_HOST_OUTSIDE);
	assert_int_equal(limits_allow_check(&allow, "192.0.1.255", 25), ALLOW_HOST_OUTSIDE);
	assert_int_equal(limits_allow_check(&allow, "198.51.100.7", 25), ALLOW_OK);   /* /32 */
	assert_int_equal(limits_allow_check(&allow, "198.51.100.6", 25), ALLOW_HOST_OUTSIDE);
	assert_int_equal(limits_allow_check(&allow, "10.127.255.255", 25), ALLOW_OK); /* /9 */
	assert_int_equal(limits_allow_check(&allow, "10.128.0.0", 25), ALLOW_HOST_OUTSIDE);
	assert_int_equal(limits_allow_check(&allow, "127.0.0.1", 25), ALLOW_HOST_OUTSIDE);
}

static void ipv6_prefixes_match_on_their_bits(void **state)
{
	(void)state;
	allow_lines("2001:db8::/32", "fd00::/63,::1", NULL);
	assert_int_equal(limits_allow_check(&allow, "2001:db8::25", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "2001:db8:ffff:ffff::1", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "2001:db9::1", 25), ALLOW_HOST_OUTSIDE);
	assert_int_equal(limits_allow_check(&allow, "fd00:0:0:0::1", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "fd00:0:0:1:ffff::1", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "fd00:0:0:2::1", 25), ALLOW_HOST_OUTSIDE);
	assert_int_equal(limits_allow_check(&allow, "::1", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "::2", 25), ALLOW_HOST_OUTSIDE);
	/* The families never mix. */
	assert_int_equal(limits_allow_check(&allow, "32.1.13.184", 25), ALLOW_HOST_OUTSIDE);
}

static void an_ipv4_mapped_ipv6_address_is_its_ipv4_address(void **state)
{
	(void)state;
	allow_lines("127.0.0.0/8", NULL);
	assert_int_equal(limits_allow_check(&allow, "::ffff:127.0.0.1", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "::ffff:192.0.2.1", 25), ALLOW_HOST_OUTSIDE);
	/* Not the IPv4-compatible form, which is an IPv6 address. */
	assert_int_equal(limits_allow_check(&allow, "::127.0.0.1", 25), ALLOW_HOST_OUTSIDE);
}

static void a_zero_length_prefix_takes_its_whole_family(void **state)
{
	(void)state;
	allow_lines("0.0.0.0/0", NULL);
	assert_int_equal(limits_allow_check(&allow, "203.0.113.9", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "2001:db8::1", 25), ALLOW_HOST_OUTSIDE);
	allow_lines("::/0", NULL);
	assert_int_equal(limits_allow_check(&allow, "2001:db8::1", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "203.0.113.9", 25), ALLOW_HOST_OUTSIDE);
}

static void names_are_never_judged_when_an_allow_list_is_set(void **state)
{
	(void)state;
	allow_lines("0.0.0.0/0,::/0", NULL);
	assert_int_equal(limits_allow_check(&allow, "mx.example.com", 25), ALLOW_NOT_ADDRESS);
	assert_int_equal(limits_allow_check(&allow, "localhost", 25), ALLOW_NOT_ADDRESS);
	assert_int_equal(limits_allow_check(&allow, "[::1]", 25), ALLOW_NOT_ADDRESS);
	assert_int_equal(limits_allow_check(&allow, "", 25), ALLOW_NOT_ADDRESS);
	assert_int_equal(limits_allow_check(&allow, "127.1", 25), ALLOW_NOT_ADDRESS);
}

static void each_line_keeps_its_own_ports(void **state)
{
	(void)state;
	allow_lines("192.0.2.0/24 ports=25,587", "198.51.100.0/24", "2001:db8::/32 ports=465",
		    NULL);
	assert_int_equal(limits_allow_check(&allow, "192.0.2.1", 25), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "192.0.2.1", 587), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "192.0.2.1", 465), ALLOW_PORT_OUTSIDE);
	assert_int_equal(limits_allow_check(&allow, "192.0.2.1", 0), ALLOW_OK);   /* host alone */
	assert_int_equal(limits_allow_check(&allow, "198.51.100.1", 2525), ALLOW_OK); /* any port */
	assert_int_equal(limits_allow_check(&allow, "2001:db8::1", 465), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "2001:db8::1", 25), ALLOW_PORT_OUTSIDE);
	assert_int_equal(limits_allow_check(&allow, "203.0.113.1", 25), ALLOW_HOST_OUTSIDE);
	assert_true(limits_allow_port(&allow, 2525));        /* 198.51.100.0/24 takes any */
	allow_lines("192.0.2.0/24 ports=25", "2001:db8::/32 ports=465,587", NULL);
	assert_true(limits_allow_port(&allow, 587));
	assert_false(limits_allow_port(&allow, 2525));
	/* Overlapping lines: the host is in both, the port in the second. */
	allow_lines("192.0.2.0/24 ports=25", "192.0.2.128/25 ports=587", NULL);
	assert_int_equal(limits_allow_check(&allow, "192.0.2.200", 587), ALLOW_OK);
	assert_int_equal(limits_allow_check(&allow, "192.0.2.100", 587), ALLOW_PORT_OUTSIDE);
}

static void a_refusal_is_explained_for_the_log(void **state)
{
	char buf[128], tiny[12];

	(void)state;
	limits_allow_explain(ALLOW_HOST_OUTSIDE, "203.0.113.1", 25, buf, sizeof(buf));
	assert_string_equal(buf, "203.0.113.1 is outside smtpMonSetAllow");
	limits_allow_explain(ALLOW_HOST_OUTSIDE, "2001:db8::1", 25, buf, sizeof(buf));
	assert_string_equal(buf, "[2001:db8::1] is outside smtpMonSetAllow");
	limits_allow_explain(ALLOW_PORT_OUTSIDE, "::1", 2525, buf, sizeof(buf));
	assert_string_equal(buf, "port 2525 of [::1] is outside smtpMonSetAllow");
	limits_allow_explain(ALLOW_NOT_ADDRESS, "mx.example.com", 25, buf, sizeof(buf));
	assert_string_equal(buf, "mx.example.com is a name, and smtpMonSetAllow takes IP "
			    "addresses only");
	limits_allow_explain(ALLOW_OK, "192.0.2.1", 25, buf, sizeof(buf));
	assert_string_equal(buf, "");
	memset(tiny, '#', sizeof(tiny));
	limits_allow_explain(ALLOW_HOST_OUTSIDE, "203.0.113.1", 25, tiny, 8);
	assert_int_equal(strlen(tiny), 7);
	assert_int_equal(tiny[8], '#');
	limits_allow_explain(ALLOW_HOST_OUTSIDE, "203.0.113.1", 25, tiny, 0);
}

static void assert_allow_refused(const char *line, const char *why)
{
	struct limits_allow before;

	allow_lines("192.0.2.0/24", NULL);
	memcpy(&before, &allow, sizeof(allow));
	err[0] = '\0';
	if (limits_allow_parse(line, &allow, err, sizeof(err)) != -1)
		fail_msg("'%s' taken", line);
	if (!strstr(err, why))
		fail_msg("'%s': error '%s' does not say '%s'", line, err, why);
	assert_memory_equal(&allow, &before, sizeof(allow));
}

static void bad_allow_lines_are_refused_whole(void **state)
{
	(void)state;
	assert_allow_refused("", "expected PREFIX");
	assert_allow_refused(NULL, "expected PREFIX");
	assert_allow_refused("ports=25", "expected PREFIX");
	assert_allow_refused("mx.example.com", "not an IPv4 or IPv6 address");
	assert_allow_refused("[2001:db8::]/32", "not an IPv4 or IPv6 address");
	assert_allow_refused("192.0.2.0/33", "prefix length from 0 to 32");
	assert_allow_refused("2001:db8::/129", "prefix length from 0 to 128");
	assert_allow_refused("192.0.2.0/", "prefix length");
	assert_allow_refused("192.0.2.0/-1", "prefix length");
	assert_allow_refused("/24", "not an IPv4 or IPv6 prefix");
	assert_allow_refused("192.0.2.1/24", "address bits set past /24");
	assert_allow_refused("2001:db8::1/64", "address bits set past /64");
	assert_allow_refused("198.51.100.0/24,", "separated by commas");
	assert_allow_refused("198.51.100.0/24,,10.0.0.0/8", "separated by commas");
	assert_allow_refused("198.51.100.0/24 ports=", "expected ports from 1 to 65535");
	assert_allow_refused("198.51.100.0/24 ports=0", "'0' is not a port");
	assert_allow_refused("198.51.100.0/24 ports=65536", "'65536' is not a port");
	assert_allow_refused("198.51.100.0/24 ports=25,smtp", "'smtp' is not a port");
	assert_allow_refused("198.51.100.0/24 ports=25,,587", "separated by commas");
	assert_allow_refused("198.51.100.0/24 ports=25 ports=587", "'ports' is given twice");
	assert_allow_refused("198.51.100.0/24 ports=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
			     "more than 16 ports");
	/* A good prefix before a bad one adds nothing. */
	assert_allow_refused("198.51.100.0/24,bad", "'bad' is not an IPv4");
}

static void at_most_64_prefixes_in_all(void **state)
{
	char line[64];

	(void)state;
	memset(&allow, 0, sizeof(allow));
	for (int i = 0; i < LIMITS_ALLOW_MAX; i++) {
		snprintf(line, sizeof(line), "10.%d.0.0/16", i);
		assert_int_equal(limits_allow_parse(line, &allow, err, sizeof(err)), 0);
	}
	assert_int_equal(limits_allow_parse("192.0.2.0/24", &allow, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 64 prefixes"));
	assert_int_equal(allow.n, LIMITS_ALLOW_MAX);
}

static void errors_never_overflow_their_buffer(void **state)
{
	char tiny[8], big[2048];
	struct smtpmon_limits l;

	(void)state;
	memset(big, '7', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(&allow, 0, sizeof(allow));
	limits_default(&l);
	memset(tiny, '#', sizeof(tiny));
	assert_int_equal(limits_allow_parse(big, &allow, tiny, 6), -1);
	assert_int_equal(strlen(tiny), 5);
	assert_int_equal(tiny[6], '#');
	assert_int_equal(limits_parse(big, &l, tiny, 6), -1);
	assert_int_equal(limits_parse("rows=5 x", &l, NULL, 0), -1);
	assert_int_equal(limits_allow_parse("x", &allow, NULL, 0), -1);
}

/* --- the budget ------------------------------------------------------------ */

static void the_history_budget_is_size_times_rows_times_one_entry(void **state)
{
	struct smtpmon_limits l;

	(void)state;
	limits_default(&l);
	l.history_mib = 1;                                    /* 1,048,576 octets */
	assert_int_equal(limits_history_bytes(10, 100, 320), 320000);
	assert_true(limits_history_fits(&l, 32, 100, 320));   /* 1,024,000 */
	assert_false(limits_history_fits(&l, 33, 100, 320));  /* 1,056,000 */
	assert_true(limits_history_fits(&l, 1000, 0, 320));   /* no rows, no history */
	assert_true(limits_history_fits(&l, 0, 100000, 320)); /* no history */
	assert_true(limits_history_fits(&l, 1, 3276, 320));
	assert_false(limits_history_fits(&l, 1, 3277, 320));
	assert_int_equal(limits_history_max_size(&l, 100, 320, 1000), 32);
	assert_int_equal(limits_history_max_size(&l, 0, 320, 1000), 1000);
	assert_int_equal(limits_history_max_size(&l, 1, 320, 1000), 1000);     /* capped */
	assert_int_equal(limits_history_max_size(&l, 4000, 320, 1000), 0);
	/* The attack that was measured: 10,000 rows x 1,000 entries. */
	limits_default(&l);
	assert_false(limits_history_fits(&l, 1000, 10000, 320));
	assert_int_equal(limits_history_max_size(&l, 10000, 320, 1000), 104);
}

static void the_arithmetic_never_overflows(void **state)
{
	struct smtpmon_limits l;

	(void)state;
	limits_default(&l);
	l.history_mib = LIMITS_HISTORY_MIB_MAX;
	assert_int_equal(limits_history_bytes(UINT32_MAX, UINT32_MAX, SIZE_MAX), UINT64_MAX);
	assert_false(limits_history_fits(&l, UINT32_MAX, UINT32_MAX, 320));
	assert_true(limits_history_fits(&l, 1000, LIMITS_ROWS_MAX, 320));
	assert_int_equal(limits_history_max_size(&l, UINT32_MAX, 320, 1000), 0);
	assert_int_equal(limits_mib(0), 0);
	assert_int_equal(limits_mib(1), 1);
	assert_int_equal(limits_mib(1u << 20), 1);
	assert_int_equal(limits_mib((1u << 20) + 1), 2);
}

static void a_set_may_fill_each_count_but_not_pass_it(void **state)
{
	struct smtpmon_limits l;

	(void)state;
	limits_default(&l);
	l.rows = 10;
	l.set_rows = 3;
	assert_int_equal(limits_rows_check(&l, 10, 3), 0);
	assert_int_equal(limits_rows_check(&l, 11, 3), LIMIT_ROWS);
	assert_int_equal(limits_rows_check(&l, 11, 4), LIMIT_ROWS);   /* the first said */
	assert_int_equal(limits_rows_check(&l, 9, 4), LIMIT_SET_ROWS);
	l.set_rows = 0;
	assert_int_equal(limits_rows_check(&l, 1, 1), LIMIT_SET_ROWS);
	assert_int_equal(limits_rows_check(&l, 5, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_defaults_hold_the_benchmarks_and_a_smaller_share_for_set),
		cmocka_unit_test(a_line_sets_the_keys_it_gives_and_keeps_the_others),
		cmocka_unit_test(bad_limits_are_refused_whole),
		cmocka_unit_test(without_an_allow_list_everything_goes),
		cmocka_unit_test(ipv4_prefixes_match_on_their_bits),
		cmocka_unit_test(ipv6_prefixes_match_on_their_bits),
		cmocka_unit_test(an_ipv4_mapped_ipv6_address_is_its_ipv4_address),
		cmocka_unit_test(a_zero_length_prefix_takes_its_whole_family),
		cmocka_unit_test(names_are_never_judged_when_an_allow_list_is_set),
		cmocka_unit_test(each_line_keeps_its_own_ports),
		cmocka_unit_test(a_refusal_is_explained_for_the_log),
		cmocka_unit_test(bad_allow_lines_are_refused_whole),
		cmocka_unit_test(at_most_64_prefixes_in_all),
		cmocka_unit_test(errors_never_overflow_their_buffer),
		cmocka_unit_test(the_history_budget_is_size_times_rows_times_one_entry),
		cmocka_unit_test(the_arithmetic_never_overflows),
		cmocka_unit_test(a_set_may_fill_each_count_but_not_pass_it),
	};

	return cmocka_run_group_tests_name("limits", tests, NULL, NULL);
}
