/* SPDX-License-Identifier: ISC */
/* HOST[:PORT] as smtpMonServer, the persistent store, a mailbox URL and
 * smtpMonResolver write it: a name or an IPv4 address, with an optional
 * ":PORT", or an IPv6 literal in brackets, "[::1]" or "[::1]:25" (a bare
 * IPv6 literal, without a port, only where the caller allows it). PORT is
 * decimal digits only, 1 to 65535. The IPv6 literal is checked here; names
 * and IPv4 addresses are judged by the caller's CHECK, before the port, so
 * the host's mistake is the one said. Pure: no allocation, every buffer
 * bounded by its size. */
#ifndef SMTPMON_HOSTPORT_H
#define SMTPMON_HOSTPORT_H

#include <stddef.h>
#include <stdint.h>

enum hostport_result {
	HOSTPORT_OK = 0,
	HOSTPORT_BAD_FORM = -1,   /* brackets, colons or an empty host */
	HOSTPORT_BAD_HOST = -2,   /* too long, no IPv6 address in brackets, or CHECK said no */
	HOSTPORT_BAD_PORT = -3,   /* not 1 to 65535 */
};

/* Flags. */
#define HOSTPORT_BARE_IPV6 1u     /* "::1" alone is an IPv6 literal without a port */

/* Judges a host that is not an IPv6 literal: 0, or -1 with ERR filled. */
typedef int hostport_check(const char *host, char *err, size_t errlen);

/* Splits TEXT. On success, HOST (HOSTSIZE bytes, brackets taken off) holds
 * the host, *HAS_PORT says whether a port was given and *PORT is it, or 0.
 * CHECK may be NULL (any name is taken). On failure HOST is empty, *PORT
 * and *HAS_PORT are 0, and ERR (ERRLEN bytes, may be 0) says why. */
enum hostport_result hostport_parse(const char *text, unsigned flags, hostport_check *check,
				    char *host, size_t hostsize, uint16_t *port, int *has_port,
				    char *err, size_t errlen);

#endif
