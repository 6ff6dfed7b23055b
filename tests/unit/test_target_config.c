/* SPDX-License-Identifier: ISC */
/* The smtpMonServer and smtpMonDefaults arguments: what loads, what is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/target_config.h"

static char err[512];

static int parse(const char *line, struct target_config *cfg)
{
	err[0] = '\0';
	return target_parse_server(line, cfg, err, sizeof(err));
}

static void name_and_host_default_to_port_25(void **state)
{
	struct target_config c;
	struct target_options none = { 0 };

	(void)state;
	assert_int_equal(parse("mx1 mail.example.com", &c), 0);
	assert_string_equal(c.name, "mx1");
	assert_string_equal(c.host, "mail.example.com");
	assert_int_equal(c.opt.set, 0);
	target_config_finish(&c, &none);
	assert_int_equal(c.port, 25);
	assert_int_equal(c.opt.tls, TLS_NONE);
}

static void implicit_tls_defaults_to_port_465_unless_a_port_is_given(void **state)
{
	struct target_config c;
	struct target_options none = { 0 }, d;

	(void)state;
	assert_int_equal(parse("sub mail.example.com tls=implicit", &c), 0);
	target_config_finish(&c, &none);
	assert_int_equal(c.port, 465);
	assert_int_equal(parse("sub mail.example.com:10465 tls=implicit", &c), 0);
	target_config_finish(&c, &none);
	assert_int_equal(c.port, 10465);
	assert_int_equal(target_parse_defaults("tls=implicit", &d, err, sizeof(err)), 0);
	assert_int_equal(parse("sub mail.example.com", &c), 0);
	target_config_finish(&c, &d);
	assert_int_equal(c.port, 465);
}

static void tls_keys(void **state)
{
	struct target_config c;
	struct target_options none = { 0 };

	(void)state;
	assert_int_equal(parse("mx 192.0.2.1 tls=starttls verifyCert=yes certWarnDays=30 "
			       "sni=mx.example.com", &c), 0);
	target_config_finish(&c, &none);
	assert_int_equal(c.opt.tls, TLS_STARTTLS);
	assert_int_equal(c.opt.verify_cert, 1);
	assert_int_equal(c.opt.cert_warn_days, 30);
	assert_string_equal(target_tls_name(&c), "mx.example.com");
	assert_int_equal(parse("mx 192.0.2.1 tls=starttls", &c), 0);
	target_config_finish(&c, &none);
	assert_int_equal(c.opt.verify_cert, 0);
	assert_int_equal(c.opt.cert_warn_days, 14);
	assert_string_equal(target_tls_name(&c), "");   /* no SNI for an address */
	assert_int_equal(parse("mx mail.example.com tls=starttls", &c), 0);
	assert_string_equal(target_tls_name(&c), "mail.example.com");
}

static void ipv4_and_bracketed_ipv6_with_ports(void **state)
{
	struct target_config c;

	(void)state;
	assert_int_equal(parse("a 192.0.2.1:2525", &c), 0);
	assert_string_equal(c.host, "192.0.2.1");
	assert_int_equal(c.port, 2525);
	assert_int_equal(parse("b [::1]:587", &c), 0);
	assert_string_equal(c.host, "::1");
	assert_int_equal(c.port, 587);
	assert_int_equal(parse("c [2001:db8::25]", &c), 0);
	assert_int_equal(c.port, 0);   /* the default comes with target_config_finish */
}

static void keys_are_parsed_and_marked_explicit(void **state)
{
	struct target_config c;

	(void)state;
	assert_int_equal(parse("mx mx.example.org interval=30 timeout=5 helo=mon.example.org "
			       "failThreshold=3 recoverThreshold=2 latencyThreshold=500 "
			       "enabled=no family=ipv6", &c), 0);
	assert_int_equal(c.opt.interval_s, 30);
	assert_int_equal(c.opt.timeout_s, 5);
	assert_string_equal(c.opt.helo, "mon.example.org");
	assert_int_equal(c.opt.fail_threshold, 3);
	assert_int_equal(c.opt.recover_threshold, 2);
	assert_int_equal(c.opt.latency_threshold_ms, 500);
	assert_int_equal(c.opt.enabled, 0);
	assert_int_equal(c.opt.family, FAMILY_IPV6);
	assert_int_equal(c.opt.set, OPT_INTERVAL | OPT_TIMEOUT | OPT_HELO | OPT_FAIL_THRESHOLD |
			 OPT_RECOVER_THRESHOLD | OPT_LATENCY_THRESHOLD | OPT_ENABLED | OPT_FAMILY);
}

static void broken_lines_are_refused_with_a_reason(void **state)
{
	static const struct { const char *line, *why; } bad[] = {
		{ "", "expected" },
		{ "mx1", "missing HOST" },
		{ "bad/name 127.0.0.1", "not a valid name" },
		{ "abcdefghijklmnopqrstuvwxyz0123456 127.0.0.1", "not a valid name" },
		{ "mx 127.0.0.1:0", "not a port number" },
		{ "mx 127.0.0.1:65536", "not a port number" },
		{ "mx 127.0.0.1:25x", "not a port number" },
		{ "mx :25", "empty host" },
		{ "mx 300.1.1.1", "not a valid IPv4" },
		{ "mx [::g]:25", "not a valid IPv6" },
		{ "mx [::1", "missing ']'" },
		{ "mx ::1", "brackets" },
		{ "mx -bad-.example.com", "not a valid host name" },
		{ "mx 127.0.0.1 interval=0", "from 1 to 86400" },
		{ "mx 127.0.0.1 interval=-5", "from 1 to 86400" },
		{ "mx 127.0.0.1 timeout=3601", "from 1 to 3600" },
		{ "mx 127.0.0.1 failThreshold=101", "from 1 to 100" },
		{ "mx 127.0.0.1 interval=99999999999999999999", "from 1 to 86400" },
		{ "mx 127.0.0.1 colour=blue", "unknown key 'colour'" },
		{ "mx 127.0.0.1 interval", "expected key=value" },
		{ "mx 127.0.0.1 =5", "expected key=value" },
		{ "mx 127.0.0.1 enabled=maybe", "yes or no" },
		{ "mx 127.0.0.1 family=ipx", "any, ipv4 or ipv6" },
		{ "mx 127.0.0.1 helo=bad_name", "not a valid domain" },
		{ "mx 127.0.0.1 interval=5 interval=6", "given twice" },
		{ "mx 127.0.0.1 tls=ssl", "none, starttls or implicit" },
		{ "mx 127.0.0.1 verifyCert=1", "yes or no" },
		{ "mx 127.0.0.1 certWarnDays=-1", "from 0 to 3650" },
		{ "mx 127.0.0.1 sni=a..b", "not a valid host name" },
		{ "mx 127.0.0.1 tls=none tls=none", "given twice" },
		{ "mx 127.0.0.1 dnsbl=maybe", "yes or no" },
		{ "mx 127.0.0.1 dnsblInterval=0", "from 1 to 86400" },
		{ "mx 127.0.0.1 source=mail.example.org", "not an IPv4 or IPv6 address" },
		{ "mx 127.0.0.1 source=[::1", "not an IPv4 or IPv6 address" },
		{ "mx 127.0.0.1 source=::1 source=::1", "given twice" },
	};
	struct target_config c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i].line, &c), -1);
		if (!strstr(err, bad[i].why))
			fail_msg("'%s': error '%s' does not say '%s'", bad[i].line, err, bad[i].why);
	}
}

static void overlong_values_are_refused_not_cut(void **state)
{
	char line[2048];
	struct target_config c;

	(void)state;
	memset(line, 'a', sizeof(line));
	memcpy(line, "mx ", 3);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(parse(line, &c), -1);
	assert_non_null(strstr(err, "longer than"));
	snprintf(line, sizeof(line), "mx 127.0.0.1 helo=%0300d", 1);
	assert_int_equal(parse(line, &c), -1);
}

static void explicit_keys_beat_defaults_which_beat_builtins(void **state)
{
	struct target_config c;
	struct target_options d;

	(void)state;
	assert_int_equal(target_parse_defaults("interval=20 timeout=4", &d, err, sizeof(err)), 0);
	assert_int_equal(parse("mx 127.0.0.1 timeout=7", &c), 0);
	target_options_merge(&c.opt, &c.opt, &d);
	assert_int_equal(c.opt.interval_s, 20);     /* from defaults */
	assert_int_equal(c.opt.timeout_s, 7);       /* explicit */
	assert_int_equal(c.opt.fail_threshold, 2);  /* built-in */
	assert_int_equal(c.opt.enabled, 1);
}

static void defaults_need_keys(void **state)
{
	struct target_options d;

	(void)state;
	assert_int_equal(target_parse_defaults("", &d, err, sizeof(err)), -1);
	assert_int_equal(target_parse_defaults("interval=0", &d, err, sizeof(err)), -1);
}

static void stored_rows_read_back_as_written(void **state)
{
	struct target_config c, back;
	char line[1024];

	(void)state;
	assert_int_equal(parse("mx [2001:db8::25]:2525 interval=30 helo=mon.example.org tls=starttls "
			       "verifyCert=yes enabled=no family=ipv6 sni=mx.example.org "
			       "source=[2001:db8::1] dnsbl=no dnsblInterval=900", &c), 0);
	assert_string_equal(c.opt.source, "2001:db8::1");
	assert_int_equal(target_config_format(&c, line, sizeof(line)), 0);
	assert_string_equal(line, "mx [2001:db8::25]:2525 interval=30 dnsblInterval=900 "
			    "helo=mon.example.org sni=mx.example.org enabled=no verifyCert=yes "
			    "tls=starttls family=ipv6 source=2001:db8::1 dnsbl=no");
	assert_int_equal(target_parse_stored(line, &back, err, sizeof(err)), 0);
	assert_true(target_config_equal(&c, &back));
	assert_int_equal(back.opt.set, c.opt.set);
	assert_int_equal(target_config_format(&c, line, 20), -1);   /* too small: refused */
}

static void a_row_without_a_port_is_stored_without_one(void **state)
{
	struct target_config c, back;
	char line[256];

	(void)state;
	assert_int_equal(parse("mx1 mx1.example.com tls=implicit", &c), 0);
	assert_int_equal(target_config_format(&c, line, sizeof(line)), 0);
	assert_string_equal(line, "mx1 mx1.example.com tls=implicit");
	assert_int_equal(target_parse_stored(line, &back, err, sizeof(err)), 0);
	assert_true(target_config_equal(&c, &back));
}

static void stored_row_without_host(void **state)
{
	struct target_config c, back;
	char line[256];

	(void)state;
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "waiting");
	c.port = 25;
	assert_int_equal(target_config_format(&c, line, sizeof(line)), 0);
	assert_string_equal(line, "waiting -:25");
	assert_int_equal(target_parse_stored(line, &back, err, sizeof(err)), 0);
	assert_string_equal(back.host, "");
	assert_int_equal(back.port, 25);
}

static void name_and_domain_syntax(void **state)
{
	(void)state;
	assert_true(target_name_valid("mx-1_a.b"));
	assert_false(target_name_valid(""));
	assert_false(target_name_valid("a b"));
	assert_true(target_domain_valid("mail.example.com"));
	assert_true(target_domain_valid("localhost"));
	assert_false(target_domain_valid("a..b"));
	assert_false(target_domain_valid("-a.b"));
	assert_false(target_domain_valid("a.b-"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_and_host_default_to_port_25),
		cmocka_unit_test(implicit_tls_defaults_to_port_465_unless_a_port_is_given),
		cmocka_unit_test(tls_keys),
		cmocka_unit_test(ipv4_and_bracketed_ipv6_with_ports),
		cmocka_unit_test(keys_are_parsed_and_marked_explicit),
		cmocka_unit_test(broken_lines_are_refused_with_a_reason),
		cmocka_unit_test(overlong_values_are_refused_not_cut),
		cmocka_unit_test(explicit_keys_beat_defaults_which_beat_builtins),
		cmocka_unit_test(defaults_need_keys),
		cmocka_unit_test(stored_rows_read_back_as_written),
		cmocka_unit_test(a_row_without_a_port_is_stored_without_one),
		cmocka_unit_test(stored_row_without_host),
		cmocka_unit_test(name_and_domain_syntax),
	};

	return cmocka_run_group_tests_name("target_config", tests, NULL, NULL);
}
