#include "mib_scalars.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <string.h>

#include "notify_queue.h"
#include "smtpmon.h"

enum {
	SC_VERSION = 1, SC_SERVER_COUNT, SC_SERVERS_DOWN, SC_PROBES_TOTAL,
	SC_FAILURES_TOTAL, SC_NOTIFICATIONS_ENABLED, SC_DEFAULT_INTERVAL,
	SC_DEFAULT_TIMEOUT, SC_HELO_NAME, SC_HISTORY_SIZE,
};

/* Scalars this version serves; HistorySize comes with the history table.
 * Of the read-write ones only NotificationsEnabled takes SETs so far; the
 * others answer notWritable until SET support for them exists. */
static const int served[] = {
	SC_VERSION, SC_SERVER_COUNT, SC_SERVERS_DOWN, SC_PROBES_TOTAL,
	SC_FAILURES_TOTAL, SC_NOTIFICATIONS_ENABLED, SC_DEFAULT_INTERVAL,
	SC_DEFAULT_TIMEOUT, SC_HELO_NAME,
};
#define NSERVED (sizeof(served) / sizeof(served[0]))

struct scalars {
	struct store *store;
	const struct smtpmon_settings *settings;
	struct notify_queue *notes;
	int undo_enabled;             /* the value before a SET, for UNDO */
	netsnmp_handler_registration *reg[NSERVED];
};

static void set_counter64(netsnmp_variable_list *vb, uint64_t v)
{
	struct counter64 c = { .high = (u_long)(v >> 32), .low = (u_long)(v & 0xffffffffu) };

	snmp_set_var_typed_value(vb, ASN_COUNTER64, &c, sizeof(c));
}

static void set_unsigned(netsnmp_variable_list *vb, u_char type, unsigned long v)
{
	snmp_set_var_typed_value(vb, type, &v, sizeof(v));
}

static void answer(struct scalars *sc, int which, netsnmp_variable_list *vb)
{
	struct target_options eff;
	struct store_totals tot;
	const char *version = "smtpmon " SMTPMON_VERSION;

	target_options_merge(&eff, &sc->settings->defaults, &sc->settings->defaults);
	store_totals(sc->store, &tot);
	switch (which) {
	case SC_VERSION:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, version, strlen(version));
		break;
	case SC_SERVER_COUNT: set_unsigned(vb, ASN_GAUGE, tot.servers); break;
	case SC_SERVERS_DOWN: set_unsigned(vb, ASN_GAUGE, tot.down); break;
	case SC_PROBES_TOTAL: set_counter64(vb, tot.probes); break;
	case SC_FAILURES_TOTAL: set_counter64(vb, tot.failures); break;
	case SC_NOTIFICATIONS_ENABLED:
		set_unsigned(vb, ASN_INTEGER, notify_queue_enabled(sc->notes) ? TV_TRUE : TV_FALSE);
		break;
	case SC_DEFAULT_INTERVAL: set_unsigned(vb, ASN_UNSIGNED, eff.interval_s); break;
	case SC_DEFAULT_TIMEOUT: set_unsigned(vb, ASN_UNSIGNED, eff.timeout_s); break;
	case SC_HELO_NAME:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, sc->settings->helo,
					 strlen(sc->settings->helo));
		break;
	}
}

/* SET of smtpMonNotificationsEnabled, in net-snmp's phases: checked in
 * RESERVE1, applied in ACTION, undone in UNDO. Lasts until a restart. */
static void set_notifications(struct scalars *sc, netsnmp_agent_request_info *reqinfo,
			      netsnmp_request_info *req)
{
	int rc;

	switch (reqinfo->mode) {
	case MODE_SET_RESERVE1:
		rc = netsnmp_check_vb_truthvalue(req->requestvb);
		if (rc != SNMP_ERR_NOERROR)
			netsnmp_set_request_error(reqinfo, req, rc);
		break;
	case MODE_SET_ACTION:
		sc->undo_enabled = notify_queue_enabled(sc->notes);
		notify_queue_set_enabled(sc->notes, *req->requestvb->val.integer == TV_TRUE);
		break;
	case MODE_SET_UNDO:
		notify_queue_set_enabled(sc->notes, sc->undo_enabled);
		break;
	case MODE_SET_COMMIT:
		snmp_log(LOG_INFO, "smtpmon: notifications %s by SNMP SET\n",
			 notify_queue_enabled(sc->notes) ? "enabled" : "disabled");
		break;
	}
}

/* The scalar helper has already checked the ".0" instance. */
static int handle_scalar(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
			 netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	static const oid group[] = { SMTPMON_OID, 1, 1 };

	(void)reginfo;
	if (reqinfo->mode != MODE_GET) {
		for (netsnmp_request_info *req = requests; req; req = req->next)
			set_notifications(handler->myvoid, reqinfo, req);
		return SNMP_ERR_NOERROR;
	}
	/* The scalar helper lets through only GROUP.n.0: n says which. */
	for (netsnmp_request_info *req = requests; req; req = req->next)
		answer(handler->myvoid, (int)req->requestvb->name[OID_LENGTH(group)],
		       req->requestvb);
	return SNMP_ERR_NOERROR;
}

struct scalars *scalars_register(struct store *store, const struct smtpmon_settings *settings,
				 struct notify_queue *notes)
{
	struct scalars *sc = SNMP_MALLOC_TYPEDEF(struct scalars);
	oid name[] = { SMTPMON_OID, 1, 1, 0 };

	if (!sc)
		return NULL;
	sc->store = store;
	sc->settings = settings;
	sc->notes = notes;
	for (size_t i = 0; i < NSERVED; i++) {
		netsnmp_handler_registration *reg;

		name[OID_LENGTH(name) - 1] = (oid)served[i];
		reg = netsnmp_create_handler_registration("smtpMonGlobal", handle_scalar, name,
							  OID_LENGTH(name),
							  served[i] == SC_NOTIFICATIONS_ENABLED ?
							  HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY);
		if (!reg)
			break;
		reg->handler->myvoid = sc;
		if (netsnmp_register_scalar(reg) != MIB_REGISTERED_OK)
			break;
		sc->reg[i] = reg;
	}
	if (!sc->reg[NSERVED - 1]) {
		snmp_log(LOG_ERR, "smtpmon: cannot register the smtpMonGlobal scalars\n");
		scalars_unregister(sc);
		return NULL;
	}
	return sc;
}

void scalars_unregister(struct scalars *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < NSERVED; i++)
		if (sc->reg[i])
			netsnmp_unregister_handler(sc->reg[i]);
	SNMP_FREE(sc);
}
