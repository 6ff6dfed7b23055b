/* SPDX-License-Identifier: ISC */
#include "agent/mib_registration.h"

void mib_registration_refused(const char *what, int rc)
{
	if (rc != MIB_DUPLICATE_REGISTRATION) {
		snmp_log(LOG_ERR, "smtpmon: cannot register %s (net-snmp error %d)\n", what, rc);
		return;
	}
	snmp_log(LOG_ERR, "smtpmon: another agent already serves SMTP-MONITOR-MIB "
		 "(1.3.6.1.4.1.8072.9999.9999.25), most likely smtpmond beside this snmpd: run "
		 "either smtpmond or the plugin (dlmod smtpmon), not both\n");
}

int mib_registration_present(const netsnmp_handler_registration *reg, const oid *at,
			     size_t len)
{
	for (netsnmp_subtree *s = netsnmp_subtree_find(at, len, NULL, ""); s; s = s->children)
		if (s->reginfo == reg)
			return 1;
	return 0;
}

void mib_registration_drop(netsnmp_handler_registration *reg, const oid *at, size_t len)
{
	if (!reg)
		return;
	if (mib_registration_present(reg, at, len)) {
		netsnmp_unregister_handler(reg);
		return;
	}
	snmp_log(LOG_WARNING, "smtpmon: another agent unregistered part of SMTP-MONITOR-MIB "
		 "while this one served it; it is left alone\n");
}
