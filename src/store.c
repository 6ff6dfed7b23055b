#include "store.h"

#include "dnsbl.h"
#include "monotime.h"

#include <stdlib.h>
#include <string.h>

struct store *store_new(void)
{
	struct store *s = calloc(1, sizeof(*s));

	if (s)
		pthread_mutex_init(&s->lock, NULL);
	return s;
}

void store_free(struct store *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->count; i++)
		free(s->targets[i]);
	free(s->targets);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

struct target *store_find(struct store *s, const char *name)
{
	for (unsigned i = 0; i < s->count; i++)
		if (strcmp(s->targets[i]->cfg.name, name) == 0)
			return s->targets[i];
	return NULL;
}

static int store_grow(struct store *s)
{
	unsigned cap = s->cap ? s->cap * 2 : 16;
	struct target **t = realloc(s->targets, cap * sizeof(*t));

	if (!t)
		return -1;
	s->targets = t;
	s->cap = cap;
	return 0;
}

struct target *store_add(struct store *s, const struct target_config *cfg)
{
	struct target *t;

	if (store_find(s, cfg->name) || (s->count == s->cap && store_grow(s) != 0))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	status_init(&t->st.track, cfg->opt.enabled);
	t->st.last.result = RESULT_NONE;
	pthread_mutex_lock(&s->lock);
	s->targets[s->count++] = t;
	pthread_mutex_unlock(&s->lock);
	return t;
}

static struct status_params status_params_of(const struct target_config *cfg)
{
	struct status_params p = {
		.fail_threshold = cfg->opt.fail_threshold,
		.recover_threshold = cfg->opt.recover_threshold,
		.latency_threshold_ms = cfg->opt.latency_threshold_ms,
		.cert_warn_days = cfg->opt.cert_warn_days,
	};
	return p;
}

/* LastBanner is "from the last probe that got one" (DESIGN section 5), and
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

	pthread_mutex_lock(&s->lock);
	r.before = t->st.track.status;
	h.listed = t->st.dnsbl_listings > 0;
	keep_outcome(&t->st, o);
	t->st.last_probe_wall_us = o->finished_wall_us;
	t->st.probes++;
	s->probes_total++;
	if (!ok) {
		t->st.failures++;
		s->failures_total++;
	}
	if (status_apply(&t->st.track, &p, ok, &h))
		t->st.last_change_wall_us = o->finished_wall_us;
	if (ok && h.have_cert)
		r.cert_expiring = cert_expiry_due(&t->st.cert, status_cert_in_warning(&p, &h),
						  o->tls.fingerprint, o->tls.days_left);
	if (after)
		*after = t->st;
	pthread_mutex_unlock(&s->lock);
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
	char zones[sizeof(t->st.dnsbl_zones)];
	struct probe_health h;

	pthread_mutex_lock(&s->lock);
	r.before = t->st.track.status;
	t->st.dnsbl_listings = dnsbl_apply(t->st.dnsbl_zones, v, zones, sizeof(zones));
	r.newly_listed = t->st.dnsbl_listings > 0 && dnsbl_new_listing(t->st.dnsbl_zones, zones);
	r.listing_changed = strcmp(t->st.dnsbl_zones, zones) != 0;
	memcpy(t->st.dnsbl_zones, zones, sizeof(zones));
	h = health_of(&t->st);
	if (status_reassess(&t->st.track, &p, &h))
		t->st.last_change_wall_us = walltime_us();
	if (after)
		*after = t->st;
	pthread_mutex_unlock(&s->lock);
	return r;
}

void store_remove(struct store *s, struct target *t)
{
	pthread_mutex_lock(&s->lock);
	for (unsigned i = 0; i < s->count; i++) {
		if (s->targets[i] == t) {
			memmove(&s->targets[i], &s->targets[i + 1],
				(s->count - i - 1) * sizeof(*s->targets));
			s->count--;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
}

void store_set_enabled(struct store *s, struct target *t, int enabled)
{
	pthread_mutex_lock(&s->lock);
	status_init(&t->st.track, enabled);
	t->st.last_change_wall_us = walltime_us();
	pthread_mutex_unlock(&s->lock);
}

void store_restore(struct store *s, struct target *t, const struct target_state *st)
{
	pthread_mutex_lock(&s->lock);
	t->st = *st;
	pthread_mutex_unlock(&s->lock);
}

void store_restore_totals(struct store *s, uint64_t probes, uint64_t failures)
{
	pthread_mutex_lock(&s->lock);
	s->probes_total = probes;
	s->failures_total = failures;
	pthread_mutex_unlock(&s->lock);
}

void store_snapshot(struct store *s, const struct target *t, struct target_state *out)
{
	pthread_mutex_lock(&s->lock);
	*out = t->st;
	pthread_mutex_unlock(&s->lock);
}

void store_totals(struct store *s, struct store_totals *out)
{
	pthread_mutex_lock(&s->lock);
	out->servers = s->count;
	out->down = 0;
	for (unsigned i = 0; i < s->count; i++)
		if (s->targets[i]->st.track.status == STATUS_DOWN)
			out->down++;
	out->probes = s->probes_total;
	out->failures = s->failures_total;
	pthread_mutex_unlock(&s->lock);
}
