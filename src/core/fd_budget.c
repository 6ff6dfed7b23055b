/* SPDX-License-Identifier: ISC */
#include "core/fd_budget.h"

#include <stddef.h>

unsigned fd_budget_for(uint64_t nofile)
{
	uint64_t reserve = nofile / 10 > FD_BUDGET_RESERVE ? nofile / 10 : FD_BUDGET_RESERVE;

	if (nofile <= reserve)
		return 1;
	return nofile - reserve > FD_BUDGET_MAX ? FD_BUDGET_MAX : (unsigned)(nofile - reserve);
}

void fd_budget_init(struct fd_budget *b, unsigned limit)
{
	b->limit = limit;
	b->used = 0;
	b->head = b->tail = NULL;
	b->waiting = 0;
}

static unsigned clamp(const struct fd_budget *b, unsigned n)
{
	return b->limit && n > b->limit ? b->limit : n;
}

static int room(const struct fd_budget *b, unsigned n)
{
	return !b->limit || b->used + n <= b->limit;
}

int fd_budget_take(struct fd_budget *b, unsigned n)
{
	n = clamp(b, n);
	if (b->head || !room(b, n))
		return 0;
	b->used += n;
	return 1;
}

void fd_budget_wait(struct fd_budget *b, struct fd_waiter *w, unsigned n)
{
	if (w->queued)
		return;
	w->need = clamp(b, n);
	w->next = NULL;
	w->prev = b->tail;
	if (b->tail)
		b->tail->next = w;
	else
		b->head = w;
	b->tail = w;
	w->queued = 1;
	b->waiting++;
}

void fd_budget_cancel(struct fd_budget *b, struct fd_waiter *w)
{
	if (!w->queued)
		return;
	if (w->prev)
		w->prev->next = w->next;
	else
		b->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		b->tail = w->prev;
	w->prev = w->next = NULL;
	w->queued = 0;
	b->waiting--;
}

void fd_budget_give(struct fd_budget *b, unsigned n)
{
	n = clamp(b, n);
	b->used = n > b->used ? 0 : b->used - n;
}

struct fd_waiter *fd_budget_next(struct fd_budget *b)
{
	struct fd_waiter *w = b->head;

	if (!w || !room(b, w->need))
		return NULL;
	fd_budget_cancel(b, w);
	b->used += w->need;
	return w;
}
