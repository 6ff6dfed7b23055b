/* SPDX-License-Identifier: ISC */
/* A monitored server's settings and the pure parsing of the smtpMonServer /
 * smtpMonDefaults directive arguments (doc/DESIGN.md section 2). */
#ifndef SMTPMON_TARGET_CONFIG_H
#define SMTPMON_TARGET_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define TARGET_NAME_MAX 32
#define TARGET_HOST_MAX 255
#define TARGET_HELO_MAX 255

enum tls_mode { TLS_NONE = 1, TLS_STARTTLS = 2, TLS_IMPLICIT = 3 };
enum addr_family { FAMILY_ANY = 0, FAMILY_IPV4 = 1, FAMILY_IPV6 = 2 };

/* Which keys a line set explicitly: defaults fill in the others. */
enum target_option_bit {
	OPT_INTERVAL = 1u << 0,
	OPT_TIMEOUT = 1u << 1,
	OPT_HELO = 1u << 2,
	OPT_FAIL_THRESHOLD = 1u << 3,
	OPT_LATENCY_THRESHOLD = 1u << 4,
	OPT_RECOVER_THRESHOLD = 1u << 5,
	OPT_ENABLED = 1u << 6,
	OPT_FAMILY = 1u << 7,
	OPT_TLS = 1u << 8,
	OPT_VERIFY_CERT = 1u << 9,
	OPT_CERT_WARN_DAYS = 1u << 10,
	OPT_SNI = 1u << 11,
	OPT_SOURCE = 1u << 12,
	OPT_DNSBL = 1u << 13,
	OPT_DNSBL_INTERVAL = 1u << 14,
};

#define TARGET_SOURCE_MAX 45   /* INET6_ADDRSTRLEN - 1 */

struct target_options {
	unsigned set;                   /* OPT_* bits */
	uint32_t interval_s;
	uint32_t timeout_s;
	uint32_t fail_threshold;
	uint32_t recover_threshold;
	uint32_t latency_threshold_ms;
	uint32_t cert_warn_days;
	uint32_t dnsbl_interval_s;
	int enabled;
	int dnsbl;                      /* check the address in the smtpMonDnsbl zones */
	int verify_cert;
	enum addr_family family;
	enum tls_mode tls;
	/* text fields last (see struct target_config) */
	char helo[TARGET_HELO_MAX + 1]; /* empty: the global smtpMonHeloName */
	char sni[TARGET_HOST_MAX + 1];  /* empty: HOST when it is a name */
	char source[TARGET_SOURCE_MAX + 1]; /* local address to probe from; empty: any */
};

/* The text fields come last, after every number, so that packed.h can keep
 * a compact copy (target_config_layout). */
struct target_config {
	uint16_t port;                  /* 0 until merged: 25, or 465 with tls=implicit */
	struct target_options opt;      /* explicit keys until merged */
	char name[TARGET_NAME_MAX + 1];
	char host[TARGET_HOST_MAX + 1]; /* IPv6 literals without brackets */
};

struct pack_layout;
/* A target_config's numbers and texts for pack() / unpack(). */
extern const struct pack_layout target_config_layout;

/* doc/DESIGN.md section 2 defaults, all bits set. */
void target_options_builtin(struct target_options *o);

/* EFF = the keys EXPLICIT set, else those DEFAULTS set, else built-ins. */
void target_options_merge(struct target_options *eff,
			  const struct target_options *explicit_opts,
			  const struct target_options *defaults);

/* Applies the defaults to a parsed server: options, then the default port. */
void target_config_finish(struct target_config *cfg, const struct target_options *defaults);

/* The name to send as SNI and to verify the certificate against: sni=,
 * else HOST when it is a name; empty for an address literal. */
const char *target_tls_name(const struct target_config *cfg);

/* Room for HOST, brackets and ":PORT". */
#define TARGET_WHERE_MAX (TARGET_HOST_MAX + 8)

/* HOST as the directive writes it (an IPv6 literal in brackets), followed by
 * ":PORT" when WITH_PORT. */
void target_where(const struct target_config *cfg, int with_port, char *buf, size_t size);

/* The explicit keys of O as "key=value ..." (what target_parse_defaults
 * reads back); returns 0, or -1 if BUF is too small. */
int target_options_format(const struct target_options *o, char *buf, size_t size);

/* "NAME HOST:PORT key=value ..." for the persistent store; HOST "-" when
 * not yet set. target_parse_server reads it back (with host "-" allowed by
 * target_parse_stored). */
int target_config_format(const struct target_config *spec, char *buf, size_t size);
int target_parse_stored(const char *args, struct target_config *cfg, char *err, size_t errlen);

/* 1 when the two (merged) configurations would probe the same way. */
int target_config_equal(const struct target_config *a, const struct target_config *b);



/* "NAME HOST[:PORT] [key=value ...]"; returns 0, or -1 with ERR filled. */
int target_parse_server(const char *args, struct target_config *cfg,
			char *err, size_t errlen);

/* "key=value ..." of smtpMonDefaults. */
int target_parse_defaults(const char *args, struct target_options *o,
			  char *err, size_t errlen);

/* The Host column: a name, an IPv4 address or [IPv6], without a port.
 * Returns 0 and sets CFG->host, or -1 with ERR filled. */
int target_set_host(struct target_config *cfg, const char *host, char *err, size_t errlen);

/* A host that is no IPv6 literal, as HOST and the Host column take it: a
 * name (target_domain_valid) or, if only digits and dots, an IPv4 address.
 * Returns 0, or -1 with ERR filled; the hostport_check of HOST[:PORT]. */
int target_check_host(const char *host, char *err, size_t errlen);

int target_name_valid(const char *name);
int target_domain_valid(const char *name);

/* Decimal digits only, MIN..MAX: 0 and *OUT set, or -1. The round trips'
 * directive reads its numbers with it too. */
int target_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

#endif
