/* SPDX-License-Identifier: ISC */
#include "core/mib_columns.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/oid.h"
#include "core/target_config.h"

#define S(name, col) { "smtpMonServer" name, 2, col }
#define R(name, col) { "smtpMonRoundTrip" name, 4, col }
#define D(name, col) { "smtpMonDomain" name, 5, col }
static const struct mib_column columns[] = {
	S("Host", 2), S("Port", 3), S("TlsMode", 4), S("Interval", 5), S("Timeout", 6),
	S("HeloName", 7), S("FailThreshold", 8), S("LatencyThreshold", 9),
	S("VerifyCert", 10), S("AdminStatus", 11), S("StorageType", 12), S("RowStatus", 13),
	S("RecoverThreshold", 14), S("Status", 20), S("LastResult", 21),
	S("LastReplyCode", 22), S("LastError", 23), S("LastBanner", 24), S("Latency", 25),
	S("ConnectTime", 26), S("BannerTime", 27), S("HeloTime", 28), S("TlsTime", 29),
	S("AddressType", 30), S("Address", 31), S("LastProbe", 32), S("LastChange", 33),
	S("ConsecutiveFailures", 34), S("Probes", 35), S("Failures", 36),
	S("EhloKeywords", 37), S("TlsVersion", 38), S("CertNotAfter", 39),
	S("CertDaysLeft", 40), S("DnsblListings", 41), S("DnsblZones", 42),
	S("CertSubject", 43), S("CertIssuer", 44), S("DisplayName", 45),
	S("DiscontinuityTime", 46), S("LastWarning", 47), S("StatusReason", 48),
	S("LastEnhancedCode", 49), S("DomainWatch", 50), S("MxHost", 51), S("MxPreference", 52),
	S("DaneState", 53), S("DaneRecord", 54), S("DaneReason", 55),
	R("Server", 2), R("Mailbox", 3), R("Status", 4), R("LastResult", 5),
	R("LastError", 6), R("SendTime", 7), R("DeliveryTime", 8), R("LastSuccess", 9),
	R("Probes", 10), R("Failures", 11), R("DisplayName", 12),
	R("DiscontinuityTime", 13),
	D("Name", 2), D("Family", 3), D("Status", 4), D("StatusReason", 5), D("MxCount", 6),
	D("AddressCount", 7), D("AddressesUp", 8), D("MxSet", 9), D("LastLookup", 10),
	D("LastMxChange", 11), D("MxChange", 12), D("LastDnsError", 13), D("DnsInterval", 14),
	D("DisplayName", 15), D("MtaStsState", 16), D("MtaStsMode", 17), D("MtaStsId", 18),
	D("MtaStsMaxAge", 19), D("MtaStsFetched", 20), D("MtaStsMx", 21), D("MtaStsReason", 22),
	{ NULL, 0, 0 },
};
#undef S
#undef R
#undef D

const struct mib_column *mib_columns(void)
{
	return columns;
}

const struct mib_column *mib_column_find(const char *name)
{
	static const char prefix[] = "smtpMonServer";

	for (const struct mib_column *c = columns; c->name; c++) {
		if (strcmp(c->name, name) == 0)
			return c;
		if (c->table == 2 && strcasecmp(c->name + sizeof(prefix) - 1, name) == 0)
			return c;
	}
	return NULL;
}

/* "LEN.B1.B2..." of an SnmpAdminString index at BUF + N; the new length, or 0. */
static size_t put_index(char *buf, size_t size, size_t n, const char *row)
{
	int w = snprintf(buf + n, size - n, "%zu", strlen(row));

	for (const unsigned char *p = (const unsigned char *)row; w > 0 && *p; p++) {
		n += (size_t)w;
		if (n >= size)
			return 0;
		w = snprintf(buf + n, size - n, ".%u", *p);
	}
	if (w < 0 || n + (size_t)w >= size)
		return 0;
	return n + (size_t)w;
}

size_t mib_instance_oid(char *buf, size_t size, const struct mib_column *c, const char *row)
{
	static const unsigned root[] = { SMTPMON_OID };
	size_t n = 0;
	int w;

	if (!target_name_valid(row) || size == 0)
		return 0;
	for (size_t i = 0; c && i < sizeof(root) / sizeof(root[0]); i++, n += (size_t)w)
		if ((w = snprintf(buf + n, size - n, ".%u", root[i])) < 0 || n + (size_t)w >= size)
			return 0;
	if (c) {
		w = snprintf(buf + n, size - n, ".1.%u.1.%u.", c->table, c->column);
		if (w < 0 || n + (size_t)w >= size)
			return 0;
		n += (size_t)w;
	}
	return put_index(buf, size, n, row);
}
