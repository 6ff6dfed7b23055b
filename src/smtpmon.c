#include "smtpmon.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <netdb.h>
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
