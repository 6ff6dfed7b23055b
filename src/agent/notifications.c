#include "agent/notifications.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "agent/mib_roundtrip_table.h"
#include "agent/mib_server_table.h"
#include "shared/notify_queue.h"
#include "agent/smtpmon.h"

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
	COL_LAST_BANNER, COL_CONSECUTIVE_FAILURES, 0,
};
static const unsigned up_objects[] = { COL_HOST, COL_PORT, COL_LATENCY, COL_LAST_BANNER, 0 };
static const unsigned degraded_objects[] = {
	COL_HOST, COL_PORT, COL_LATENCY, COL_LATENCY_THRESHOLD, 0,
};
static const unsigned cert_objects[] = {
	COL_HOST, COL_PORT, COL_CERT_NOT_AFTER, COL_CERT_DAYS_LEFT, 0,
};

static const unsigned listed_objects[] = {
	COL_HOST, COL_PORT, COL_DNSBL_LISTINGS, COL_DNSBL_ZONES, 0,
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
	}
	return NULL;
}

static const char *kind_name(enum status_notification kind)
{
	switch (kind) {
	case NOTIFY_SERVER_DOWN: return "smtpMonServerDown";
	case NOTIFY_SERVER_UP: return "smtpMonServerUp";
	case NOTIFY_SERVER_DEGRADED: return "smtpMonServerDegraded";
	case NOTIFY_CERT_EXPIRING: return "smtpMonCertExpiring";
	case NOTIFY_SERVER_LISTED: return "smtpMonServerListed";
	case NOTIFY_ROUNDTRIP_FAILED: return "smtpMonRoundTripFailed";
	case NOTIFY_ROUNDTRIP_RECOVERED: return "smtpMonRoundTripRecovered";
	}
	return "?";
}

/* --- round trips (issue 12): a check's row, not a server's ------------------ */

static int is_roundtrip(enum status_notification kind)
{
	return kind == NOTIFY_ROUNDTRIP_FAILED || kind == NOTIFY_ROUNDTRIP_RECOVERED;
}

static void log_roundtrip(const struct notify_event *e)
{
	const struct roundtrip_note *n = &e->rt;

	if (e->kind == NOTIFY_ROUNDTRIP_FAILED)
		snmp_log(LOG_NOTICE, "smtpmon: smtpMonRoundTripFailed: round trip %s through %s "
			 "is down: %s: %s\n", n->name, n->server, roundtrip_result_name(n->result),
			 n->error);
	else
		snmp_log(LOG_NOTICE, "smtpmon: smtpMonRoundTripRecovered: round trip %s through %s "
			 "is up: delivered in %.1f ms\n", n->name, n->server, n->delivery_us / 1000.0);
}

/* --- end of round trips -------------------------------------------------------- */

/* One line that tells the story without an NMS. */
static void log_event(const struct notify_event *e)
{
	const struct probe_outcome *o = &e->st.last;
	char where[TARGET_WHERE_MAX];

	if (is_roundtrip(e->kind)) {
		log_roundtrip(e);
		return;
	}
	target_where(&e->cfg, 1, where, sizeof(where));
	if (e->kind == NOTIFY_SERVER_LISTED) {
		snmp_log(LOG_NOTICE, "smtpmon: %s: server %s (%s) is listed on %u blocklist%s: %s\n",
			 kind_name(e->kind), e->cfg.name, where, e->st.dnsbl_listings,
			 e->st.dnsbl_listings == 1 ? "" : "s", e->st.dnsbl_zones);
		return;
	}
	if (e->kind == NOTIFY_CERT_EXPIRING) {
		snmp_log(LOG_NOTICE, "smtpmon: %s: server %s (%s): certificate %s %s %d day%s "
			 "(issuer %s)\n", kind_name(e->kind), e->cfg.name, where, o->tls.subject,
			 o->tls.days_left < 0 ? "expired" : "expires in",
			 o->tls.days_left < 0 ? -o->tls.days_left : o->tls.days_left,
			 o->tls.days_left == 1 || o->tls.days_left == -1 ? "" :
			 o->tls.days_left < 0 ? "s ago" : "s", o->tls.issuer);
		return;
	}
	snmp_log(LOG_NOTICE, "smtpmon: %s: server %s (%s) is %s: %s, reply %d, latency %.1f ms%s%s\n",
		 kind_name(e->kind), e->cfg.name, where, status_name(e->st.track.status),
		 probe_result_name(o->result), o->reply_code, o->latency_us / 1000.0,
		 o->error[0] ? ": " : "", o->error);
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
	if (is_roundtrip(e->kind) && roundtrip_note_varbinds(&vars, e->kind, &e->rt) != 0) {
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
		snmp_log(LOG_ERR, "smtpmon: cannot build %s for %s\n", kind_name(e->kind), e->cfg.name);
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
