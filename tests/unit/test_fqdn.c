/* SPDX-License-Identifier: ISC */
/* The host's fully qualified name from /etc/hosts and /etc/resolv.conf
 * lines, as the C library reads them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/fqdn.h"

static void hosts_gives_the_official_name(void **state)
{
	char out[TARGET_HELO_MAX + 1];

	(void)state;
	assert_true(fqdn_hosts_line("127.0.1.1\tmail.example.com mail\n", "mail", out, sizeof(out)));
	assert_string_equal(out, "mail.example.com");
	assert_true(fqdn_hosts_line("127.0.1.1 mail.example.com mail", "MAIL", out, sizeof(out)));
	assert_string_equal(out, "mail.example.com");
	assert_true(fqdn_hosts_line("  192.0.2.7   vm   vm.lab  # ours", "vm", out, sizeof(out)));
	assert_string_equal(out, "vm");     /* the official name, dot or not */
	assert_true(fqdn_hosts_line("::1 ip6-localhost ip6-loopback", "ip6-loopback", out,
				    sizeof(out)));
	assert_string_equal(out, "ip6-localhost");
}

static void other_lines_list_nothing(void **state)
{
	char out[TARGET_HELO_MAX + 1] = "untouched";

	(void)state;
	assert_false(fqdn_hosts_line("127.0.0.1 localhost", "mail", out, sizeof(out)));
	assert_false(fqdn_hosts_line("# 127.0.1.1 mail.example.com mail", "mail", out, sizeof(out)));
	assert_false(fqdn_hosts_line("127.0.1.1 mail.example.com #mail", "mail", out, sizeof(out)));
	assert_false(fqdn_hosts_line("127.0.1.1 mailer mail2", "mail", out, sizeof(out)));
	assert_false(fqdn_hosts_line("mail", "mail", out, sizeof(out)));   /* an address only */
	assert_false(fqdn_hosts_line("", "mail", out, sizeof(out)));
	assert_false(fqdn_hosts_line("   \n", "mail", out, sizeof(out)));
	assert_string_equal(out, "untouched");
}

static void the_official_name_is_cut_to_the_buffer(void **state)
{
	char out[8];

	(void)state;
	assert_true(fqdn_hosts_line("10.0.0.1 averylongname.example x", "x", out, sizeof(out)));
	assert_string_equal(out, "averylo");
}

static void search_and_domain_lines(void **state)
{
	struct fqdn_names s = { 0 };

	(void)state;
	assert_true(fqdn_resolv_line("search a.example b.example.\tc.example\n", &s));
	assert_int_equal(s.n, 3);
	assert_string_equal(s.name[0], "a.example");
	assert_string_equal(s.name[1], "b.example");
	assert_string_equal(s.name[2], "c.example");
	assert_true(fqdn_resolv_line("domain lab.example other.example", &s));   /* replaces */
	assert_int_equal(s.n, 1);
	assert_string_equal(s.name[0], "lab.example");
	assert_true(fqdn_resolv_line("search bad_name.example ok.example ; comment", &s));
	assert_int_equal(s.n, 1);
	assert_string_equal(s.name[0], "ok.example");
	assert_true(fqdn_resolv_line("search", &s));
	assert_int_equal(s.n, 0);
}

static void other_resolv_lines_change_nothing(void **state)
{
	struct fqdn_names s = { 1, { "kept.example" } };

	(void)state;
	assert_false(fqdn_resolv_line("nameserver 192.0.2.53", &s));
	assert_false(fqdn_resolv_line("# search x.example", &s));
	assert_false(fqdn_resolv_line("; search x.example", &s));
	assert_false(fqdn_resolv_line("options ndots:2", &s));
	assert_false(fqdn_resolv_line("searching x.example", &s));
	assert_false(fqdn_resolv_line("", &s));
	assert_int_equal(s.n, 1);
	assert_string_equal(s.name[0], "kept.example");
}

static void at_most_six_domains(void **state)
{
	struct fqdn_names s = { 0 };

	(void)state;
	assert_true(fqdn_resolv_line("search a.x b.x c.x d.x e.x f.x g.x", &s));
	assert_int_equal(s.n, FQDN_SEARCH_MAX);
	assert_string_equal(s.name[5], "f.x");
}

static void candidates_join_name_and_domain(void **state)
{
	struct fqdn_names s = { 2, { "a.example", "b.example" } }, out;
	char label[64];

	(void)state;
	assert_int_equal(fqdn_candidates("vm", &s, &out), 2);
	assert_string_equal(out.name[0], "vm.a.example");
	assert_string_equal(out.name[1], "vm.b.example");
	/* Too long for a name: left out. */
	memset(label, 'x', 63);
	label[63] = '\0';
	snprintf(s.name[0], sizeof(s.name[0]), "%s.%s.%s.%s", label, label, label, label);
	assert_int_equal(fqdn_candidates("vm", &s, &out), 1);
	assert_string_equal(out.name[0], "vm.b.example");
	assert_int_equal(fqdn_candidates("bad_name", &s, &out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hosts_gives_the_official_name),
		cmocka_unit_test(other_lines_list_nothing),
		cmocka_unit_test(the_official_name_is_cut_to_the_buffer),
		cmocka_unit_test(search_and_domain_lines),
		cmocka_unit_test(other_resolv_lines_change_nothing),
		cmocka_unit_test(at_most_six_domains),
		cmocka_unit_test(candidates_join_name_and_domain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
