/* SPDX-License-Identifier: ISC */
/* The probe thread's connection budget (core/fd_budget.h) on its loop:
 * probes and round trips take places before they open a socket and give
 * them back when it is closed; who finds no room waits and is called from
 * the loop, in turn, as soon as room is given back. Probe thread only,
 * after it is made. */
#ifndef SMTPMON_CONN_GATE_H
#define SMTPMON_CONN_GATE_H

#include "core/fd_budget.h"

struct event_base;
struct conn_gate;

/* LIMIT places (0: no limit); NULL when out of memory. */
struct conn_gate *conn_gate_new(struct event_base *base, unsigned limit);
void conn_gate_free(struct conn_gate *g);

/* N places now: 1, or 0 when there is no room or others wait. A NULL gate
 * always has room. */
int conn_gate_take(struct conn_gate *g, unsigned n);

/* Queues W for N places; READY(ARG) runs from the loop once they are
 * taken for it (they are then the caller's to give back). */
void conn_gate_wait(struct conn_gate *g, struct fd_waiter *w, unsigned n,
		    void (*ready)(void *arg), void *arg);

/* W no longer waits; nothing happens when it does not. */
void conn_gate_cancel(struct conn_gate *g, struct fd_waiter *w);

/* N places are free again; waiters are served from the loop, never inside
 * this call. NULL allowed. */
void conn_gate_give(struct conn_gate *g, unsigned n);

unsigned conn_gate_limit(const struct conn_gate *g);

#endif
