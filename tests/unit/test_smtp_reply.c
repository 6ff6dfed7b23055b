/* SPDX-License-Identifier: ISC */
/* SMTP reply reading as a sending MTA reads it: what counts as a reply, a
 * continuation and garbage; what is tolerated and noted; the size bound. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/smtp_reply.h"

/* Feeds LEN octets of BYTES at once; returns the first verdict that is not
 * NEED (or NEED), with *REST the octets left. */
static enum smtp_line_status feed_n(struct smtp_reply *r, const char *bytes, size_t len,
				    size_t *rest)
{
	const char *text;
	size_t textlen, used = 0;
	enum smtp_line_status s = smtp_reply_take(r, bytes, len, &used, &text, &textlen);

	assert_true(used <= len);
	if (rest)
		*rest = len - used;
	return s;
}

static enum smtp_line_status feed(struct smtp_reply *r, const char *bytes)
{
	size_t rest;
	enum smtp_line_status s = feed_n(r, bytes, strlen(bytes), &rest);

	assert_int_equal(rest, 0);
	return s;
}

static void single_line_greeting_is_final(void **state)
{
	struct smtp_reply r;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "220 mail.example.com ESMTP Postfix\r\n"), SMTP_LINE_FINAL);
	assert_int_equal(r.code, 220);
	assert_int_equal(r.lines, 1);
	assert_int_equal(r.deviations, 0);
	assert_string_equal(r.first, "220 mail.example.com ESMTP Postfix");
}

static void multi_line_reply_ends_at_space_separator(void **state)
{
	struct smtp_reply r;
	const char *text;
	size_t len, used;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "250-mail.example.com\r\n"), SMTP_LINE_MORE);
	assert_int_equal(smtp_reply_take(&r, "250-PIPELINING\r\n", 16, &used, &text, &len),
			 SMTP_LINE_MORE);
	assert_int_equal(len, 10);
	assert_memory_equal(text, "PIPELINING", 10);
	assert_int_equal(feed(&r, "250 8BITMIME\r\n"), SMTP_LINE_FINAL);
	assert_int_equal(r.lines, 3);
	assert_string_equal(r.first, "250-mail.example.com");
	assert_string_equal(r.last, "250 8BITMIME");
}

static void a_line_is_taken_in_pieces_and_no_further_than_its_end(void **state)
{
	struct smtp_reply r;
	size_t rest;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "22"), SMTP_LINE_NEED);
	assert_int_equal(feed(&r, "0 mail\r"), SMTP_LINE_NEED);
	assert_int_equal(feed_n(&r, "\nEHLO-echo", 10, &rest), SMTP_LINE_FINAL);
	assert_int_equal(rest, 9);             /* what came after is the caller's */
	assert_string_equal(r.last, "220 mail");
	assert_int_equal(r.deviations, 0);
}

static void bare_code_is_a_final_line(void **state)
{
	struct smtp_reply r;
	const char *text;
	size_t len, used;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(smtp_reply_take(&r, "250\r\n", 5, &used, &text, &len), SMTP_LINE_FINAL);
	assert_int_equal(len, 0);
}

static void any_number_of_lines_is_a_reply(void **state)
{
	struct smtp_reply r;

	(void)state;
	smtp_reply_reset(&r);
	for (int i = 0; i < 300; i++)
		assert_int_equal(feed(&r, "250-again\r\n"), SMTP_LINE_MORE);
	assert_int_equal(feed(&r, "250 last\r\n"), SMTP_LINE_FINAL);
	assert_int_equal(r.lines, 301);
	assert_int_equal(r.deviations, 0);
}

static void a_reply_over_64_kib_is_refused(void **state)
{
	struct smtp_reply r;
	size_t n = 0;

	(void)state;
	smtp_reply_reset(&r);
	while (n + 11 <= SMTP_REPLY_MAX) {
		assert_int_equal(feed(&r, "250-again\r\n"), SMTP_LINE_MORE);
		n += 11;
	}
	assert_int_equal(feed_n(&r, "250-again\r\n", 11, NULL), SMTP_LINE_ERR_TOO_BIG);
}

static void an_endless_line_is_refused_at_64_kib(void **state)
{
	struct smtp_reply r;
	char *big = malloc(SMTP_REPLY_MAX + 10);
	size_t rest;

	(void)state;
	memset(big, 'A', SMTP_REPLY_MAX + 10);
	memcpy(big, "220 ", 4);
	smtp_reply_reset(&r);
	assert_int_equal(feed_n(&r, big, SMTP_REPLY_MAX + 10, &rest), SMTP_LINE_ERR_TOO_BIG);
	assert_int_equal(rest, 9);
	assert_memory_equal(r.last, "220 AAAA", 8);          /* quoted as far as it went */
	assert_int_equal(strlen(r.last), SMTP_KEEP_MAX - 1);
	free(big);
}

static void a_code_change_is_noted_and_the_last_line_decides(void **state)
{
	struct smtp_reply r;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "220-welcome\r\n"), SMTP_LINE_MORE);
	assert_int_equal(feed(&r, "554 go away\r\n"), SMTP_LINE_FINAL);
	assert_int_equal(r.code, 554);
	assert_int_equal(r.deviations, SMTP_DEV_CODE_CHANGED);
	assert_string_equal(r.last, "554 go away");
}

static void non_smtp_lines_are_syntax_errors_quoted(void **state)
{
	static const char *const bad[] = {
		"HTTP/1.1 400 Bad Request\r\n", "SSH-2.0-OpenSSH\r\n", "22\r\n", "2200 x\r\n",
		"220x\r\n", "120 hi\r\n", "620 hi\r\n", "\r\n", "+OK\r\n",
	};
	struct smtp_reply r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t rest;

		smtp_reply_reset(&r);
		assert_int_equal(feed_n(&r, bad[i], strlen(bad[i]), &rest), SMTP_LINE_ERR_SYNTAX);
		assert_true(strlen(r.last) > 0 || bad[i][0] == '\r');
	}
}

static void garbage_is_refused_at_its_fourth_octet_without_waiting_for_a_line_end(void **state)
{
	struct smtp_reply r;
	size_t rest;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(feed_n(&r, "\x16\x03\x01\x02\x00 and more", 16, &rest),
			 SMTP_LINE_ERR_SYNTAX);
	assert_int_equal(rest, 12);
	assert_string_equal(r.last, "????");
}

static void control_bytes_are_tolerated_shown_and_noted(void **state)
{
	static const char nul[] = "220 mail\0example\r\n";
	struct smtp_reply r;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(feed_n(&r, nul, sizeof(nul) - 1, NULL), SMTP_LINE_FINAL);
	assert_string_equal(r.last, "220 mail?example");
	assert_int_equal(r.deviations, SMTP_DEV_CONTROL);
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "220 mail\texample \xc3\xa9t\xc3\xa9\r\n"), SMTP_LINE_FINAL);
	assert_int_equal(r.deviations, 0);      /* tabs and UTF-8 are text */
}

static void cr_cr_lf_and_lf_alone_end_a_line_and_are_noted(void **state)
{
	struct smtp_reply r;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "220 mail\r\r\n"), SMTP_LINE_FINAL);
	assert_string_equal(r.last, "220 mail");
	assert_int_equal(r.deviations, SMTP_DEV_CR_CR_LF);
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "220 mail\n"), SMTP_LINE_FINAL);
	assert_int_equal(r.deviations, SMTP_DEV_BARE_LF);
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "220 a\rb\r\n"), SMTP_LINE_FINAL);   /* a CR inside is a byte */
	assert_string_equal(r.last, "220 a?b");
	assert_int_equal(r.deviations, SMTP_DEV_CONTROL);
}

static void long_lines_are_read_noted_and_cut(void **state)
{
	char line[3000];
	struct smtp_reply r;

	(void)state;
	memset(line, 'x', sizeof(line));
	memcpy(line, "220 ", 4);
	memcpy(line + 510, "\r\n", 2);          /* 512 octets with CRLF: the limit */
	smtp_reply_reset(&r);
	assert_int_equal(feed_n(&r, line, 512, NULL), SMTP_LINE_FINAL);
	assert_int_equal(r.deviations, 0);
	memcpy(line + 510, "xx", 2);
	memcpy(line + 598, "\r\n", 2);          /* 600 */
	smtp_reply_reset(&r);
	assert_int_equal(feed_n(&r, line, 600, NULL), SMTP_LINE_FINAL);
	assert_int_equal(r.deviations, SMTP_DEV_LONG_LINE);
	assert_int_equal(strlen(r.last), SMTP_KEEP_MAX - 1);
	memcpy(line + 598, "xx", 2);
	memcpy(line + 2998, "\r\n", 2);         /* 3000 */
	smtp_reply_reset(&r);
	assert_int_equal(feed_n(&r, line, 3000, NULL), SMTP_LINE_FINAL);
	assert_int_equal(r.deviations, SMTP_DEV_LONG_LINE | SMTP_DEV_CUT_LINE);
}

static void ehlo_keyword_is_first_word(void **state)
{
	(void)state;
	assert_int_equal(smtp_ehlo_keyword("SIZE 10240000", 13), 4);
	assert_int_equal(smtp_ehlo_keyword("STARTTLS", 8), 8);
	assert_int_equal(smtp_ehlo_keyword("AUTH\tPLAIN", 10), 4);
	assert_int_equal(smtp_ehlo_keyword("", 0), 0);
}

static void enhanced_codes_of_the_replys_class(void **state)
{
	char out[12];

	(void)state;
	assert_int_equal(smtp_enhanced_code(421, "4.7.0 too many", 14, out), 5);
	assert_string_equal(out, "4.7.0");
	assert_int_equal(smtp_enhanced_code(554, "5.7.1", 5, out), 5);
	assert_int_equal(smtp_enhanced_code(452, "4.3.100 disk full", 17, out), 7);
	assert_string_equal(out, "4.3.100");
	assert_int_equal(smtp_enhanced_code(550, "4.7.1 mixed up", 14, out), 0);   /* class */
	assert_string_equal(out, "");
	assert_int_equal(smtp_enhanced_code(250, "mail.example.com", 16, out), 0);
	assert_int_equal(smtp_enhanced_code(421, "4.7.0000 x", 10, out), 0);
	assert_int_equal(smtp_enhanced_code(421, "4..0 x", 6, out), 0);
	assert_int_equal(smtp_enhanced_code(421, "4.7.0x", 6, out), 0);
	assert_int_equal(smtp_enhanced_code(421, "4.7", 3, out), 0);
}

static void deviations_in_words(void **state)
{
	char buf[256], small[50];

	(void)state;
	smtp_deviation_text(SMTP_DEV_CONTROL | SMTP_DEV_CR_CR_LF, buf, sizeof(buf));
	assert_string_equal(buf, "NUL or other control bytes in a line; a line ending in CR CR LF");
	smtp_deviation_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	smtp_deviation_text(SMTP_DEV_CONTROL | SMTP_DEV_CR_CR_LF, small, sizeof(small));
	assert_string_equal(small, "NUL or other control bytes in a line");   /* cut between */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_line_greeting_is_final),
		cmocka_unit_test(multi_line_reply_ends_at_space_separator),
		cmocka_unit_test(a_line_is_taken_in_pieces_and_no_further_than_its_end),
		cmocka_unit_test(bare_code_is_a_final_line),
		cmocka_unit_test(any_number_of_lines_is_a_reply),
		cmocka_unit_test(a_reply_over_64_kib_is_refused),
		cmocka_unit_test(an_endless_line_is_refused_at_64_kib),
		cmocka_unit_test(a_code_change_is_noted_and_the_last_line_decides),
		cmocka_unit_test(non_smtp_lines_are_syntax_errors_quoted),
		cmocka_unit_test(garbage_is_refused_at_its_fourth_octet_without_waiting_for_a_line_end),
		cmocka_unit_test(control_bytes_are_tolerated_shown_and_noted),
		cmocka_unit_test(cr_cr_lf_and_lf_alone_end_a_line_and_are_noted),
		cmocka_unit_test(long_lines_are_read_noted_and_cut),
		cmocka_unit_test(ehlo_keyword_is_first_word),
		cmocka_unit_test(enhanced_codes_of_the_replys_class),
		cmocka_unit_test(deviations_in_words),
	};

	return cmocka_run_group_tests_name("smtp_reply", tests, NULL, NULL);
}
