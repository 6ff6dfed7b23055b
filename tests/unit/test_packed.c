/* SPDX-License-Identifier: ISC */
/* packed.h: a packed copy opens into exactly the struct it was made from,
 * and costs only what its texts hold. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/packed.h"
#include "core/target_config.h"

static void a_full_configuration(struct target_config *c)
{
	memset(c, 0, sizeof(*c));
	c->port = 2525;
	c->opt.set = 0x7fff;
	c->opt.interval_s = 61;
	c->opt.timeout_s = 9;
	c->opt.fail_threshold = 3;
	c->opt.recover_threshold = 4;
	c->opt.latency_threshold_ms = 1500;
	c->opt.cert_warn_days = 21;
	c->opt.dnsbl_interval_s = 3600;
	c->opt.enabled = 1;
	c->opt.dnsbl = 1;
	c->opt.verify_cert = 1;
	c->opt.family = FAMILY_IPV6;
	c->opt.tls = TLS_STARTTLS;
	strcpy(c->opt.helo, "monitor.example.net");
	strcpy(c->opt.sni, "mx.example.net");
	strcpy(c->opt.source, "::1");
	strcpy(c->name, "mx1");
	strcpy(c->host, "mx1.example.net");
}

/* A full configuration and its packed copy. */
static struct packed *packed_full(struct target_config *c)
{
	struct packed *p;

	a_full_configuration(c);
	p = pack(&target_config_layout, c);
	assert_non_null(p);
	return p;
}

static void configuration_round_trips(void **state)
{
	struct target_config c, back;
	struct packed *p;

	(void)state;
	p = packed_full(&c);
	memset(&back, 0x5a, sizeof(back));
	unpack(&target_config_layout, p, &back);
	assert_memory_equal(&c, &back, sizeof(c));
	free(p);
}

static void only_the_texts_are_kept_short(void **state)
{
	struct target_config c;
	struct packed *p;
	size_t texts = strlen("monitor.example.net") + strlen("mx.example.net") +
		       strlen("::1") + strlen("mx1") + strlen("mx1.example.net") + 5;

	(void)state;
	p = packed_full(&c);
	assert_int_equal(packed_size(&target_config_layout, p),
			 offsetof(struct target_config, opt.helo) + texts);
	assert_true(packed_size(&target_config_layout, p) < sizeof(c) / 4);
	free(p);
}

static void a_field_without_its_nul_keeps_what_a_reader_saw(void **state)
{
	struct target_config c, back;
	struct packed *p;

	(void)state;
	a_full_configuration(&c);
	memset(c.host, 'h', sizeof(c.host));    /* no terminating NUL */
	p = pack(&target_config_layout, &c);
	assert_non_null(p);
	unpack(&target_config_layout, p, &back);
	assert_int_equal(strlen(back.host), sizeof(back.host) - 1);
	assert_string_equal(back.name, "mx1");
	free(p);
}

static void numbers_open_without_the_texts(void **state)
{
	struct target_config c, back;
	struct packed *p;

	(void)state;
	p = packed_full(&c);
	memset(&back, 0, sizeof(back));
	unpack_numbers(&target_config_layout, p, &back);
	assert_int_equal(back.port, 2525);
	assert_int_equal(back.opt.dnsbl_interval_s, 3600);
	assert_int_equal(back.opt.tls, TLS_STARTTLS);
	assert_string_equal(back.host, "");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(configuration_round_trips),
		cmocka_unit_test(only_the_texts_are_kept_short),
		cmocka_unit_test(a_field_without_its_nul_keeps_what_a_reader_saw),
		cmocka_unit_test(numbers_open_without_the_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
