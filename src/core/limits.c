/* SPDX-License-Identifier: ISC */
#include "core/limits.h"
#include "core/text.h"
#include "core/target_config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define WORD_MAX 512

/* The next whitespace-separated word of *P into WORD; 0 at the end, -1 if
 * longer than WORD_MAX - 1. */
static int next_word(const char **p, char *word)
{
	size_t n = 0;

	while (**p && isspace((unsigned char)**p))
		(*p)++;
	if (!**p)
		return 0;
	while (**p && !isspace((unsigned char)**p)) {
		if (n + 1 >= WORD_MAX)
			return -1;
		word[n++] = *(*p)++;
	}
	word[n] = '\0';
	return 1;
}

void limits_default(struct smtpmon_limits *l)
{
	l->rows = LIMITS_ROWS_DEFAULT;
	l->set_rows = LIMITS_SET_ROWS_DEFAULT;
	l->set_min_interval = LIMITS_SET_MIN_INTERVAL_DEFAULT;
	l->history_mib = LIMITS_HISTORY_MIB_DEFAULT;
}

struct limit_key {
	const char *name;
	uint32_t min, max;
	size_t offset;
};

static const struct limit_key limit_keys[] = {
	{ "rows", 1, LIMITS_ROWS_MAX, offsetof(struct smtpmon_limits, rows) },
	{ "setRows", 0, LIMITS_ROWS_MAX, offsetof(struct smtpmon_limits, set_rows) },
	{ "setMinInterval", 1, LIMITS_INTERVAL_MAX,
	  offsetof(struct smtpmon_limits, set_min_interval) },
	{ "historyMemory", 1, LIMITS_HISTORY_MIB_MAX, offsetof(struct smtpmon_limits, history_mib) },
};
#define NKEYS (sizeof(limit_keys) / sizeof(limit_keys[0]))

int limits_parse(const char *args, struct smtpmon_limits *l, char *err, size_t errlen)
{
	struct smtpmon_limits fresh = *l;
	const char *p = args ? args : "";
	char word[WORD_MAX];
	unsigned given = 0;
	int rc;

	while ((rc = next_word(&p, word)) > 0) {
		char *eq = strchr(word, '=');
		size_t k;

		if (eq)
			*eq = '\0';
		for (k = 0; k < NKEYS && strcmp(word, limit_keys[k].name) != 0; k++)
			;
		if (!eq || k == NKEYS)
			return text_error(err, errlen, "'%.60s%s': expected rows=N, setRows=N, "
				    "setMinInterval=SECONDS or historyMemory=MIB", word, eq ? "=" : "");
		if (given & (1u << k))
			return text_error(err, errlen, "'%s' is given twice", word);
		given |= 1u << k;
		if (target_parse_u32(eq + 1, limit_keys[k].min, limit_keys[k].max,
				     (uint32_t *)((char *)&fresh + limit_keys[k].offset)) != 0)
			return text_error(err, errlen, "%s=%.40s: expected a whole number from %u to %u",
				    word, eq + 1, limit_keys[k].min, limit_keys[k].max);
	}
	if (rc < 0)
		return text_error(err, errlen, "a word is longer than %d characters", WORD_MAX - 1);
	if (!given)
		return text_error(err, errlen, "expected key=value settings, as smtpMonLimits rows=100000 "
			    "setRows=1000 setMinInterval=60 historyMemory=320");
	*l = fresh;
	return 0;
}

/* --- the allow-list ------------------------------------------------------ */

/* ADDRESS[/BITS] into R (ports left alone). */
static int parse_prefix(const char *text, struct allow_rule *r, char *err, size_t errlen)
{
	char addr[64];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	uint32_t bits;
	unsigned max;

	if (len == 0 || len >= sizeof(addr))
		return text_error(err, errlen, "'%.60s' is not an IPv4 or IPv6 prefix", text);
	memcpy(addr, text, len);
	addr[len] = '\0';
	memset(r->addr, 0, sizeof(r->addr));
	if (inet_pton(AF_INET, addr, r->addr) == 1)
		r->v6 = 0;
	else if (inet_pton(AF_INET6, addr, r->addr) == 1)
		r->v6 = 1;
	else
		return text_error(err, errlen, "'%.60s' is not an IPv4 or IPv6 address", addr);
	max = r->v6 ? 128 : 32;
	if (!slash)
		bits = max;
	else if (target_parse_u32(slash + 1, 0, max, &bits) != 0)
		return text_error(err, errlen, "'%.60s': expected a prefix length from 0 to %u", text, max);
	for (unsigned b = bits; b < max; b++)
		if (r->addr[b / 8] & (0x80u >> (b % 8)))
			return text_error(err, errlen, "'%.60s' has address bits set past /%u", text,
				    (unsigned)bits);
	r->bits = (unsigned char)bits;
	return 0;
}

/* "ports=P[,P...]" into PORTS / *N. */
static int parse_ports(const char *list, uint16_t *ports, unsigned char *n, char *err,
		       size_t errlen)
{
	char copy[WORD_MAX], *save = NULL;
	unsigned count = 0;

	snprintf(copy, sizeof(copy), "%s", list);
	if (!copy[0] || copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,"))
		return text_error(err, errlen, "ports=%.60s: expected ports from 1 to 65535, separated "
			    "by commas", list);
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		uint32_t v;

		if (target_parse_u32(w, 1, 65535, &v) != 0)
			return text_error(err, errlen, "ports=: '%.20s' is not a port from 1 to 65535", w);
		if (count == LIMITS_PORTS_MAX)
			return text_error(err, errlen, "ports=: more than %d ports", LIMITS_PORTS_MAX);
		ports[count++] = (uint16_t)v;
	}
	*n = (unsigned char)count;
	return 0;
}

int limits_allow_parse(const char *args, struct limits_allow *a, char *err, size_t errlen)
{
	struct allow_rule fresh[LIMITS_ALLOW_MAX];
	uint16_t ports[LIMITS_PORTS_MAX] = { 0 };
	unsigned char nports = 0;
	unsigned n = 0;
	int has_ports = 0, rc;
	const char *p = args ? args : "";
	char word[WORD_MAX];

	memset(fresh, 0, sizeof(fresh));   /* every byte defined: A may be compared whole */
	while ((rc = next_word(&p, word)) > 0) {
		char *save = NULL;

		if (strncmp(word, "ports=", 6) == 0) {
			if (has_ports)
				return text_error(err, errlen, "'ports' is given twice");
			has_ports = 1;
			if (parse_ports(word + 6, ports, &nports, err, errlen) != 0)
				return -1;
			continue;
		}
		if (word[0] == ',' || word[strlen(word) - 1] == ',' || strstr(word, ",,"))
			return text_error(err, errlen, "'%.60s': expected prefixes separated by commas",
				    word);
		for (char *w = strtok_r(word, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			if (a->n + n == LIMITS_ALLOW_MAX)
				return text_error(err, errlen, "more than %d prefixes", LIMITS_ALLOW_MAX);
			if (parse_prefix(w, &fresh[n], err, errlen) != 0)
				return -1;
			n++;
		}
	}
	if (rc < 0)
		return text_error(err, errlen, "a word is longer than %d characters", WORD_MAX - 1);
	if (!n)
		return text_error(err, errlen, "expected PREFIX[,PREFIX...] [ports=PORT[,PORT...]], as "
			    "smtpMonSetAllow 192.0.2.0/24,2001:db8::/32 ports=25,587");
	for (unsigned i = 0; i < n; i++) {
		fresh[i].nports = nports;
		memcpy(fresh[i].port, ports, sizeof(ports));
		memcpy(&a->rule[a->n++], &fresh[i], sizeof(fresh[i]));
	}
	return 0;
}

static int in_prefix(const struct allow_rule *r, const unsigned char *addr)
{
	unsigned full = r->bits / 8, rest = r->bits % 8;

	if (memcmp(r->addr, addr, full) != 0)
		return 0;
	return !rest || ((r->addr[full] ^ addr[full]) & (0xffu << (8 - rest)) & 0xffu) == 0;
}

static int rule_has_port(const struct allow_rule *r, uint16_t port)
{
	if (!r->nports || !port)
		return 1;
	for (unsigned i = 0; i < r->nports; i++)
		if (r->port[i] == port)
			return 1;
	return 0;
}

enum allow_verdict limits_allow_check(const struct limits_allow *a, const char *host,
				      uint16_t port)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	unsigned char v4[4], v6[16];
	int is_v4 = 0, is_v6 = 0, in_some = 0;

	if (!a->n)
		return ALLOW_OK;
	if (inet_pton(AF_INET, host, v4) == 1) {
		is_v4 = 1;
	} else if (inet_pton(AF_INET6, host, v6) == 1) {
		is_v6 = 1;
		if (memcmp(v6, mapped, sizeof(mapped)) == 0) {
			memcpy(v4, v6 + 12, 4);
			is_v4 = 1;
		}
	} else {
		return ALLOW_NOT_ADDRESS;
	}
	for (unsigned i = 0; i < a->n; i++) {
		const struct allow_rule *r = &a->rule[i];

		if (!((r->v6 && is_v6 && in_prefix(r, v6)) || (!r->v6 && is_v4 && in_prefix(r, v4))))
			continue;
		in_some = 1;
		if (rule_has_port(r, port))
			return ALLOW_OK;
	}
	return in_some ? ALLOW_PORT_OUTSIDE : ALLOW_HOST_OUTSIDE;
}

void limits_allow_explain(enum allow_verdict v, const char *host, uint16_t port, char *buf,
			  size_t size)
{
	const char *open = strchr(host, ':') ? "[" : "", *close = *open ? "]" : "";

	if (!size)
		return;
	switch (v) {
	case ALLOW_NOT_ADDRESS:
		snprintf(buf, size, "%s is a name, and smtpMonSetAllow takes IP addresses only",
			 host);
		break;
	case ALLOW_HOST_OUTSIDE:
		snprintf(buf, size, "%s%s%s is outside smtpMonSetAllow", open, host, close);
		break;
	case ALLOW_PORT_OUTSIDE:
		snprintf(buf, size, "port %u of %s%s%s is outside smtpMonSetAllow", port, open, host,
			 close);
		break;
	default:
		buf[0] = '\0';
	}
}

int limits_allow_port(const struct limits_allow *a, uint16_t port)
{
	if (!a->n)
		return 1;
	for (unsigned i = 0; i < a->n; i++)
		if (rule_has_port(&a->rule[i], port))
			return 1;
	return 0;
}

/* --- the budget and the counts ----------------------------------------- */

uint64_t limits_history_bytes(uint32_t size, uint32_t rows, size_t entry)
{
	uint64_t n = (uint64_t)size * rows, bytes;

	if (__builtin_mul_overflow(n, (uint64_t)entry, &bytes))
		return UINT64_MAX;
	return bytes;
}

static uint64_t budget_bytes(const struct smtpmon_limits *l)
{
	return (uint64_t)l->history_mib << 20;
}

int limits_history_fits(const struct smtpmon_limits *l, uint32_t size, uint32_t rows,
			size_t entry)
{
	return limits_history_bytes(size, rows, entry) <= budget_bytes(l);
}

uint32_t limits_history_max_size(const struct smtpmon_limits *l, uint32_t rows, size_t entry,
				 uint32_t cap)
{
	uint64_t per_entry_row = (uint64_t)rows * (entry ? entry : 1), most;

	if (!rows)
		return cap;
	most = budget_bytes(l) / per_entry_row;
	return most < cap ? (uint32_t)most : cap;
}

int limits_rows_check(const struct smtpmon_limits *l, uint64_t rows, uint64_t set_rows)
{
	if (rows > l->rows)
		return LIMIT_ROWS;
	if (set_rows > l->set_rows)
		return LIMIT_SET_ROWS;
	return 0;
}

uint64_t limits_mib(uint64_t bytes)
{
	return bytes / (1u << 20) + (bytes % (1u << 20) != 0);
}
