/* SPDX-License-Identifier: ISC */
#include "core/log_line.h"
#include "core/domain_policy.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "core/text.h"

/* "HOST:PORT at ADDR", or "HOST:PORT" when the probe had no address. */
#define AT_MAX (TARGET_WHERE_MAX + 4 + INET6_ADDRSTRLEN)

/* Formats into BUF, cut at its size, and cleans what was written. */
static size_t line(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static size_t line(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;
	size_t len;

	if (size == 0)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	len = (size_t)n < size ? (size_t)n : size - 1;
	return text_clean(buf, len + 1, buf, len);
}

static void where_at(const struct target_config *cfg, const struct log_server *s,
		     char out[AT_MAX])
{
	char host[TARGET_WHERE_MAX], addr[INET6_ADDRSTRLEN] = "";

	if (s->addr_family && !inet_ntop(s->addr_family, s->addr, addr, sizeof(addr)))
		addr[0] = '\0';
	target_where(cfg, 1, host, sizeof(host));
	snprintf(out, AT_MAX, "%s%s%s", host, addr[0] ? " at " : "", addr);
}

const char *log_notification_name(enum status_notification kind)
{
	switch (kind) {
	case NOTIFY_SERVER_DOWN: return "smtpMonServerDown";
	case NOTIFY_SERVER_UP: return "smtpMonServerUp";
	case NOTIFY_SERVER_DEGRADED: return "smtpMonServerDegraded";
	case NOTIFY_CERT_EXPIRING: return "smtpMonCertExpiring";
	case NOTIFY_SERVER_LISTED: return "smtpMonServerListed";
	case NOTIFY_ROUNDTRIP_FAILED: return "smtpMonRoundTripFailed";
	case NOTIFY_ROUNDTRIP_RECOVERED: return "smtpMonRoundTripRecovered";
	case NOTIFY_DOMAIN_DOWN: return "smtpMonDomainDown";
	case NOTIFY_DOMAIN_DEGRADED: return "smtpMonDomainDegraded";
	case NOTIFY_DOMAIN_UP: return "smtpMonDomainUp";
	case NOTIFY_DOMAIN_MX_CHANGED: return "smtpMonDomainMxChanged";
	case NOTIFY_DOMAIN_MTA_STS_FAILED: return "smtpMonDomainMtaStsFailed";
	case NOTIFY_DOMAIN_MTA_STS_OK: return "smtpMonDomainMtaStsOk";
	case NOTIFY_SERVER_DANE_FAILED: return "smtpMonServerDaneFailed";
	case NOTIFY_SERVER_DANE_OK: return "smtpMonServerDaneOk";
	}
	return "?";
}

size_t log_line_probe_failed(char *buf, size_t size, const struct target_config *cfg,
			     const struct log_server *s)
{
	char at[AT_MAX];

	where_at(cfg, s, at);
	return line(buf, size, "smtpmon: probe of %s (%s) failed at %s after %.1f ms: %s, "
		    "reply %d: %s", cfg->name, at, probe_stage_name(s->stage),
		    s->elapsed_us / 1000.0, probe_result_name(s->result), s->reply_code, s->error);
}

size_t log_line_status_changed(char *buf, size_t size, const struct target_config *cfg,
			       const struct log_server *s, enum server_status was)
{
	char at[AT_MAX];

	where_at(cfg, s, at);
	return line(buf, size, "smtpmon: server %s (%s) is now %s (was %s): %s, reply %d%s%s",
		    cfg->name, at, status_name(s->status), status_name(was),
		    probe_result_name(s->result), s->reply_code, s->error[0] ? ": " : "", s->error);
}

size_t log_line_dnsbl_checked(char *buf, size_t size, const struct target_config *cfg,
			      const struct log_server *s, const char *detail)
{
	char at[AT_MAX];

	where_at(cfg, s, at);
	return line(buf, size, "smtpmon: blocklist check of %s (%s): %s", cfg->name, at, detail);
}

/* "expires in 3 days", "expires in 1 day", "expired 2 days ago"; one day
 * past expiry has always read "expired 1 day", without "ago". */
static size_t cert_line(char *buf, size_t size, const char *kind,
			const struct target_config *cfg, const char *where,
			const struct log_server *s)
{
	long long days = s->cert_days_left;

	return line(buf, size, "smtpmon: %s: server %s (%s): certificate %s %s %lld day%s "
		    "(issuer %s)", kind, cfg->name, where, s->cert_subject,
		    days < 0 ? "expired" : "expires in", days < 0 ? -days : days,
		    days == 1 || days == -1 ? "" : days < 0 ? "s ago" : "s", s->cert_issuer);
}

size_t log_line_server_notification(char *buf, size_t size, enum status_notification kind,
				    const struct target_config *cfg, const struct log_server *s)
{
	char where[TARGET_WHERE_MAX];
	const char *name = log_notification_name(kind);

	target_where(cfg, 1, where, sizeof(where));
	if (kind == NOTIFY_SERVER_LISTED)
		return line(buf, size, "smtpmon: %s: server %s (%s) is listed on %u blocklist%s: %s",
			    name, cfg->name, where, s->dnsbl_listings,
			    s->dnsbl_listings == 1 ? "" : "s", s->dnsbl_zones);
	if (kind == NOTIFY_CERT_EXPIRING)
		return cert_line(buf, size, name, cfg, where, s);
	return line(buf, size, "smtpmon: %s: server %s (%s) is %s: %s, reply %d, latency %.1f ms%s%s",
		    name, cfg->name, where, status_name(s->status), probe_result_name(s->result),
		    s->reply_code, s->latency_us / 1000.0, s->error[0] ? ": " : "", s->error);
}

size_t log_line_roundtrip_failed(char *buf, size_t size, const struct roundtrip_note *n)
{
	return line(buf, size, "smtpmon: round trip %s through %s failed: %s: %s", n->name,
		    n->server, roundtrip_result_name(n->result), n->error);
}

size_t log_line_roundtrip_changed(char *buf, size_t size, const struct roundtrip_note *n,
				  enum server_status was)
{
	return line(buf, size, "smtpmon: round trip %s through %s is now %s (was %s)", n->name,
		    n->server, status_name(n->status), status_name(was));
}

size_t log_line_roundtrip_notification(char *buf, size_t size, enum status_notification kind,
				       const struct roundtrip_note *n)
{
	if (kind == NOTIFY_ROUNDTRIP_FAILED)
		return line(buf, size, "smtpmon: smtpMonRoundTripFailed: round trip %s through %s "
			    "is down: %s: %s", n->name, n->server, roundtrip_result_name(n->result),
			    n->error);
	return line(buf, size, "smtpmon: smtpMonRoundTripRecovered: round trip %s through %s "
		    "is up: delivered in %.1f ms", n->name, n->server, n->delivery_us / 1000.0);
}

size_t log_line_domain_notification(char *buf, size_t size, enum status_notification kind,
				    const struct domain_note *n)
{
	const char *name = log_notification_name(kind);

	if (kind == NOTIFY_DOMAIN_MTA_STS_FAILED || kind == NOTIFY_DOMAIN_MTA_STS_OK)
		return line(buf, size, "smtpmon: %s: MTA-STS of %s (watch %s) is %s, mode %s: %s",
			    name, n->domain, n->watch, mta_sts_state_name(n->sts_state),
			    mta_sts_mode_name(n->sts_mode), n->reason);
	if (kind == NOTIFY_SERVER_DANE_FAILED || kind == NOTIFY_SERVER_DANE_OK)
		return line(buf, size, "smtpmon: %s: DANE of server %s (MX %s of %s) is %s: %s",
			    name, n->row, n->mx, n->domain, dane_state_name(n->dane_state), n->reason);
	if (kind == NOTIFY_DOMAIN_MX_CHANGED)
		return line(buf, size, "smtpmon: %s: the MX set of %s (watch %s) changed: %s; now %s",
			    name, n->domain, n->watch, n->change, n->mx_set);
	return line(buf, size, "smtpmon: %s: domain %s (watch %s) is %s: %s", name, n->domain,
		    n->watch, domain_status_name(n->status), n->reason);
}

static int worse(enum server_status s)
{
	return s == STATUS_DOWN || s == STATUS_DEGRADED;
}

int log_level_probe_failed(enum server_status now)
{
	return now == STATUS_DOWN ? LOG_INFO : LOG_WARNING;
}

int log_level_status_changed(enum server_status now)
{
	return worse(now) ? LOG_WARNING : LOG_NOTICE;
}

int log_level_notification(enum status_notification kind)
{
	return kind == NOTIFY_SERVER_UP || kind == NOTIFY_ROUNDTRIP_RECOVERED ||
	       kind == NOTIFY_DOMAIN_UP || kind == NOTIFY_DOMAIN_MTA_STS_OK ||
	       kind == NOTIFY_SERVER_DANE_OK ? LOG_NOTICE : LOG_WARNING;
}

int log_level_roundtrip_failed(enum server_status before)
{
	return before == STATUS_DOWN ? LOG_INFO : LOG_WARNING;
}
