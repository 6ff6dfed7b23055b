/* SPDX-License-Identifier: ISC */
/* MTA-STS and DANE, the pure rules: the _mta-sts record and the policy file
 * as RFC 8461 says a sender reads them, the mx patterns, the keys of
 * smtpMonDomain that turn the checks on and off, and what a watch makes of
 * a round of checks: the domain's MTA-STS state and each row's DANE state,
 * with the sentence that says why. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/domain_config.h"
#include "core/domain_policy.h"
#include "core/mta_sts.h"
#include "core/mx_set.h"

static char err[256], reason[256], record[96];

static struct dns_answer *txt(unsigned n, const char *const *texts)
{
	struct dns_answer *a = calloc(1, sizeof(*a));

	a->outcome = n ? DNS_ANSWER : DNS_NODATA;
	a->count = n;
	for (unsigned i = 0; i < n; i++) {
		a->rec[i].type = DNS_TYPE_TXT;
		strcpy(a->rec[i].u.txt, texts[i]);
	}
	return a;
}

/* --- the record ---------------------------------------------------------------- */

static void one_v_stsv1_record_gives_its_id(void **state)
{
	const char *const t[] = { "v=spf1 -all", "v=STSv1; id=20261207T1200;" };
	struct dns_answer *a = txt(2, t);
	char id[MTA_STS_ID_MAX + 1];

	(void)state;
	assert_int_equal(mta_sts_record_read(a, id, err, sizeof(err)), 1);
	assert_string_equal(id, "20261207T1200");
	free(a);
}

static void no_record_two_records_or_a_bad_id_is_no_policy(void **state)
{
	const char *const two[] = { "v=STSv1; id=1", "v=STSv1; id=2" };
	const char *const bad[] = { "v=STSv1; id=has-dashes" };
	const char *const none[] = { "v=STSv1" };       /* no ";": not the record */
	const char *const noid[] = { "v=STSv1; ext=1" };
	char id[MTA_STS_ID_MAX + 1];
	struct dns_answer *a;

	(void)state;
	a = txt(2, two);
	assert_int_equal(mta_sts_record_read(a, id, err, sizeof(err)), -1);
	assert_string_equal(err, "2 TXT records start \"v=STSv1;\"; senders use none of them");
	free(a);
	a = txt(1, bad);
	assert_int_equal(mta_sts_record_read(a, id, err, sizeof(err)), -1);
	assert_string_equal(err, "id=has-dashes: expected 1 to 32 letters and digits");
	free(a);
	a = txt(1, none);
	assert_int_equal(mta_sts_record_read(a, id, err, sizeof(err)), 0);
	free(a);
	a = txt(1, noid);
	assert_int_equal(mta_sts_record_read(a, id, err, sizeof(err)), -1);
	assert_string_equal(err, "the record has no id= field");
	free(a);
	a = txt(0, NULL);
	assert_int_equal(mta_sts_record_read(a, id, err, sizeof(err)), 0);
	free(a);
}

/* --- the policy ---------------------------------------------------------------- */

static void a_policy_with_crlf_or_lf_and_unknown_keys(void **state)
{
	static const char crlf[] = "version: STSv1\r\nmode: enforce\r\nmx: MX1.example.com\r\n"
				   "mx: *.example.net\r\nmax_age:  604800 \r\nfuture: x\r\n";
	static const char lf[] = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 0";
	struct mta_sts_policy p;
	char buf[128];

	(void)state;
	assert_int_equal(mta_sts_policy_read(crlf, strlen(crlf), &p, err, sizeof(err)), 0);
	assert_int_equal(p.mode, MTA_STS_ENFORCE);
	assert_int_equal(p.max_age, 604800);
	assert_int_equal(p.nmx, 2);
	mta_sts_patterns(&p, buf, sizeof(buf));
	assert_string_equal(buf, "mx1.example.com, *.example.net");
	assert_int_equal(mta_sts_policy_read(lf, strlen(lf), &p, err, sizeof(err)), 0);
	assert_int_equal(p.mode, MTA_STS_TESTING);
	assert_int_equal(p.max_age, 0);
}

static void a_policy_that_is_not_one_says_what_is_wrong(void **state)
{
	static const struct {
		const char *body, *why;
	} cases[] = {
		{ "version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n", "version: STSv2: expected STSv1" },
		{ "mode: enforce\nmx: a\nmax_age: 1\n", "no version: line" },
		{ "version: STSv1\nmode: enforced\nmx: a\nmax_age: 1\n",
		  "mode: enforced: expected enforce, testing or none" },
		{ "version: STSv1\nmode: enforce\nmax_age: 1\n", "no mx: line" },
		{ "version: STSv1\nmode: enforce\nmx: a\nmax_age: 31557601\n",
		  "max_age: 31557601: expected 0 to 31557600 seconds" },
		{ "version: STSv1\nmode: enforce\nmx: a\n", "no max_age: line" },
		{ "<html>\n", "a line without ':': <html>" },
		{ "version: STSv1\nmode: enforce\nmx: a b\nmax_age: 1\n", "mx: a b: not a host name" },
	};
	struct mta_sts_policy p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(mta_sts_policy_read(cases[i].body, strlen(cases[i].body), &p, err,
						     sizeof(err)), -1);
		assert_string_equal(err, cases[i].why);
	}
}

static void mode_none_needs_no_mx_and_a_repeated_key_keeps_the_first(void **state)
{
	static const char none[] = "version: STSv1\nmode: none\nmax_age: 86400\n";
	static const char twice[] = "version: STSv1\nmode: testing\nmode: enforce\nmx: a\n"
				    "max_age: 5\nmax_age: 6\n";
	struct mta_sts_policy p;

	(void)state;
	assert_int_equal(mta_sts_policy_read(none, strlen(none), &p, err, sizeof(err)), 0);
	assert_int_equal(p.mode, MTA_STS_MODE_NONE);
	assert_int_equal(mta_sts_policy_read(twice, strlen(twice), &p, err, sizeof(err)), 0);
	assert_int_equal(p.mode, MTA_STS_TESTING);
	assert_int_equal(p.max_age, 5);
}

static void too_many_mx_lines_or_a_nul_byte_is_refused(void **state)
{
	char body[4096] = "version: STSv1\nmode: enforce\nmax_age: 1\n";
	struct mta_sts_policy p;

	(void)state;
	for (int i = 0; i < MTA_STS_MX_MAX + 1; i++)
		snprintf(body + strlen(body), sizeof(body) - strlen(body), "mx: mx%d.example.com\n", i);
	assert_int_equal(mta_sts_policy_read(body, strlen(body), &p, err, sizeof(err)), -1);
	assert_string_equal(err, "more than 16 mx lines");
	assert_int_equal(mta_sts_policy_read("version: STSv1\0x", 16, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "the policy holds a NUL byte");
}

static void a_wildcard_covers_exactly_one_more_label(void **state)
{
	(void)state;
	assert_true(mta_sts_mx_matches("mx1.example.com", "MX1.Example.com"));
	assert_false(mta_sts_mx_matches("mx1.example.com", "mx2.example.com"));
	assert_true(mta_sts_mx_matches("*.example.com", "mx1.example.com"));
	assert_false(mta_sts_mx_matches("*.example.com", "example.com"));
	assert_false(mta_sts_mx_matches("*.example.com", "a.mx1.example.com"));
	assert_false(mta_sts_mx_matches("*.example.com", "mx1.example.net"));
}

/* --- the keys -------------------------------------------------------------------- */

static void mta_sts_and_dane_are_on_unless_turned_off(void **state)
{
	struct domain_config d;

	(void)state;
	assert_int_equal(domain_parse("corp example.com", &d, err, sizeof(err)), 0);
	assert_true(d.mta_sts && d.dane);
	assert_int_equal(domain_parse("corp example.com mtaSts=no dane=no", &d, err, sizeof(err)),
			 0);
	assert_false(d.mta_sts || d.dane);
	assert_int_equal(domain_parse("corp example.com dane=maybe", &d, err, sizeof(err)), -1);
	assert_string_equal(err, "dane=maybe: expected yes or no");
}

/* --- judging a round --------------------------------------------------------------- */

static struct mx_set *two_mx(void)
{
	struct mx_set *s = calloc(1, sizeof(*s));

	s->kind = MX_LISTED;
	s->nhosts = 2;
	s->host[0].pref = 10;
	strcpy(s->host[0].name, "mx1.example.com");
	s->host[1].pref = 20;
	strcpy(s->host[1].name, "mx2.example.com");
	return s;
}

/* A report whose record, policy and connections all hold, enforce mode. */
static struct domain_policy_report *good_report(void)
{
	struct domain_policy_report *r = calloc(1, sizeof(*r));
	static const char body[] = "version: STSv1\nmode: enforce\nmx: mx1.example.com\n"
				   "mx: mx2.example.com\nmax_age: 86400\n";

	r->mta_sts = r->dane = r->have_anchor = 1;
	r->txt.outcome = DNS_ANSWER;
	r->txt.found = 1;
	strcpy(r->txt.id, "abc");
	r->fetch = FETCH_OK;
	r->policy_ok = mta_sts_policy_read(body, strlen(body), &r->policy, err, sizeof(err)) == 0;
	r->nchecks = 2;
	for (unsigned i = 0; i < 2; i++) {
		snprintf(r->check[i].mx, sizeof(r->check[i].mx), "mx%u.example.com", i + 1);
		r->check[i].outcome = TLS_CHECK_DONE;
		r->check[i].pkix_ok = 1;
		r->check[i].days_left = 60;
	}
	return r;
}

static void every_mx_covered_with_a_valid_certificate_is_ok(void **state)
{
	struct mx_set *s = two_mx();
	struct domain_policy_report *r = good_report();

	(void)state;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_OK);
	assert_string_equal(reason, "mode enforce, id abc: every MX is covered and presents a "
			    "valid certificate");
	r->check[1].days_left = 9;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_OK);
	assert_string_equal(reason, "mode enforce, id abc: every MX is covered and presents a "
			    "valid certificate; the certificate of MX mx2.example.com expires in 9 "
			    "days");
	free(r);
	free(s);
}

static void what_keeps_a_sender_from_the_policy_comes_first(void **state)
{
	struct mx_set *s = two_mx();
	struct domain_policy_report *r = good_report();

	(void)state;
	r->fetch = FETCH_REDIRECTED;
	strcpy(r->fetch_error, "HTTP 302 to https://x/");
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_REDIRECTED);
	r->fetch = FETCH_TOO_LARGE;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_TOO_LARGE);
	r->fetch = FETCH_NOT_TEXT;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_INVALID_POLICY);
	r->fetch = FETCH_FAILED;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_FETCH_FAILED);
	r->txt.found = -1;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_INVALID_RECORD);
	r->txt.found = 0;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_NONE);
	r->txt.outcome = DNS_FAILED;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_DNS_ERROR);
	r->mta_sts = 0;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_DISABLED);
	free(r);
	free(s);
}

static void an_mx_left_out_or_without_a_valid_certificate_fails_the_policy(void **state)
{
	struct mx_set *s = two_mx();
	struct domain_policy_report *r = good_report();

	(void)state;
	r->policy.nmx = 1;                              /* mx2 no longer listed */
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_MX_NOT_COVERED);
	assert_string_equal(reason, "MX mx2.example.com matches none of the policy's mx patterns "
			    "(mx1.example.com): senders that apply the policy will not deliver to it");
	r->policy.nmx = 2;
	r->check[0].pkix_ok = 0;
	strcpy(r->check[0].pkix_error, "certificate has expired");
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_CERT_INVALID);
	assert_string_equal(reason, "MX mx1.example.com: the certificate is not valid for it "
			    "(certificate has expired): senders that apply the policy will not "
			    "deliver to it");
	r->check[0].outcome = TLS_CHECK_NO_TLS;
	strcpy(r->check[0].error, "STARTTLS not offered");
	r->policy.mode = MTA_STS_TESTING;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_CERT_INVALID);
	assert_string_equal(reason, "MX mx1.example.com: STARTTLS not offered: senders in testing "
			    "mode deliver and report it");
	r->policy.mode = MTA_STS_MODE_NONE;
	assert_int_equal(mta_sts_judge(r, s, 14, reason, sizeof(reason)), MTA_STS_OK);
	free(r);
	free(s);
}

static struct tlsa_set records(int secure, int usage)
{
	struct tlsa_set t;
	struct dns_answer *a = calloc(1, sizeof(*a));

	a->outcome = DNS_ANSWER;
	a->secure = secure;
	a->count = 1;
	a->rec[0].type = DNS_TYPE_TLSA;
	a->rec[0].u.tlsa = (struct dns_tlsa){ .usage = (uint8_t)usage, .selector = 1, .mtype = 1,
					      .len = 32 };
	tlsa_set_from_answer(&t, "mx1.example.com", a);
	free(a);
	return t;
}

static void the_records_alone_decide_before_any_connection(void **state)
{
	struct tlsa_set t = records(1, 3);
	struct tls_check c = { .outcome = TLS_CHECK_DONE, .dane_checked = 1, .dane_ok = 1 };

	(void)state;
	assert_int_equal(dane_judge(1, NULL, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_DISABLED);
	assert_int_equal(dane_judge(0, &t, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_NO_TRUST_ANCHOR);
	t = records(0, 3);
	assert_int_equal(dane_judge(1, &t, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_UNSIGNED);
	t = records(1, 1);                               /* PKIX-EE: not for SMTP */
	assert_int_equal(dane_judge(1, &t, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_NONE);
	assert_string_equal(reason, "only PKIX-TA(0) or PKIX-EE(1) TLSA records, which SMTP senders "
			    "ignore");
	t = records(1, 3);
	t.bogus = 1;
	strcpy(t.error, "signature crypto failed");
	assert_int_equal(dane_judge(1, &t, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_BOGUS);
	t.bogus = 0;
	t.outcome = DNS_FAILED;
	assert_int_equal(dane_judge(1, &t, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_DNS_ERROR);
}

static void a_match_is_valid_and_expiring_only_without_a_record_for_a_next_key(void **state)
{
	struct tlsa_set t = records(1, 3);
	struct tls_check c = { .outcome = TLS_CHECK_DONE, .dane_checked = 1, .dane_ok = 1,
			       .days_left = 5, .dane_record = "3 1 1 00112233..." };

	(void)state;
	assert_int_equal(dane_judge(1, &t, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_EXPIRING);
	assert_string_equal(record, "3 1 1 00112233...");
	assert_string_equal(reason, "3 1 1 00112233... matches, but the certificate expires in 5 "
			    "days and no record for a next key is published: publish it before the "
			    "certificate is replaced");
	c.spare = 1;
	assert_int_equal(dane_judge(1, &t, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_VALID);
	assert_string_equal(reason, "3 1 1 00112233... matches the certificate presented (1 record "
			    "for a next key; it expires in 5 days)");
	c.dane_ok = 0;
	strcpy(c.dane_error, "no matching DANE TLSA records");
	assert_int_equal(dane_judge(1, &t, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_MISMATCH);
	assert_string_equal(record, "");
	c.outcome = TLS_CHECK_NO_TLS;
	strcpy(c.error, "STARTTLS not offered");
	assert_int_equal(dane_judge(1, &t, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_NO_TLS);
	c.outcome = TLS_CHECK_UNREACHABLE;
	assert_int_equal(dane_judge(1, &t, &c, 14, reason, sizeof(reason), record,
				    sizeof(record)), DANE_UNREACHABLE);
}

static void the_states_that_notify_are_the_graver_ones(void **state)
{
	(void)state;
	for (int s = DANE_UNKNOWN; s <= DANE_NO_TLS; s++)
		assert_int_equal(dane_state_is_problem((enum dane_state)s), s >= DANE_EXPIRING);
	for (int s = MTA_STS_UNKNOWN; s <= MTA_STS_CERT_INVALID; s++)
		assert_int_equal(mta_sts_state_is_problem((enum mta_sts_state)s),
				 s >= MTA_STS_DNS_ERROR);
	assert_string_equal(dane_state_name(DANE_NO_TLS), "noTls");
	assert_string_equal(mta_sts_state_name(MTA_STS_CERT_INVALID), "certInvalid");
}

static void a_record_as_text_is_cut_after_16_octets(void **state)
{
	struct dns_tlsa t = { .usage = 2, .selector = 0, .mtype = 1, .len = 32 };
	char buf[96];

	(void)state;
	for (int i = 0; i < 32; i++)
		t.data[i] = (unsigned char)i;
	tlsa_text(&t, buf, sizeof(buf));
	assert_string_equal(buf, "2 0 1 000102030405060708090a0b0c0d0e0f...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_v_stsv1_record_gives_its_id),
		cmocka_unit_test(no_record_two_records_or_a_bad_id_is_no_policy),
		cmocka_unit_test(a_policy_with_crlf_or_lf_and_unknown_keys),
		cmocka_unit_test(a_policy_that_is_not_one_says_what_is_wrong),
		cmocka_unit_test(mode_none_needs_no_mx_and_a_repeated_key_keeps_the_first),
		cmocka_unit_test(too_many_mx_lines_or_a_nul_byte_is_refused),
		cmocka_unit_test(a_wildcard_covers_exactly_one_more_label),
		cmocka_unit_test(mta_sts_and_dane_are_on_unless_turned_off),
		cmocka_unit_test(every_mx_covered_with_a_valid_certificate_is_ok),
		cmocka_unit_test(what_keeps_a_sender_from_the_policy_comes_first),
		cmocka_unit_test(an_mx_left_out_or_without_a_valid_certificate_fails_the_policy),
		cmocka_unit_test(the_records_alone_decide_before_any_connection),
		cmocka_unit_test(a_match_is_valid_and_expiring_only_without_a_record_for_a_next_key),
		cmocka_unit_test(the_states_that_notify_are_the_graver_ones),
		cmocka_unit_test(a_record_as_text_is_cut_after_16_octets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
