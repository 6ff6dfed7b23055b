/* SPDX-License-Identifier: ISC */
/* Why smtpmond cannot reach its AgentX master, in words an administrator
 * can act on (permissions, no socket, snmpd not running), logged at start
 * and whenever the reason changes while it stays disconnected; and whether
 * the master refused to let it serve its subtree. */
#ifndef SMTPMON_AGENTX_WATCH_H
#define SMTPMON_AGENTX_WATCH_H

struct agentx_watch;

/* Agent thread, before init_snmp() (which makes the first connection):
 * from then on it checks every few seconds while disconnected. */
struct agentx_watch *agentx_watch_start(void);
/* After init_snmp(): the first check, at once. */
void agentx_watch_check(struct agentx_watch *w);
/* 1 once the master refused a registration: another agent serves the
 * subtree (the smtpmon plugin, say). */
int agentx_watch_refused(const struct agentx_watch *w);
/* Before snmp_shutdown(): unregisters what it registered. */
void agentx_watch_stop(struct agentx_watch *w);

#endif
