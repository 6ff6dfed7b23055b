/* SPDX-License-Identifier: ISC */
/* Domain watches, the pure rules: the smtpMonDomain line, the MX set as a
 * sending MTA reads it, the rows it makes and their names, and the domain's
 * Status with its reason. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "core/domain_config.h"
#include "core/domain_status.h"
#include "core/mx_set.h"
#include "probe/domain_watch.h"

static char err[256];

/* --- the directive ------------------------------------------------------------ */

static void a_line_with_every_kind_of_key(void **state)
{
	struct domain_config d;

	(void)state;
	assert_int_equal(domain_parse("corp Example.COM:2525 family=both dnsInterval=60 "
				      "interval=30 tls=starttls verifyCert=yes", &d, err,
				      sizeof(err)), 0);
	assert_string_equal(d.name, "corp");
	assert_string_equal(d.domain, "example.com");
	assert_int_equal(d.port, 2525);
	assert_int_equal(d.family, DOMAIN_FAMILY_BOTH);
	assert_int_equal(d.dns_interval_s, 60);
	assert_true(d.opt.set & OPT_INTERVAL);
	assert_int_equal(d.opt.interval_s, 30);
	assert_int_equal(d.opt.tls, TLS_STARTTLS);
	assert_int_equal(domain_port(&d), 2525);
}

static void defaults_are_any_family_every_300_s_on_port_25(void **state)
{
	struct domain_config d;

	(void)state;
	assert_int_equal(domain_parse("m example.org", &d, err, sizeof(err)), 0);
	assert_int_equal(d.family, DOMAIN_FAMILY_ANY);
	assert_int_equal(d.dns_interval_s, 300);
	assert_int_equal(d.opt.set, 0);
	assert_int_equal(domain_port(&d), 25);
	assert_int_equal(domain_parse("m example.org tls=implicit", &d, err, sizeof(err)), 0);
	assert_int_equal(domain_port(&d), 465);
}

static void refused_lines_say_why(void **state)
{
	struct domain_config d;

	(void)state;
	assert_int_equal(domain_parse("m example.org dnsInterval=4", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "5 to 86400"));
	assert_int_equal(domain_parse("m example.org family=ipv5", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "any, ipv4, ipv6 or both"));
	assert_int_equal(domain_parse("m example.org sni=mx.example.org", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "own name"));
	assert_int_equal(domain_parse("m", &d, err, sizeof(err)), -1);
	assert_int_equal(domain_parse("m exa_mple.org", &d, err, sizeof(err)), -1);
	assert_int_equal(domain_parse("m example.org bogus=1", &d, err, sizeof(err)), -1);
	/* NAME.N must fit the servers' 32 characters. */
	assert_int_equal(domain_parse("abcdefghijklmnopqrstuvwxyz123 example.org", &d, err,
				      sizeof(err)), -1);
	assert_int_equal(domain_parse("abcdefghijklmnopqrstuvwxyz12 example.org", &d, err,
				      sizeof(err)), 0);
}

static void two_lines_are_equal_only_when_they_probe_alike(void **state)
{
	struct domain_config a, b;

	(void)state;
	domain_parse("m example.org interval=30", &a, err, sizeof(err));
	domain_parse("m example.org interval=30", &b, err, sizeof(err));
	assert_true(domain_config_equal(&a, &b));
	domain_parse("m example.org interval=31", &b, err, sizeof(err));
	assert_false(domain_config_equal(&a, &b));
	domain_parse("m example.org interval=30 family=both", &b, err, sizeof(err));
	assert_false(domain_config_equal(&a, &b));
}

/* --- the MX set ---------------------------------------------------------------- */

static struct dns_answer answer;

static void mx_answer(unsigned n, const uint16_t *pref, const char *const *host)
{
	memset(&answer, 0, sizeof(answer));
	answer.outcome = n ? DNS_ANSWER : DNS_NODATA;
	answer.count = n;
	for (unsigned i = 0; i < n; i++) {
		answer.rec[i].type = DNS_TYPE_MX;
		answer.rec[i].u.mx.pref = pref[i];
		strcpy(answer.rec[i].u.mx.host, host[i]);
	}
}

static void add_address(struct mx_host *h, const char *text)
{
	struct dns_answer a;
	int v6 = strchr(text, ':') != NULL;

	memset(&a, 0, sizeof(a));
	a.outcome = DNS_ANSWER;
	a.count = 1;
	a.rec[0].type = v6 ? DNS_TYPE_AAAA : DNS_TYPE_A;
	a.rec[0].u.addr.family = v6 ? AF_INET6 : AF_INET;
	inet_pton(a.rec[0].u.addr.family, text, a.rec[0].u.addr.addr);
	mx_host_add_answer(h, &a);
	h->looked_up = 1;
}

static void no_address(struct mx_host *h, enum dns_outcome outcome)
{
	struct dns_answer a;

	memset(&a, 0, sizeof(a));
	a.outcome = outcome;
	mx_host_add_answer(h, &a);
	h->looked_up = 1;
}

/* mx1 (10) at 192.0.2.1; mx2 (20) at 192.0.2.2 and 2001:db8::2. */
static void two_mx(struct mx_set *s)
{
	static const uint16_t pref[] = { 20, 10 };
	static const char *const host[] = { "mx2.example.org", "mx1.example.org" };

	mx_answer(2, pref, host);
	mx_set_from_answer(s, "example.org", &answer);
	add_address(&s->host[0], "192.0.2.1");
	add_address(&s->host[1], "192.0.2.2");
	add_address(&s->host[1], "2001:db8::2");
}

static void mx_hosts_by_preference_and_once_each(void **state)
{
	static const uint16_t pref[] = { 20, 10, 10, 20 };
	static const char *const host[] = { "b.example.org", "z.example.org", "a.example.org",
					    "b.example.org" };
	struct mx_set s;
	char text[256];

	(void)state;
	mx_answer(4, pref, host);
	mx_set_from_answer(&s, "example.org", &answer);
	assert_int_equal(s.kind, MX_LISTED);
	assert_int_equal(s.nhosts, 3);
	mx_set_describe(&s, text, sizeof(text));
	assert_string_equal(text, "10 a.example.org, 10 z.example.org, 20 b.example.org");
}

static void no_mx_is_the_domain_itself_and_null_mx_takes_no_mail(void **state)
{
	static const uint16_t zero[] = { 0 };
	static const char *const root[] = { "" };
	struct mx_set s;
	char text[256];

	(void)state;
	mx_answer(0, NULL, NULL);
	mx_set_from_answer(&s, "example.org", &answer);
	assert_int_equal(s.kind, MX_IMPLICIT);
	assert_int_equal(s.nhosts, 1);
	assert_string_equal(s.host[0].name, "example.org");
	assert_int_equal(s.host[0].pref, 0);
	mx_set_describe(&s, text, sizeof(text));
	assert_string_equal(text, "no MX: example.org itself");
	mx_answer(1, zero, root);
	mx_set_from_answer(&s, "example.org", &answer);
	assert_int_equal(s.kind, MX_NULL);
	answer.outcome = DNS_NXDOMAIN;
	mx_set_from_answer(&s, "example.org", &answer);
	assert_int_equal(s.kind, MX_NO_DOMAIN);
	answer.outcome = DNS_FAILED;
	strcpy(answer.error, "SERVFAIL");
	mx_set_from_answer(&s, "example.org", &answer);
	assert_int_equal(s.kind, MX_FAILED);
	assert_string_equal(s.error, "SERVFAIL");
}

static void family_both_makes_a_row_per_address_and_the_others_one_per_host(void **state)
{
	struct mx_set s;
	struct mx_row rows[DOMAIN_ROWS_MAX];
	unsigned cut;
	char where[64];

	(void)state;
	two_mx(&s);
	assert_int_equal(mx_rows(&s, DOMAIN_FAMILY_BOTH, rows, DOMAIN_ROWS_MAX, &cut), 3);
	assert_string_equal(rows[0].mx, "mx1.example.org");
	mx_row_where(&rows[2], where, sizeof(where));
	assert_string_equal(where, "2001:db8::2");
	assert_int_equal(mx_rows(&s, DOMAIN_FAMILY_ANY, rows, DOMAIN_ROWS_MAX, &cut), 2);
	assert_int_equal(rows[1].addr.family, 0);        /* probed by name */
	mx_row_where(&rows[1], where, sizeof(where));
	assert_string_equal(where, "mx2.example.org");
	assert_int_equal(mx_rows(&s, DOMAIN_FAMILY_BOTH, rows, 2, &cut), 2);
	assert_int_equal(cut, 1);
	assert_int_equal(mx_set_addresses(&s, DOMAIN_FAMILY_BOTH), 3);
	assert_int_equal(mx_set_addresses(&s, DOMAIN_FAMILY_IPV6), 1);
}

static void addresses_are_in_order_whichever_answer_came_first(void **state)
{
	struct mx_host a, b;
	char where[2][64];
	struct mx_row row = { 0 };

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	add_address(&a, "192.0.2.20");          /* A, then AAAA */
	add_address(&a, "192.0.2.3");
	add_address(&a, "2001:db8::1");
	add_address(&b, "2001:db8::1");         /* AAAA, then A */
	add_address(&b, "192.0.2.3");
	add_address(&b, "192.0.2.20");
	assert_int_equal(a.naddr, 3);
	assert_memory_equal(a.addr, b.addr, sizeof(a.addr[0]) * 3);
	for (int i = 0; i < 2; i++) {
		row.addr = a.addr[i];
		mx_row_where(&row, where[i], sizeof(where[i]));
	}
	assert_string_equal(where[0], "192.0.2.3");
	assert_string_equal(where[1], "192.0.2.20");
	assert_int_equal(a.addr[2].family, AF_INET6);
}

static void a_failed_address_question_keeps_the_addresses_seen_before(void **state)
{
	struct mx_set before, now;
	struct dns_answer fail;

	(void)state;
	two_mx(&before);
	two_mx(&now);
	memset(&now.host[1], 0, sizeof(now.host[1]));   /* mx2 asked again: */
	strcpy(now.host[1].name, "mx2.example.org");
	now.host[1].pref = 20;
	add_address(&now.host[1], "192.0.2.2");         /* its A answered, */
	memset(&fail, 0, sizeof(fail));                  /* its AAAA timed out */
	fail.outcome = DNS_FAILED;
	strcpy(fail.error, "timed out");
	mx_host_add_answer(&now.host[1], &fail);
	assert_true(now.host[1].failed);
	assert_int_equal(now.host[1].naddr, 1);
	mx_set_keep_addresses(&now, &before);
	assert_int_equal(now.host[1].naddr, 2);          /* 2001:db8::2 stays */
	assert_int_equal(now.host[0].naddr, 1);          /* an answered host is as it is */
	assert_int_equal(mx_set_addresses(&now, DOMAIN_FAMILY_BOTH), 3);
}

static void rows_keep_their_numbers_and_new_ones_never_reuse_a_number_just_given_up(void **state)
{
	struct mx_row prev[3], next[3];
	char name[TARGET_NAME_MAX + 1];

	(void)state;
	memset(prev, 0, sizeof(prev));
	memset(next, 0, sizeof(next));
	strcpy(prev[0].mx, "a");
	strcpy(prev[1].mx, "b");
	mx_rows_number(NULL, 0, prev, 2);
	assert_int_equal(prev[0].number, 1);
	assert_int_equal(prev[1].number, 2);
	strcpy(next[0].mx, "c");            /* a replaced by c; b stays */
	strcpy(next[1].mx, "b");
	mx_rows_number(prev, 2, next, 2);
	assert_int_equal(next[1].number, 2);
	assert_int_equal(next[0].number, 3);
	mx_row_name("corp", &next[0], name, sizeof(name));
	assert_string_equal(name, "corp.3");
}

static void the_mx_set_change_says_what_was_added_and_removed(void **state)
{
	static const uint16_t p1[] = { 10, 20 }, p2[] = { 10, 30 };
	static const char *const h1[] = { "mx1.example.org", "mx2.example.org" };
	static const char *const h2[] = { "mx1.example.org", "mx3.example.org" };
	struct mx_set a, b;
	char text[256];

	(void)state;
	mx_answer(2, p1, h1);
	mx_set_from_answer(&a, "example.org", &answer);
	mx_answer(2, p2, h2);
	mx_set_from_answer(&b, "example.org", &answer);
	assert_true(mx_set_changed(&a, &b, text, sizeof(text)));
	assert_string_equal(text, "added 30 mx3.example.org; removed 20 mx2.example.org");
	assert_false(mx_set_changed(&a, &a, text, sizeof(text)));
	b.kind = MX_FAILED;                 /* a failed lookup says nothing */
	assert_false(mx_set_changed(&a, &b, text, sizeof(text)));
	mx_answer(0, NULL, NULL);
	mx_set_from_answer(&b, "example.org", &answer);
	assert_true(mx_set_changed(&a, &b, text, sizeof(text)));
	assert_string_equal(text, "was 10 mx1.example.org, 20 mx2.example.org; now no MX: "
			    "example.org itself");
}

/* --- the domain's Status ------------------------------------------------------- */

static enum domain_status judge(const struct mx_set *s, const struct domain_row_view *rows,
				unsigned n, char *reason)
{
	struct domain_view v = { "example.org", s, 0, n, rows };

	return domain_status_of(&v, reason, 256);
}

static void every_row_up_is_up_and_one_down_is_degraded_naming_it(void **state)
{
	struct mx_set s;
	char reason[256];
	struct domain_row_view rows[] = {
		{ "mx1.example.org", "192.0.2.1", STATUS_UP, "ok" },
		{ "mx2.example.org", "192.0.2.2", STATUS_UP, "ok" },
		{ "mx2.example.org", "2001:db8::2", STATUS_UP, "ok" },
	};

	(void)state;
	two_mx(&s);
	assert_int_equal(judge(&s, rows, 3, reason), DOMAIN_UP);
	assert_string_equal(reason, "every address takes mail (3 of 3)");
	rows[2].status = STATUS_DOWN;
	rows[2].result = "connectRefused";
	assert_int_equal(judge(&s, rows, 3, reason), DOMAIN_DEGRADED);
	assert_string_equal(reason, "mx2.example.org 2001:db8::2 is down (connectRefused)");
	rows[0].status = rows[1].status = STATUS_DOWN;
	rows[0].result = rows[1].result = "connectRefused";
	assert_int_equal(judge(&s, rows, 3, reason), DOMAIN_DOWN);
	assert_true(strncmp(reason, "no address takes mail: mx1.example.org 192.0.2.1 is down",
			    56) == 0);
}

static void an_mx_that_does_not_resolve_degrades_and_none_resolving_is_down(void **state)
{
	static const uint16_t pref[] = { 10, 20 };
	static const char *const host[] = { "mx1.example.org", "gone.example.org" };
	struct mx_set s;
	char reason[256];
	struct domain_row_view up = { "mx1.example.org", "mx1.example.org", STATUS_UP, "ok" };

	(void)state;
	mx_answer(2, pref, host);
	mx_set_from_answer(&s, "example.org", &answer);
	add_address(&s.host[0], "192.0.2.1");
	no_address(&s.host[1], DNS_NXDOMAIN);
	assert_int_equal(judge(&s, &up, 1, reason), DOMAIN_DEGRADED);
	assert_string_equal(reason, "gone.example.org does not resolve (NXDOMAIN)");
	up.status = STATUS_DOWN;            /* a row probed by name is named once */
	up.result = "bannerRejected";
	assert_int_equal(judge(&s, &up, 1, reason), DOMAIN_DOWN);
	assert_true(strncmp(reason, "no address takes mail: mx1.example.org is down "
			    "(bannerRejected); gone.example.org", 70) == 0);
	up.status = STATUS_UP;
	s.host[0].naddr = 0;
	assert_int_equal(judge(&s, NULL, 0, reason), DOMAIN_DOWN);
	assert_true(strncmp(reason, "no MX host resolves: ", 21) == 0);
}

static void null_mx_is_no_mail_nxdomain_down_and_unprobed_rows_unknown(void **state)
{
	struct mx_set s;
	char reason[256];
	struct domain_row_view wait = { "mx1.example.org", "192.0.2.1", STATUS_UNKNOWN, "none" };

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(judge(&s, NULL, 0, reason), DOMAIN_UNKNOWN);
	s.kind = MX_NULL;
	assert_int_equal(judge(&s, NULL, 0, reason), DOMAIN_NO_MAIL);
	assert_string_equal(reason, "example.org publishes a null MX (RFC 7505): it takes no mail");
	s.kind = MX_NO_DOMAIN;
	assert_int_equal(judge(&s, NULL, 0, reason), DOMAIN_DOWN);
	two_mx(&s);
	assert_int_equal(judge(&s, &wait, 1, reason), DOMAIN_UNKNOWN);
	assert_int_equal(domain_status_as_server(DOMAIN_NO_MAIL), STATUS_UNKNOWN);
}

/* --- when to look again -------------------------------------------------------- */

static void lookups_follow_the_ttl_but_never_more_often_than_every_5_s(void **state)
{
	struct domain_config d;
	struct mx_set s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.kind = MX_LISTED;
	domain_parse("m example.org dnsInterval=300", &d, err, sizeof(err));
	assert_int_equal(domain_next_lookup_s(&d, &s, 3600), 300);
	assert_int_equal(domain_next_lookup_s(&d, &s, 120), 120);
	assert_int_equal(domain_next_lookup_s(&d, &s, 1), 5);
	s.kind = MX_FAILED;
	assert_int_equal(domain_next_lookup_s(&d, &s, UINT32_MAX), 60);
}

static void a_negative_answer_without_soa_sets_no_ttl(void **state)
{
	struct dns_answer a;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.outcome = DNS_ANSWER;
	a.ttl = 0;                          /* a record with TTL 0 counts */
	assert_int_equal(domain_answer_ttl(&a), 0);
	a.outcome = DNS_NODATA;             /* no SOA: nothing to go by */
	assert_int_equal(domain_answer_ttl(&a), UINT32_MAX);
	a.ttl = 900;                        /* the SOA's negative TTL */
	assert_int_equal(domain_answer_ttl(&a), 900);
	a.outcome = DNS_FAILED;
	assert_int_equal(domain_answer_ttl(&a), UINT32_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_line_with_every_kind_of_key),
		cmocka_unit_test(defaults_are_any_family_every_300_s_on_port_25),
		cmocka_unit_test(refused_lines_say_why),
		cmocka_unit_test(two_lines_are_equal_only_when_they_probe_alike),
		cmocka_unit_test(mx_hosts_by_preference_and_once_each),
		cmocka_unit_test(no_mx_is_the_domain_itself_and_null_mx_takes_no_mail),
		cmocka_unit_test(family_both_makes_a_row_per_address_and_the_others_one_per_host),
		cmocka_unit_test(addresses_are_in_order_whichever_answer_came_first),
		cmocka_unit_test(a_failed_address_question_keeps_the_addresses_seen_before),
		cmocka_unit_test(rows_keep_their_numbers_and_new_ones_never_reuse_a_number_just_given_up),
		cmocka_unit_test(the_mx_set_change_says_what_was_added_and_removed),
		cmocka_unit_test(every_row_up_is_up_and_one_down_is_degraded_naming_it),
		cmocka_unit_test(an_mx_that_does_not_resolve_degrades_and_none_resolving_is_down),
		cmocka_unit_test(null_mx_is_no_mail_nxdomain_down_and_unprobed_rows_unknown),
		cmocka_unit_test(lookups_follow_the_ttl_but_never_more_often_than_every_5_s),
		cmocka_unit_test(a_negative_answer_without_soa_sets_no_ttl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
