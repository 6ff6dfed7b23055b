/* SPDX-License-Identifier: ISC */
/* The configuration directives of doc/DESIGN.md section 2, read by net-snmp's
 * configuration machinery (smtpmond.conf, or snmpd.conf for the plugin). */
#ifndef SMTPMON_DIRECTIVES_H
#define SMTPMON_DIRECTIVES_H

#include "core/settings.h"

/* A row created by SET, as the persistent store keeps it. */
struct stored_row {
	struct target_config spec;
	int row_status;
};

/* Scalars set by SNMP, as the persistent store keeps them. */
struct stored_globals {
	int present;
	uint32_t interval_s, timeout_s;
	int notifications;
	unsigned history_size;
	char helo[TARGET_HELO_MAX + 1];
};

/* Everything the configuration files said, before it is applied. */
struct config_set {
	struct target_config *servers;     /* explicit keys only, in file order */
	unsigned count, cap;
	/* The servers by name: open addressing, each slot an index + 1 (0:
	 * empty), at most half full. A linear search per line made reading
	 * 100,000 servers quadratic (minutes). */
	unsigned *by_name, nslots;
	struct smtpmon_settings settings;
	struct stored_row *stored;         /* from the persistent store */
	unsigned nstored, capstored;
	struct stored_globals globals;
	/* A reload: the rows created by SET are live already; they count
	 * against smtpMonLimits rows=, and their stored lines are not read. */
	int reloading;
	unsigned live_set_rows;
};

/* Directives write into SET until directives_unregister(). */
void directives_register(struct config_set *set);

/* From now on directives write into SET (an empty one, for a reload). */
void directives_collect_into(struct config_set *set);
void directives_unregister(void);

void config_set_clear(struct config_set *set);
/* 1 when SET has a server (a configuration line) named NAME. */
int config_set_has_server(const struct config_set *set, const char *name);
/* The servers and stored rows only: the settings stay. */
void config_set_release_rows(struct config_set *set);

/* "active", "notInService" or "notReady", as smtpMonStoredServer writes it. */
const char *directives_row_status_name(int row_status);

#endif
