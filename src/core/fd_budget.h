/* SPDX-License-Identifier: ISC */
/* How many connections the probe thread may hold open at once, and who
 * waits for room: the open files a process may have (RLIMIT_NOFILE) less a
 * reserve for everything else in it, and a queue that hands out room in the
 * order it was asked for, so that no waiter is passed over (a round trip
 * asking for several places is not starved by probes asking for one).
 * Pure: the probe thread's loop drives it (probe/conn_gate.c). */
#ifndef SMTPMON_FD_BUDGET_H
#define SMTPMON_FD_BUDGET_H

#include <stdint.h>

/* Kept for the rest of the process (the agent's sockets, the log, snmpd's
 * own when it runs the plugin, the domain watches' DNS client with at most
 * 36): this many, or a tenth of the limit when that is more. */
#define FD_BUDGET_RESERVE 64
#define FD_BUDGET_MAX 1000000u     /* a larger limit counts as this */

/* Connections for a file limit of NOFILE (the soft limit): NOFILE less the
 * reserve, at least 1. */
unsigned fd_budget_for(uint64_t nofile);

/* One who waits: embedded in its owner. READY and ARG are the caller's
 * (what to call when served); the budget never calls it. */
struct fd_waiter {
	struct fd_waiter *prev, *next;
	unsigned need;
	int queued;
	void (*ready)(void *arg);
	void *arg;
};

struct fd_budget {
	unsigned limit;               /* 0: no limit */
	unsigned used;
	struct fd_waiter *head, *tail;
	unsigned waiting;
};

void fd_budget_init(struct fd_budget *b, unsigned limit);

/* N places now, when nobody waits and there is room: 1 (they are the
 * caller's until given back), else 0. More than the limit counts as the
 * whole limit. */
int fd_budget_take(struct fd_budget *b, unsigned n);

/* Queues W for N places; fd_budget_next hands them over in turn. */
void fd_budget_wait(struct fd_budget *b, struct fd_waiter *w, unsigned n);

/* W no longer waits (nothing happens when it does not). */
void fd_budget_cancel(struct fd_budget *b, struct fd_waiter *w);

/* N places taken earlier are free again. */
void fd_budget_give(struct fd_budget *b, unsigned n);

/* The first waiter, out of the queue with its places taken, when there is
 * room for it now; else NULL. */
struct fd_waiter *fd_budget_next(struct fd_budget *b);

#endif
