/* SPDX-License-Identifier: ISC */
#include "core/dnsbl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static int reversed_ipv4(const unsigned char *a, char *out, size_t size)
{
	int n = snprintf(out, size, "%u.%u.%u.%u", a[3], a[2], a[1], a[0]);

	return n > 0 && (size_t)n < size ? n : -1;
}

static int reversed_ipv6(const unsigned char *a, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = 0;

	if (size < 64)
		return -1;
	for (int i = 15; i >= 0; i--) {
		out[len++] = hex[a[i] & 0xf];
		out[len++] = '.';
		out[len++] = hex[a[i] >> 4];
		out[len++] = '.';
	}
	out[--len] = '\0';     /* no dot before the zone's */
	return (int)len;
}

int dnsbl_query_name(int family, const unsigned char *addr, const char *zone,
		     char *out, size_t size)
{
	int n = family == AF_INET ? reversed_ipv4(addr, out, size) :
		family == AF_INET6 ? reversed_ipv6(addr, out, size) : -1;
	int m;

	if (n < 0)
		return -1;
	m = snprintf(out + n, size - (size_t)n, ".%s", zone);
	return m > 0 && (size_t)m < size - (size_t)n ? 0 : -1;
}

static enum dnsbl_answer classify_one(uint32_t a, char *why, size_t why_size)
{
	uint32_t host = ntohl(a);
	char text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, text, sizeof(text));
	if ((host >> 24) != 127) {
		snprintf(why, why_size, "answered %s, outside 127.0.0.0/8: a resolver that "
			 "rewrites answers?", text);
		return DNSBL_LIST_ERROR;
	}
	if ((host & 0xffffff00u) == 0x7fffff00u) {
		snprintf(why, why_size, "answered %s, the list's own error code (refused or "
			 "rate-limited)", text);
		return DNSBL_LIST_ERROR;
	}
	if (host == 0x7f000001u) {
		snprintf(why, why_size, "answered 127.0.0.1, which RFC 5782 reserves: no listing");
		return DNSBL_LIST_ERROR;
	}
	return DNSBL_LISTED;
}

enum dnsbl_answer dnsbl_classify(const uint32_t *addrs, int n, char *why, size_t why_size)
{
	enum dnsbl_answer verdict = DNSBL_NOT_LISTED;
	char scratch[128];

	if (!why) {
		why = scratch;
		why_size = sizeof(scratch);
	}
	if (why_size)
		why[0] = '\0';
	for (int i = 0; i < n; i++) {
		enum dnsbl_answer one = classify_one(addrs[i], why, why_size);

		if (one == DNSBL_LIST_ERROR)
			return one;
		verdict = one;
	}
	return verdict;
}

/* ZONE is one of the comma-separated names of LIST. */
static int in_list(const char *list, const char *zone)
{
	size_t len = strlen(zone);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, zone, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return 1;
	return 0;
}

unsigned dnsbl_apply(const char *zones_before, const struct dnsbl_verdicts *v,
		     char *out, size_t size)
{
	unsigned listings = 0;
	size_t len = 0;

	if (size)
		out[0] = '\0';
	for (unsigned i = 0; i < v->n; i++) {
		int listed = v->answer[i] == DNSBL_LISTED ||
			     (v->answer[i] == DNSBL_LIST_ERROR && in_list(zones_before, v->zone[i]));
		int n;

		if (!listed)
			continue;
		listings++;
		n = snprintf(out + len, size - len, "%s%s", len ? "," : "", v->zone[i]);
		if (n > 0 && (size_t)n < size - len)
			len += (size_t)n;
	}
	return listings;
}

int dnsbl_new_listing(const char *before, const char *after)
{
	char zone[DNSBL_ZONE_MAX + 1];

	for (const char *p = after; *p;) {
		size_t len = strcspn(p, ",");

		if (len < sizeof(zone)) {
			memcpy(zone, p, len);
			zone[len] = '\0';
			if (!in_list(before, zone))
				return 1;
		}
		p += len + (p[len] == ',');
	}
	return 0;
}
