/* SPDX-License-Identifier: ISC */
#include "agent/rows.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "agent/mib_history_table.h"
#include "agent/mib_server_table.h"
#include "core/settings.h"
#include "probe/scheduler.h"
#include "shared/store.h"

void rows_effective(const struct rows *r, const struct target_config *spec,
		    struct target_config *out)
{
	*out = *spec;
	target_config_finish(out, &r->settings->defaults);
}

void rows_effective_as(const struct rows *r, const struct target_config *spec, int storage,
		       struct target_config *out)
{
	uint32_t floor = r->settings->limits.set_min_interval;

	rows_effective(r, spec, out);
	if (storage != STORAGE_READONLY && out->opt.interval_s < floor)
		out->opt.interval_s = floor;
}

unsigned rows_count_set(const struct rows *r)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->store->count; i++)
		n += r->store->targets[i]->storage != STORAGE_READONLY;
	return n;
}

int rows_probed(const struct target *t)
{
	return t->cfg.opt.enabled && t->row_status == ROW_ACTIVE;
}

/* What the probe thread gets: a row that is not active is not probed. */
static struct target_config probe_view(const struct target *t)
{
	struct target_config c = t->cfg;

	c.opt.enabled = rows_probed(t);
	return c;
}

struct target *rows_add(struct rows *r, const struct target_config *spec, int storage,
			int row_status, uint64_t first_probe_delay_us)
{
	struct target_config cfg, view;
	struct target *t;

	rows_effective_as(r, spec, storage, &cfg);
	t = store_add(r->store, spec, &cfg);
	if (!t)
		return NULL;
	t->storage = storage;
	t->row_status = row_status;
	if (server_table_add(r->table, t) != 0)
		snmp_log(LOG_ERR, "smtpmon: cannot add row %s to the table\n", spec->name);
	view = probe_view(t);
	if (scheduler_add(r->sched, t, &view, first_probe_delay_us) != 0)
		snmp_log(LOG_ERR, "smtpmon: out of memory: row %s is not probed\n", spec->name);
	return t;
}

void rows_change(struct rows *r, struct target *t, const struct target_config *spec,
		 int row_status)
{
	struct target_config view;

	if (target_set_spec(t, spec) != 0) {
		snmp_log(LOG_ERR, "smtpmon: out of memory: row %s keeps its settings\n", spec->name);
		return;
	}
	t->row_status = row_status;
	rows_effective_as(r, spec, t->storage, &t->cfg);
	view = probe_view(t);
	if (scheduler_update(r->sched, t, &view) != 0)
		snmp_log(LOG_ERR, "smtpmon: out of memory: the change to row %s is lost\n",
			 spec->name);
}

void rows_drop(struct rows *r, struct target *t)
{
	history_forget(r->history, t);
	server_table_remove(r->table, t);
	store_remove(r->store, t);
	if (scheduler_remove(r->sched, t) != 0)
		snmp_log(LOG_ERR, "smtpmon: out of memory: a removed row is still probed\n");
}

void rows_apply_defaults(struct rows *r)
{
	for (unsigned i = 0; i < r->store->count; i++) {
		struct target *t = r->store->targets[i];
		struct target_config spec, cfg;

		target_spec(t, &spec);
		rows_effective_as(r, &spec, t->storage, &cfg);
		if (!target_config_equal(&cfg, &t->cfg))
			rows_change(r, t, &spec, t->row_status);
	}
}
