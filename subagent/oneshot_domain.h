/* SPDX-License-Identifier: ISC */
/* smtpmond --probe DOMAIN --domain, --probe MXHOST --dane: a domain watch's
 * MTA-STS and DANE checks once, without SNMP, printed in the
 * monitoring-plugins format. */
#ifndef SMTPMON_ONESHOT_DOMAIN_H
#define SMTPMON_ONESHOT_DOMAIN_H

/* 1 when the command line asks for it (--domain or --dane). */
int oneshot_domain_wanted(int argc, char **argv);

/* Returns the plugin exit status: 0 ok, 1 warning, 2 critical, 3 unknown. */
int oneshot_domain_main(int argc, char **argv);

#endif
