/* SPDX-License-Identifier: ISC */
#include "shared/store.h"

#include "core/dnsbl.h"
#include "core/log_line.h"
#include "core/monotime.h"
#include "core/packed.h"
#include "core/state.h"
#include "core/status_reason.h"

#include <stdlib.h>
#include <string.h>

#define TEXT(member) { offsetof(struct target_state, member), STATE_TEXT_MAX + 1 }
static const struct text_field state_texts[] = {
	TEXT(last.tls.subject), TEXT(last.tls.issuer), TEXT(last.last_reply), TEXT(last.error),
	TEXT(last.banner), TEXT(last.ehlo_keywords), TEXT(last.warning), TEXT(dnsbl_zones),
};
#undef TEXT

static const struct pack_layout state_layout = {
	sizeof(struct target_state), offsetof(struct target_state, last.tls.subject),
	state_texts, sizeof(state_texts) / sizeof(state_texts[0]),
};

/* Under the lock: T's state, opened. */
static void state_open(const struct target *t, struct target_state *st)
{
	unpack(&state_layout, t->st, st);
}

/* Under the lock: ST becomes T's state; out of memory keeps the old one,
 * which leaves the row one probe behind rather than losing it. */
static void state_keep(struct target *t, const struct target_state *st)
{
	struct packed *p = pack(&state_layout, st);

	if (p) {
		free(t->st);
		t->st = p;
	}
}

void store_target_free(struct target *t)
{
	free(t->st);
	free(t->spec);
	free(t->origin);
	free(t);
}

struct store *store_new(void)
{
	struct store *s = calloc(1, sizeof(*s));

	if (s) {
		pthread_mutex_init(&s->lock, NULL);
		s->totals_since_us = monotime_us();
	}
	return s;
}

void store_free(struct store *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->count; i++)
		store_target_free(s->targets[i]);
	free(s->targets);
	free(s->by_name);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Where NAME is in by_name, or would go. The activity queue looks a row up
 * by name for every probe, so this must not be linear in the servers. */
static unsigned name_slot(const struct store *s, const char *name, int *found)
{
	unsigned lo = 0, hi = s->count;

	*found = 0;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = strcmp(s->by_name[mid]->cfg.name, name);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct target *store_find(struct store *s, const char *name)
{
	int found;
	unsigned i = name_slot(s, name, &found);

	return found ? s->by_name[i] : NULL;
}

static int store_grow(struct store *s)
{
	unsigned cap = s->cap ? s->cap * 2 : 16;
	struct target **t = realloc(s->targets, cap * sizeof(*t));
	struct target **n;

	if (!t)
		return -1;
	s->targets = t;
	n = realloc(s->by_name, cap * sizeof(*n));
	if (!n)
		return -1;
	s->by_name = n;
	s->cap = cap;
	return 0;
}

static void unlist(struct target **list, unsigned count, unsigned i)
{
	memmove(&list[i], &list[i + 1], (count - i - 1) * sizeof(*list));
}

struct target *store_add(struct store *s, const struct target_config *spec,
			 const struct target_config *cfg)
{
	struct target_state st = { 0 };
	struct target *t;
	int found;
	unsigned at = name_slot(s, cfg->name, &found);

	if (found || (s->count == s->cap && store_grow(s) != 0))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	status_init(&st.track, cfg->opt.enabled);
	st.last.result = RESULT_NONE;
	st.counters_since_us = monotime_us();
	t->st = pack(&state_layout, &st);
	if (!t->st || target_set_spec(t, spec) != 0) {
		store_target_free(t);
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	memmove(&s->by_name[at + 1], &s->by_name[at], (s->count - at) * sizeof(*s->by_name));
	s->by_name[at] = t;
	s->targets[s->count++] = t;
	pthread_mutex_unlock(&s->lock);
	return t;
}

/* LastBanner is "from the last probe that got one" (doc/DESIGN.md section 3), and
 * the certificate columns from the last probe that completed a handshake. */
static void keep_outcome(struct target_state *st, const struct probe_outcome *o)
{
	char banner[sizeof(st->last.banner)];
	struct tls_facts tls = st->last.tls;

	memcpy(banner, st->last.banner, sizeof(banner));
	st->last = *o;
	if (!o->banner[0])
		memcpy(st->last.banner, banner, sizeof(banner));
	if (!o->tls.have_cert)
		st->last.tls = tls;
}

struct record_result store_record(struct store *s, struct target *t,
				  const struct target_config *cfg,
				  const struct probe_outcome *o, struct target_state *after)
{
	struct status_params p = status_params_of(cfg);
	struct probe_health h = { o->latency_us, o->tls.have_cert, o->tls.days_left, 0 };
	int ok = o->result == RESULT_OK;
	struct record_result r = { .slow = ok && status_is_slow(&p, o->latency_us) };
	struct target_state st;

	pthread_mutex_lock(&s->lock);
	state_open(t, &st);
	r.before = st.track.status;
	h.listed = st.dnsbl_listings > 0;
	keep_outcome(&st, o);
	st.last_probe_wall_us = o->finished_wall_us;
	st.probes++;
	s->probes_total++;
	if (!ok) {
		st.failures++;
		s->failures_total++;
	}
	if (status_apply(&st.track, &p, ok, &h))
		st.last_change_wall_us = o->finished_wall_us;
	if (ok && h.have_cert)
		r.cert_expiring = cert_expiry_due(&st.cert, status_cert_in_warning(&p, &h),
						  o->tls.fingerprint, o->tls.days_left);
	state_keep(t, &st);
	pthread_mutex_unlock(&s->lock);
	if (after)
		*after = st;
	return r;
}

/* Whether the last probe, as recorded, left reasons to call it degraded. */
static struct probe_health health_of(const struct target_state *st)
{
	struct probe_health h = {
		st->last.latency_us, st->last.tls.have_cert, st->last.tls.days_left,
		st->dnsbl_listings > 0,
	};
	return h;
}

struct record_result store_record_dnsbl(struct store *s, struct target *t,
					const struct target_config *cfg,
					const struct dnsbl_verdicts *v, struct target_state *after)
{
	struct status_params p = status_params_of(cfg);
	struct record_result r = { 0 };
	struct target_state st;
	char zones[sizeof(st.dnsbl_zones)];
	struct probe_health h;

	pthread_mutex_lock(&s->lock);
	state_open(t, &st);
	r.before = st.track.status;
	st.dnsbl_listings = dnsbl_apply(st.dnsbl_zones, v, zones, sizeof(zones));
	r.newly_listed = st.dnsbl_listings > 0 && dnsbl_new_listing(st.dnsbl_zones, zones);
	r.listing_changed = strcmp(st.dnsbl_zones, zones) != 0;
	memcpy(st.dnsbl_zones, zones, sizeof(zones));
	h = health_of(&st);
	if (status_reassess(&st.track, &p, &h))
		st.last_change_wall_us = walltime_us();
	state_keep(t, &st);
	pthread_mutex_unlock(&s->lock);
	if (after)
		*after = st;
	return r;
}

void store_remove(struct store *s, struct target *t)
{
	int found;
	unsigned at = name_slot(s, t->cfg.name, &found);

	pthread_mutex_lock(&s->lock);
	for (unsigned i = 0; i < s->count; i++) {
		if (s->targets[i] == t) {
			unlist(s->targets, s->count, i);
			if (found)
				unlist(s->by_name, s->count, at);
			s->count--;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
}

void store_set_enabled(struct store *s, struct target *t, int enabled)
{
	struct target_state st;

	pthread_mutex_lock(&s->lock);
	state_open(t, &st);
	status_init(&st.track, enabled);
	st.last_change_wall_us = walltime_us();
	state_keep(t, &st);
	pthread_mutex_unlock(&s->lock);
}

void store_restore(struct store *s, struct target *t, const struct target_state *st)
{
	pthread_mutex_lock(&s->lock);
	state_keep(t, st);
	pthread_mutex_unlock(&s->lock);
}

void store_restore_totals(struct store *s, const struct store_totals *carried)
{
	pthread_mutex_lock(&s->lock);
	s->probes_total = carried->probes;
	s->failures_total = carried->failures;
	s->totals_since_us = carried->since_us;
	pthread_mutex_unlock(&s->lock);
}

void store_snapshot(struct store *s, const struct target *t, struct target_state *out)
{
	pthread_mutex_lock(&s->lock);
	state_open(t, out);
	pthread_mutex_unlock(&s->lock);
}

void store_totals(struct store *s, struct store_totals *out)
{
	struct target_state st;

	pthread_mutex_lock(&s->lock);
	out->servers = s->count;
	out->down = 0;
	for (unsigned i = 0; i < s->count; i++) {
		unpack_numbers(&state_layout, s->targets[i]->st, &st);
		if (st.track.status == STATUS_DOWN)
			out->down++;
	}
	out->probes = s->probes_total;
	out->failures = s->failures_total;
	out->since_us = s->totals_since_us;
	pthread_mutex_unlock(&s->lock);
}

int target_set_spec(struct target *t, const struct target_config *spec)
{
	struct packed *p = pack(&target_config_layout, spec);

	if (!p)
		return -1;
	free(t->spec);
	t->spec = p;
	return 0;
}

void target_spec(const struct target *t, struct target_config *out)
{
	unpack(&target_config_layout, t->spec, out);
}

void target_state_log(const struct target_state *st, struct log_server *out)
{
	const struct probe_outcome *o = &st->last;

	*out = (struct log_server){
		.status = st->track.status,
		.result = o->result,
		.stage = o->stage,
		.reply_code = o->reply_code,
		.elapsed_us = o->elapsed_us,
		.latency_us = o->latency_us,
		.addr_family = o->addr_family,
		.addr = o->addr,
		.error = o->error,
		.dnsbl_listings = st->dnsbl_listings,
		.dnsbl_zones = st->dnsbl_zones,
		.cert_subject = o->tls.subject,
		.cert_issuer = o->tls.issuer,
		.cert_days_left = o->tls.days_left,
	};
}
