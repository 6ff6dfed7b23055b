/* SPDX-License-Identifier: ISC */
#include "agent/domain_module.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stdlib.h>
#include <string.h>

#include "agent/domain_tls.h"
#include "agent/mib_domain_table.h"
#include "agent/rows.h"
#include "core/log_line.h"
#include "core/settings.h"
#include "core/state.h"
#include "probe/domain_watch.h"
#include "probe/probe_thread.h"
#include "shared/notify_queue.h"
#include "shared/store.h"

struct domain_carry {
	struct domain_entry *entries;           /* as they were, SET pointers their own */
};

static struct domain_entry *find_entry(struct domain_module *m, const char *name)
{
	for (struct domain_entry *e = m->entries; e; e = e->next)
		if (strcmp(e->cfg.name, name) == 0)
			return e;
	return NULL;
}

/* --- the rows a watch makes ------------------------------------------------ */

/* T is E's own row (a name may have been taken by a configured server). */
struct target *domain_module_row(struct domain_module *m, const struct domain_entry *e,
				 const struct mx_row *r)
{
	char name[TARGET_NAME_MAX + 1];
	struct target *t;

	mx_row_name(e->cfg.name, r, name, sizeof(name));
	t = store_find(m->rows->store, name);
	return t && t->origin && strcmp(t->origin->watch, e->cfg.name) == 0 ? t : NULL;
}

static void log_row(const struct domain_entry *e, const struct mx_row *r, const char *what)
{
	char name[TARGET_NAME_MAX + 1], where[TARGET_HOST_MAX + 1];

	mx_row_name(e->cfg.name, r, name, sizeof(name));
	mx_row_where(r, where, sizeof(where));
	snmp_log(LOG_INFO, "smtpmon: domain %s (watch %s): %s row %s for MX %u %s%s%s\n",
		 e->cfg.domain, e->cfg.name, what, name, r->pref, r->mx,
		 r->addr.family ? " at " : "", r->addr.family ? where : "");
}

/* The first probe somewhere in the row's interval, so that the rows of many
 * watches are not all probed at once. */
static uint64_t first_delay(struct rows *rows, const struct target_config *spec)
{
	struct target_config cfg;
	unsigned h = 5381;

	rows_effective(rows, spec, &cfg);
	for (const char *c = spec->name; *c; c++)
		h = h * 33 + (unsigned char)*c;
	return (uint64_t)cfg.opt.interval_s * 1000u * (h % 1000u);
}

static void add_row(struct domain_module *m, struct domain_entry *e, const struct mx_row *r)
{
	struct target_config spec;
	struct domain_origin *o = calloc(1, sizeof(*o));
	struct target *t = NULL;
	const char *why = "out of memory";

	mx_row_target(&e->cfg, r, &spec);
	if (o && store_find(m->rows->store, spec.name))
		why = "the name is taken";
	else if (o && m->rows->store->count >= m->rows->settings->limits.rows)
		why = "smtpMonLimits rows= reached";
	else if (o)
		t = rows_add(m->rows, &spec, STORAGE_READONLY, ROW_ACTIVE,
			     first_delay(m->rows, &spec));
	if (!t) {
		snmp_log(LOG_WARNING, "smtpmon: domain %s (watch %s): no row %s: %s\n",
			 e->cfg.domain, e->cfg.name, spec.name, why);
		free(o);
		return;
	}
	snprintf(o->watch, sizeof(o->watch), "%s", e->cfg.name);
	snprintf(o->mx, sizeof(o->mx), "%s", r->mx);
	o->pref = r->pref;
	o->dane_state = e->cfg.dane ? DANE_UNKNOWN : DANE_DISABLED;
	snprintf(o->dane_reason, sizeof(o->dane_reason), "%s", e->cfg.dane ? "not checked yet"
		 : "not checked (dane=no)");
	t->origin = o;
	log_row(e, r, "added");
}

static void drop_row(struct domain_module *m, struct domain_entry *e, const struct mx_row *r)
{
	struct target *t = domain_module_row(m, e, r);

	if (!t)
		return;
	rows_drop(m->rows, t);
	log_row(e, r, "removed");
}

static const struct mx_row *numbered(const struct mx_row *rows, unsigned n, unsigned number)
{
	for (unsigned i = 0; i < n; i++)
		if (rows[i].number == number)
			return &rows[i];
	return NULL;
}

/* The rows follow the MX set: the same MX host and address keep their row
 * (and its counters); a preference that changed is only shown. */
static void follow_rows(struct domain_module *m, struct domain_entry *e)
{
	struct mx_row next[DOMAIN_ROWS_MAX], *kept;
	unsigned n = mx_rows(e->set, e->cfg.family, next, DOMAIN_ROWS_MAX, &e->cut);

	mx_rows_number(e->rows, e->nrows, next, n);
	for (unsigned i = 0; i < e->nrows; i++)
		if (!numbered(next, n, e->rows[i].number))
			drop_row(m, e, &e->rows[i]);
	for (unsigned i = 0; i < n; i++) {
		struct target *t = domain_module_row(m, e, &next[i]);

		if (!numbered(e->rows, e->nrows, next[i].number))
			add_row(m, e, &next[i]);
		else if (t)
			t->origin->pref = next[i].pref;
	}
	kept = realloc(e->rows, (n ? n : 1) * sizeof(next[0]));
	if (!kept) {                    /* the rows are made; only their list is short */
		snmp_log(LOG_ERR, "smtpmon: out of memory: domain watch %s loses track of its "
			 "rows\n", e->cfg.name);
		return;
	}
	memcpy(kept, next, n * sizeof(next[0]));
	e->rows = kept;
	e->nrows = n;
}

/* --- the domain's Status ------------------------------------------------------ */

static void note_of(const struct domain_entry *e, struct domain_note *n)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->watch, sizeof(n->watch), "%s", e->cfg.name);
	snprintf(n->domain, sizeof(n->domain), "%s", e->cfg.domain);
	n->status = e->status;
	snprintf(n->reason, sizeof(n->reason), "%s", e->reason);
	snprintf(n->mx_set, sizeof(n->mx_set), "%s", e->mx_text);
	snprintf(n->change, sizeof(n->change), "%s", e->change);
	n->addresses = e->addresses;
	n->up = e->up;
}

static void notify(struct domain_module *m, const struct domain_entry *e,
		   enum status_notification kind)
{
	struct notify_event *ev = calloc(1, sizeof(*ev));

	if (!ev) {
		snmp_log(LOG_ERR, "smtpmon: out of memory: %s for %s is lost\n",
			 log_notification_name(kind), e->cfg.name);
		return;
	}
	ev->type = EVENT_NOTIFICATION;
	ev->kind = kind;
	snprintf(ev->cfg.name, sizeof(ev->cfg.name), "%s", e->cfg.name);
	note_of(e, &ev->dn);
	notify_queue_push(m->notes, ev);
	notify_queue_wakeup(m->notes);
	free(ev);
}

/* The server rules' notifications, as the domain's. */
static void notify_change(struct domain_module *m, const struct domain_entry *e,
			  enum domain_status before)
{
	enum status_notification out[2];
	int n = status_notifications(domain_status_as_server(before),
				     domain_status_as_server(e->status), out);

	for (int i = 0; i < n; i++)
		notify(m, e, out[i] == NOTIFY_SERVER_DOWN ? NOTIFY_DOMAIN_DOWN :
			     out[i] == NOTIFY_SERVER_UP ? NOTIFY_DOMAIN_UP : NOTIFY_DOMAIN_DEGRADED);
}

struct row_views {
	struct domain_row_view v[DOMAIN_ROWS_MAX];
	char where[DOMAIN_ROWS_MAX][TARGET_HOST_MAX + 1];
	unsigned n;
};

static void view_rows(struct domain_module *m, struct domain_entry *e, struct row_views *rv)
{
	struct target_state *st = malloc(sizeof(*st));

	rv->n = 0;
	e->up = 0;
	for (unsigned i = 0; st && i < e->nrows; i++) {
		struct target *t = domain_module_row(m, e, &e->rows[i]);
		struct domain_row_view *v = &rv->v[rv->n];

		if (!t)
			continue;
		store_snapshot(m->rows->store, t, st);
		mx_row_where(&e->rows[i], rv->where[rv->n], sizeof(rv->where[0]));
		*v = (struct domain_row_view){ e->rows[i].mx, rv->where[rv->n], st->track.status,
					       probe_result_name(st->last.result) };
		e->up += v->status == STATUS_UP || v->status == STATUS_DEGRADED;
		rv->n++;
	}
	free(st);
}

static void reassess(struct domain_module *m, struct domain_entry *e)
{
	struct row_views *rv = malloc(sizeof(*rv));
	enum domain_status before = e->status;

	if (!rv)
		return;
	view_rows(m, e, rv);
	e->status = domain_status_of(&(struct domain_view){ e->cfg.domain, e->set, e->cut, rv->n,
							    rv->v }, e->reason, sizeof(e->reason));
	free(rv);
	if (e->status == before)
		return;
	snmp_log(e->status == DOMAIN_DOWN || e->status == DOMAIN_DEGRADED ? LOG_WARNING : LOG_NOTICE,
		 "smtpmon: domain %s (watch %s) is now %s, was %s: %s\n", e->cfg.domain, e->cfg.name,
		 domain_status_name(e->status), domain_status_name(before), e->reason);
	notify_change(m, e, before);
}

/* --- lookups ------------------------------------------------------------------- */

static void note_mx_change(struct domain_module *m, struct domain_entry *e,
			   const struct mx_set *now, uint64_t wall_us)
{
	char change[256];

	if (!mx_set_changed(e->set, now, change, sizeof(change)))
		return;
	snprintf(e->change, sizeof(e->change), "%s", change);
	e->changed_wall_us = wall_us;
	snmp_log(LOG_WARNING, "smtpmon: domain %s (watch %s): the MX set changed: %s\n",
		 e->cfg.domain, e->cfg.name, change);
	notify(m, e, NOTIFY_DOMAIN_MX_CHANGED);
}

/* A failed lookup keeps the rows of the last one that answered. */
static void lookup_failed(struct domain_entry *e, const struct mx_set *s)
{
	if (strcmp(e->dns_error, s->error) != 0)
		snmp_log(LOG_WARNING, "smtpmon: domain %s (watch %s): MX lookup failed: %s\n",
			 e->cfg.domain, e->cfg.name, s->error);
	snprintf(e->dns_error, sizeof(e->dns_error), "%s", s->error);
	if (e->set->kind == MX_UNKNOWN || e->set->kind == MX_FAILED)
		*e->set = *s;
}

static void apply_lookup(struct domain_module *m, struct domain_entry *e, struct mx_set *s,
			 uint64_t wall_us)
{
	e->looked_wall_us = wall_us;
	if (s->kind == MX_FAILED) {
		lookup_failed(e, s);
	} else {
		e->dns_error[0] = '\0';
		mx_set_keep_addresses(s, e->set);
		mx_set_describe(s, e->mx_text, sizeof(e->mx_text));   /* the notification's MxSet */
		note_mx_change(m, e, s, wall_us);
		*e->set = *s;
		e->mx_count = s->kind == MX_LISTED || s->kind == MX_IMPLICIT ? s->nhosts : 0;
		e->addresses = mx_set_addresses(s, e->cfg.family);
		follow_rows(m, e);
	}
	reassess(m, e);
}

void domain_module_looked_up(struct domain_module *m, const char *name)
{
	struct domain_entry *e = find_entry(m, name);
	struct mx_set *s;
	uint64_t wall_us;

	struct domain_policy_report *r;

	if (!e || !e->watch)
		return;
	if ((s = domain_watches_take(m->watches, e->watch, &wall_us)) != NULL)
		apply_lookup(m, e, s, wall_us);
	free(s);
	/* After the rows the lookup made: the report's rows are among them. */
	if ((r = domain_watches_take_report(m->watches, e->watch)) != NULL)
		domain_tls_apply(m, e, r);
	free(r);
}

void domain_module_row_changed(struct domain_module *m, const char *row)
{
	struct target *t = m->rows ? store_find(m->rows->store, row) : NULL;
	struct domain_entry *e = t && t->origin ? find_entry(m, t->origin->watch) : NULL;

	if (e)
		reassess(m, e);
}

/* --- life cycle ---------------------------------------------------------------- */

void domain_module_init(struct domain_module *m)
{
	memset(m, 0, sizeof(*m));
	domain_directive_register(&m->config);
}

/* The rows and findings of C (the same line, before the plugin's reload)
 * come back before the first lookup, so that its rows keep their state. */
static void adopt(struct domain_module *m, struct domain_entry *e, const struct domain_entry *c)
{
	*e->set = *c->set;
	e->status = c->status;
	e->mx_count = c->mx_count;
	e->addresses = c->addresses;
	memcpy(e->reason, c->reason, sizeof(e->reason));
	memcpy(e->mx_text, c->mx_text, sizeof(e->mx_text));
	memcpy(e->change, c->change, sizeof(e->change));
	memcpy(e->dns_error, c->dns_error, sizeof(e->dns_error));
	e->looked_wall_us = c->looked_wall_us;
	e->changed_wall_us = c->changed_wall_us;
	e->cut = c->cut;
	e->sts_state = c->sts_state;
	e->sts_mode = c->sts_mode;
	e->sts_max_age = c->sts_max_age;
	e->sts_fetched_wall_us = c->sts_fetched_wall_us;
	memcpy(e->sts_id, c->sts_id, sizeof(e->sts_id));
	memcpy(e->sts_mx, c->sts_mx, sizeof(e->sts_mx));
	memcpy(e->sts_reason, c->sts_reason, sizeof(e->sts_reason));
	/* The same names as before, whatever numbers they had come to. */
	if (!c->nrows || !(e->rows = malloc(c->nrows * sizeof(*e->rows))))
		return;
	memcpy(e->rows, c->rows, c->nrows * sizeof(*e->rows));
	e->nrows = c->nrows;
	for (unsigned i = 0; i < e->nrows; i++) {
		struct target *t;

		add_row(m, e, &e->rows[i]);
		/* The DANE verdicts too: the next round is news only if it differs. */
		t = domain_module_row(m, e, &e->rows[i]);
		if (t && c->carried) {
			t->origin->dane_state = c->carried[i].dane_state;
			memcpy(t->origin->dane_record, c->carried[i].dane_record,
			       sizeof(t->origin->dane_record));
			memcpy(t->origin->dane_reason, c->carried[i].dane_reason,
			       sizeof(t->origin->dane_reason));
		}
	}
}

static void free_entry(struct domain_entry *e)
{
	free(e->carried);
	free(e->rows);
	free(e->set);
	free(e);
}

static struct domain_entry *new_entry(struct domain_module *m, const struct domain_config *cfg,
				      const struct domain_entry *carried, uint64_t delay_us)
{
	struct domain_entry *e = calloc(1, sizeof(*e));
	struct domain_config run = *cfg;

	/* The probe thread's checks connect as the rows do: the keys given,
	 * then smtpMonDefaults, then the built-ins. */
	target_options_merge(&run.opt, &cfg->opt, &m->rows->settings->defaults);
	if (!e || !(e->set = calloc(1, sizeof(*e->set)))) {
		free(e);
		return NULL;
	}
	e->cfg = *cfg;
	e->status = DOMAIN_UNKNOWN;
	snprintf(e->reason, sizeof(e->reason), "the MX set was not looked up yet");
	snprintf(e->mx_text, sizeof(e->mx_text), "not looked up yet");
	e->cert_warn_days = run.opt.cert_warn_days;
	domain_tls_init(e);
	if (carried)
		adopt(m, e, carried);
	e->watch = domain_watches_add(m->watches, &run, delay_us);
	if (!e->watch || domain_table_add(m->table, e) != 0)
		snmp_log(LOG_ERR, "smtpmon: out of memory: domain watch %s is not %s\n", cfg->name,
			 e->watch ? "in smtpMonDomainTable" : "looked up");
	return e;
}

static void append(struct domain_module *m, struct domain_entry *e)
{
	struct domain_entry **at = &m->entries;

	while (*at)
		at = &(*at)->next;
	*at = e;
}

static const struct domain_entry *carried_as(const struct domain_carry *c,
					     const struct domain_config *cfg)
{
	for (const struct domain_entry *e = c ? c->entries : NULL; e; e = e->next)
		if (domain_config_equal(&e->cfg, cfg))
			return e;
	return NULL;
}

/* The first lookups spread over a few seconds, so that many watches do not
 * ask the resolver at once. */
static void add_entries(struct domain_module *m, const struct domain_list *l,
			const struct domain_carry *carried)
{
	for (unsigned i = 0; i < l->count; i++) {
		uint64_t delay_us = (uint64_t)2000000u * i / l->count;
		struct domain_entry *e = new_entry(m, &l->items[i], carried_as(carried, &l->items[i]),
						   delay_us);

		if (e)
			append(m, e);
	}
}

int domain_module_start(struct domain_module *m, struct rows *rows, const struct loop_parts *loop,
			struct notify_queue *notes, struct notify_queue *activity,
			struct domain_carry *carried)
{
	m->rows = rows;
	m->notes = notes;
	m->table = domain_table_register();
	m->watches = loop->resolver ? domain_watches_new(loop, activity) : NULL;
	if (!m->table || (!m->watches && m->config.count)) {
		snmp_log(LOG_ERR, "smtpmon: the domain watches cannot start%s\n",
			 loop->resolver ? "" : ": no DNS client");
		domain_carry_free(carried);
		return -1;
	}
	add_entries(m, &m->config, carried);
	domain_list_clear(&m->config);
	domain_carry_free(carried);
	return 0;
}

unsigned domain_module_count(const struct domain_module *m)
{
	unsigned n = 0;

	for (const struct domain_entry *e = m->entries; e; e = e->next)
		n++;
	return n;
}

/* --- reload -------------------------------------------------------------------- */

void domain_module_reload_begin(struct domain_module *m)
{
	domain_list_clear(&m->fresh);
	domain_directive_collect_into(&m->fresh);
}

static int listed_as(const struct domain_list *l, const struct domain_config *cfg)
{
	for (unsigned i = 0; i < l->count; i++)
		if (domain_config_equal(&l->items[i], cfg))
			return 1;
	return 0;
}

static void remove_entry(struct domain_module *m, struct domain_entry *e)
{
	for (unsigned i = 0; i < e->nrows; i++)
		drop_row(m, e, &e->rows[i]);
	domain_table_remove(m->table, e);
	if (e->watch)
		domain_watches_remove(m->watches, e->watch);
	free_entry(e);
}

/* Watches whose line is gone or changed go with their rows; new and
 * changed lines start; the others keep their rows and state. */
void domain_module_reload_end(struct domain_module *m)
{
	struct domain_entry **at = &m->entries;

	while (*at) {
		struct domain_entry *e = *at;

		if (listed_as(&m->fresh, &e->cfg)) {
			at = &e->next;
			continue;
		}
		*at = e->next;
		remove_entry(m, e);
	}
	for (unsigned i = 0; m->watches && i < m->fresh.count; i++)
		if (!find_entry(m, m->fresh.items[i].name)) {
			struct domain_entry *e = new_entry(m, &m->fresh.items[i], NULL, 0);

			if (e)
				append(m, e);
		}
	domain_list_clear(&m->fresh);
	domain_directive_collect_into(&m->config);
}

/* --- the plugin's reload ------------------------------------------------------- */

/* E's rows' origins, in the order of its rows; NULL when out of memory
 * (the DANE states then start again as unknown). */
static struct domain_origin *save_origins(struct domain_module *m, const struct domain_entry *e)
{
	struct domain_origin *o = calloc(e->nrows ? e->nrows : 1, sizeof(*o));

	for (unsigned i = 0; o && i < e->nrows; i++) {
		struct target *t = domain_module_row(m, e, &e->rows[i]);

		if (t)
			o[i] = *t->origin;
		else
			o[i].dane_state = DANE_UNKNOWN;
	}
	return o;
}

struct domain_carry *domain_module_save(struct domain_module *m)
{
	struct domain_carry *c = calloc(1, sizeof(*c));
	struct domain_entry **at = c ? &c->entries : NULL;

	for (struct domain_entry *e = m->entries; c && e; e = e->next) {
		struct domain_entry *copy = malloc(sizeof(*copy));

		if (!copy)
			break;
		*copy = *e;
		copy->set = malloc(sizeof(*copy->set));
		copy->rows = malloc((e->nrows ? e->nrows : 1) * sizeof(*copy->rows));
		if (!copy->set || !copy->rows) {
			free_entry(copy);
			break;
		}
		*copy->set = *e->set;
		memcpy(copy->rows, e->rows, e->nrows * sizeof(*copy->rows));
		copy->carried = save_origins(m, e);
		copy->next = NULL;
		*at = copy;
		at = &copy->next;
	}
	return c;
}

void domain_carry_free(struct domain_carry *c)
{
	while (c && c->entries) {
		struct domain_entry *e = c->entries;

		c->entries = e->next;
		free_entry(e);
	}
	free(c);
}

void domain_module_free(struct domain_module *m)
{
	domain_watches_free(m->watches);
	domain_table_unregister(m->table);
	while (m->entries) {
		struct domain_entry *e = m->entries;

		m->entries = e->next;
		free_entry(e);
	}
	domain_directive_unregister();
	domain_list_clear(&m->config);
	domain_list_clear(&m->fresh);
	memset(m, 0, sizeof(*m));
}
