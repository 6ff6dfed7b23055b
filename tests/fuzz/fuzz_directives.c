/* SPDX-License-Identifier: ISC */
/* libFuzzer target: a configuration line's arguments, as smtpMonServer,
 * smtpMonDefaults, smtpMonDomain and the persistent store's
 * smtpMonStoredServer give them to the directive parser. A line is accepted or refused with a message;
 * what is accepted is within its limits and reads back as written. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/domain_config.h"
#include "core/target_config.h"

static void check_accepted(const struct target_config *c)
{
	struct target_config back, merged = *c;
	struct target_options none = { 0 };
	char line[4096], err[256];

	assert(target_name_valid(c->name));
	assert(strlen(c->host) <= TARGET_HOST_MAX);
	target_config_finish(&merged, &none);
	assert(merged.port >= 1 && merged.opt.interval_s >= 1 && merged.opt.interval_s <= 86400);
	assert(merged.opt.timeout_s >= 1 && merged.opt.timeout_s <= 3600);
	if (target_config_format(c, line, sizeof(line)) != 0)
		return;
	assert(target_parse_stored(line, &back, err, sizeof(err)) == 0);
	assert(target_config_equal(c, &back));
}

/* A watch's name leaves room for ".N", its domain is a name. */
static void check_domain(const char *line)
{
	struct domain_config d;
	char err[256] = "";

	if (domain_parse(line, &d, err, sizeof(err)) != 0) {
		assert(err[0] != '\0');
		return;
	}
	assert(strlen(d.name) <= DOMAIN_WATCH_NAME_MAX && target_name_valid(d.name));
	assert(target_domain_valid(d.domain));
	assert(d.dns_interval_s >= DOMAIN_DNS_INTERVAL_MIN &&
	       d.dns_interval_s <= DOMAIN_DNS_INTERVAL_MAX);
	assert(d.family >= DOMAIN_FAMILY_ANY && d.family <= DOMAIN_FAMILY_BOTH);
	assert(!(d.opt.set & OPT_SNI));
	assert(domain_port(&d) >= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), err[256];
	struct target_config c;
	struct target_options o;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	memset(&c, 0, sizeof(c));
	err[0] = '\0';
	if (target_parse_server(line, &c, err, sizeof(err)) == 0)
		check_accepted(&c);
	else
		assert(err[0] != '\0');
	memset(&o, 0, sizeof(o));
	if (target_parse_defaults(line, &o, err, sizeof(err)) != 0)
		assert(err[0] != '\0');
	memset(&c, 0, sizeof(c));
	(void)target_parse_stored(line, &c, err, sizeof(err));
	check_domain(line);
	free(line);
	return 0;
}
