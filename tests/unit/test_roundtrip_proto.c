/* SPDX-License-Identifier: ISC */
/* The round trip's pure protocol parts: the test message and its token, and
 * reading IMAP4rev1 and POP3 answers, hostile ones included. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/mailbox_proto.h"

static void l(const char *line, const char *tag, struct imap_line *out)
{
	imap_parse_line(line, strlen(line), tag, out);
}

static void the_token_is_32_hex_digits_of_the_random_bytes(void **state)
{
	const unsigned char raw[16] = { 0x00, 0x01, 0xab, 0xff, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					0, 0x7f };
	char token[RT_TOKEN_LEN + 1];

	(void)state;
	roundtrip_token_format(raw, token);
	assert_string_equal(token, "0001abff1000000000000000000000" "7f");
}

static void the_message_carries_the_token_in_message_id_and_subject(void **state)
{
	char msg[2048];
	size_t n;

	(void)state;
	n = roundtrip_message(msg, sizeof(msg), "rt1", "mon@a.example", "box@b.example",
			      "0123456789abcdef0123456789abcdef", "mon.example", 1795894806000000u);
	assert_true(n > 0);
	assert_int_equal(n, strlen(msg));
	assert_non_null(strstr(msg, "\r\nMessage-ID: <smtpmon=rt1=0123456789abcdef0123456789abcdef"
				  "@mon.example>\r\n"));
	assert_non_null(strstr(msg, "Subject: smtpmon round trip rt1 "
				  "0123456789abcdef0123456789abcdef\r\n"));
	assert_non_null(strstr(msg, "Date: Sat, 28 Nov 2026 "));
	assert_non_null(strstr(msg, "\r\n\r\n"));             /* headers end before the body */
	assert_string_equal(msg + n - 2, "\r\n");            /* whole lines; curl ends DATA */
	assert_null(strstr(msg, "\r\n."));                   /* no line a dot could end */
	assert_int_equal(roundtrip_message(msg, 100, "rt1", "a@b.example", "c@d.example",
					   "00", "x.example", 0), 0);
}

static void the_marker_of_one_check_never_matches_another(void **state)
{
	char a[64], ab[64];

	(void)state;
	roundtrip_marker("a", a, sizeof(a));
	roundtrip_marker("a.b", ab, sizeof(ab));
	assert_string_equal(a, "smtpmon=a=");
	assert_false(header_message_id_has("Message-ID: <smtpmon=a.b=00@x>", 30, a));
	assert_true(header_message_id_has("message-id: <smtpmon=a.b=00@x>", 30, ab));
	assert_false(header_message_id_has("Subject: smtpmon=a=", 19, a));
}

static void imap_quoting_escapes_quotes_and_backslashes(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(imap_quote(out, sizeof(out), "pa\"ss\\w"), 0);
	assert_string_equal(out, "\"pa\\\"ss\\\\w\"");
	assert_int_equal(imap_quote(out, 8, "longer than that"), -1);
}

static void imap_greeting_tagged_answers_and_bye(void **state)
{
	struct imap_line x;

	(void)state;
	l("* OK [CAPABILITY IMAP4rev1] Dovecot ready.", "*", &x);
	assert_int_equal(x.kind, IMAP_GREETING_OK);
	l("a1 OK Logged in", "a1", &x);
	assert_int_equal(x.kind, IMAP_TAGGED_OK);
	l("a1 NO [AUTHENTICATIONFAILED] Authentication failed.", "a1", &x);
	assert_int_equal(x.kind, IMAP_TAGGED_NO);
	assert_string_equal(x.text, "NO [AUTHENTICATIONFAILED] Authentication failed.");
	l("a1 BAD Error in IMAP command", "a1", &x);
	assert_int_equal(x.kind, IMAP_TAGGED_BAD);
	l("* BYE shutting down", "a1", &x);
	assert_int_equal(x.kind, IMAP_BYE);
	l("* 3 EXISTS", "a1", &x);
	assert_int_equal(x.kind, IMAP_UNTAGGED);
}

static void a_foreign_tag_or_garbage_is_invalid(void **state)
{
	struct imap_line x;

	(void)state;
	l("a12 OK done", "a1", &x);              /* a1 is a prefix of a12: not ours */
	assert_int_equal(x.kind, IMAP_INVALID);
	l("", "a1", &x);
	assert_int_equal(x.kind, IMAP_INVALID);
	l("* 1 FETCH (BODY[] {12}", "a1", &x);   /* a literal we never asked for */
	assert_int_equal(x.kind, IMAP_INVALID);
	imap_parse_line("a1 OK\0hidden", 12, "a1", &x);
	assert_int_equal(x.kind, IMAP_INVALID);
}

static void search_results_are_kept_up_to_the_limit(void **state)
{
	struct imap_line x;
	char line[1200] = "* SEARCH";

	(void)state;
	l("* SEARCH", "a3", &x);
	assert_int_equal(x.kind, IMAP_SEARCH);
	assert_int_equal(x.nnums, 0);
	l("* SEARCH 2 17 4", "a3", &x);
	assert_int_equal(x.kind, IMAP_SEARCH);
	assert_int_equal(x.nnums, 3);
	assert_int_equal(x.nums[1], 17);
	for (int i = 1; i <= 100; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " %d", i);
	l(line, "a3", &x);
	assert_int_equal(x.nnums, IMAP_SEARCH_MAX);
	l("* SEARCH 1 x", "a3", &x);
	assert_int_equal(x.kind, IMAP_INVALID);
	l("* SEARCH 0", "a3", &x);
	assert_int_equal(x.kind, IMAP_INVALID);
	l("* SEARCH 99999999999", "a3", &x);
	assert_int_equal(x.kind, IMAP_INVALID);
}

static void pop3_status_lines(void **state)
{
	(void)state;
	assert_int_equal(pop3_status("+OK Dovecot ready.", 18), POP3_OK);
	assert_int_equal(pop3_status("+OK", 3), POP3_OK);
	assert_int_equal(pop3_status("-ERR [AUTH] Authentication failed.", 34), POP3_ERR);
	assert_int_equal(pop3_status("+OKAY", 5), POP3_INVALID);
	assert_int_equal(pop3_status("220 smtp", 8), POP3_INVALID);
}

/* What the round trips' connection lets through; anything else ends it. */
static void server_lines_are_checked_against_their_protocol(void **state)
{
	(void)state;
	assert_true(mail_line_is_protocol(MAIL_SMTP, "220 mx ESMTP", 12, 1, 0));
	assert_true(mail_line_is_protocol(MAIL_SMTP, "250-PIPELINING", 14, 0, 1));
	assert_true(mail_line_is_protocol(MAIL_SMTP, "250", 3, 0, 1));
	assert_false(mail_line_is_protocol(MAIL_SMTP, "25O ok", 6, 1, 0));
	assert_false(mail_line_is_protocol(MAIL_SMTP, "2500", 4, 1, 0));
	assert_true(mail_line_is_protocol(MAIL_IMAP, "* OK ready", 10, 1, 0));
	assert_false(mail_line_is_protocol(MAIL_IMAP, "A001 OK", 7, 1, 0));  /* no command yet */
	assert_true(mail_line_is_protocol(MAIL_IMAP, "A001 OK", 7, 1, 1));
	assert_true(mail_line_is_protocol(MAIL_IMAP, "+ ", 2, 1, 1));
	assert_false(mail_line_is_protocol(MAIL_IMAP, "\x01\x02", 2, 1, 1));
	assert_true(mail_line_is_protocol(MAIL_POP3, "+OK POP3 ready", 14, 1, 0));
	assert_true(mail_line_is_protocol(MAIL_POP3, "-ERR no", 7, 1, 1));
	assert_false(mail_line_is_protocol(MAIL_POP3, "+ ", 2, 1, 0));      /* SASL only later */
	assert_true(mail_line_is_protocol(MAIL_POP3, "+ ", 2, 1, 1));
	assert_false(mail_line_is_protocol(MAIL_POP3, "\x00\x01", 2, 1, 0));
	assert_true(mail_line_is_protocol(MAIL_POP3, "SASL PLAIN", 10, 0, 1)); /* CAPA's lines */
}

static void pop3_message_numbers(void **state)
{
	(void)state;
	assert_int_equal(pop3_message_number("3 1234", 6), 3);
	assert_int_equal(pop3_message_number("0 12", 4), 0);
	assert_int_equal(pop3_message_number("x 12", 4), 0);
	assert_int_equal(pop3_message_number("12", 2), 0);
	assert_int_equal(pop3_message_number("1234567890123 1", 15), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_token_is_32_hex_digits_of_the_random_bytes),
		cmocka_unit_test(the_message_carries_the_token_in_message_id_and_subject),
		cmocka_unit_test(the_marker_of_one_check_never_matches_another),
		cmocka_unit_test(imap_quoting_escapes_quotes_and_backslashes),
		cmocka_unit_test(imap_greeting_tagged_answers_and_bye),
		cmocka_unit_test(a_foreign_tag_or_garbage_is_invalid),
		cmocka_unit_test(search_results_are_kept_up_to_the_limit),
		cmocka_unit_test(pop3_status_lines),
		cmocka_unit_test(server_lines_are_checked_against_their_protocol),
		cmocka_unit_test(pop3_message_numbers),
	};

	return cmocka_run_group_tests_name("roundtrip_proto", tests, NULL, NULL);
}
