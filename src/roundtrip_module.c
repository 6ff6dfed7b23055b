#include "roundtrip_module.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <string.h>

#include "mib_roundtrip_table.h"
#include "roundtrip.h"
#include "scheduler.h"
#include "store.h"

void roundtrip_module_init(struct roundtrip_module *m)
{
	memset(m, 0, sizeof(*m));
	roundtrip_directive_register(&m->config);
}

/* The sending server's row as probes see it, or NULL (logged). */
static const struct target *sender(struct store *store, const struct roundtrip_config *rc)
{
	const struct target *t = store_find(store, rc->server);

	if (!t)
		snmp_log(LOG_ERR, "smtpmon: round trip %s: no smtpMonServer named %s; the check "
			 "does not run\n", rc->name, rc->server);
	else if (rc->smtp_user[0] && t->cfg.opt.tls == TLS_NONE)
		snmp_log(LOG_WARNING, "smtpmon: round trip %s: smtpUser is set but server %s has "
			 "tls=none; credentials are never sent without TLS, so the check will fail\n",
			 rc->name, rc->server);
	return t;
}

/* Checks spread over their interval, as servers are. */
static void add_check(struct roundtrip_module *m, struct store *store,
		      const struct roundtrip_config *rc, unsigned i, unsigned n)
{
	const struct target *t = sender(store, rc);
	struct roundtrip_check *c;

	if (!t)
		return;
	c = roundtrips_add(m->set, rc, &t->cfg, (uint64_t)rc->interval_s * 1000000u * i / n);
	if (!c || roundtrip_table_add(m->table, c) != 0)
		snmp_log(LOG_ERR, "smtpmon: round trip %s: out of memory\n", rc->name);
}

int roundtrip_module_start(struct roundtrip_module *m, struct scheduler *sched,
			   struct store *store, struct notify_queue *notes, const char *helo)
{
	struct event_base *base;
	struct evdns_base *dns;
	SSL_CTX *tls;

	scheduler_loop_parts(sched, &base, &dns, &tls);
	m->set = roundtrips_new(base, dns, tls, notes, helo);
	m->table = m->set ? roundtrip_table_register(m->set) : NULL;
	if (!m->table)
		return -1;
	for (unsigned i = 0; i < m->config.count; i++)
		add_check(m, store, &m->config.items[i], i, m->config.count);
	roundtrip_list_clear(&m->config);   /* the checks have them now */
	return 0;
}

void roundtrip_module_reload_begin(struct roundtrip_module *m)
{
	roundtrip_list_clear(&m->fresh);
	roundtrip_directive_collect_into(&m->fresh);
}

/* The check C still is as the fresh lines and its server's row say. */
static int unchanged(const struct roundtrip_check *c, const struct roundtrip_list *fresh,
		     struct store *store)
{
	const struct target *t = store_find(store, c->cfg.server);

	for (unsigned i = 0; t && i < fresh->count; i++)
		if (roundtrip_config_equal(&c->cfg, &fresh->items[i]))
			return target_config_equal(&c->server, &t->cfg) &&
			       c->server.opt.enabled == t->cfg.opt.enabled;
	return 0;
}

void roundtrip_module_reload_end(struct roundtrip_module *m, struct store *store)
{
	struct roundtrip_check *c, *next;
	unsigned n = m->fresh.count;

	roundtrip_directive_collect_into(&m->config);
	if (!m->set)
		return;
	for (c = roundtrips_first(m->set); c; c = next) {
		next = c->next;
		if (unchanged(c, &m->fresh, store))
			continue;
		roundtrip_table_remove(m->table, c);
		roundtrips_remove(m->set, c);
	}
	for (unsigned i = 0; i < n; i++)
		if (!roundtrips_find(m->set, m->fresh.items[i].name))
			add_check(m, store, &m->fresh.items[i], i, n);
	roundtrip_list_clear(&m->fresh);
}

void roundtrip_module_free(struct roundtrip_module *m)
{
	roundtrip_table_unregister(m->table);
	roundtrips_free(m->set);
	roundtrip_directive_unregister();
	roundtrip_list_clear(&m->config);
	roundtrip_list_clear(&m->fresh);
	memset(m, 0, sizeof(*m));
}
