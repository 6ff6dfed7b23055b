/* SPDX-License-Identifier: ISC */
/* Sending smtpMonServerDown/Up/Degraded from the agent thread: drains the
 * notify queue in small batches while the master is reachable, holds the
 * events while it is not, and logs each one. */
#ifndef SMTPMON_NOTIFICATIONS_H
#define SMTPMON_NOTIFICATIONS_H

struct notify_queue;
struct notifier;

/* Agent thread, before the configuration is read (so that the first AgentX
 * connection is seen). SUBAGENT: 0 when running inside snmpd itself. */
struct notifier *notifier_new(int subagent);

/* Starts sending what Q receives. */
void notifier_attach(struct notifier *n, struct notify_queue *q);
/* At shutdown, after the probe thread stopped: sends what still waits. */
void notifier_flush(struct notifier *n);
void notifier_free(struct notifier *n);

#endif
