/* SPDX-License-Identifier: ISC */
/* HOST[:PORT] and [IPv6]:PORT: what is taken, what is refused and why. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/hostport.h"

static char host[256], err[256];
static uint16_t port;
static int has_port;

static enum hostport_result parse_with(const char *text, unsigned flags, hostport_check *check)
{
	err[0] = '\0';
	return hostport_parse(text, flags, check, host, sizeof(host), &port, &has_port,
			      err, sizeof(err));
}

static void assert_taken(const char *text, unsigned flags, const char *want_host,
			 int want_has_port, uint16_t want_port)
{
	if (parse_with(text, flags, NULL) != HOSTPORT_OK)
		fail_msg("'%s' refused: %s", text, err);
	assert_string_equal(host, want_host);
	assert_int_equal(has_port, want_has_port);
	assert_int_equal(port, want_port);
}

static void assert_refused(const char *text, unsigned flags, enum hostport_result want,
			   const char *why)
{
	enum hostport_result r = parse_with(text, flags, NULL);

	if (r != want)
		fail_msg("'%s': result %d, expected %d (%s)", text, r, want, err);
	if (!strstr(err, why))
		fail_msg("'%s': error '%s' does not say '%s'", text, err, why);
}

/* A check as a caller gives one: it refuses "bad" and counts its calls. */
static int checked;

static int refuse_bad(const char *name, char *e, size_t elen)
{
	checked++;
	if (strcmp(name, "bad") != 0)
		return 0;
	snprintf(e, elen, "'%s' is no host of ours", name);
	return -1;
}

static void a_name_or_an_ipv4_address_stands_alone(void **state)
{
	(void)state;
	assert_taken("mail.example.com", 0, "mail.example.com", 0, 0);
	assert_taken("192.0.2.1", 0, "192.0.2.1", 0, 0);
	assert_taken("localhost", 0, "localhost", 0, 0);
}

static void a_name_or_an_ipv4_address_carries_a_port_after_a_colon(void **state)
{
	(void)state;
	assert_taken("mail.example.com:587", 0, "mail.example.com", 1, 587);
	assert_taken("192.0.2.1:2525", 0, "192.0.2.1", 1, 2525);
}

static void an_ipv6_literal_goes_in_brackets_with_or_without_a_port(void **state)
{
	(void)state;
	assert_taken("[::1]", 0, "::1", 0, 0);
	assert_taken("[::1]:25", 0, "::1", 1, 25);
	assert_taken("[2001:db8::1]:587", 0, "2001:db8::1", 1, 587);
	assert_taken("[::ffff:192.0.2.1]:25", 0, "::ffff:192.0.2.1", 1, 25);
}

static void an_ipv6_literal_needs_brackets_to_carry_a_port(void **state)
{
	(void)state;
	assert_refused("::1", 0, HOSTPORT_BAD_FORM, "write IPv6 addresses in brackets");
	assert_refused("2001:db8::1", 0, HOSTPORT_BAD_FORM, "'2001:db8::1': write IPv6");
	assert_refused("2001:db8::1:25", 0, HOSTPORT_BAD_FORM, "as [::1]:25");
	assert_refused("a:b:c", 0, HOSTPORT_BAD_FORM, "brackets");
	assert_refused("host:25:26", 0, HOSTPORT_BAD_FORM, "brackets");
}

/* smtpMonResolver takes "::1" as evdns does: the whole of it is the
 * address, so "2001:db8::1:25" is an address, never a port. */
static void a_bare_ipv6_literal_is_taken_only_where_the_caller_allows_it(void **state)
{
	(void)state;
	assert_taken("::1", HOSTPORT_BARE_IPV6, "::1", 0, 0);
	assert_taken("2001:db8::1:25", HOSTPORT_BARE_IPV6, "2001:db8::1:25", 0, 0);
	assert_taken("[::1]:53", HOSTPORT_BARE_IPV6, "::1", 1, 53);
	assert_taken("127.0.0.1:53", HOSTPORT_BARE_IPV6, "127.0.0.1", 1, 53);
	assert_refused("a:b:c", HOSTPORT_BARE_IPV6, HOSTPORT_BAD_FORM, "brackets");
	assert_refused("::g", HOSTPORT_BARE_IPV6, HOSTPORT_BAD_FORM, "brackets");
}

static void brackets_hold_an_ipv6_address_and_nothing_else(void **state)
{
	(void)state;
	assert_refused("[192.0.2.1]:25", 0, HOSTPORT_BAD_HOST,
		       "'192.0.2.1' is not a valid IPv6 address");
	assert_refused("[mail.example.com]", 0, HOSTPORT_BAD_HOST, "not a valid IPv6");
	assert_refused("[::g]:25", 0, HOSTPORT_BAD_HOST, "'::g' is not a valid IPv6 address");
	assert_refused("[]", 0, HOSTPORT_BAD_HOST, "'' is not a valid IPv6 address");
	assert_refused("[fe80::1%eth0]", 0, HOSTPORT_BAD_HOST, "not a valid IPv6");
}

static void a_bracket_is_closed_and_followed_by_a_port_or_nothing(void **state)
{
	(void)state;
	assert_refused("[::1", 0, HOSTPORT_BAD_FORM, "'[::1': missing ']' after the IPv6 address");
	assert_refused("[", 0, HOSTPORT_BAD_FORM, "missing ']'");
	assert_refused("[::1]x", 0, HOSTPORT_BAD_FORM, "'[::1]x': expected ':PORT' after ']'");
	assert_refused("[::1]25", 0, HOSTPORT_BAD_FORM, "expected ':PORT'");
	assert_refused("[::1]]", 0, HOSTPORT_BAD_FORM, "expected ':PORT'");
	assert_refused("[::1] ", 0, HOSTPORT_BAD_FORM, "expected ':PORT'");
}

static void a_host_is_needed_before_the_colon(void **state)
{
	(void)state;
	assert_refused("", 0, HOSTPORT_BAD_FORM, "empty host");
	assert_refused(":25", 0, HOSTPORT_BAD_FORM, "empty host");
	assert_refused(":", 0, HOSTPORT_BAD_FORM, "empty host");
}

static void ports_run_from_1_to_65535(void **state)
{
	(void)state;
	assert_taken("h.example:1", 0, "h.example", 1, 1);
	assert_taken("h.example:65535", 0, "h.example", 1, 65535);
	assert_taken("[::1]:65535", 0, "::1", 1, 65535);
	assert_refused("h.example:0", 0, HOSTPORT_BAD_PORT, "'0' is not a port number (1-65535)");
	assert_refused("h.example:65536", 0, HOSTPORT_BAD_PORT, "'65536' is not a port number");
	assert_refused("h.example:99999999999", 0, HOSTPORT_BAD_PORT, "'99999999999' is not a port");
	assert_refused("h.example:184467440737095516160025", 0, HOSTPORT_BAD_PORT, "not a port");
	assert_refused("[::1]:0", 0, HOSTPORT_BAD_PORT, "'0' is not a port number");
	assert_refused("[::1]:65536", 0, HOSTPORT_BAD_PORT, "not a port number");
}

/* As every number in a configuration line is read (target_parse_u32). */
static void a_port_may_have_leading_zeros(void **state)
{
	(void)state;
	assert_taken("h.example:025", 0, "h.example", 1, 25);
	assert_taken("h.example:0000000000000000000000025", 0, "h.example", 1, 25);
	assert_refused("h.example:00000", 0, HOSTPORT_BAD_PORT, "not a port number");
}

static void a_port_is_decimal_digits_and_nothing_else(void **state)
{
	static const char *const bad[] = {
		"host:", "host:25x", "host: 25", "host:25 ", "host:+25", "host:-25", "host:0x19",
		"host:2 5", "[::1]:", "[::1]:25x", "[::1]: 25", "[::1]:25:26",
		"[::1]:-1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(bad[i], 0, HOSTPORT_BAD_PORT, "is not a port number (1-65535)");
	assert_refused("host:25x", 0, HOSTPORT_BAD_PORT, "'25x' is not");
	assert_refused("host:", 0, HOSTPORT_BAD_PORT, "'' is not");
	assert_refused("host: 25", 0, HOSTPORT_BAD_PORT, "' 25' is not");
}

/* Room for HOSTSIZE - 1 characters: a longer host is refused, not cut. */
static void a_host_longer_than_its_buffer_is_refused_not_cut(void **state)
{
	char small[8], name[300];

	(void)state;
	assert_int_equal(hostport_parse("abcdefg:25", 0, NULL, small, sizeof(small), &port,
					&has_port, err, sizeof(err)), HOSTPORT_OK);
	assert_string_equal(small, "abcdefg");
	assert_int_equal(hostport_parse("abcdefgh:25", 0, NULL, small, sizeof(small), &port,
					&has_port, err, sizeof(err)), HOSTPORT_BAD_HOST);
	assert_string_equal(err, "host is longer than 7 characters");
	assert_string_equal(small, "");
	assert_int_equal(hostport_parse("[2001:db8::1]", 0, NULL, small, sizeof(small), &port,
					&has_port, err, sizeof(err)), HOSTPORT_BAD_HOST);
	assert_string_equal(small, "");
	assert_int_equal(hostport_parse("a", 0, NULL, small, 0, &port, &has_port,
					err, sizeof(err)), HOSTPORT_BAD_HOST);

	memset(name, 'a', 255);
	name[255] = '\0';
	assert_taken(name, 0, name, 0, 0);
	strcpy(name + 255, "a:25");
	assert_refused(name, 0, HOSTPORT_BAD_HOST, "host is longer than 255 characters");
}

/* So that "bad:0" is refused for its host, as the caller would say it. */
static void the_callers_check_judges_a_name_or_ipv4_address_before_the_port(void **state)
{
	(void)state;
	checked = 0;
	assert_int_equal(parse_with("good.example:25", 0, refuse_bad), HOSTPORT_OK);
	assert_int_equal(checked, 1);
	assert_int_equal(parse_with("bad", 0, refuse_bad), HOSTPORT_BAD_HOST);
	assert_string_equal(err, "'bad' is no host of ours");
	assert_int_equal(parse_with("bad:0", 0, refuse_bad), HOSTPORT_BAD_HOST);
	assert_string_equal(err, "'bad' is no host of ours");
	assert_int_equal(parse_with("good.example:0", 0, refuse_bad), HOSTPORT_BAD_PORT);
	assert_int_equal(checked, 4);
}

static void the_callers_check_never_sees_an_ipv6_literal_or_a_malformed_line(void **state)
{
	(void)state;
	checked = 0;
	assert_int_equal(parse_with("[::1]:25", 0, refuse_bad), HOSTPORT_OK);
	assert_int_equal(parse_with("::1", HOSTPORT_BARE_IPV6, refuse_bad), HOSTPORT_OK);
	assert_int_equal(parse_with("[bad]", 0, refuse_bad), HOSTPORT_BAD_HOST);
	assert_string_equal(err, "'bad' is not a valid IPv6 address");
	assert_int_equal(parse_with(":25", 0, refuse_bad), HOSTPORT_BAD_FORM);
	assert_int_equal(parse_with("bad:b:c", 0, refuse_bad), HOSTPORT_BAD_FORM);
	assert_int_equal(checked, 0);
}

static void a_refusal_leaves_no_host_and_no_port(void **state)
{
	static const char *const bad[] = { "h.example:0", "[::1", "[::g]", "::1", ":25", "bad" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(host, "left over");
		port = 7;
		has_port = 1;
		assert_int_not_equal(parse_with(bad[i], 0, refuse_bad), HOSTPORT_OK);
		assert_string_equal(host, "");
		assert_int_equal(port, 0);
		assert_int_equal(has_port, 0);
		assert_true(err[0] != '\0');
	}
}

/* Every error, every buffer: what is written stays inside it. */
static void errors_and_hosts_never_overflow_their_buffers(void **state)
{
	char longname[1200], longv6[1200], longport[1200], tiny_host[4 + 8];
	char tiny_err[6 + 8];
	const char *inputs[] = {
		longname, longv6, longport, "[::1", "[::1]x", "[::g]:25", "::1", ":25",
		"h.example:0", "bad", "abcdefgh", "[2001:db8::1]", "ab:25",
	};

	(void)state;
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	longv6[0] = '[';
	memset(longv6 + 1, ':', sizeof(longv6) - 3);
	strcpy(longv6 + sizeof(longv6) - 2, "]");
	strcpy(longport, "h:");
	memset(longport + 2, '9', sizeof(longport) - 3);
	longport[sizeof(longport) - 1] = '\0';
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		memset(tiny_host, '#', sizeof(tiny_host));
		memset(tiny_err, '#', sizeof(tiny_err));
		if (hostport_parse(inputs[i], 0, refuse_bad, tiny_host, 4, &port, &has_port,
				   tiny_err, 6) != HOSTPORT_OK)
			assert_int_equal(strlen(tiny_err), 5);   /* cut, but said */
		assert_true(strlen(tiny_host) < 4);
		for (size_t j = 4; j < sizeof(tiny_host); j++)
			assert_int_equal(tiny_host[j], '#');
		for (size_t j = 6; j < sizeof(tiny_err); j++)
			assert_int_equal(tiny_err[j], '#');
		/* No room for a message at all is allowed too. */
		(void)hostport_parse(inputs[i], 0, refuse_bad, tiny_host, 4, &port, &has_port,
				     NULL, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_name_or_an_ipv4_address_stands_alone),
		cmocka_unit_test(a_name_or_an_ipv4_address_carries_a_port_after_a_colon),
		cmocka_unit_test(an_ipv6_literal_goes_in_brackets_with_or_without_a_port),
		cmocka_unit_test(an_ipv6_literal_needs_brackets_to_carry_a_port),
		cmocka_unit_test(a_bare_ipv6_literal_is_taken_only_where_the_caller_allows_it),
		cmocka_unit_test(brackets_hold_an_ipv6_address_and_nothing_else),
		cmocka_unit_test(a_bracket_is_closed_and_followed_by_a_port_or_nothing),
		cmocka_unit_test(a_host_is_needed_before_the_colon),
		cmocka_unit_test(ports_run_from_1_to_65535),
		cmocka_unit_test(a_port_may_have_leading_zeros),
		cmocka_unit_test(a_port_is_decimal_digits_and_nothing_else),
		cmocka_unit_test(a_host_longer_than_its_buffer_is_refused_not_cut),
		cmocka_unit_test(the_callers_check_judges_a_name_or_ipv4_address_before_the_port),
		cmocka_unit_test(the_callers_check_never_sees_an_ipv6_literal_or_a_malformed_line),
		cmocka_unit_test(a_refusal_leaves_no_host_and_no_port),
		cmocka_unit_test(errors_and_hosts_never_overflow_their_buffers),
	};

	return cmocka_run_group_tests_name("hostport", tests, NULL, NULL);
}
