/* SPDX-License-Identifier: ISC */
#include "probe/conn_gate.h"

#include <stdlib.h>

#include <event2/event.h>

struct conn_gate {
	struct fd_budget budget;
	struct event *serve;          /* hands room to waiters, from the loop */
};

static void on_serve(evutil_socket_t fd, short what, void *arg)
{
	struct conn_gate *g = arg;
	struct fd_waiter *w;

	(void)fd;
	(void)what;
	while ((w = fd_budget_next(&g->budget)) != NULL)
		w->ready(w->arg);
}

struct conn_gate *conn_gate_new(struct event_base *base, unsigned limit)
{
	struct conn_gate *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	fd_budget_init(&g->budget, limit);
	g->serve = event_new(base, -1, 0, on_serve, g);
	if (!g->serve) {
		free(g);
		return NULL;
	}
	return g;
}

void conn_gate_free(struct conn_gate *g)
{
	if (!g)
		return;
	event_free(g->serve);
	free(g);
}

int conn_gate_take(struct conn_gate *g, unsigned n)
{
	return !g || fd_budget_take(&g->budget, n);
}

void conn_gate_wait(struct conn_gate *g, struct fd_waiter *w, unsigned n,
		    void (*ready)(void *arg), void *arg)
{
	w->ready = ready;
	w->arg = arg;
	fd_budget_wait(&g->budget, w, n);
	event_active(g->serve, 0, 0);   /* there may be room now: served from the loop */
}

void conn_gate_cancel(struct conn_gate *g, struct fd_waiter *w)
{
	if (g)
		fd_budget_cancel(&g->budget, w);
}

void conn_gate_give(struct conn_gate *g, unsigned n)
{
	if (!g)
		return;
	fd_budget_give(&g->budget, n);
	if (g->budget.head)
		event_active(g->serve, 0, 0);
}

unsigned conn_gate_limit(const struct conn_gate *g)
{
	return g ? g->budget.limit : 0;
}
