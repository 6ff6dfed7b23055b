/* SPDX-License-Identifier: ISC */
#include "agent/directives.h"
#include "core/hostport.h"
#include "core/limits.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* net-snmp's directive callbacks carry no context: this is where they write. */
static struct config_set *target_set;

static void report(const char *directive, const char *err)
{
	char msg[600];

	snprintf(msg, sizeof(msg), "%s: %s (line ignored)", directive, err);
	config_perror(msg);
}

static unsigned name_hash(const char *name)
{
	uint32_t h = 2166136261u;          /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

/* The slot of NAME: where it is, or the empty one where it would go. */
static unsigned *name_slot(const struct config_set *set, const char *name)
{
	unsigned mask = set->nslots - 1, i = name_hash(name) & mask;

	while (set->by_name[i] && strcmp(set->servers[set->by_name[i] - 1].name, name) != 0)
		i = (i + 1) & mask;
	return &set->by_name[i];
}

static int index_names(struct config_set *set, unsigned nslots)
{
	unsigned *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return -1;
	free(set->by_name);
	set->by_name = slots;
	set->nslots = nslots;
	for (unsigned i = 0; i < set->count; i++)
		*name_slot(set, set->servers[i].name) = i + 1;
	return 0;
}

static int add_server(struct config_set *set, const struct target_config *cfg)
{
	if (set->count == set->cap) {
		unsigned cap = set->cap ? set->cap * 2 : 16;
		struct target_config *s = realloc(set->servers, cap * sizeof(*s));

		if (!s)
			return -1;
		set->servers = s;
		set->cap = cap;
	}
	if (2 * (set->count + 1) > set->nslots && index_names(set, set->cap * 4) != 0)
		return -1;
	set->servers[set->count++] = *cfg;
	*name_slot(set, cfg->name) = set->count;
	return 0;
}

int config_set_has_server(const struct config_set *set, const char *name)
{
	return set->nslots && *name_slot(set, name) != 0;
}

/* Rows the configuration holds so far: its servers, the rows created by
 * SET (stored, or live at a reload). */
static unsigned rows_so_far(const struct config_set *set)
{
	return set->count + set->nstored + set->live_set_rows;
}

static void parse_server(const char *token, char *line)
{
	struct target_config cfg;
	const struct smtpmon_limits *lim = &target_set->settings.limits;
	char err[512];

	if (target_parse_server(line, &cfg, err, sizeof(err)) != 0) {
		report(token, err);
		return;
	}
	if (config_set_has_server(target_set, cfg.name)) {
		snprintf(err, sizeof(err), "a server named '%s' is already defined", cfg.name);
		report(token, err);
		return;
	}
	if (rows_so_far(target_set) >= lim->rows) {
		snprintf(err, sizeof(err), "server '%s' would be row %u, over smtpMonLimits rows=%u",
			 cfg.name, rows_so_far(target_set) + 1, lim->rows);
		report(token, err);
		return;
	}
	if (add_server(target_set, &cfg) != 0)
		report(token, "out of memory");
}

static void parse_defaults(const char *token, char *line)
{
	struct target_options o;
	struct target_options *d = &target_set->settings.defaults;
	char err[512];

	if (target_parse_defaults(line, &o, err, sizeof(err)) != 0) {
		report(token, err);
		return;
	}
	target_options_merge(d, &o, d);   /* a later line overrides an earlier one */
}

static void parse_helo(const char *token, char *line)
{
	char name[TARGET_HELO_MAX + 2] = "";

	if (line)
		sscanf(line, "%256s", name);
	if (!target_domain_valid(name) || strlen(name) > TARGET_HELO_MAX) {
		report(token, "expected a domain name, as smtpMonHeloName monitor.example.com");
		return;
	}
	strcpy(target_set->settings.helo, name);
}

static void parse_notifications(const char *token, char *line)
{
	char word[8] = "";

	if (line)
		sscanf(line, "%7s", word);
	if (strcmp(word, "yes") != 0 && strcmp(word, "no") != 0) {
		report(token, "expected yes or no");
		return;
	}
	target_set->settings.notifications = strcmp(word, "yes") == 0;
}

/* smtpMonCaFile / smtpMonCaPath / smtpMonTrustAnchor: checked now, so a
 * typo shows with its line. */
static void parse_ca(const char *token, char *line)
{
	char path[PATH_MAX] = "";
	int is_file = strcmp(token, "smtpMonCaPath") != 0;
	int is_anchor = strcmp(token, "smtpMonTrustAnchor") == 0;
	struct stat st;

	if (!line || sscanf(line, "%4095s", path) != 1 || path[0] != '/') {
		report(token, "expected an absolute path");
		return;
	}
	if (stat(path, &st) != 0 || (is_file ? !S_ISREG(st.st_mode) : !S_ISDIR(st.st_mode)) ||
	    access(path, R_OK) != 0) {
		report(token, is_file ? "not a readable file" : "not a readable directory");
		return;
	}
	strcpy(is_anchor ? target_set->settings.trust_anchor : is_file ?
	       target_set->settings.ca_file : target_set->settings.ca_path, path);
}

/* smtpMonDnsbl ZONE ...: lines add up; a line with a bad zone is skipped whole. */
static void parse_dnsbl(const char *token, char *line)
{
	struct dnsbl_zones *z = &target_set->settings.dnsbl, fresh = *z;
	char *save = NULL, msg[300];

	for (char *w = line ? strtok_r(line, " \t", &save) : NULL; w; w = strtok_r(NULL, " \t", &save)) {
		if (strlen(w) > DNSBL_ZONE_MAX || !target_domain_valid(w)) {
			snprintf(msg, sizeof(msg), "'%.200s' is not a DNS zone", w);
			report(token, msg);
			return;
		}
		if (fresh.n == DNSBL_ZONES_MAX) {
			snprintf(msg, sizeof(msg), "more than %d zones", DNSBL_ZONES_MAX);
			report(token, msg);
			return;
		}
		strcpy(fresh.zone[fresh.n++], w);
	}
	if (fresh.n == z->n)
		report(token, "expected one or more zones, as smtpMonDnsbl zen.example.org");
	else
		*z = fresh;
}

static int ipv4_address(const char *host, char *err, size_t errlen)
{
	unsigned char addr[4];

	if (inet_pton(AF_INET, host, addr) == 1)
		return 0;
	snprintf(err, errlen, "not an IPv4 address");
	return -1;
}

/* ADDRESS[:PORT], IPv6 in brackets when with a port: what evdns takes. */
static int resolver_valid(const char *spec)
{
	char host[SMTPMON_RESOLVER_LEN], err[64];
	uint16_t port;
	int has_port;

	return strlen(spec) < SMTPMON_RESOLVER_LEN &&
	       hostport_parse(spec, HOSTPORT_BARE_IPV6, ipv4_address, host, sizeof(host), &port,
			      &has_port, err, sizeof(err)) == HOSTPORT_OK;
}

static void parse_resolver(const char *token, char *line)
{
	struct smtpmon_settings *set = &target_set->settings;
	char spec[SMTPMON_RESOLVER_LEN + 1] = "";

	if (line)
		sscanf(line, "%56s", spec);
	if (!resolver_valid(spec)) {
		report(token, "expected an IP address with an optional port, as 127.0.0.1:53 "
		       "or [::1]:53");
		return;
	}
	if (set->nresolvers == SMTPMON_RESOLVERS_MAX) {
		report(token, "at most 3 resolvers");
		return;
	}
	strcpy(set->resolver[set->nresolvers++], spec);
}

static const char *const row_status_names[] = { "", "active", "notInService", "notReady" };

/* A row created by SET in an earlier run meets today's limits, or is
 * dropped (its line says why). */
static int stored_row_refused(const struct target_config *spec, char *err, size_t errlen)
{
	const struct smtpmon_settings *set = &target_set->settings;
	uint16_t port = spec->port ? spec->port : 25;
	char why[400];
	enum allow_verdict v;

	switch (limits_rows_check(&set->limits, rows_so_far(target_set) + 1ull,
				  target_set->nstored + 1ull)) {
	case LIMIT_ROWS:
		snprintf(err, errlen, "row %s dropped: over smtpMonLimits rows=%u", spec->name,
			 set->limits.rows);
		return 1;
	case LIMIT_SET_ROWS:
		snprintf(err, errlen, "row %s dropped: over smtpMonLimits setRows=%u", spec->name,
			 set->limits.set_rows);
		return 1;
	}
	v = spec->host[0] ? limits_allow_check(&set->allow, spec->host, port) : ALLOW_OK;
	if (v != ALLOW_OK) {
		limits_allow_explain(v, spec->host, port, why, sizeof(why));
		snprintf(err, errlen, "row %s dropped: %s", spec->name, why);
		return 1;
	}
	return 0;
}

/* smtpMonStoredServer STATUS NAME HOST:PORT key=value ... (written by
 * persist.c for rows created by SET with StorageType nonVolatile). */
static void parse_stored_server(const char *token, char *line)
{
	struct stored_row row;
	char status[16] = "", err[512];
	int used = 0;
	struct stored_row *grown;

	memset(&row, 0, sizeof(row));
	if (!line || sscanf(line, "%15s %n", status, &used) != 1) {
		report(token, "expected STATUS NAME HOST:PORT [key=value ...]");
		return;
	}
	for (int i = 1; i <= 3; i++)
		if (strcmp(status, row_status_names[i]) == 0)
			row.row_status = i;
	if (!row.row_status) {
		report(token, "unknown row status");
		return;
	}
	if (target_parse_stored(line + used, &row.spec, err, sizeof(err)) != 0) {
		report(token, err);
		return;
	}
	if (target_set->reloading)
		return;   /* the rows are live already */
	if (stored_row_refused(&row.spec, err, sizeof(err))) {
		report(token, err);
		return;
	}
	if (target_set->nstored == target_set->capstored) {
		unsigned cap = target_set->capstored ? target_set->capstored * 2 : 8;

		grown = realloc(target_set->stored, cap * sizeof(*grown));
		if (!grown) {
			report(token, "out of memory");
			return;
		}
		target_set->stored = grown;
		target_set->capstored = cap;
	}
	target_set->stored[target_set->nstored++] = row;
}

/* smtpMonStoredGlobals interval=N timeout=N notifications=yes|no history=N [helo=NAME] */
static void parse_stored_globals(const char *token, char *line)
{
	struct stored_globals *g = &target_set->globals;
	char notes[8] = "", helo[TARGET_HELO_MAX + 1] = "";
	unsigned interval = 0, timeout = 0, history = 0;

	if (!line || sscanf(line, "interval=%u timeout=%u notifications=%7s history=%u helo=%255s",
			    &interval, &timeout, notes, &history, helo) < 4 ||
	    interval < 1 || interval > 86400 || timeout < 1 || timeout > 3600 ||
	    history > SMTPMON_HISTORY_MAX || (helo[0] && !target_domain_valid(helo))) {
		report(token, "expected interval=N timeout=N notifications=yes|no history=N [helo=NAME]");
		return;
	}
	g->history_size = history;
	g->present = 1;
	g->interval_s = interval;
	g->timeout_s = timeout;
	g->notifications = strcmp(notes, "yes") == 0;
	strcpy(g->helo, helo);
}

const char *directives_row_status_name(int row_status)
{
	return row_status >= 1 && row_status <= 3 ? row_status_names[row_status] : "notReady";
}

/* smtpMonHistorySize N: probe results kept per server, 0 for none. */
static void parse_history(const char *token, char *line)
{
	char *end = NULL;
	unsigned long n = line ? strtoul(line, &end, 10) : 0;

	if (!line || end == line || (*end && !isspace((unsigned char)*end)) ||
	    n > SMTPMON_HISTORY_MAX || strchr(line, '-')) {
		report(token, "expected a number of entries from 0 to 1000");
		return;
	}
	target_set->settings.history_size = (int)n;
}

/* smtpMonLimits key=value ...: the keys it gives; a later line overrides. */
static void parse_limits(const char *token, char *line)
{
	struct smtpmon_limits *lim = &target_set->settings.limits, fresh = *lim;
	char err[512];

	if (limits_parse(line, &fresh, err, sizeof(err)) != 0) {
		report(token, err);
		return;
	}
	if (fresh.rows < target_set->count) {
		snprintf(err, sizeof(err), "rows=%u is below the %u servers defined before this "
			 "line (put smtpMonLimits first)", fresh.rows, target_set->count);
		report(token, err);
		return;
	}
	*lim = fresh;
}

/* smtpMonSetAllow PREFIX[,PREFIX...] [ports=PORT[,PORT...]]: lines add up. */
static void parse_allow(const char *token, char *line)
{
	char err[512];

	if (limits_allow_parse(line, &target_set->settings.allow, err, sizeof(err)) != 0)
		report(token, err);
}

void directives_collect_into(struct config_set *set)
{
	target_set = set;
	set->settings.notifications = -1;
	set->settings.history_size = -1;
	limits_default(&set->settings.limits);
}

void directives_register(struct config_set *set)
{
	directives_collect_into(set);
	register_app_config_handler("smtpMonNotifications", parse_notifications, NULL, "yes|no");
	register_app_config_handler("smtpMonServer", parse_server, NULL,
				    "NAME HOST[:PORT] [key=value ...]");
	register_app_config_handler("smtpMonDefaults", parse_defaults, NULL,
				    "key=value [key=value ...]");
	register_app_config_handler("smtpMonHeloName", parse_helo, NULL, "DOMAIN");
	register_app_config_handler("smtpMonHistorySize", parse_history, NULL, "N");
	register_app_config_handler("smtpMonCaFile", parse_ca, NULL, "PATH");
	register_app_config_handler("smtpMonTrustAnchor", parse_ca, NULL, "PATH");
	register_app_config_handler("smtpMonCaPath", parse_ca, NULL, "DIR");
	register_app_config_handler("smtpMonDnsbl", parse_dnsbl, NULL, "ZONE [ZONE ...]");
	register_app_config_handler("smtpMonResolver", parse_resolver, NULL, "ADDRESS[:PORT]");
	register_app_config_handler("smtpMonLimits", parse_limits, NULL,
				    "[rows=N] [setRows=N] [setMinInterval=SECONDS] [historyMemory=MIB]");
	register_app_config_handler("smtpMonSetAllow", parse_allow, NULL,
				    "PREFIX[,PREFIX...] [ports=PORT[,PORT...]]");
	register_app_config_handler("smtpMonStoredServer", parse_stored_server, NULL, NULL);
	register_app_config_handler("smtpMonStoredGlobals", parse_stored_globals, NULL, NULL);
}

void directives_unregister(void)
{
	unregister_app_config_handler("smtpMonServer");
	unregister_app_config_handler("smtpMonDefaults");
	unregister_app_config_handler("smtpMonHeloName");
	unregister_app_config_handler("smtpMonNotifications");
	unregister_app_config_handler("smtpMonHistorySize");
	unregister_app_config_handler("smtpMonCaFile");
	unregister_app_config_handler("smtpMonTrustAnchor");
	unregister_app_config_handler("smtpMonCaPath");
	unregister_app_config_handler("smtpMonDnsbl");
	unregister_app_config_handler("smtpMonResolver");
	unregister_app_config_handler("smtpMonLimits");
	unregister_app_config_handler("smtpMonSetAllow");
	unregister_app_config_handler("smtpMonStoredServer");
	unregister_app_config_handler("smtpMonStoredGlobals");
	target_set = NULL;
}

void config_set_release_rows(struct config_set *set)
{
	free(set->servers);
	free(set->stored);
	free(set->by_name);
	set->servers = NULL;
	set->stored = NULL;
	set->by_name = NULL;
	set->count = set->cap = set->nstored = set->capstored = set->nslots = 0;
}

void config_set_clear(struct config_set *set)
{
	free(set->servers);
	free(set->stored);
	free(set->by_name);
	memset(set, 0, sizeof(*set));
}
