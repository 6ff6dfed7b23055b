/* SPDX-License-Identifier: ISC */
#include "agent/domain_tls.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stdlib.h>
#include <string.h>

#include "core/log_line.h"
#include "shared/notify_queue.h"
#include "shared/store.h"

void domain_tls_init(struct domain_entry *e)
{
	e->sts_state = e->cfg.mta_sts ? MTA_STS_UNKNOWN : MTA_STS_DISABLED;
	e->sts_mode = MTA_STS_NO_POLICY;
	snprintf(e->sts_reason, sizeof(e->sts_reason), "%s", e->cfg.mta_sts ?
		 "not checked yet" : "not checked (mtaSts=no)");
}

static void send_note(struct domain_module *m, enum status_notification kind, const char *name,
		 const struct domain_note *n)
{
	struct notify_event *ev = calloc(1, sizeof(*ev));

	if (!ev) {
		snmp_log(LOG_ERR, "smtpmon: out of memory: %s for %s is lost\n",
			 log_notification_name(kind), name);
		return;
	}
	ev->type = EVENT_NOTIFICATION;
	ev->kind = kind;
	snprintf(ev->cfg.name, sizeof(ev->cfg.name), "%s", name);
	ev->dn = *n;
	notify_queue_push(m->notes, ev);
	notify_queue_wakeup(m->notes);
	free(ev);
}

/* A problem found, a different one, or the last one gone: one notification. */
static int worth_telling(int was_problem, int is_problem, int state_changed)
{
	return is_problem ? state_changed : was_problem;
}

/* --- MTA-STS ----------------------------------------------------------------- */

static void keep_policy(struct domain_entry *e, const struct domain_policy_report *r)
{
	if (!r->mta_sts || r->txt.found != 1 || r->fetch != FETCH_OK || !r->policy_ok)
		return;
	e->sts_mode = r->policy.mode;
	e->sts_max_age = r->policy.max_age;
	e->sts_fetched_wall_us = (uint64_t)time(NULL) * 1000000u;
	snprintf(e->sts_id, sizeof(e->sts_id), "%s", r->txt.id);
	mta_sts_patterns(&r->policy, e->sts_mx, sizeof(e->sts_mx));
}

static void apply_mta_sts(struct domain_module *m, struct domain_entry *e,
			  const struct domain_policy_report *r)
{
	enum mta_sts_state before = (enum mta_sts_state)e->sts_state, now;
	struct domain_note n;

	now = mta_sts_judge(r, e->set, e->cert_warn_days, e->sts_reason, sizeof(e->sts_reason));
	keep_policy(e, r);
	if (r->mta_sts && r->txt.found == 0) {
		e->sts_mode = MTA_STS_NO_POLICY;        /* the record was withdrawn */
		e->sts_id[0] = e->sts_mx[0] = '\0';
	}
	e->sts_state = now;
	if (now == before)
		return;
	snmp_log(mta_sts_state_is_problem(now) ? LOG_WARNING : LOG_NOTICE, "smtpmon: domain %s "
		 "(watch %s): MTA-STS is now %s, was %s: %s\n", e->cfg.domain, e->cfg.name,
		 mta_sts_state_name(now), mta_sts_state_name(before), e->sts_reason);
	if (!worth_telling(mta_sts_state_is_problem(before), mta_sts_state_is_problem(now), 1))
		return;
	memset(&n, 0, sizeof(n));
	snprintf(n.watch, sizeof(n.watch), "%s", e->cfg.name);
	snprintf(n.domain, sizeof(n.domain), "%s", e->cfg.domain);
	snprintf(n.reason, sizeof(n.reason), "%s", e->sts_reason);
	n.sts_state = now;
	n.sts_mode = e->sts_mode;
	send_note(m, mta_sts_state_is_problem(now) ? NOTIFY_DOMAIN_MTA_STS_FAILED
		 : NOTIFY_DOMAIN_MTA_STS_OK, e->cfg.name, &n);
}

/* --- DANE -------------------------------------------------------------------- */

static void dane_note(const struct domain_entry *e, const struct target *t,
		      struct domain_note *n)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->watch, sizeof(n->watch), "%s", e->cfg.name);
	snprintf(n->domain, sizeof(n->domain), "%s", e->cfg.domain);
	snprintf(n->row, sizeof(n->row), "%s", t->cfg.name);
	snprintf(n->host, sizeof(n->host), "%s", t->cfg.host);
	snprintf(n->mx, sizeof(n->mx), "%s", t->origin->mx);
	snprintf(n->reason, sizeof(n->reason), "%s", t->origin->dane_reason);
	snprintf(n->record, sizeof(n->record), "%s", t->origin->dane_record);
	n->port = t->cfg.port;
	n->dane_state = t->origin->dane_state;
}

static void apply_dane_row(struct domain_module *m, struct domain_entry *e,
			   const struct domain_policy_report *r, const struct mx_row *row)
{
	struct target *t = domain_module_row(m, e, row);
	struct domain_origin *o = t ? t->origin : NULL;
	enum dane_state before, now;
	struct domain_note n;

	if (!o)
		return;
	before = (enum dane_state)o->dane_state;
	now = dane_judge(r->have_anchor, r->dane ? policy_tlsa_for(r, row->mx) : NULL,
			 policy_check_for(r, row->mx, &row->addr), e->cert_warn_days,
			 o->dane_reason, sizeof(o->dane_reason), o->dane_record,
			 sizeof(o->dane_record));
	o->dane_state = now;
	if (now == before)
		return;
	snmp_log(dane_state_is_problem(now) ? LOG_WARNING : LOG_NOTICE, "smtpmon: server %s (MX %s "
		 "of %s): DANE is now %s, was %s: %s\n", t->cfg.name, o->mx, e->cfg.domain,
		 dane_state_name(now), dane_state_name(before), o->dane_reason);
	if (!worth_telling(dane_state_is_problem(before), dane_state_is_problem(now), 1))
		return;
	dane_note(e, t, &n);
	send_note(m, dane_state_is_problem(now) ? NOTIFY_SERVER_DANE_FAILED : NOTIFY_SERVER_DANE_OK,
	     t->cfg.name, &n);
}

void domain_tls_apply(struct domain_module *m, struct domain_entry *e,
		      const struct domain_policy_report *r)
{
	apply_mta_sts(m, e, r);
	for (unsigned i = 0; i < e->nrows; i++)
		apply_dane_row(m, e, r, &e->rows[i]);
}
