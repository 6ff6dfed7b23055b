/* SPDX-License-Identifier: ISC */
#include "core/target_config.h"
#include "core/text.h"
#include "core/hostport.h"
#include "core/packed.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT(member) { offsetof(struct target_config, member), sizeof(((struct target_config *)0)->member) }
static const struct text_field config_texts[] = {
	TEXT(opt.helo), TEXT(opt.sni), TEXT(opt.source), TEXT(name), TEXT(host),
};
#undef TEXT

const struct pack_layout target_config_layout = {
	sizeof(struct target_config), offsetof(struct target_config, opt.helo),
	config_texts, sizeof(config_texts) / sizeof(config_texts[0]),
};

#define TOKEN_MAX 512

void target_options_builtin(struct target_options *o)
{
	memset(o, 0, sizeof(*o));
	o->set = ~0u;
	o->interval_s = 60;
	o->timeout_s = 10;
	o->fail_threshold = 2;
	o->recover_threshold = 1;
	o->latency_threshold_ms = 0;
	o->enabled = 1;
	o->family = FAMILY_ANY;
	o->tls = TLS_NONE;
	o->verify_cert = 0;
	o->cert_warn_days = 14;
	o->dnsbl = 1;                  /* when zones are set */
	o->dnsbl_interval_s = 600;
}

static const struct target_options *pick(unsigned bit,
					 const struct target_options *a,
					 const struct target_options *b,
					 const struct target_options *c)
{
	if (a->set & bit)
		return a;
	return (b->set & bit) ? b : c;
}

void target_options_merge(struct target_options *eff,
			  const struct target_options *explicit_opts,
			  const struct target_options *defaults)
{
	struct target_options builtin;
	const struct target_options *e = explicit_opts, *d = defaults;

	target_options_builtin(&builtin);
	eff->interval_s = pick(OPT_INTERVAL, e, d, &builtin)->interval_s;
	eff->timeout_s = pick(OPT_TIMEOUT, e, d, &builtin)->timeout_s;
	eff->fail_threshold = pick(OPT_FAIL_THRESHOLD, e, d, &builtin)->fail_threshold;
	eff->recover_threshold = pick(OPT_RECOVER_THRESHOLD, e, d, &builtin)->recover_threshold;
	eff->latency_threshold_ms =
		pick(OPT_LATENCY_THRESHOLD, e, d, &builtin)->latency_threshold_ms;
	eff->enabled = pick(OPT_ENABLED, e, d, &builtin)->enabled;
	eff->family = pick(OPT_FAMILY, e, d, &builtin)->family;
	eff->tls = pick(OPT_TLS, e, d, &builtin)->tls;
	eff->verify_cert = pick(OPT_VERIFY_CERT, e, d, &builtin)->verify_cert;
	eff->cert_warn_days = pick(OPT_CERT_WARN_DAYS, e, d, &builtin)->cert_warn_days;
	memmove(eff->helo, pick(OPT_HELO, e, d, &builtin)->helo, sizeof(eff->helo));
	memmove(eff->sni, pick(OPT_SNI, e, d, &builtin)->sni, sizeof(eff->sni));
	memmove(eff->source, pick(OPT_SOURCE, e, d, &builtin)->source, sizeof(eff->source));
	eff->dnsbl = pick(OPT_DNSBL, e, d, &builtin)->dnsbl;
	eff->dnsbl_interval_s = pick(OPT_DNSBL_INTERVAL, e, d, &builtin)->dnsbl_interval_s;
	eff->set = ~0u;
}

void target_config_finish(struct target_config *cfg, const struct target_options *defaults)
{
	target_options_merge(&cfg->opt, &cfg->opt, defaults);
	if (cfg->port == 0)
		cfg->port = cfg->opt.tls == TLS_IMPLICIT ? 465 : 25;
}

/* 1 when HOST is an IPv4 or IPv6 literal. */
static int target_host_is_address(const char *host)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

const char *target_tls_name(const struct target_config *cfg)
{
	if (cfg->opt.sni[0])
		return cfg->opt.sni;
	return target_host_is_address(cfg->host) ? "" : cfg->host;
}

int target_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len < 1 || len > TARGET_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("-_.", name[i]))
			return 0;
	return 1;
}

/* RFC 1123 host name: labels of letters, digits and inner hyphens. */
int target_domain_valid(const char *name)
{
	size_t len = strlen(name), label = 0;

	if (len < 1 || len > 253)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0 || name[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && !(c == '-' && label > 0))
			return 0;
		if (++label > 63)
			return 0;
	}
	return name[len - 1] != '-';
}

static int looks_numeric(const char *s)
{
	return strspn(s, "0123456789.") == strlen(s);
}

int target_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int target_check_host(const char *host, char *err, size_t errlen)
{
	unsigned char addr[4];

	if (looks_numeric(host) && inet_pton(AF_INET, host, addr) != 1)
		return text_error(err, errlen, "'%s' is not a valid IPv4 address", host);
	if (!looks_numeric(host) && !target_domain_valid(host))
		return text_error(err, errlen, "'%s' is not a valid host name", host);
	return 0;
}

/* HOST[:PORT] into CFG->host and CFG->port (0: none given). */
static int parse_host(const char *spec, struct target_config *cfg, char *err, size_t errlen)
{
	int has_port;

	return hostport_parse(spec, 0, target_check_host, cfg->host, sizeof(cfg->host),
			      &cfg->port, &has_port, err, errlen) == HOSTPORT_OK ? 0 : -1;
}

int target_set_host(struct target_config *cfg, const char *host, char *err, size_t errlen)
{
	char buf[sizeof(cfg->host)];
	uint16_t port;
	int has_port;

	if (hostport_parse(host, 0, target_check_host, buf, sizeof(buf), &port, &has_port,
			   err, errlen) != HOSTPORT_OK)
		return -1;
	if (has_port)
		return text_error(err, errlen, "'%s': the port goes in smtpMonServerPort", host);
	strcpy(cfg->host, buf);
	return 0;
}

struct numeric_key {
	const char *name;
	unsigned bit;
	uint32_t min, max;
	size_t offset;
};

static const struct numeric_key numeric_keys[] = {
	{ "interval", OPT_INTERVAL, 1, 86400, offsetof(struct target_options, interval_s) },
	{ "timeout", OPT_TIMEOUT, 1, 3600, offsetof(struct target_options, timeout_s) },
	{ "failThreshold", OPT_FAIL_THRESHOLD, 1, 100,
	  offsetof(struct target_options, fail_threshold) },
	{ "recoverThreshold", OPT_RECOVER_THRESHOLD, 1, 100,
	  offsetof(struct target_options, recover_threshold) },
	{ "latencyThreshold", OPT_LATENCY_THRESHOLD, 0, 3600000,
	  offsetof(struct target_options, latency_threshold_ms) },
	{ "certWarnDays", OPT_CERT_WARN_DAYS, 0, 3650,
	  offsetof(struct target_options, cert_warn_days) },
	{ "dnsblInterval", OPT_DNSBL_INTERVAL, 1, 86400,
	  offsetof(struct target_options, dnsbl_interval_s) },
};

static int parse_yes_no(const char *key, const char *value, int *out,
			char *err, size_t errlen)
{
	if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
		return text_error(err, errlen, "%s=%s: expected yes or no", key, value);
	*out = strcmp(value, "yes") == 0;
	return 0;
}

/* The words of tls= and family=, by their enum values (read and written). */
static const char *const tls_names[] = { "", "none", "starttls", "implicit" };
static const char *const family_names[] = { "any", "ipv4", "ipv6" };

static int word_index(const char *const *names, int n, const char *value)
{
	for (int i = 0; i < n; i++)
		if (names[i][0] && strcmp(names[i], value) == 0)
			return i;
	return -1;
}

static int parse_numeric(const struct numeric_key *k, const char *value,
			 struct target_options *o, char *err, size_t errlen)
{
	uint32_t v;

	if (target_parse_u32(value, k->min, k->max, &v) != 0)
		return text_error(err, errlen, "%s=%s: expected a whole number from %u to %u",
			    k->name, value, k->min, k->max);
	memcpy((char *)o + k->offset, &v, sizeof(v));
	o->set |= k->bit;
	return 0;
}

/* An IPv4 or IPv6 address (brackets optional), kept without brackets. */
static int parse_source(const char *value, char *out, char *err, size_t errlen)
{
	char buf[TARGET_SOURCE_MAX + 3];
	unsigned char addr[16];
	size_t len = strlen(value);

	if (len >= sizeof(buf))
		return text_error(err, errlen, "source=%.50s: not an IP address", value);
	strcpy(buf, value);
	if (buf[0] == '[' && len > 2 && buf[len - 1] == ']') {
		buf[len - 1] = '\0';
		memmove(buf, buf + 1, len - 1);
	}
	if (inet_pton(AF_INET, buf, addr) != 1 && inet_pton(AF_INET6, buf, addr) != 1)
		return text_error(err, errlen, "source=%s: not an IPv4 or IPv6 address", value);
	strcpy(out, buf);
	return 0;
}

static int parse_word_key(const char *key, const char *value,
			  struct target_options *o, char *err, size_t errlen)
{
	int i;

	if (strcmp(key, "helo") == 0) {
		if (strlen(value) > TARGET_HELO_MAX || !target_domain_valid(value))
			return text_error(err, errlen, "helo=%s: not a valid domain name", value);
		strcpy(o->helo, value);
		o->set |= OPT_HELO;
	} else if (strcmp(key, "sni") == 0) {
		if (strlen(value) > TARGET_HOST_MAX || !target_domain_valid(value))
			return text_error(err, errlen, "sni=%s: not a valid host name", value);
		strcpy(o->sni, value);
		o->set |= OPT_SNI;
	} else if (strcmp(key, "enabled") == 0) {
		if (parse_yes_no(key, value, &o->enabled, err, errlen) != 0)
			return -1;
		o->set |= OPT_ENABLED;
	} else if (strcmp(key, "verifyCert") == 0) {
		if (parse_yes_no(key, value, &o->verify_cert, err, errlen) != 0)
			return -1;
		o->set |= OPT_VERIFY_CERT;
	} else if (strcmp(key, "tls") == 0) {
		if ((i = word_index(tls_names, 4, value)) < 0)
			return text_error(err, errlen, "tls=%s: expected none, starttls or implicit", value);
		o->tls = (enum tls_mode)i;
		o->set |= OPT_TLS;
	} else if (strcmp(key, "dnsbl") == 0) {
		if (parse_yes_no(key, value, &o->dnsbl, err, errlen) != 0)
			return -1;
		o->set |= OPT_DNSBL;
	} else if (strcmp(key, "source") == 0) {
		if (parse_source(value, o->source, err, errlen) != 0)
			return -1;
		o->set |= OPT_SOURCE;
	} else if (strcmp(key, "family") == 0) {
		if ((i = word_index(family_names, 3, value)) < 0)
			return text_error(err, errlen, "family=%s: expected any, ipv4 or ipv6", value);
		o->family = (enum addr_family)i;
		o->set |= OPT_FAMILY;
	} else {
		return 1;
	}
	return 0;
}

static unsigned key_bit(const char *key)
{
	for (size_t i = 0; i < sizeof(numeric_keys) / sizeof(numeric_keys[0]); i++)
		if (strcmp(key, numeric_keys[i].name) == 0)
			return numeric_keys[i].bit;
	if (strcmp(key, "helo") == 0)
		return OPT_HELO;
	if (strcmp(key, "enabled") == 0)
		return OPT_ENABLED;
	if (strcmp(key, "sni") == 0)
		return OPT_SNI;
	if (strcmp(key, "verifyCert") == 0)
		return OPT_VERIFY_CERT;
	if (strcmp(key, "tls") == 0)
		return OPT_TLS;
	if (strcmp(key, "source") == 0)
		return OPT_SOURCE;
	if (strcmp(key, "dnsbl") == 0)
		return OPT_DNSBL;
	return strcmp(key, "family") == 0 ? OPT_FAMILY : 0;
}

static int parse_option(const char *token, struct target_options *o, char *err, size_t errlen)
{
	char key[64];
	const char *eq = strchr(token, '=');
	size_t keylen = eq ? (size_t)(eq - token) : 0;
	int rc;

	if (!eq || keylen == 0 || keylen >= sizeof(key))
		return text_error(err, errlen, "'%s': expected key=value", token);
	memcpy(key, token, keylen);
	key[keylen] = '\0';
	if (o->set & key_bit(key))
		return text_error(err, errlen, "'%s' is given twice", key);
	for (size_t i = 0; i < sizeof(numeric_keys) / sizeof(numeric_keys[0]); i++)
		if (strcmp(key, numeric_keys[i].name) == 0)
			return parse_numeric(&numeric_keys[i], eq + 1, o, err, errlen);
	rc = parse_word_key(key, eq + 1, o, err, errlen);
	if (rc <= 0)
		return rc;
	return text_error(err, errlen, "unknown key '%s'", key);
}

/* Splits ARGS into whitespace-separated tokens; refuses overlong ones. */
static const char *next_token(const char *p, char *tok, int *toolong)
{
	size_t n = 0;

	*toolong = 0;
	while (*p && isspace((unsigned char)*p))
		p++;
	if (!*p)
		return NULL;
	while (*p && !isspace((unsigned char)*p)) {
		if (n + 1 < TOKEN_MAX)
			tok[n++] = *p;
		else
			*toolong = 1;
		p++;
	}
	tok[n] = '\0';
	return p;
}

static int parse_options(const char *p, struct target_options *o, char *err, size_t errlen)
{
	char tok[TOKEN_MAX];
	int toolong;

	while ((p = next_token(p, tok, &toolong)) != NULL) {
		if (toolong)
			return text_error(err, errlen, "a value is longer than %d characters", TOKEN_MAX - 1);
		if (parse_option(tok, o, err, errlen) != 0)
			return -1;
	}
	return 0;
}

int target_parse_defaults(const char *args, struct target_options *o, char *err, size_t errlen)
{
	struct target_options parsed;

	memset(&parsed, 0, sizeof(parsed));
	if (parse_options(args ? args : "", &parsed, err, errlen) != 0)
		return -1;
	if (parsed.set == 0)
		return text_error(err, errlen, "expected key=value settings");
	*o = parsed;
	return 0;
}

int target_parse_server(const char *args, struct target_config *cfg, char *err, size_t errlen)
{
	char tok[TOKEN_MAX];
	int toolong;
	const char *p = args ? args : "";

	memset(cfg, 0, sizeof(*cfg));
	p = next_token(p, tok, &toolong);
	if (!p)
		return text_error(err, errlen, "expected: smtpMonServer NAME HOST[:PORT] [key=value ...]");
	if (toolong || !target_name_valid(tok))
		return text_error(err, errlen, "'%.40s' is not a valid name (1-32 letters, digits, '-', '_', '.')", tok);
	strcpy(cfg->name, tok);
	p = next_token(p, tok, &toolong);
	if (!p)
		return text_error(err, errlen, "server '%s': missing HOST[:PORT]", cfg->name);
	if (toolong || parse_host(tok, cfg, err, errlen) != 0) {
		if (toolong)
			text_error(err, errlen, "host is longer than %d characters", TARGET_HOST_MAX);
		return -1;
	}
	return parse_options(p, &cfg->opt, err, errlen);
}

static int options_equal(const struct target_options *a, const struct target_options *b)
{
	return a->interval_s == b->interval_s && a->timeout_s == b->timeout_s &&
	       a->fail_threshold == b->fail_threshold &&
	       a->recover_threshold == b->recover_threshold &&
	       a->latency_threshold_ms == b->latency_threshold_ms &&
	       a->cert_warn_days == b->cert_warn_days && a->enabled == b->enabled &&
	       a->verify_cert == b->verify_cert && a->family == b->family && a->tls == b->tls &&
	       strcmp(a->helo, b->helo) == 0 && strcmp(a->sni, b->sni) == 0 &&
	       strcmp(a->source, b->source) == 0 && a->dnsbl == b->dnsbl &&
	       a->dnsbl_interval_s == b->dnsbl_interval_s;
}

int target_config_equal(const struct target_config *a, const struct target_config *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->host, b->host) == 0 &&
	       a->port == b->port && options_equal(&a->opt, &b->opt);
}

static int put(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *len)
		return -1;
	*len += (size_t)n;
	return 0;
}

int target_options_format(const struct target_options *o, char *buf, size_t size)
{
	size_t len = 0;
	int rc = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(numeric_keys) / sizeof(numeric_keys[0]); i++) {
		uint32_t v;

		if (!(o->set & numeric_keys[i].bit))
			continue;
		memcpy(&v, (const char *)o + numeric_keys[i].offset, sizeof(v));
		rc |= put(buf, size, &len, " %s=%u", numeric_keys[i].name, v);
	}
	if (o->set & OPT_HELO)
		rc |= put(buf, size, &len, " helo=%s", o->helo);
	if (o->set & OPT_SNI)
		rc |= put(buf, size, &len, " sni=%s", o->sni);
	if (o->set & OPT_ENABLED)
		rc |= put(buf, size, &len, " enabled=%s", o->enabled ? "yes" : "no");
	if (o->set & OPT_VERIFY_CERT)
		rc |= put(buf, size, &len, " verifyCert=%s", o->verify_cert ? "yes" : "no");
	if (o->set & OPT_TLS)
		rc |= put(buf, size, &len, " tls=%s", tls_names[o->tls]);
	if (o->set & OPT_FAMILY)
		rc |= put(buf, size, &len, " family=%s", family_names[o->family]);
	if (o->set & OPT_SOURCE)
		rc |= put(buf, size, &len, " source=%s", o->source);
	if (o->set & OPT_DNSBL)
		rc |= put(buf, size, &len, " dnsbl=%s", o->dnsbl ? "yes" : "no");
	if (len)
		memmove(buf, buf + 1, len);   /* no leading space */
	return rc ? -1 : 0;
}

void target_where(const struct target_config *cfg, int with_port, char *buf, size_t size)
{
	int v6 = strchr(cfg->host, ':') != NULL;
	size_t n = (size_t)snprintf(buf, size, "%s%s%s", v6 ? "[" : "", cfg->host,
				    v6 ? "]" : "");

	if (with_port && n < size)
		snprintf(buf + n, size - n, ":%u", cfg->port);
}

int target_config_format(const struct target_config *spec, char *buf, size_t size)
{
	char opts[1024], where[TARGET_WHERE_MAX];
	int n;

	if (target_options_format(&spec->opt, opts, sizeof(opts)) != 0)
		return -1;
	target_where(spec, spec->port != 0, where, sizeof(where));   /* 0: the default */
	n = snprintf(buf, size, "%s %s%s%s%s", spec->name, spec->host[0] ? "" : "-", where,
		     opts[0] ? " " : "", opts);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int target_parse_stored(const char *args, struct target_config *cfg, char *err, size_t errlen)
{
	char name[TOKEN_MAX], port[16] = "";
	int consumed = 0;

	/* A row created by SET may not have a Host yet: "NAME -:PORT ...". */
	if (sscanf(args, "%511s -:%15[0-9]%n", name, port, &consumed) == 2) {
		char rebuilt[TOKEN_MAX * 2];
		int rc;

		snprintf(rebuilt, sizeof(rebuilt), "%s 0.0.0.0:%s%s", name, port, args + consumed);
		rc = target_parse_server(rebuilt, cfg, err, errlen);
		cfg->host[0] = '\0';
		return rc;
	}
	return target_parse_server(args, cfg, err, errlen);
}
