/* SPDX-License-Identifier: ISC */
/* Text cleaning for the MIB and logs: printable ASCII, bounded. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/text.h"

static void non_printable_bytes_become_question_marks(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(text_clean(out, sizeof(out), "a\tb\x01\xff\0c", 7), 7);
	assert_string_equal(out, "a b???c");
}

static void output_is_cut_to_its_size(void **state)
{
	char out[4];

	(void)state;
	assert_int_equal(text_clean(out, sizeof(out), "abcdef", 6), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(text_clean(out, 0, "abc", 3), 0);
}

static void text_can_be_cleaned_in_place(void **state)
{
	char buf[] = "a\tb\nc\x7f";

	(void)state;
	assert_int_equal(text_clean(buf, sizeof(buf), buf, strlen(buf)), 6);
	assert_string_equal(buf, "a b?c?");
}

static void words_are_appended_whole_or_not_at_all(void **state)
{
	char out[12] = "";

	(void)state;
	assert_true(text_append_word(out, sizeof(out), "SIZE", 4));
	assert_true(text_append_word(out, sizeof(out), "8BITMIME", 8) == 0);
	assert_true(text_append_word(out, sizeof(out), "DSN", 3));
	assert_string_equal(out, "SIZE DSN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(non_printable_bytes_become_question_marks),
		cmocka_unit_test(output_is_cut_to_its_size),
		cmocka_unit_test(text_can_be_cleaned_in_place),
		cmocka_unit_test(words_are_appended_whole_or_not_at_all),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
