/* The smtpmon MIB module: one core shared by smtpmond and the snmpd plugin. */
#ifndef SMTPMON_SMTPMON_H
#define SMTPMON_SMTPMON_H

#include <limits.h>

#include "core/dnsbl.h"
#include "core/target_config.h"

/* netSnmpPlaypen.25 until the project has its own enterprise number. */
#define SMTPMON_OID 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 25

#define SMTPMON_RESOLVERS_MAX 3            /* as resolv.conf's nameserver lines */
#define SMTPMON_RESOLVER_LEN 56            /* "[IPv6]:PORT" */

/* Global settings from the configuration (smtpMonDefaults, smtpMonHeloName). */
struct smtpmon_settings {
	struct target_options defaults;        /* as given; built-ins fill the rest */
	char helo[TARGET_HELO_MAX + 1];        /* empty: the host's name */
	int notifications;                     /* smtpMonNotifications: 1 yes, 0 no, -1 unset */
	char ca_file[PATH_MAX];                /* smtpMonCaFile; empty: system store */
	char ca_path[PATH_MAX];                /* smtpMonCaPath */
	int globals_by_snmp;                   /* a scalar was SET: persist them */
	int history_size;                      /* smtpMonHistorySize; -1 unset (10) */
	struct dnsbl_zones dnsbl;              /* smtpMonDnsbl */
	char resolver[SMTPMON_RESOLVERS_MAX][SMTPMON_RESOLVER_LEN]; /* smtpMonResolver */
	unsigned nresolvers;                   /* 0: /etc/resolv.conf */
};

#define SMTPMON_HISTORY_DEFAULT 10
#define SMTPMON_HISTORY_MAX 1000

/* The host's fully qualified name, the default EHLO name. */
void smtpmon_default_helo(char *buf, size_t size);

/* Agent thread, before the configuration is read: registers the directives. */
void smtpmon_init(void);

struct handoff;

/* Agent thread, after the configuration was read: builds the rows, registers
 * the MIB objects and starts the probe thread. CARRIED (the plugin's reload;
 * NULL otherwise) gives the rows their state from before and is freed.
 * Returns 0 or -1. */
int smtpmon_start(struct handoff *carried);

/* Agent thread (smtpmond's SIGHUP): re-reads the configuration files; added
 * servers start, removed ones go, changed ones restart their schedule, and
 * the others keep their state and counters (doc/DESIGN.md section 6). */
void smtpmon_reload(void);

/* smtpmond's exit: stops the probe thread, sends what notifications wait,
 * unregisters and frees everything; what must persist is kept as a copy
 * that snmp_shutdown() writes after. */
void smtpmon_shutdown(void);

/* The plugin's deinit, when no store of net-snmp's data follows (snmpd's
 * reload) or it came before (snmpd's exit): the same, without the copy.
 * RELOADING: returns the servers' state for the next smtpmon_start(). */
struct handoff *smtpmon_unload(int reloading);

#endif
