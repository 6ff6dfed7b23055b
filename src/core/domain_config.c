/* SPDX-License-Identifier: ISC */
#include "core/domain_config.h"
#include "core/text.h"
#include "core/hostport.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TOKEN_MAX 512
#define KEYS_MAX 4096

static const char *const family_words[] = { "any", "ipv4", "ipv6", "both" };

/* The next word of *P into TOK; 0 at the end, -1 when it is too long. */
static int word(const char **p, char tok[TOKEN_MAX])
{
	size_t n = 0;

	while (isspace((unsigned char)**p))
		(*p)++;
	while (**p && !isspace((unsigned char)**p)) {
		if (n + 1 >= TOKEN_MAX)
			return -1;
		tok[n++] = *(*p)++;
	}
	tok[n] = '\0';
	return n > 0;
}

static int parse_family(const char *v, struct domain_config *d, char *err, size_t errlen)
{
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(v, family_words[i]) == 0) {
			d->family = (enum domain_family)(i + 1);
			return 0;
		}
	return text_error(err, errlen, "family=%.40s: expected any, ipv4, ipv6 or both", v);
}

static int parse_interval(const char *v, struct domain_config *d, char *err, size_t errlen)
{
	if (target_parse_u32(v, DOMAIN_DNS_INTERVAL_MIN, DOMAIN_DNS_INTERVAL_MAX,
			     &d->dns_interval_s) == 0)
		return 0;
	return text_error(err, errlen, "dnsInterval=%.40s: expected 5 to 86400 seconds", v);
}

static int parse_switch(const char *tok, size_t klen, int *out, char *err, size_t errlen)
{
	if (strcmp(tok + klen, "yes") == 0 || strcmp(tok + klen, "no") == 0) {
		*out = tok[klen] == 'y';
		return 0;
	}
	return text_error(err, errlen, "%.40s: expected yes or no", tok);
}

/* family=, dnsInterval=, mtaSts= and dane= are the watch's; sni= is each MX host's own
 * name; the other keys are appended to KEYS for the servers' parser. */
static int take_key(const char *tok, struct domain_config *d, char *keys, char *err,
		    size_t errlen)
{
	if (strncmp(tok, "family=", 7) == 0)
		return parse_family(tok + 7, d, err, errlen);
	if (strncmp(tok, "dnsInterval=", 12) == 0)
		return parse_interval(tok + 12, d, err, errlen);
	if (strncmp(tok, "mtaSts=", 7) == 0)
		return parse_switch(tok, 7, &d->mta_sts, err, errlen);
	if (strncmp(tok, "dane=", 5) == 0)
		return parse_switch(tok, 5, &d->dane, err, errlen);
	if (strncmp(tok, "sni=", 4) == 0)
		return text_error(err, errlen, "%.40s: a domain's rows verify each MX host's own name",
			    tok);
	if (strlen(keys) + strlen(tok) + 2 > KEYS_MAX)
		return text_error(err, errlen, "%s", "too many settings");
	strcat(strcat(keys, " "), tok);
	return 0;
}

static int parse_domain(const char *tok, struct domain_config *d, char *err, size_t errlen)
{
	char host[TARGET_HOST_MAX + 1];
	int has_port;

	if (hostport_parse(tok, 0, target_check_host, host, sizeof(host), &d->port, &has_port,
			   err, errlen) != HOSTPORT_OK)
		return -1;
	if (!target_domain_valid(host))
		return text_error(err, errlen, "'%.60s' is not a domain name", host);
	for (char *c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	strcpy(d->domain, host);
	return 0;
}

static int parse_head(const char **p, struct domain_config *d, char *err, size_t errlen)
{
	char tok[TOKEN_MAX];

	if (word(p, tok) <= 0)
		return text_error(err, errlen, "%s", "expected: smtpMonDomain NAME DOMAIN[:PORT] [key=value ...]");
	if (strlen(tok) > DOMAIN_WATCH_NAME_MAX || !target_name_valid(tok))
		return text_error(err, errlen, "'%.40s' is not a valid watch name (1-28 letters, digits, "
			    "'-', '_', '.')", tok);
	strcpy(d->name, tok);
	if (word(p, tok) <= 0)
		return text_error(err, errlen, "domain watch '%s': missing DOMAIN", d->name);
	return parse_domain(tok, d, err, errlen);
}

int domain_parse(const char *args, struct domain_config *d, char *err, size_t errlen)
{
	const char *p = args ? args : "";
	char tok[TOKEN_MAX], keys[KEYS_MAX] = "";
	int r;

	memset(d, 0, sizeof(*d));
	d->family = DOMAIN_FAMILY_ANY;
	d->dns_interval_s = DOMAIN_DNS_INTERVAL_DEFAULT;
	d->mta_sts = d->dane = 1;
	if (parse_head(&p, d, err, errlen) != 0)
		return -1;
	while ((r = word(&p, tok)) > 0)
		if (take_key(tok, d, keys, err, errlen) != 0)
			return -1;
	if (r < 0)
		return text_error(err, errlen, "a value is longer than %d characters", TOKEN_MAX - 1);
	if (keys[0] && target_parse_defaults(keys, &d->opt, err, errlen) != 0)
		return -1;
	return 0;
}

int domain_config_equal(const struct domain_config *a, const struct domain_config *b)
{
	struct target_config x = { .opt = a->opt }, y = { .opt = b->opt };

	return strcmp(a->name, b->name) == 0 && strcmp(a->domain, b->domain) == 0 &&
	       a->port == b->port && a->family == b->family &&
	       a->dns_interval_s == b->dns_interval_s && a->mta_sts == b->mta_sts &&
	       a->dane == b->dane && a->opt.set == b->opt.set &&
	       target_config_equal(&x, &y);
}

const char *domain_family_name(enum domain_family f)
{
	return f >= DOMAIN_FAMILY_ANY && f <= DOMAIN_FAMILY_BOTH ? family_words[f - 1] : "?";
}

uint16_t domain_port(const struct domain_config *d)
{
	if (d->port)
		return d->port;
	return (d->opt.set & OPT_TLS) && d->opt.tls == TLS_IMPLICIT ? 465 : 25;
}
