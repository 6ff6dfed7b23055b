/* SPDX-License-Identifier: ISC */
/* DNSBL query names and the meaning of a list's answer (RFC 5782). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "core/dnsbl.h"

static uint32_t ip(const char *text)
{
	struct in_addr a;

	inet_pton(AF_INET, text, &a);
	return a.s_addr;
}

static void ipv4_is_reversed_by_octet(void **state)
{
	unsigned char a[4] = { 192, 0, 2, 99 };
	char name[DNSBL_NAME_MAX];

	(void)state;
	assert_int_equal(dnsbl_query_name(AF_INET, a, "zen.example", name, sizeof(name)), 0);
	assert_string_equal(name, "99.2.0.192.zen.example");
}

static void ipv6_is_reversed_by_nibble(void **state)
{
	unsigned char a[16];
	char name[DNSBL_NAME_MAX];

	(void)state;
	inet_pton(AF_INET6, "2001:db8::1:abcd", a);
	assert_int_equal(dnsbl_query_name(AF_INET6, a, "bl.example", name, sizeof(name)), 0);
	assert_string_equal(name, "d.c.b.a.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
			    ".bl.example");
}

static void a_name_that_does_not_fit_is_refused(void **state)
{
	unsigned char a[16] = { 0 };
	char name[70];

	(void)state;
	assert_int_equal(dnsbl_query_name(AF_INET6, a, "a-rather-long-zone.example", name,
					  sizeof(name)), -1);
	assert_int_equal(dnsbl_query_name(AF_INET, a, "x", name, 5), -1);
	assert_int_equal(dnsbl_query_name(AF_UNSPEC, a, "x", name, sizeof(name)), -1);
}

static void loopback_answers_other_than_the_reserved_ones_are_listings(void **state)
{
	uint32_t answers[] = { ip("127.0.0.2"), ip("127.0.0.10") };

	(void)state;
	assert_int_equal(dnsbl_classify(answers, 1, NULL, 0), DNSBL_LISTED);
	assert_int_equal(dnsbl_classify(answers, 2, NULL, 0), DNSBL_LISTED);
	assert_int_equal(dnsbl_classify(answers, 0, NULL, 0), DNSBL_NOT_LISTED);
}

static void reserved_and_foreign_answers_are_errors_not_listings(void **state)
{
	uint32_t refused = ip("127.255.255.254"), test = ip("127.0.0.1"), hijack = ip("198.51.100.7");
	uint32_t mixed[] = { ip("127.0.0.2"), ip("127.255.255.252") };
	char why[128];

	(void)state;
	assert_int_equal(dnsbl_classify(&refused, 1, why, sizeof(why)), DNSBL_LIST_ERROR);
	assert_non_null(strstr(why, "127.255.255.254"));
	assert_int_equal(dnsbl_classify(&test, 1, why, sizeof(why)), DNSBL_LIST_ERROR);
	assert_non_null(strstr(why, "RFC 5782"));
	assert_int_equal(dnsbl_classify(&hijack, 1, why, sizeof(why)), DNSBL_LIST_ERROR);
	assert_non_null(strstr(why, "outside 127.0.0.0/8"));
	assert_int_equal(dnsbl_classify(mixed, 2, why, sizeof(why)), DNSBL_LIST_ERROR);
}

static void verdicts(struct dnsbl_verdicts *v, unsigned n, const char *const *zones,
		     const enum dnsbl_answer *answers)
{
	memset(v, 0, sizeof(*v));
	v->n = n;
	for (unsigned i = 0; i < n; i++) {
		strcpy(v->zone[i], zones[i]);
		v->answer[i] = answers[i];
	}
}

static void answers_list_and_delist_but_errors_change_nothing(void **state)
{
	static const char *const zones[] = { "a.example", "b.example", "c.example" };
	struct dnsbl_verdicts v;
	char out[64];

	(void)state;
	verdicts(&v, 3, zones, (enum dnsbl_answer[]){ DNSBL_LISTED, DNSBL_NOT_LISTED,
						       DNSBL_LIST_ERROR });
	assert_int_equal(dnsbl_apply("", &v, out, sizeof(out)), 1);
	assert_string_equal(out, "a.example");
	assert_int_equal(dnsbl_apply("b.example,c.example", &v, out, sizeof(out)), 2);
	assert_string_equal(out, "a.example,c.example");
	verdicts(&v, 1, zones + 1, (enum dnsbl_answer[]){ DNSBL_NOT_LISTED });
	assert_int_equal(dnsbl_apply("a.example,b.example", &v, out, sizeof(out)), 0);
	assert_string_equal(out, "");       /* a.example is no longer asked */
}

static void a_zone_is_not_mistaken_for_a_longer_one(void **state)
{
	static const char *const zones[] = { "bl.example" };
	struct dnsbl_verdicts v;
	char out[64];

	(void)state;
	verdicts(&v, 1, zones, (enum dnsbl_answer[]){ DNSBL_LIST_ERROR });
	assert_int_equal(dnsbl_apply("bl.example.org,xbl.example", &v, out, sizeof(out)), 0);
	assert_int_equal(dnsbl_apply("xbl.example,bl.example", &v, out, sizeof(out)), 1);
}

static void only_a_zone_not_listing_before_is_a_new_listing(void **state)
{
	(void)state;
	assert_true(dnsbl_new_listing("", "a.example"));
	assert_true(dnsbl_new_listing("a.example", "a.example,b.example"));
	assert_false(dnsbl_new_listing("a.example,b.example", "b.example"));
	assert_false(dnsbl_new_listing("a.example", ""));
	assert_true(dnsbl_new_listing("xa.example", "a.example"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_is_reversed_by_octet),
		cmocka_unit_test(ipv6_is_reversed_by_nibble),
		cmocka_unit_test(a_name_that_does_not_fit_is_refused),
		cmocka_unit_test(loopback_answers_other_than_the_reserved_ones_are_listings),
		cmocka_unit_test(reserved_and_foreign_answers_are_errors_not_listings),
		cmocka_unit_test(answers_list_and_delist_but_errors_change_nothing),
		cmocka_unit_test(a_zone_is_not_mistaken_for_a_longer_one),
		cmocka_unit_test(only_a_zone_not_listing_before_is_a_new_listing),
	};

	return cmocka_run_group_tests_name("dnsbl", tests, NULL, NULL);
}
