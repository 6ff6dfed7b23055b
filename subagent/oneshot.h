/* SPDX-License-Identifier: ISC */
/* smtpmond --probe: one probe with the same engine, no SNMP, printed in the
 * monitoring-plugins format so that Nagios-family checkers can run it. */
#ifndef SMTPMON_ONESHOT_H
#define SMTPMON_ONESHOT_H

/* Returns the plugin exit status: 0 ok, 1 warning, 2 critical, 3 unknown. */
int oneshot_main(int argc, char **argv);

#endif
