/* SPDX-License-Identifier: ISC */
#include "agent/handoff.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agent/mib_history_table.h"
#include "core/monotime.h"
#include "agent/rows.h"
#include "agent/domain_module.h"
#include "agent/roundtrip_module.h"
#include "core/server_status.h"
#include "core/state.h"
#include "shared/store.h"

struct carried_row {
	struct target_config spec;     /* explicit keys: a volatile row is re-created from it */
	struct target_config cfg;      /* effective: tells an unchanged row */
	int storage, row_status, probed;
	struct target_state st;
	struct history_saved *history;
	int taken;                     /* a row of the new load has it */
};

struct handoff {
	struct carried_row *rows;
	unsigned count;
	struct store_totals totals;
	struct roundtrip_carry *roundtrips;    /* issue 12 */
	struct domain_carry *domains;
};

struct handoff *handoff_save(struct store *store, struct history_table *history)
{
	struct handoff *h = calloc(1, sizeof(*h));
	if (!h || !(h->rows = calloc(store->count ? store->count : 1, sizeof(*h->rows)))) {
		free(h);
		return NULL;
	}
	for (unsigned i = 0; i < store->count; i++) {
		const struct target *t = store->targets[i];
		struct carried_row *c = &h->rows[h->count++];

		target_spec(t, &c->spec);
		c->cfg = t->cfg;
		c->storage = t->storage;
		c->row_status = t->row_status;
		c->probed = rows_probed(t);
		store_snapshot(store, t, &c->st);
		c->history = history ? history_save(t) : NULL;
	}
	store_totals(store, &h->totals);
	return h;
}

static struct carried_row *find(const struct handoff *h, const char *name)
{
	for (unsigned i = 0; h && i < h->count; i++)
		if (!h->rows[i].taken && strcmp(h->rows[i].cfg.name, name) == 0)
			return &h->rows[i];
	return NULL;
}

uint64_t handoff_first_delay(const struct handoff *h, const char *name, unsigned interval_s,
			     uint64_t fallback_us)
{
	const struct carried_row *c = find(h, name);
	uint64_t interval_us = (uint64_t)interval_s * 1000000u, now = walltime_us(), due;

	if (!c || !c->st.last_probe_wall_us)
		return fallback_us;
	due = c->st.last_probe_wall_us + interval_us;
	if (due <= now)
		return 0;
	return due - now < interval_us ? due - now : interval_us;
}

/* Volatile rows exist only in memory; a server of the same name in the new
 * configuration takes the name, as the configuration is read first. */
static void recreate_volatile(struct handoff *h, struct rows *rows)
{
	for (unsigned i = 0; i < h->count; i++) {
		const struct carried_row *c = &h->rows[i];

		if (c->storage != STORAGE_VOLATILE)
			continue;
		if (store_find(rows->store, c->spec.name))
			snmp_log(LOG_WARNING, "smtpmon: volatile row %s dropped: the configuration "
				 "now has a server of that name\n", c->spec.name);
		else
			rows_add(rows, &c->spec, STORAGE_VOLATILE, c->row_status,
				 handoff_first_delay(h, c->spec.name, c->cfg.opt.interval_s, 0));
	}
}

static void adopt(struct rows *rows, struct target *t, struct carried_row *c)
{
	struct target_state st = c->st;

	if (c->probed != rows_probed(t))
		status_init(&st.track, rows_probed(t));
	store_restore(rows->store, t, &st);
	history_restore(rows->history, t, c->history);
	c->history = NULL;
	c->taken = 1;
}

/* Counts the configuration's servers, as smtpmond's reload does. */
void handoff_restore(struct handoff *h, struct rows *rows, struct reload_counts *n)
{
	struct store *store = rows->store;

	recreate_volatile(h, rows);
	for (unsigned i = 0; i < store->count; i++) {
		struct target *t = store->targets[i];
		struct carried_row *c = find(h, t->cfg.name);
		int counted = t->storage == STORAGE_READONLY;

		if (!c) {
			n->added += counted;
			continue;
		}
		if (target_config_equal(&c->cfg, &t->cfg))
			n->kept += counted;
		else
			n->changed += counted;
		adopt(rows, t, c);
	}
	for (unsigned i = 0; i < h->count; i++)
		n->removed += !h->rows[i].taken && h->rows[i].storage == STORAGE_READONLY;
	store_restore_totals(store, &h->totals);
	handoff_free(h);
}

void handoff_free(struct handoff *h)
{
	if (!h)
		return;
	for (unsigned i = 0; i < h->count; i++)
		history_saved_free(h->rows[i].history);
	roundtrip_carry_free(h->roundtrips);
	domain_carry_free(h->domains);
	free(h->rows);
	free(h);
}

void handoff_attach_roundtrips(struct handoff *h, struct roundtrip_carry *rt)
{
	if (h)
		h->roundtrips = rt;
	else
		roundtrip_carry_free(rt);
}

struct roundtrip_carry *handoff_detach_roundtrips(struct handoff *h)
{
	struct roundtrip_carry *rt = h ? h->roundtrips : NULL;

	if (h)
		h->roundtrips = NULL;
	return rt;
}

void handoff_attach_domains(struct handoff *h, struct domain_carry *d)
{
	if (h)
		h->domains = d;
	else
		domain_carry_free(d);
}

struct domain_carry *handoff_detach_domains(struct handoff *h)
{
	struct domain_carry *d = h ? h->domains : NULL;

	if (h)
		h->domains = NULL;
	return d;
}
