/* SPDX-License-Identifier: ISC */
#include "agent/mib_scalars.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <string.h>

#include "agent/mib_history_table.h"
#include "shared/notify_queue.h"
#include "agent/rows.h"
#include "probe/scheduler.h"
#include "core/limits.h"
#include "core/settings.h"
#include "agent/mib_registration.h"
#include "core/oid.h"
#include "agent/host_name.h"
#include "core/fqdn.h"
#include "core/mib_encode.h"
#include "core/monotime.h"

enum {
	SC_VERSION = 1, SC_SERVER_COUNT, SC_SERVERS_DOWN, SC_PROBES_TOTAL,
	SC_FAILURES_TOTAL, SC_NOTIFICATIONS_ENABLED, SC_DEFAULT_INTERVAL,
	SC_DEFAULT_TIMEOUT, SC_HELO_NAME, SC_HISTORY_SIZE, SC_COUNTER_DISCONTINUITY,
};

static const int served[] = {
	SC_VERSION, SC_SERVER_COUNT, SC_SERVERS_DOWN, SC_PROBES_TOTAL,
	SC_FAILURES_TOTAL, SC_NOTIFICATIONS_ENABLED, SC_DEFAULT_INTERVAL,
	SC_DEFAULT_TIMEOUT, SC_HELO_NAME, SC_HISTORY_SIZE, SC_COUNTER_DISCONTINUITY,
};
/* The writable ones: smtpMonNotificationsEnabled to smtpMonHistorySize. */
#define WRITABLE(sc) ((sc) >= SC_NOTIFICATIONS_ENABLED && (sc) <= SC_HISTORY_SIZE)
#define NSERVED (sizeof(served) / sizeof(served[0]))

/* A SET's checked values, applied at COMMIT so that it is all or nothing. */
struct scalar_pending {
	int set;                      /* a value below was given */
	long number;
	char text[TARGET_HELO_MAX + 1];
};

struct scalars {
	struct store *store;
	struct smtpmon_settings *settings;
	struct notify_queue *notes;
	struct rows *rows;
	struct scalar_pending pending[SC_HISTORY_SIZE + 1];
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
	case SC_HISTORY_SIZE:
		set_unsigned(vb, ASN_UNSIGNED, (unsigned long)sc->settings->history_size);
		break;
	case SC_COUNTER_DISCONTINUITY:
		set_unsigned(vb, ASN_TIMETICKS, mib_timestamp((uint32_t)netsnmp_get_agent_uptime(),
							      monotime_us(), tot.since_us));
		break;
	}
}

/* A new smtpMonHistorySize fits smtpMonLimits historyMemory= for the rows
 * there are; the table counts those this SET creates against it too. */
static int check_history_budget(struct scalars *sc, long size)
{
	const struct smtpmon_limits *lim = &sc->settings->limits;
	unsigned rows = sc->store->count;

	if (limits_history_fits(lim, (uint32_t)size, rows, HISTORY_ENTRY_BYTES)) {
		sc->rows->history_size_asked = (unsigned)size;
		return SNMP_ERR_NOERROR;
	}
	snmp_log(LOG_WARNING, "smtpmon: SNMP SET refused: smtpMonHistorySize %ld for %u rows "
		 "would take up to %llu MiB, over smtpMonLimits historyMemory=%u (%u fit)\n", size,
		 rows, (unsigned long long)limits_mib(limits_history_bytes((uint32_t)size, rows,
									  HISTORY_ENTRY_BYTES)),
		 lim->history_mib, limits_history_max_size(lim, rows, HISTORY_ENTRY_BYTES,
							   SMTPMON_HISTORY_MAX));
	return SNMP_ERR_INCONSISTENTVALUE;
}

/* RESERVE1: type, range and syntax of one scalar's new value. */
static int check_scalar(struct scalars *sc, int which, netsnmp_variable_list *vb)
{
	struct scalar_pending *p = &sc->pending[which];
	int rc;

	switch (which) {
	case SC_NOTIFICATIONS_ENABLED:
		rc = netsnmp_check_vb_truthvalue(vb);
		break;
	case SC_DEFAULT_INTERVAL:
	case SC_DEFAULT_TIMEOUT:
	case SC_HISTORY_SIZE:
		rc = netsnmp_check_vb_type(vb, ASN_UNSIGNED);
		if (rc == 0 && (*vb->val.integer < (which == SC_HISTORY_SIZE ? 0 : 1) ||
				*vb->val.integer > (which == SC_DEFAULT_INTERVAL ? 86400 :
						    which == SC_DEFAULT_TIMEOUT ? 3600 :
						    SMTPMON_HISTORY_MAX)))
			rc = SNMP_ERR_WRONGVALUE;
		if (rc == 0 && which == SC_HISTORY_SIZE)
			rc = check_history_budget(sc, *vb->val.integer);
		break;
	case SC_HELO_NAME:
		rc = netsnmp_check_vb_type_and_max_size(vb, ASN_OCTET_STR, TARGET_HELO_MAX);
		if (rc == 0) {
			memcpy(p->text, vb->val.string, vb->val_len);
			p->text[vb->val_len] = '\0';
			if (strlen(p->text) != vb->val_len ||
			    (p->text[0] && !target_domain_valid(p->text)))
				rc = SNMP_ERR_WRONGVALUE;
		}
		break;
	default:
		rc = SNMP_ERR_NOTWRITABLE;
	}
	if (rc == SNMP_ERR_NOERROR) {
		p->set = 1;
		p->number = vb->type == ASN_OCTET_STR ? 0 : *vb->val.integer;
	}
	return rc;
}

static void log_set(int which, const struct scalar_pending *p)
{
	static const char *const names[] = {
		[SC_NOTIFICATIONS_ENABLED] = "smtpMonNotificationsEnabled",
		[SC_DEFAULT_INTERVAL] = "smtpMonDefaultInterval",
		[SC_DEFAULT_TIMEOUT] = "smtpMonDefaultTimeout",
		[SC_HELO_NAME] = "smtpMonHeloName",
		[SC_HISTORY_SIZE] = "smtpMonHistorySize",
	};

	if (which == SC_HELO_NAME)
		snmp_log(LOG_INFO, "smtpmon: %s set to '%s' by SNMP SET\n", names[which], p->text);
	else if (which == SC_NOTIFICATIONS_ENABLED)
		snmp_log(LOG_INFO, "smtpmon: %s set to %s by SNMP SET\n", names[which],
			 p->number == TV_TRUE ? "true" : "false");
	else
		snmp_log(LOG_INFO, "smtpmon: %s set to %ld by SNMP SET\n", names[which], p->number);
}

/* COMMIT: what the new value changes; it persists (doc/DESIGN.md section 5). */
static void apply_scalar(struct scalars *sc, int which, const struct scalar_pending *p)
{
	struct smtpmon_settings *set = sc->settings;
	struct fqdn_names ask;

	switch (which) {
	case SC_NOTIFICATIONS_ENABLED:
		set->notifications = p->number == TV_TRUE;
		notify_queue_set_enabled(sc->notes, set->notifications);
		break;
	case SC_DEFAULT_INTERVAL:
		set->defaults.interval_s = (uint32_t)p->number;
		set->defaults.set |= OPT_INTERVAL;
		rows_apply_defaults(sc->rows);
		break;
	case SC_DEFAULT_TIMEOUT:
		set->defaults.timeout_s = (uint32_t)p->number;
		set->defaults.set |= OPT_TIMEOUT;
		rows_apply_defaults(sc->rows);
		break;
	case SC_HELO_NAME:
		ask.n = 0;
		if (p->text[0]) {
			strcpy(set->helo, p->text);
			set->helo_host[0] = '\0';
		} else if (smtpmon_use_default_helo(set, &ask) == 0) {   /* never waits */
			break;          /* the host's own already, as it was */
		}
		if (scheduler_set_helo(sc->rows->sched, set->helo, &ask) != 0)
			snmp_log(LOG_ERR, "smtpmon: out of memory: the new smtpMonHeloName is "
				 "lost\n");
		break;
	case SC_HISTORY_SIZE:
		set->history_size = (int)p->number;
		history_set_size(sc->rows->history, sc->store, (unsigned)p->number);
		break;
	}
	set->globals_by_snmp = 1;
	log_set(which, p);
}

static void set_scalars(struct scalars *sc, netsnmp_agent_request_info *reqinfo,
			netsnmp_request_info *requests, const oid *group, size_t grouplen)
{
	int rc, any = 0;

	switch (reqinfo->mode) {
	case MODE_SET_RESERVE1:   /* once per scalar: pending fills up */
		for (netsnmp_request_info *r = requests; r; r = r->next) {
			rc = check_scalar(sc, (int)r->requestvb->name[grouplen], r->requestvb);
			if (rc != SNMP_ERR_NOERROR)
				netsnmp_set_request_error(reqinfo, r, rc);
		}
		break;
	case MODE_SET_COMMIT:     /* the first call applies them all */
		for (int i = 0; i <= SC_HISTORY_SIZE; i++)
			if (sc->pending[i].set) {
				apply_scalar(sc, i, &sc->pending[i]);
				any = 1;
			}
		if (any)
			snmp_store_needed(NULL);
		memset(sc->pending, 0, sizeof(sc->pending));
		sc->rows->history_size_asked = 0;
		break;
	case MODE_SET_FREE:
	case MODE_SET_UNDO:
		memset(sc->pending, 0, sizeof(sc->pending));
		sc->rows->history_size_asked = 0;
		break;
	}
	(void)group;
}

/* The scalar helper has already checked the ".0" instance. */
static int handle_scalar(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
			 netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	static const oid group[] = { SMTPMON_OID, 1, 1 };

	(void)reginfo;
	if (reqinfo->mode != MODE_GET) {
		set_scalars(handler->myvoid, reqinfo, requests, group, OID_LENGTH(group));
		return SNMP_ERR_NOERROR;
	}
	/* The scalar helper lets through only GROUP.n.0: n says which. */
	for (netsnmp_request_info *req = requests; req; req = req->next)
		answer(handler->myvoid, (int)req->requestvb->name[OID_LENGTH(group)],
		       req->requestvb);
	return SNMP_ERR_NOERROR;
}

struct scalars *scalars_register(struct store *store, struct smtpmon_settings *settings,
				 struct notify_queue *notes, struct rows *rows)
{
	struct scalars *sc = SNMP_MALLOC_TYPEDEF(struct scalars);
	oid name[] = { SMTPMON_OID, 1, 1, 0 };
	int rc = MIB_REGISTERED_OK;

	if (!sc)
		return NULL;
	sc->store = store;
	sc->settings = settings;
	sc->notes = notes;
	sc->rows = rows;
	for (size_t i = 0; i < NSERVED; i++) {
		netsnmp_handler_registration *reg;

		name[OID_LENGTH(name) - 1] = (oid)served[i];
		reg = netsnmp_create_handler_registration("smtpMonGlobal", handle_scalar, name,
							  OID_LENGTH(name),
							  WRITABLE(served[i]) ?
							  HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY);
		if (!reg)
			break;
		reg->handler->myvoid = sc;
		if ((rc = netsnmp_register_scalar(reg)) != MIB_REGISTERED_OK)
			break;       /* REG was freed by the refusal */
		sc->reg[i] = reg;
	}
	if (!sc->reg[NSERVED - 1]) {
		mib_registration_refused("the smtpMonGlobal scalars", rc);
		scalars_unregister(sc);
		return NULL;
	}
	return sc;
}

void scalars_unregister(struct scalars *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < NSERVED; i++) {
		oid name[] = { SMTPMON_OID, 1, 1, (oid)served[i], 0 };

		mib_registration_drop(sc->reg[i], name, OID_LENGTH(name));   /* the instance */
	}
	SNMP_FREE(sc);
}
