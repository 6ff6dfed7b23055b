/* SPDX-License-Identifier: ISC */
#include "core/hostport.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum hostport_result fail(enum hostport_result result, char *err, size_t errlen,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum hostport_result fail(enum hostport_result result, char *err, size_t errlen,
				 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return result;
}

/* 1 when TEXT[0..len) is an IPv6 address (no longer one fits the buffer). */
static int ipv6_literal(const char *text, size_t len)
{
	char buf[64];
	unsigned char addr[16];

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1;
}

/* Decimal digits only (leading zeros too), 1 to 65535. */
static int parse_port(const char *s, uint16_t *out)
{
	uint32_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > 65535)
			return -1;
	}
	if (v == 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* Finds the host in TEXT: [*NAME, *NAME + *LEN), *AFTER what follows it
 * ("" or ":PORT"), *V6 when it is an IPv6 literal. */
static enum hostport_result split(const char *text, unsigned flags, const char **name,
				  size_t *len, const char **after, int *v6,
				  char *err, size_t errlen)
{
	const char *close, *colon;

	if (text[0] == '[') {
		if (!(close = strchr(text, ']')))
			return fail(HOSTPORT_BAD_FORM, err, errlen,
				    "'%s': missing ']' after the IPv6 address", text);
		if (close[1] && close[1] != ':')
			return fail(HOSTPORT_BAD_FORM, err, errlen,
				    "'%s': expected ':PORT' after ']'", text);
		*name = text + 1;
		*len = (size_t)(close - *name);
		*after = close + 1;
		*v6 = 1;
		if (!ipv6_literal(*name, *len))
			return fail(HOSTPORT_BAD_HOST, err, errlen,
				    "'%.*s' is not a valid IPv6 address", (int)*len, *name);
		return HOSTPORT_OK;
	}
	*name = text;
	colon = strchr(text, ':');
	if (colon && strchr(colon + 1, ':')) {
		/* Two colons: an IPv6 literal, which cannot carry a port unbracketed. */
		if (!(flags & HOSTPORT_BARE_IPV6) || !ipv6_literal(text, strlen(text)))
			return fail(HOSTPORT_BAD_FORM, err, errlen,
				    "'%s': write IPv6 addresses in brackets, as [::1]:25", text);
		*len = strlen(text);
		*after = text + *len;
		*v6 = 1;
		return HOSTPORT_OK;
	}
	*len = colon ? (size_t)(colon - text) : strlen(text);
	*after = text + *len;
	*v6 = 0;
	if (*len == 0)
		return fail(HOSTPORT_BAD_FORM, err, errlen, "empty host");
	return HOSTPORT_OK;
}

enum hostport_result hostport_parse(const char *text, unsigned flags, hostport_check *check,
				    char *host, size_t hostsize, uint16_t *port, int *has_port,
				    char *err, size_t errlen)
{
	const char *name = text, *after = "";
	size_t len = 0;
	int v6 = 0;
	enum hostport_result rc;

	*port = 0;
	*has_port = 0;
	if (hostsize)
		host[0] = '\0';
	rc = split(text, flags, &name, &len, &after, &v6, err, errlen);
	if (rc != HOSTPORT_OK)
		return rc;
	if (len >= hostsize)
		return fail(HOSTPORT_BAD_HOST, err, errlen, "host is longer than %zu characters",
			    hostsize ? hostsize - 1 : 0);
	memcpy(host, name, len);
	host[len] = '\0';
	if (!v6 && check && check(host, err, errlen) != 0) {
		host[0] = '\0';
		return HOSTPORT_BAD_HOST;
	}
	if (*after == ':' && parse_port(after + 1, port) != 0) {
		host[0] = '\0';
		return fail(HOSTPORT_BAD_PORT, err, errlen, "'%s' is not a port number (1-65535)",
			    after + 1);
	}
	*has_port = *after == ':';
	return HOSTPORT_OK;
}
