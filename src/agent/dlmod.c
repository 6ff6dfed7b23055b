/* SPDX-License-Identifier: ISC */
/* The snmpd plugin's life cycle: snmpd calls init_smtpmon() when it reads
 * `dlmod smtpmon PATH` in snmpd.conf, and deinit_smtpmon() when it unloads
 * the module: on every SIGHUP, before loading it again; at exit, from
 * snmp_shutdown() after net-snmp stored its persistent data, while trap
 * sessions and logging still work; and when dlmodStatus is set to unload.
 * Everything else is the core, as in smtpmond.
 *
 * The module is linked with -z nodelete, so that this file's one static
 * survives snmpd's dlclose: a reload tears the module down whole and only
 * the servers' state rides across to the next init (handoff.h). */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "agent/handoff.h"
#include "agent/smtpmon.h"

void init_smtpmon(void);
void deinit_smtpmon(void);

static struct plugin {
	unsigned start_alarm;      /* pending start, 0 once started */
	int reloading;             /* snmpd announced a reload */
	struct handoff *carried;   /* from the last load, for the next start */
} plugin;

/* From snmpd's loop, so that the probe thread starts after snmpd has
 * forked into the background and read every configuration file. */
static void start_module(unsigned clientreg, void *arg)
{
	struct handoff *carried = plugin.carried;

	(void)clientreg;
	(void)arg;
	plugin.start_alarm = 0;
	plugin.carried = NULL;
	if (smtpmon_start(carried) == 0)
		snmp_log(LOG_INFO, "smtpmon %s started in snmpd\n", SMTPMON_VERSION);
}

/* snmpd's SIGHUP: the unload that follows is a reload. */
static int on_reload(int major, int minor, void *server_arg, void *client_arg)
{
	(void)major, (void)minor, (void)server_arg, (void)client_arg;
	plugin.reloading = 1;
	return SNMPERR_SUCCESS;
}

void init_smtpmon(void)
{
	plugin.reloading = 0;
	smtpmon_init();
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_PRE_UPDATE_CONFIG,
			       on_reload, NULL);
	plugin.start_alarm = snmp_alarm_register(0, 0, start_module, NULL);
}

/* A state not yet adopted (a reload before the start) waits for the next. */
static void keep_state(struct handoff *h)
{
	if (!h)
		return;
	handoff_free(plugin.carried);
	plugin.carried = h;
}

void deinit_smtpmon(void)
{
	if (plugin.start_alarm)
		snmp_alarm_unregister(plugin.start_alarm);
	plugin.start_alarm = 0;
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_PRE_UPDATE_CONFIG,
				 on_reload, NULL, 1);
	keep_state(smtpmon_unload(plugin.reloading));
	snmp_log(LOG_INFO, "smtpmon unloaded%s\n", plugin.reloading ? " for snmpd's reload" : "");
	if (!plugin.reloading) {
		handoff_free(plugin.carried);
		plugin.carried = NULL;
	}
	plugin.reloading = 0;
}
