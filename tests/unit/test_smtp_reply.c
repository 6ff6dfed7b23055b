/* SPDX-License-Identifier: ISC */
/* SMTP reply parsing: what counts as a reply, a continuation, and garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/smtp_reply.h"

static enum smtp_line_status feed(struct smtp_reply *r, const char *line)
{
	const char *text;
	size_t len;

	return smtp_reply_feed(r, line, strlen(line), &text, &len);
}

static void single_line_greeting_is_final(void **state)
{
	struct smtp_reply r;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "220 mail.example.com ESMTP Postfix"), SMTP_LINE_FINAL);
	assert_int_equal(r.code, 220);
	assert_int_equal(r.lines, 1);
	assert_string_equal(r.first, "220 mail.example.com ESMTP Postfix");
}

static void multi_line_reply_ends_at_space_separator(void **state)
{
	struct smtp_reply r;
	const char *text;
	size_t len;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "250-mail.example.com"), SMTP_LINE_MORE);
	assert_int_equal(smtp_reply_feed(&r, "250-PIPELINING", 14, &text, &len), SMTP_LINE_MORE);
	assert_int_equal(len, 10);
	assert_memory_equal(text, "PIPELINING", 10);
	assert_int_equal(feed(&r, "250 8BITMIME"), SMTP_LINE_FINAL);
	assert_int_equal(r.lines, 3);
	assert_string_equal(r.first, "250-mail.example.com");
	assert_string_equal(r.last, "250 8BITMIME");
}

static void bare_code_is_a_final_line(void **state)
{
	struct smtp_reply r;
	const char *text;
	size_t len;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(smtp_reply_feed(&r, "250", 3, &text, &len), SMTP_LINE_FINAL);
	assert_int_equal(len, 0);
}

static void code_change_inside_reply_is_mismatch(void **state)
{
	struct smtp_reply r;

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "250-first"), SMTP_LINE_MORE);
	assert_int_equal(feed(&r, "251 second"), SMTP_LINE_ERR_MISMATCH);
}

static void non_smtp_lines_are_syntax_errors(void **state)
{
	static const char *const bad[] = {
		"HTTP/1.1 400 Bad Request", "22", "220x", "120 too small", "650 too big",
		"2a0 letters", "SSH-2.0-OpenSSH_9.2", "",
	};
	struct smtp_reply r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		smtp_reply_reset(&r);
		assert_int_equal(feed(&r, bad[i]), SMTP_LINE_ERR_SYNTAX);
	}
}

static void control_bytes_are_garbage_but_tabs_and_utf8_are_not(void **state)
{
	struct smtp_reply r;
	const char *text;
	size_t len;
	const char nul[] = "220 a\0b";

	(void)state;
	smtp_reply_reset(&r);
	assert_int_equal(smtp_reply_feed(&r, nul, sizeof(nul) - 1, &text, &len), SMTP_LINE_ERR_SYNTAX);
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "220 mail\texample \xc3\xa9t\xc3\xa9"), SMTP_LINE_FINAL);
	smtp_reply_reset(&r);
	assert_int_equal(feed(&r, "220 bell\a"), SMTP_LINE_ERR_SYNTAX);
}

static void line_of_512_octets_with_crlf_is_the_limit(void **state)
{
	char line[SMTP_LINE_MAX + 8];
	struct smtp_reply r;
	const char *text;
	size_t len;

	(void)state;
	memset(line, 'x', sizeof(line));
	memcpy(line, "250 ", 4);
	smtp_reply_reset(&r);
	assert_int_equal(smtp_reply_feed(&r, line, SMTP_LINE_MAX - 2, &text, &len), SMTP_LINE_FINAL);
	smtp_reply_reset(&r);
	assert_int_equal(smtp_reply_feed(&r, line, SMTP_LINE_MAX - 1, &text, &len),
			 SMTP_LINE_ERR_TOO_LONG);
}

static void more_than_100_lines_is_refused(void **state)
{
	struct smtp_reply r;

	(void)state;
	smtp_reply_reset(&r);
	for (int i = 0; i < SMTP_REPLY_MAX_LINES; i++)
		assert_int_equal(feed(&r, "250-again"), SMTP_LINE_MORE);
	assert_int_equal(feed(&r, "250 last"), SMTP_LINE_ERR_TOO_MANY);
}

static void ehlo_keyword_is_first_word(void **state)
{
	(void)state;
	assert_int_equal(smtp_ehlo_keyword("SIZE 10240000", 13), 4);
	assert_int_equal(smtp_ehlo_keyword("STARTTLS", 8), 8);
	assert_int_equal(smtp_ehlo_keyword("AUTH\tPLAIN", 10), 4);
	assert_int_equal(smtp_ehlo_keyword("", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_line_greeting_is_final),
		cmocka_unit_test(multi_line_reply_ends_at_space_separator),
		cmocka_unit_test(bare_code_is_a_final_line),
		cmocka_unit_test(code_change_inside_reply_is_mismatch),
		cmocka_unit_test(non_smtp_lines_are_syntax_errors),
		cmocka_unit_test(control_bytes_are_garbage_but_tabs_and_utf8_are_not),
		cmocka_unit_test(line_of_512_octets_with_crlf_is_the_limit),
		cmocka_unit_test(more_than_100_lines_is_refused),
		cmocka_unit_test(ehlo_keyword_is_first_word),
	};

	return cmocka_run_group_tests_name("smtp_reply", tests, NULL, NULL);
}
