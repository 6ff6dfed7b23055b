/* SPDX-License-Identifier: ISC */
#include "agent/roundtrip_module.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/mib_roundtrip_table.h"
#include "agent/process_limits.h"
#include "probe/probe_thread.h"
#include "probe/roundtrip.h"
#include "probe/scheduler.h"
#include "shared/store.h"

/* What the plugin's reload carries: each check's line (passwords included,
 * wiped when freed) and state. */
struct roundtrip_carry {
	unsigned count;
	struct carried_check {
		struct roundtrip_config cfg;
		struct roundtrip_state st;
	} checks[];
};

void roundtrip_module_init(struct roundtrip_module *m)
{
	memset(m, 0, sizeof(*m));
	roundtrip_directive_register(&m->config);
}

/* Why check C may not send through the row T, or NULL. Credentials follow
 * only rows of the configuration file (readOnly), never one that a SET
 * created or that came back from the persistent store (doc/DESIGN.md
 * section 4). */
static const char *unusable(const struct target *t)
{
	if (!t)
		return "there is no smtpMonServer of that name";
	if (t->storage != STORAGE_READONLY)
		return "its row was created by SET, and round trips send credentials only through "
		       "rows of the configuration file";
	return NULL;
}

/* The row to send through as probes see it, or a disabled stand-in while
 * there is none that may be used; a change of that is logged once and shown
 * in the check's LastError. */
static struct target_config sender(struct roundtrip_module *m, struct roundtrip_check *c,
				   const struct roundtrip_config *rc)
{
	const struct target *t = store_find(m->store, rc->server);
	const char *why = unusable(t);
	struct target_config none;
	char text[300];

	if (!why) {
		if (c->refused)
			roundtrips_set_note(m->set, c, "");
		c->refused = NULL;
		return t->cfg;
	}
	snprintf(text, sizeof(text), "server %s: %s; the check is stopped until the "
		 "configuration file has the row", rc->server, why);
	if (c->refused != why)
		snmp_log(LOG_WARNING, "smtpmon: round trip %s: %s\n", rc->name, text);
	c->refused = why;
	roundtrips_set_note(m->set, c, text);   /* each time: a check that was running as its
						 * row went may record over it once */
	memset(&none, 0, sizeof(none));
	snprintf(none.name, sizeof(none.name), "%s", rc->server);
	return none;
}

static void warn_cleartext(struct store *store, const struct roundtrip_config *rc)
{
	const struct target *t = store_find(store, rc->server);

	if (t && rc->smtp_user[0] && t->cfg.opt.tls == TLS_NONE)
		snmp_log(LOG_WARNING, "smtpmon: round trip %s: smtpUser is set but server %s has "
			 "tls=none; credentials are never sent without TLS, so the check will fail\n",
			 rc->name, rc->server);
}

/* The same line before the plugin's reload: its counters and Status go on. */
static void adopt(struct roundtrip_check *c, const struct roundtrip_carry *carry)
{
	for (unsigned i = 0; carry && i < carry->count; i++) {
		if (!roundtrip_config_equal(&c->cfg, &carry->checks[i].cfg))
			continue;
		c->st = carry->checks[i].st;
		if (!c->server.opt.enabled)
			c->st.track.status = STATUS_DISABLED;
		else if (c->st.track.status == STATUS_DISABLED)
			c->st.track.status = STATUS_UNKNOWN;
		return;
	}
}

/* Round trips log in with passwords and tokens, which a core dump of the
 * process would hold: once any are loaded, it makes none (smtpmond makes
 * none anyway; snmpd with the plugin, from now on, said in its log). */
static void no_dumps_with_secrets(const struct roundtrip_list *l)
{
	int rc;

	for (unsigned i = 0; i < l->count; i++) {
		if (!roundtrip_config_has_secret(&l->items[i]))
			continue;
		rc = smtpmon_no_core_dumps();
		if (rc > 0)
			snmp_log(LOG_INFO, "smtpmon: round trips hold credentials: this process makes "
				 "no core dump from now on\n");
		else if (rc < 0)
			snmp_log(LOG_WARNING, "smtpmon: round trips hold credentials, and core "
				 "dumps cannot be turned off: %s\n", strerror(errno));
		return;
	}
}

/* Checks spread over their interval, as servers are. */
static void add_check(struct roundtrip_module *m, struct store *store,
		      const struct roundtrip_config *rc, unsigned i, unsigned n,
		      const struct roundtrip_carry *carry)
{
	const struct target *t = store_find(store, rc->server);
	struct target_config server;
	struct roundtrip_check *c;

	memset(&server, 0, sizeof(server));   /* stopped, until sender() says otherwise */
	snprintf(server.name, sizeof(server.name), "%s", rc->server);
	if (!unusable(t))
		server = t->cfg;
	warn_cleartext(store, rc);
	c = roundtrips_add(m->set, rc, &server, (uint64_t)rc->interval_s * 1000000u * i / n);
	if (c) {
		adopt(c, carry);   /* the probe thread has not started */
		sender(m, c, rc);  /* says why it cannot run, in its row */
	}
	if (!c || roundtrip_table_add(m->table, c) != 0)
		snmp_log(LOG_ERR, "smtpmon: round trip %s: out of memory\n", rc->name);
}

/* A sending row that came, went or changed (reload, SET of AdminStatus on
 * none: rows of the file are read-only): the check follows it. Rows have no
 * change callback, and comparing a few rows each second costs nothing. */
static void follow_servers(struct roundtrip_module *m)
{
	for (struct roundtrip_check *c = roundtrips_first(m->set); c; c = c->next) {
		struct target_config now = sender(m, c, &c->cfg);

		if (!target_config_equal(&now, &c->server) ||
		    now.opt.enabled != c->server.opt.enabled)
			roundtrips_set_server(m->set, c, &now);
	}
}

static void on_alarm(unsigned int reg, void *arg)
{
	(void)reg;
	follow_servers(arg);
}

int roundtrip_module_start(struct roundtrip_module *m, struct scheduler *sched,
			   struct store *store, struct notify_queue *notes,
			   struct notify_queue *activity, struct roundtrip_carry *carried)
{
	struct loop_parts loop;

	scheduler_loop_parts(sched, &loop);
	m->set = roundtrips_new(&loop, notes, activity, scheduler_helo(sched));
	m->table = m->set ? roundtrip_table_register(m->set) : NULL;
	if (!m->table) {
		roundtrip_carry_free(carried);
		return -1;
	}
	m->store = store;
	no_dumps_with_secrets(&m->config);
	for (unsigned i = 0; i < m->config.count; i++)
		add_check(m, store, &m->config.items[i], i, m->config.count, carried);
	roundtrip_carry_free(carried);
	roundtrip_list_clear(&m->config);   /* the checks have them now */
	if (roundtrips_first(m->set))
		m->alarm = snmp_alarm_register(1, SA_REPEAT, on_alarm, m);
	return 0;
}

void roundtrip_module_reload_begin(struct roundtrip_module *m)
{
	roundtrip_list_clear(&m->fresh);
	roundtrip_directive_collect_into(&m->fresh);
}

/* The check C's line is still there as it was (a change of its server's
 * row is followed without a restart). */
static int unchanged(const struct roundtrip_check *c, const struct roundtrip_list *fresh)
{
	for (unsigned i = 0; i < fresh->count; i++)
		if (roundtrip_config_equal(&c->cfg, &fresh->items[i]))
			return 1;
	return 0;
}

void roundtrip_module_reload_end(struct roundtrip_module *m, struct store *store)
{
	struct roundtrip_check *c, *next;
	unsigned n = m->fresh.count;

	roundtrip_directive_collect_into(&m->config);
	if (!m->set)
		return;
	no_dumps_with_secrets(&m->fresh);
	for (c = roundtrips_first(m->set); c; c = next) {
		next = c->next;
		if (unchanged(c, &m->fresh))
			continue;
		roundtrip_table_remove(m->table, c);
		roundtrips_remove(m->set, c);
	}
	for (unsigned i = 0; i < n; i++)
		if (!roundtrips_find(m->set, m->fresh.items[i].name))
			add_check(m, store, &m->fresh.items[i], i, n, NULL);
	roundtrip_list_clear(&m->fresh);
	follow_servers(m);
	if (!m->alarm && roundtrips_first(m->set))
		m->alarm = snmp_alarm_register(1, SA_REPEAT, on_alarm, m);
}

struct roundtrip_carry *roundtrip_module_save(struct roundtrip_module *m)
{
	struct roundtrip_carry *carry;
	unsigned n = 0;

	for (struct roundtrip_check *c = roundtrips_first(m->set); c; c = c->next)
		n++;
	if (!n || !(carry = calloc(1, sizeof(*carry) + n * sizeof(carry->checks[0]))))
		return NULL;
	for (struct roundtrip_check *c = roundtrips_first(m->set); c; c = c->next) {
		carry->checks[carry->count].cfg = c->cfg;
		roundtrips_snapshot(m->set, c, &carry->checks[carry->count++].st);
	}
	return carry;
}

void roundtrip_carry_free(struct roundtrip_carry *carry)
{
	if (!carry)
		return;
	explicit_bzero(carry, sizeof(*carry) + carry->count * sizeof(carry->checks[0]));
	free(carry);
}

void roundtrip_module_free(struct roundtrip_module *m)
{
	if (m->alarm)
		snmp_alarm_unregister(m->alarm);
	roundtrip_table_unregister(m->table);
	roundtrips_free(m->set);
	roundtrip_directive_unregister();
	roundtrip_list_clear(&m->config);
	roundtrip_list_clear(&m->fresh);
	memset(m, 0, sizeof(*m));
}
