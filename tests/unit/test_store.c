/* SPDX-License-Identifier: ISC */
/* The store: rows found by name whatever their number, and a row's state
 * kept as it was recorded (its texts packed, nothing lost). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/state.h"
#include "shared/store.h"

static struct target *add(struct store *s, const char *name)
{
	struct target_config c;

	memset(&c, 0, sizeof(c));
	target_options_builtin(&c.opt);
	snprintf(c.name, sizeof(c.name), "%s", name);
	strcpy(c.host, "127.0.0.1");
	c.port = 25;
	return store_add(s, &c, &c);
}

static void rows_are_found_by_name_in_any_order(void **state)
{
	struct store *s = store_new();
	char name[16];

	(void)state;
	for (int i = 999; i >= 0; i--) {
		snprintf(name, sizeof(name), "s%03d", (i * 7) % 1000);
		assert_non_null(add(s, name));
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "s%03d", i);
		assert_non_null(store_find(s, name));
		assert_string_equal(store_find(s, name)->cfg.name, name);
	}
	assert_null(store_find(s, "s1000"));
	assert_null(store_find(s, ""));
	assert_null(add(s, "s500"));              /* the name is taken */
	store_free(s);
}

static void a_removed_row_is_gone_and_the_others_stay(void **state)
{
	struct store *s = store_new();
	struct target *b;

	(void)state;
	add(s, "a");
	b = add(s, "b");
	add(s, "c");
	store_remove(s, b);
	store_target_free(b);
	assert_null(store_find(s, "b"));
	assert_non_null(store_find(s, "a"));
	assert_non_null(store_find(s, "c"));
	assert_int_equal(s->count, 2);
	assert_string_equal(s->targets[0]->cfg.name, "a");   /* configuration order */
	assert_string_equal(s->targets[1]->cfg.name, "c");
	store_free(s);
}

static struct probe_outcome outcome(enum probe_result result, const char *banner)
{
	struct probe_outcome o;

	memset(&o, 0, sizeof(o));
	o.result = result;
	snprintf(o.banner, sizeof(o.banner), "%s", banner);
	return o;
}

static void a_probe_is_kept_as_recorded(void **state)
{
	struct store *s = store_new();
	struct target *t = add(s, "mx");
	struct probe_outcome o = outcome(RESULT_OK, "220 mx.example ESMTP");
	struct target_state st;

	(void)state;
	o.reply_code = 250;
	o.latency_us = 1234;
	o.finished_wall_us = 42;
	strcpy(o.last_reply, "250 SIZE 1000");
	strcpy(o.ehlo_keywords, "SIZE PIPELINING");
	o.tls.have_cert = 1;
	strcpy(o.tls.subject, "CN=mx.example");
	strcpy(o.tls.issuer, "CN=ca.example");
	store_record(s, t, &t->cfg, &o, NULL);
	store_snapshot(s, t, &st);
	assert_int_equal(st.probes, 1);
	assert_int_equal(st.last.reply_code, 250);
	assert_int_equal(st.last.latency_us, 1234);
	assert_string_equal(st.last.banner, "220 mx.example ESMTP");
	assert_string_equal(st.last.last_reply, "250 SIZE 1000");
	assert_string_equal(st.last.ehlo_keywords, "SIZE PIPELINING");
	assert_string_equal(st.last.tls.subject, "CN=mx.example");
	assert_string_equal(st.last.tls.issuer, "CN=ca.example");
	assert_string_equal(st.last.error, "");
	store_free(s);
}

/* doc/DESIGN.md section 3: LastBanner from the last probe that got one; the
 * certificate from the last handshake. */
static void a_refused_probe_keeps_the_banner_and_certificate(void **state)
{
	struct store *s = store_new();
	struct target *t = add(s, "mx");
	struct probe_outcome o = outcome(RESULT_OK, "220 first");
	struct target_state st;

	(void)state;
	o.tls.have_cert = 1;
	strcpy(o.tls.subject, "CN=mx.example");
	store_record(s, t, &t->cfg, &o, NULL);
	o = outcome(RESULT_CONNECT_REFUSED, "");
	strcpy(o.error, "connect: connection refused");
	store_record(s, t, &t->cfg, &o, &st);
	assert_string_equal(st.last.banner, "220 first");
	assert_string_equal(st.last.tls.subject, "CN=mx.example");
	assert_string_equal(st.last.error, "connect: connection refused");
	assert_int_equal(st.failures, 1);
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_are_found_by_name_in_any_order),
		cmocka_unit_test(a_removed_row_is_gone_and_the_others_stay),
		cmocka_unit_test(a_probe_is_kept_as_recorded),
		cmocka_unit_test(a_refused_probe_keeps_the_banner_and_certificate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
