/* SPDX-License-Identifier: ISC */
#include "agent/smtpmon.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/activity.h"
#include "agent/host_name.h"
#include "agent/directives.h"
#include "agent/domain_module.h"
#include "agent/handoff.h"
#include "agent/mib_history_table.h"
#include "agent/mib_scalars.h"
#include "agent/mib_server_set.h"
#include "agent/mib_server_table.h"
#include "agent/notifications.h"
#include "shared/notify_queue.h"
#include "agent/persist.h"
#include "agent/process_limits.h"
#include "agent/roundtrip_module.h"
#include "agent/rows.h"
#include "probe/probe_thread.h"
#include "probe/scheduler.h"
#include "shared/store.h"
#include "core/limits.h"
#include "core/fqdn.h"
#include "core/settings.h"

/* The module's one instance: net-snmp's init and directive callbacks carry
 * no context, so the module keeps its parts here and nowhere else. */
static struct smtpmon_module {
	struct config_set config;
	struct store *store;
	struct scheduler *sched;
	struct scalars *scalars;
	struct server_table *table;
	struct notifier *notifier;
	struct notify_queue *notes;
	struct rows rows;
	struct persist *persist;
	struct notify_queue *activity_queue;
	struct activity *activity;
	struct history_table *history;
	struct roundtrip_module roundtrips;   /* smtpMonRoundTrip (issue 12) */
	struct domain_module domains;         /* smtpMonDomain */
} mod;

void smtpmon_init(void)
{
	int subagent = netsnmp_ds_get_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE);

	memset(&mod, 0, sizeof(mod));
	directives_register(&mod.config);
	roundtrip_module_init(&mod.roundtrips);
	domain_module_init(&mod.domains);
	mod.notifier = notifier_new(subagent);
}

/* Room for every server to go down and come back while the master is away
 * (a restart takes seconds); events are allocated only while they wait. */
static unsigned queue_capacity(unsigned servers)
{
	return 2 * servers + 64;
}

/* Every probe passes through it: room for several rounds of all servers. */
static int start_activity(unsigned servers)
{
	int size = mod.config.settings.history_size;

	if (size < 0)
		mod.config.settings.history_size = size = SMTPMON_HISTORY_DEFAULT;
	mod.activity_queue = notify_queue_new(4 * servers + 256, ACTIVITY_WAKE_AT);
	mod.history = history_table_register((unsigned)size);
	if (!mod.activity_queue || !mod.history)
		return -1;
	mod.activity = activity_start(mod.activity_queue, mod.store, mod.history);
	return mod.activity ? 0 : -1;
}

static int start_notifications(unsigned servers)
{
	mod.notes = notify_queue_new(queue_capacity(servers), 1);
	if (!mod.notes || !mod.notifier)
		return -1;
	notify_queue_set_enabled(mod.notes, mod.config.settings.notifications != 0);
	notifier_attach(mod.notifier, mod.notes);
	return 0;
}

/* Scalars set by SNMP earlier win over the configuration file (they are
 * what the NMS last said). */
static void apply_stored_globals(struct smtpmon_settings *set, const struct stored_globals *g)
{
	if (!g->present)
		return;
	set->defaults.interval_s = g->interval_s;
	set->defaults.timeout_s = g->timeout_s;
	set->defaults.set |= OPT_INTERVAL | OPT_TIMEOUT;
	set->notifications = g->notifications;
	set->history_size = (int)g->history_size;
	if (g->helo[0])
		strcpy(set->helo, g->helo);
	set->globals_by_snmp = 1;
}

/* smtpMonHistorySize x ROWS x one entry within smtpMonLimits historyMemory=,
 * or the size is cut to the largest that fits (logged). Returns 1 if cut. */
static int fit_history(struct smtpmon_settings *set, unsigned rows)
{
	const struct smtpmon_limits *lim = &set->limits;
	uint32_t size = set->history_size < 0 ? SMTPMON_HISTORY_DEFAULT : (uint32_t)set->history_size;
	uint32_t fitted;

	if (limits_history_fits(lim, size, rows, HISTORY_ENTRY_BYTES))
		return 0;
	fitted = limits_history_max_size(lim, rows, HISTORY_ENTRY_BYTES, size);
	snmp_log(LOG_ERR, "smtpmon: smtpMonHistorySize %u for %u rows would take up to %llu MiB, "
		 "over smtpMonLimits historyMemory=%u: each server keeps %u entries\n", size, rows,
		 (unsigned long long)limits_mib(limits_history_bytes(size, rows, HISTORY_ENTRY_BYTES)),
		 lim->history_mib, fitted);
	set->history_size = (int)fitted;
	return 1;
}

/* The default EHLO name is the host's fully qualified name (doc/DESIGN.md section 2),
 * found on the probe thread (scheduler_set_helo): when the name ASKED is
 * still the one in use, NAME takes its place. */
static void on_qualified(const char *asked, const char *name, void *arg)
{
	struct smtpmon_settings *set = &mod.config.settings;

	(void)arg;
	if (strcmp(set->helo_host, asked) != 0 || strcmp(set->helo, asked) != 0)
		return;
	snprintf(set->helo, sizeof(set->helo), "%s", name);
	snmp_log(LOG_INFO, "smtpmon: EHLO name %s (the host's fully qualified name)\n", name);
}

static uint64_t first_delay(const struct handoff *carried, const struct target_config *spec,
			    uint64_t fallback_us)
{
	struct target_config cfg;

	rows_effective(&mod.rows, spec, &cfg);
	return handoff_first_delay(carried, spec->name, cfg.opt.interval_s, fallback_us);
}

/* Rows created by SET in an earlier run; a configuration row of the same
 * name wins. */
static void add_stored_rows(const struct handoff *carried)
{
	for (unsigned i = 0; i < mod.config.nstored; i++) {
		const struct stored_row *r = &mod.config.stored[i];

		if (store_find(mod.store, r->spec.name)) {
			snmp_log(LOG_WARNING, "smtpmon: stored row %s clashes with a server in the "
				 "configuration file; dropped\n", r->spec.name);
			continue;
		}
		rows_add(&mod.rows, &r->spec, STORAGE_NONVOLATILE, r->row_status,
			 first_delay(carried, &r->spec, 0));
	}
}

/* The configuration file's rows, their first probes spread over each
 * interval so that they are never fired together (or, after the plugin's
 * reload, where their schedule had them). */
static void add_configured_rows(const struct handoff *carried)
{
	unsigned n = mod.config.count;

	for (unsigned i = 0; i < n; i++) {
		const struct target_config *spec = &mod.config.servers[i];
		struct target_config cfg;

		rows_effective(&mod.rows, spec, &cfg);
		rows_add(&mod.rows, spec, STORAGE_READONLY, ROW_ACTIVE,
			 first_delay(carried, spec, (uint64_t)cfg.opt.interval_s * 1000000u * i / n));
	}
}

static void on_looked_up(const char *watch, void *arg)
{
	(void)arg;
	domain_module_looked_up(&mod.domains, watch);
}

static void on_row_changed(const char *row, void *arg)
{
	(void)arg;
	domain_module_row_changed(&mod.domains, row);
}

/* The domain watches start with the rows they had before the plugin's
 * reload (CARRIED), so that those rows take their state with the others. */
static int start_domains(struct domain_carry *carried)
{
	struct loop_parts loop;

	scheduler_loop_parts(mod.sched, &loop);
	activity_on_domain(mod.activity, on_looked_up, on_row_changed, NULL);
	return domain_module_start(&mod.domains, &mod.rows, &loop, mod.notes, mod.activity_queue,
				   carried);
}

/* The plugin's reload: the rows just read take the state of the rows of
 * the same name before. */
static void adopt_carried(struct handoff *carried)
{
	struct reload_counts n = { 0 };

	handoff_restore(carried, &mod.rows, &n);
	snmp_log(LOG_INFO, "smtpmon: configuration reloaded: %u added, %u removed, %u changed, "
		 "%u unchanged\n", n.added, n.removed, n.changed, n.kept);
}

int smtpmon_start(struct handoff *carried)
{
	struct smtpmon_settings *set = &mod.config.settings;
	struct roundtrip_carry *rt_carried = handoff_detach_roundtrips(carried);
	struct domain_carry *dom_carried = handoff_detach_domains(carried);
	char err[PATH_MAX + 64] = "";
	uint64_t nofile;
	unsigned conns = smtpmon_connection_budget(&nofile);
	struct fqdn_names ask = { 0 };
	int rc;

	apply_stored_globals(set, &mod.config.globals);
	fit_history(set, mod.config.count + mod.config.nstored);
	if (!set->helo[0])
		smtpmon_use_default_helo(set, &ask);
	mod.store = store_new();
	if (!mod.store || start_notifications(mod.config.count) != 0)
		goto fail;
	/* The scalars first: when another agent serves the subtree, their
	 * refusal says so and nothing else is registered. */
	mod.scalars = scalars_register(mod.store, set, mod.notes, &mod.rows);
	if (!mod.scalars || start_activity(mod.config.count) != 0)
		goto fail;
	mod.table = server_table_register(mod.store);
	mod.sched = scheduler_new(mod.store, set, conns, mod.notes, mod.activity_queue, err,
				  sizeof(err));
	if (err[0])
		snmp_log(LOG_ERR, "smtpmon: %s\n", err);
	if (!mod.scalars || !mod.table || !mod.sched)
		goto fail;
	activity_on_helo(mod.activity, on_qualified, NULL);
	if (ask.n && scheduler_set_helo(mod.sched, set->helo, &ask) != 0)
		snmp_log(LOG_ERR, "smtpmon: out of memory: the host's fully qualified name is not "
			 "looked up\n");
	mod.rows = (struct rows){ .store = mod.store, .table = mod.table, .sched = mod.sched,
				  .settings = set, .history = mod.history };
	if (server_set_attach(mod.table, &mod.rows) != 0)
		goto fail;
	add_configured_rows(carried);
	add_stored_rows(carried);
	rc = start_domains(dom_carried);
	dom_carried = NULL;   /* taken */
	if (rc != 0)
		goto fail;
	if (carried)
		adopt_carried(carried);
	carried = NULL;
	if (fit_history(set, mod.store->count))   /* volatile rows carried over a reload */
		history_set_size(mod.history, mod.store, (unsigned)set->history_size);
	config_set_release_rows(&mod.config);   /* the rows have them now */
	mod.persist = persist_register(mod.store, set);
	rc = roundtrip_module_start(&mod.roundtrips, mod.sched, mod.store, mod.notes,
				    mod.activity_queue, rt_carried);
	rt_carried = NULL;   /* taken */
	if (rc != 0 || scheduler_start(mod.sched) != 0)
		goto fail;
	snmp_log(LOG_INFO, "smtpmon: monitoring %u server%s and %u domain%s, EHLO name %s, %u "
		 "connections at most (file limit %llu)\n", mod.store->count,
		 mod.store->count == 1 ? "" : "s", domain_module_count(&mod.domains),
		 domain_module_count(&mod.domains) == 1 ? "" : "s", set->helo, conns,
		 (unsigned long long)nofile);
	return 0;
fail:
	snmp_log(LOG_ERR, "smtpmon: cannot start the MIB module or the probe thread\n");
	roundtrip_carry_free(rt_carried);
	domain_carry_free(dom_carried);
	handoff_free(carried);
	smtpmon_shutdown();
	return -1;
}

/* --- reload --------------------------------------------------------------- */

/* The files given with -c (a comma-separated list). */
static void read_optional_files(const char *list)
{
	const char *type = netsnmp_ds_get_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_APPTYPE);
	char *copy = strdup(list), *save = NULL;

	for (char *f = copy ? strtok_r(copy, ",", &save) : NULL; f; f = strtok_r(NULL, ",", &save))
		read_config_with_type(f, type);
	free(copy);
}

/* As read_configs() does, without its callbacks: those would open a second
 * AgentX session. */
static void reread_files(void)
{
	const char *optional = netsnmp_ds_get_string(NETSNMP_DS_LIBRARY_ID,
						     NETSNMP_DS_LIB_OPTIONALCONFIG);

	if (optional && *optional == '-') {
		read_optional_files(optional + 1);
		optional = NULL;
	}
	read_config_files(NORMAL_CONFIG);
	if (optional)
		read_optional_files(optional);
}

static void drop_removed(const struct config_set *fresh, struct reload_counts *n)
{
	for (unsigned i = mod.store->count; i-- > 0;) {
		struct target *t = mod.store->targets[i];

		if (t->storage == STORAGE_READONLY && !t->origin && !config_set_has_server(fresh, t->cfg.name)) {
			rows_drop(&mod.rows, t);
			n->removed++;
		}
	}
}

static void apply_server(const struct target_config *spec, struct reload_counts *n)
{
	struct target *t = store_find(mod.store, spec->name);
	struct target_config cfg;

	rows_effective(&mod.rows, spec, &cfg);
	if (!t) {
		rows_add(&mod.rows, spec, STORAGE_READONLY, ROW_ACTIVE, 0);
		n->added++;
	} else if (t->origin) {
		snmp_log(LOG_WARNING, "smtpmon: server %s in the configuration clashes with a row "
			 "of domain watch %s; the configuration line is ignored\n", spec->name,
			 t->origin->watch);
	} else if (t->storage != STORAGE_READONLY) {
		snmp_log(LOG_WARNING, "smtpmon: server %s in the configuration clashes with a "
			 "row created by SNMP; the configuration line is ignored\n", spec->name);
	} else if (!target_config_equal(&t->cfg, &cfg)) {
		rows_change(&mod.rows, t, spec, ROW_ACTIVE);
		n->changed++;
	} else {
		n->kept++;
	}
}

static void apply_settings(struct smtpmon_settings *fresh)
{
	struct smtpmon_settings *cur = &mod.config.settings;
	struct fqdn_names ask = { 0 };
	int tell = 1;

	if (!fresh->helo[0]) {       /* the host's name: kept when it is the same */
		strcpy(fresh->helo_host, cur->helo_host);
		strcpy(fresh->helo, cur->helo_host[0] ? cur->helo : "");
		tell = smtpmon_use_default_helo(fresh, &ask);
	} else if (strcmp(fresh->helo, cur->helo) == 0 && !cur->helo_host[0]) {
		tell = 0;                /* the same name given */
	}
	if (tell && scheduler_set_helo(mod.sched, fresh->helo, &ask) != 0)
		snmp_log(LOG_ERR, "smtpmon: out of memory: the new smtpMonHeloName is lost\n");
	notify_queue_set_enabled(mod.notes, fresh->notifications != 0);
	if (fresh->history_size < 0)
		fresh->history_size = SMTPMON_HISTORY_DEFAULT;
	if (fresh->history_size != cur->history_size)
		history_set_size(mod.history, mod.store, (unsigned)fresh->history_size);
	if (memcmp(&fresh->dnsbl, &cur->dnsbl, sizeof(fresh->dnsbl)) != 0 &&
	    scheduler_set_dnsbl_zones(mod.sched, &fresh->dnsbl) != 0)
		snmp_log(LOG_ERR, "smtpmon: out of memory: the new smtpMonDnsbl zones are lost\n");
	if (strcmp(fresh->ca_file, cur->ca_file) != 0 || strcmp(fresh->ca_path, cur->ca_path) != 0)
		snmp_log(LOG_WARNING, "smtpmon: new smtpMonCaFile/smtpMonCaPath take effect "
			 "when smtpmond restarts\n");
	if (strcmp(fresh->trust_anchor, cur->trust_anchor) != 0)
		snmp_log(LOG_WARNING, "smtpmon: a new smtpMonTrustAnchor takes effect when smtpmond "
			 "restarts\n");
	if (fresh->nresolvers != cur->nresolvers ||
	    memcmp(fresh->resolver, cur->resolver, sizeof(fresh->resolver)) != 0)
		snmp_log(LOG_WARNING, "smtpmon: a new smtpMonResolver takes effect when smtpmond "
			 "restarts\n");
}

void smtpmon_reload(void)
{
	struct config_set fresh;
	struct reload_counts n = { 0 };

	if (!mod.sched)
		return;
	memset(&fresh, 0, sizeof(fresh));
	directives_collect_into(&fresh);
	fresh.reloading = 1;
	fresh.live_set_rows = rows_count_set(&mod.rows);
	roundtrip_module_reload_begin(&mod.roundtrips);
	domain_module_reload_begin(&mod.domains);
	reread_files();
	directives_collect_into(&mod.config);
	apply_stored_globals(&fresh.settings, &fresh.globals);
	fit_history(&fresh.settings, fresh.count + fresh.live_set_rows);
	apply_settings(&fresh.settings);
	config_set_clear(&mod.config);   /* stored rows re-read: they are live already */
	mod.config = fresh;              /* the rows now take these defaults */
	drop_removed(&mod.config, &n);
	for (unsigned i = 0; i < mod.config.count; i++)
		apply_server(&mod.config.servers[i], &n);
	rows_apply_defaults(&mod.rows);  /* SET rows follow new defaults too */
	config_set_release_rows(&mod.config);
	roundtrip_module_reload_end(&mod.roundtrips, mod.store);
	domain_module_reload_end(&mod.domains);
	snmp_log(LOG_INFO, "smtpmon: configuration reloaded: %u added, %u removed, %u changed, "
		 "%u unchanged\n", n.added, n.removed, n.changed, n.kept);
}

/* The probe thread stops first, so that nothing more is queued; what it
 * queued is still sent, logged and kept in the history. */
static void stop_probing(void)
{
	struct lateness_summary late;

	scheduler_stop(mod.sched);      /* joins the probe thread */
	if (mod.sched && scheduler_lateness(mod.sched, &late))
		snmp_log(LOG_INFO, "smtpmon: %llu probes started %.1f ms (median), %.1f ms (p99), "
			 "%.1f ms (max) after they were due\n", late.count, late.median_us / 1000.0,
			 late.p99_us / 1000.0, late.max_us / 1000.0);
	notifier_flush(mod.notifier);
	activity_flush(mod.activity);
}

static void free_module(void)
{
	roundtrip_module_free(&mod.roundtrips);   /* on the scheduler's loop */
	domain_module_free(&mod.domains);
	scheduler_free(mod.sched);
	server_table_unregister(mod.table);
	scalars_unregister(mod.scalars);
	notifier_free(mod.notifier);
	notify_queue_free(mod.notes);
	activity_stop(mod.activity);
	history_table_unregister(mod.history, mod.store);
	notify_queue_free(mod.activity_queue);
	store_free(mod.store);
	directives_unregister();
	config_set_clear(&mod.config);
	memset(&mod, 0, sizeof(mod));
}

void smtpmon_shutdown(void)
{
	stop_probing();
	persist_detach(mod.persist);
	free_module();
}

struct handoff *smtpmon_unload(int reloading)
{
	struct handoff *h = NULL;

	stop_probing();
	if (reloading && mod.store) {
		h = handoff_save(mod.store, mod.history);
		handoff_attach_roundtrips(h, roundtrip_module_save(&mod.roundtrips));
		handoff_attach_domains(h, domain_module_save(&mod.domains));
	}
	persist_unregister(mod.persist);
	free_module();
	return h;
}
