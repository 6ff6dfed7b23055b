/* SPDX-License-Identifier: ISC */
/* Classification: which SmtpMonProbeResult a stage and a reply code give. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "core/probe_result.h"

static void greeting_220_proceeds_and_4xx_5xx_reject(void **state)
{
	(void)state;
	assert_int_equal(classify_reply(STAGE_GREETING, 220), VERDICT_PROCEED);
	assert_int_equal(classify_reply(STAGE_GREETING, 421), VERDICT_REJECTED);
	assert_int_equal(classify_reply(STAGE_GREETING, 554), VERDICT_REJECTED);
	assert_int_equal(result_for_rejection(STAGE_GREETING), RESULT_BANNER_REJECTED);
}

static void greeting_with_other_codes_is_out_of_place(void **state)
{
	(void)state;
	assert_int_equal(classify_reply(STAGE_GREETING, 250), VERDICT_OUT_OF_PLACE);
	assert_int_equal(classify_reply(STAGE_GREETING, 354), VERDICT_OUT_OF_PLACE);
	assert_int_equal(classify_reply(STAGE_GREETING, 221), VERDICT_OUT_OF_PLACE);
}

static void ehlo_5xx_falls_back_to_helo_but_4xx_rejects(void **state)
{
	(void)state;
	assert_int_equal(classify_reply(STAGE_EHLO, 250), VERDICT_PROCEED);
	assert_int_equal(classify_reply(STAGE_EHLO, 500), VERDICT_FALLBACK);
	assert_int_equal(classify_reply(STAGE_EHLO, 502), VERDICT_FALLBACK);
	assert_int_equal(classify_reply(STAGE_EHLO, 421), VERDICT_REJECTED);
	assert_int_equal(classify_reply(STAGE_EHLO, 220), VERDICT_OUT_OF_PLACE);
}

static void helo_5xx_is_rejected(void **state)
{
	(void)state;
	assert_int_equal(classify_reply(STAGE_HELO, 250), VERDICT_PROCEED);
	assert_int_equal(classify_reply(STAGE_HELO, 550), VERDICT_REJECTED);
	assert_int_equal(result_for_rejection(STAGE_HELO), RESULT_HELO_REJECTED);
	assert_int_equal(result_for_rejection(STAGE_EHLO), RESULT_HELO_REJECTED);
}

static void starttls_220_proceeds_and_refusal_is_tls_unavailable(void **state)
{
	(void)state;
	assert_int_equal(classify_reply(STAGE_STARTTLS, 220), VERDICT_PROCEED);
	assert_int_equal(classify_reply(STAGE_STARTTLS, 454), VERDICT_REJECTED);
	assert_int_equal(classify_reply(STAGE_STARTTLS, 502), VERDICT_REJECTED);
	assert_int_equal(classify_reply(STAGE_STARTTLS, 250), VERDICT_OUT_OF_PLACE);
	assert_int_equal(result_for_rejection(STAGE_STARTTLS), RESULT_TLS_UNAVAILABLE);
	assert_int_equal(result_for_timeout(STAGE_STARTTLS), RESULT_TLS_FAILURE);
	assert_int_equal(result_for_timeout(STAGE_TLS), RESULT_TLS_FAILURE);
	assert_int_equal(result_for_close(STAGE_TLS), RESULT_TLS_FAILURE);
	assert_int_equal(result_for_close(STAGE_STARTTLS), RESULT_CONNECTION_CLOSED);
}

static void timeouts_name_the_stage(void **state)
{
	(void)state;
	assert_int_equal(result_for_timeout(STAGE_RESOLVE), RESULT_DNS_FAILURE);
	assert_int_equal(result_for_timeout(STAGE_CONNECT), RESULT_CONNECT_TIMEOUT);
	assert_int_equal(result_for_timeout(STAGE_GREETING), RESULT_BANNER_TIMEOUT);
	assert_int_equal(result_for_timeout(STAGE_EHLO), RESULT_HELO_TIMEOUT);
	assert_int_equal(result_for_timeout(STAGE_HELO), RESULT_HELO_TIMEOUT);
}

static void socket_errors(void **state)
{
	(void)state;
	assert_int_equal(result_for_socket_error(STAGE_CONNECT, ECONNREFUSED), RESULT_CONNECT_REFUSED);
	assert_int_equal(result_for_socket_error(STAGE_CONNECT, ETIMEDOUT), RESULT_CONNECT_TIMEOUT);
	assert_int_equal(result_for_socket_error(STAGE_CONNECT, EHOSTUNREACH), RESULT_NETWORK_ERROR);
	assert_int_equal(result_for_socket_error(STAGE_GREETING, ECONNRESET), RESULT_NETWORK_ERROR);
	assert_int_equal(result_for_close(STAGE_GREETING), RESULT_CONNECTION_CLOSED);
	assert_int_equal(result_for_close(STAGE_EHLO), RESULT_CONNECTION_CLOSED);
}

static void error_text_names_stage_cause_and_reply(void **state)
{
	char buf[256];

	(void)state;
	probe_error_text(buf, sizeof(buf), RESULT_BANNER_REJECTED, STAGE_GREETING,
			 "421 4.3.2 Service not available", 0);
	assert_string_equal(buf, "greeting: the server refused the session in its greeting;"
			    " server said: 421 4.3.2 Service not available");
	probe_error_text(buf, sizeof(buf), RESULT_NETWORK_ERROR, STAGE_GREETING, NULL, ECONNRESET);
	assert_non_null(strstr(buf, "greeting: network error ("));
	probe_error_text(buf, sizeof(buf), RESULT_CONNECT_REFUSED, STAGE_CONNECT, NULL, ECONNREFUSED);
	assert_string_equal(buf, "connect: connection refused (nothing listens on the port)");
}

static void error_text_is_bounded(void **state)
{
	char buf[32];

	(void)state;
	probe_error_text(buf, sizeof(buf), RESULT_HELO_REJECTED, STAGE_HELO,
			 "550 a very long reply text that does not fit", 0);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

static void names_match_the_mib(void **state)
{
	(void)state;
	assert_string_equal(probe_result_name(RESULT_OK), "ok");
	assert_string_equal(probe_result_name(RESULT_BANNER_TIMEOUT), "bannerTimeout");
	assert_string_equal(probe_result_name(RESULT_INTERNAL_ERROR), "internalError");
	assert_int_equal(RESULT_INTERNAL_ERROR, 16);
	assert_string_equal(probe_result_name((enum probe_result)99), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(greeting_220_proceeds_and_4xx_5xx_reject),
		cmocka_unit_test(greeting_with_other_codes_is_out_of_place),
		cmocka_unit_test(ehlo_5xx_falls_back_to_helo_but_4xx_rejects),
		cmocka_unit_test(helo_5xx_is_rejected),
		cmocka_unit_test(starttls_220_proceeds_and_refusal_is_tls_unavailable),
		cmocka_unit_test(timeouts_name_the_stage),
		cmocka_unit_test(socket_errors),
		cmocka_unit_test(error_text_names_stage_cause_and_reply),
		cmocka_unit_test(error_text_is_bounded),
		cmocka_unit_test(names_match_the_mib),
	};

	return cmocka_run_group_tests_name("probe_result", tests, NULL, NULL);
}
