#include "smtpmon.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "directives.h"
#include "mib_scalars.h"
#include "mib_server_table.h"
#include "notifications.h"
#include "notify_queue.h"
#include "scheduler.h"
#include "store.h"

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
} mod;

void smtpmon_init(void)
{
	int subagent = netsnmp_ds_get_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE);

	memset(&mod, 0, sizeof(mod));
	directives_register(&mod.config);
	mod.notifier = notifier_new(subagent);
}

/* Room for every server to go down and come back while the master is away
 * (a restart takes seconds); events are allocated only while they wait. */
static unsigned queue_capacity(unsigned servers)
{
	return 2 * servers + 64;
}

static int start_notifications(void)
{
	mod.notes = notify_queue_new(queue_capacity(mod.store->count));
	if (!mod.notes || !mod.notifier)
		return -1;
	notify_queue_set_enabled(mod.notes, mod.config.settings.notifications != 0);
	notifier_attach(mod.notifier, mod.notes);
	return 0;
}

/* The default EHLO name is the host's fully qualified name (DESIGN 3). */
static void default_helo(char *buf, size_t size)
{
	struct addrinfo hints = { .ai_flags = AI_CANONNAME }, *ai = NULL;

	if (gethostname(buf, size) != 0 || !buf[0])
		snprintf(buf, size, "localhost");
	buf[size - 1] = '\0';
	if (strchr(buf, '.') || getaddrinfo(buf, NULL, &hints, &ai) != 0)
		return;
	if (ai->ai_canonname && target_domain_valid(ai->ai_canonname))
		snprintf(buf, size, "%s", ai->ai_canonname);
	freeaddrinfo(ai);
}

static int build_store(void)
{
	mod.store = store_new();
	if (!mod.store)
		return -1;
	for (unsigned i = 0; i < mod.config.count; i++) {
		struct target_config *cfg = &mod.config.servers[i];

		target_config_finish(cfg, &mod.config.settings.defaults);
		if (!store_add(mod.store, cfg))
			return -1;
		mod.store->targets[mod.store->count - 1]->from_config = 1;
	}
	return 0;
}

/* First probes spread over each interval, so they are never fired together. */
static void schedule_all(void)
{
	unsigned n = mod.store->count;

	for (unsigned i = 0; i < n; i++) {
		struct target *t = mod.store->targets[i];

		scheduler_add(mod.sched, t, &t->cfg,
			      (uint64_t)t->cfg.opt.interval_s * 1000000u * i / n);
	}
}

int smtpmon_start(void)
{
	struct smtpmon_settings *set = &mod.config.settings;

	if (!set->helo[0])
		default_helo(set->helo, sizeof(set->helo));
	if (build_store() != 0 || start_notifications() != 0)
		goto fail;
	mod.scalars = scalars_register(mod.store, set, mod.notes);
	mod.table = server_table_register(mod.store);
	mod.sched = scheduler_new(mod.store, set, mod.notes);
	if (!mod.scalars || !mod.table || !mod.sched)
		goto fail;
	schedule_all();
	if (scheduler_start(mod.sched) != 0)
		goto fail;
	snmp_log(LOG_INFO, "smtpmon: monitoring %u server%s, EHLO name %s\n",
		 mod.store->count, mod.store->count == 1 ? "" : "s", set->helo);
	return 0;
fail:
	snmp_log(LOG_ERR, "smtpmon: cannot start the MIB module or the probe thread\n");
	smtpmon_shutdown();
	return -1;
}

/* --- reload --------------------------------------------------------------- */

struct reload_counts {
	unsigned added, removed, changed, kept;
};

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

static int listed(const struct config_set *set, const char *name)
{
	for (unsigned i = 0; i < set->count; i++)
		if (strcmp(set->servers[i].name, name) == 0)
			return 1;
	return 0;
}

static void drop_target(struct target *t)
{
	server_table_remove(mod.table, t);
	store_remove(mod.store, t);
	scheduler_remove(mod.sched, t);    /* the probe thread frees it */
}

static void add_target(const struct target_config *cfg)
{
	struct target *t = store_add(mod.store, cfg);

	if (!t)
		return;
	t->from_config = 1;
	if (server_table_add(mod.table, t) != 0)
		snmp_log(LOG_ERR, "smtpmon: cannot add row %s to the table\n", cfg->name);
	scheduler_add(mod.sched, t, &t->cfg, 0);
}

static void drop_removed(const struct config_set *fresh, struct reload_counts *n)
{
	for (unsigned i = mod.store->count; i-- > 0;) {
		struct target *t = mod.store->targets[i];

		if (t->from_config && !listed(fresh, t->cfg.name)) {
			drop_target(t);
			n->removed++;
		}
	}
}

static void apply_server(const struct target_config *cfg, struct reload_counts *n)
{
	struct target *t = store_find(mod.store, cfg->name);

	if (!t) {
		add_target(cfg);
		n->added++;
	} else if (!t->from_config) {
		snmp_log(LOG_WARNING, "smtpmon: server %s in the configuration clashes with a "
			 "row created by SNMP; the configuration line is ignored\n", cfg->name);
	} else if (!target_config_equal(&t->cfg, cfg)) {
		t->cfg = *cfg;
		scheduler_update(mod.sched, t, cfg);
		n->changed++;
	} else {
		n->kept++;
	}
}

static void apply_settings(struct smtpmon_settings *fresh)
{
	struct smtpmon_settings *cur = &mod.config.settings;

	if (!fresh->helo[0])
		default_helo(fresh->helo, sizeof(fresh->helo));
	if (strcmp(fresh->helo, cur->helo) != 0)
		scheduler_set_helo(mod.sched, fresh->helo);
	notify_queue_set_enabled(mod.notes, fresh->notifications != 0);
	if (strcmp(fresh->ca_file, cur->ca_file) != 0 || strcmp(fresh->ca_path, cur->ca_path) != 0)
		snmp_log(LOG_WARNING, "smtpmon: new smtpMonCaFile/smtpMonCaPath take effect "
			 "when smtpmond restarts\n");
}

void smtpmon_reload(void)
{
	struct config_set fresh;
	struct reload_counts n = { 0 };

	if (!mod.sched)
		return;
	memset(&fresh, 0, sizeof(fresh));
	directives_collect_into(&fresh);
	reread_files();
	directives_collect_into(&mod.config);
	apply_settings(&fresh.settings);
	drop_removed(&fresh, &n);
	for (unsigned i = 0; i < fresh.count; i++) {
		target_config_finish(&fresh.servers[i], &fresh.settings.defaults);
		apply_server(&fresh.servers[i], &n);
	}
	free(mod.config.servers);
	mod.config = fresh;
	snmp_log(LOG_INFO, "smtpmon: configuration reloaded: %u added, %u removed, %u changed, "
		 "%u unchanged\n", n.added, n.removed, n.changed, n.kept);
}

void smtpmon_shutdown(void)
{
	scheduler_free(mod.sched);      /* joins the probe thread first */
	notifier_flush(mod.notifier);
	server_table_unregister(mod.table);
	scalars_unregister(mod.scalars);
	notifier_free(mod.notifier);
	notify_queue_free(mod.notes);
	store_free(mod.store);
	directives_unregister();
	config_set_clear(&mod.config);
	memset(&mod, 0, sizeof(mod));
}
