/* The configuration directives of DESIGN section 3, read by net-snmp's
 * configuration machinery (smtpmond.conf, or snmpd.conf for the plugin). */
#ifndef SMTPMON_DIRECTIVES_H
#define SMTPMON_DIRECTIVES_H

#include "smtpmon.h"

/* Everything the configuration files said, before it is applied. */
struct config_set {
	struct target_config *servers;     /* explicit keys only, in file order */
	unsigned count, cap;
	struct smtpmon_settings settings;
};

/* Directives write into SET until directives_unregister(). */
void directives_register(struct config_set *set);

/* From now on directives write into SET (an empty one, for a reload). */
void directives_collect_into(struct config_set *set);
void directives_unregister(void);

void config_set_clear(struct config_set *set);

#endif
