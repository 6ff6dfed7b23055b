/* SPDX-License-Identifier: ISC */
#include "agent/notifications.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "agent/mib_domain_table.h"
#include "agent/mib_roundtrip_table.h"
#include "agent/mib_server_table.h"
#include "shared/notify_queue.h"
#include "core/oid.h"
#include "core/log_line.h"
#include "shared/store.h"

/* Sending many notifications without letting the loop read the AgentX
 * socket can lock subagent and master together (doc/DESIGN.md section 9). */
#define BATCH 16

struct notifier {
	struct notify_queue *q;
	int connected;          /* the master can take notifications */
};

/* The objects each notification carries (doc/DESIGN.md section 7), in order. */
static const unsigned down_objects[] = {
	COL_HOST, COL_PORT, COL_LAST_RESULT, COL_LAST_REPLY_CODE, COL_LAST_ERROR,
	COL_LAST_BANNER, COL_CONSECUTIVE_FAILURES, COL_LAST_ENHANCED_CODE, COL_DISPLAY_NAME, 0,
};
static const unsigned up_objects[] = {
	COL_HOST, COL_PORT, COL_LATENCY, COL_LAST_BANNER, COL_DISPLAY_NAME, 0,
};
static const unsigned degraded_objects[] = {
	COL_HOST, COL_PORT, COL_LATENCY, COL_LATENCY_THRESHOLD, COL_STATUS_REASON, COL_DISPLAY_NAME,
	0,
};
static const unsigned cert_objects[] = {
	COL_HOST, COL_PORT, COL_CERT_NOT_AFTER, COL_CERT_DAYS_LEFT, COL_DISPLAY_NAME, 0,
};
static const unsigned listed_objects[] = {
	COL_HOST, COL_PORT, COL_DNSBL_LISTINGS, COL_DNSBL_ZONES, COL_DISPLAY_NAME, 0,
};

static const unsigned *objects_of(enum status_notification kind)
{
	switch (kind) {
	case NOTIFY_SERVER_DOWN: return down_objects;
	case NOTIFY_SERVER_UP: return up_objects;
	case NOTIFY_SERVER_DEGRADED: return degraded_objects;
	case NOTIFY_CERT_EXPIRING: return cert_objects;
	case NOTIFY_SERVER_LISTED: return listed_objects;
	case NOTIFY_ROUNDTRIP_FAILED: case NOTIFY_ROUNDTRIP_RECOVERED: return NULL;
	case NOTIFY_DOMAIN_DOWN: case NOTIFY_DOMAIN_DEGRADED: case NOTIFY_DOMAIN_UP:
	case NOTIFY_DOMAIN_MX_CHANGED: case NOTIFY_DOMAIN_MTA_STS_FAILED:
	case NOTIFY_DOMAIN_MTA_STS_OK: case NOTIFY_SERVER_DANE_FAILED:
	case NOTIFY_SERVER_DANE_OK: return NULL;
	}
	return NULL;
}

/* --- round trips (issue 12): a check's row, not a server's ------------------ */

static int is_roundtrip(enum status_notification kind)
{
	return kind == NOTIFY_ROUNDTRIP_FAILED || kind == NOTIFY_ROUNDTRIP_RECOVERED;
}

/* --- end of round trips -------------------------------------------------------- */

/* A domain watch's notification: the watch's row, or for DANE one of the
 * rows it made, told by its note. */
static int is_domain(enum status_notification kind)
{
	return kind >= NOTIFY_DOMAIN_DOWN && kind <= NOTIFY_SERVER_DANE_OK;
}

/* One line that tells the story without an NMS. */
static void log_event(const struct notify_event *e)
{
	struct log_server s;
	char line[LOG_LINE_MAX];

	if (is_roundtrip(e->kind)) {
		log_line_roundtrip_notification(line, sizeof(line), e->kind, &e->rt);
	} else if (is_domain(e->kind)) {
		log_line_domain_notification(line, sizeof(line), e->kind, &e->dn);
	} else {
		target_state_log(&e->st, &s);
		log_line_server_notification(line, sizeof(line), e->kind, &e->cfg, &s);
	}
	snmp_log(log_level_notification(e->kind), "%s\n", line);
}

static netsnmp_variable_list *build_varbinds(const struct notify_event *e)
{
	static const oid snmptrap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
	const oid trap_oid[] = { SMTPMON_OID, 0, (oid)e->kind };
	netsnmp_variable_list *vars = NULL, *vb;
	oid name[MAX_OID_LEN];
	size_t len;

	snmp_varlist_add_variable(&vars, snmptrap_oid, OID_LENGTH(snmptrap_oid),
				  ASN_OBJECT_ID, trap_oid, sizeof(trap_oid));
	if ((is_roundtrip(e->kind) && roundtrip_note_varbinds(&vars, e->kind, &e->rt) != 0) ||
	    (is_domain(e->kind) && domain_note_varbinds(&vars, e->kind, &e->dn) != 0)) {
		snmp_free_varbind(vars);
		return NULL;
	}
	for (const unsigned *col = objects_of(e->kind); col && *col; col++) {
		len = server_column_oid(name, MAX_OID_LEN, *col, e->cfg.name);
		vb = snmp_varlist_add_variable(&vars, name, len, ASN_NULL, NULL, 0);
		if (!vb || !server_column_value(vb, *col, &e->cfg, &e->st)) {
			snmp_free_varbind(vars);
			return NULL;
		}
	}
	return vars;
}

static void send_event(const struct notify_event *e)
{
	netsnmp_variable_list *vars = build_varbinds(e);

	if (!vars) {
		snmp_log(LOG_ERR, "smtpmon: cannot build %s for %s\n",
			 log_notification_name(e->kind), e->cfg.name);
		return;
	}
	send_v2trap(vars);
	snmp_free_varbind(vars);
	log_event(e);
}

static void send_batch(struct notifier *n)
{
	struct notify_event e;
	unsigned dropped = notify_queue_take_dropped(n->q);

	if (dropped)
		snmp_log(LOG_WARNING, "smtpmon: notification queue full: the %u oldest "
			 "notifications were dropped\n", dropped);
	for (int i = 0; i < BATCH && notify_queue_pop(n->q, &e); i++)
		send_event(&e);
	/* More waiting: come back after the loop has served the master. */
	if (notify_queue_length(n->q))
		notify_queue_wakeup(n->q);
}

static void on_wakeup(int fd, void *arg)
{
	struct notifier *n = arg;

	(void)fd;
	notify_queue_clear_wakeup(n->q);
	if (n->connected)
		send_batch(n);
}

/* AgentX (re)connected: send what waited. */
static int on_master_up(int major, int minor, void *server, void *client)
{
	struct notifier *n = client;

	(void)major;
	(void)minor;
	(void)server;
	n->connected = 1;
	if (n->q && notify_queue_length(n->q))
		notify_queue_wakeup(n->q);
	return SNMPERR_SUCCESS;
}

/* AgentX gone: what comes now waits in the queue. */
static int on_master_down(int major, int minor, void *server, void *client)
{
	struct notifier *n = client;
	unsigned waiting = n->q ? notify_queue_length(n->q) : 0;

	(void)major;
	(void)minor;
	(void)server;
	n->connected = 0;
	snmp_log(LOG_WARNING, "smtpmon: AgentX master gone; notifications wait until it is back"
		 " (%u waiting)\n", waiting);
	return SNMPERR_SUCCESS;
}

struct notifier *notifier_new(int subagent)
{
	struct notifier *n = SNMP_MALLOC_TYPEDEF(struct notifier);

	if (!n)
		return NULL;
	n->connected = !subagent;
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
			       on_master_up, n);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
			       on_master_down, n);
	return n;
}

void notifier_attach(struct notifier *n, struct notify_queue *q)
{
	n->q = q;
	register_readfd(notify_queue_fd(q), on_wakeup, n);
}

void notifier_flush(struct notifier *n)
{
	struct notify_event e;

	while (n && n->q && n->connected && notify_queue_pop(n->q, &e))
		send_event(&e);
}

void notifier_free(struct notifier *n)
{
	if (!n)
		return;
	if (n->q)
		unregister_readfd(notify_queue_fd(n->q));
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
				 on_master_up, n, 1);
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
				 on_master_down, n, 1);
	SNMP_FREE(n);
}
