/* SPDX-License-Identifier: ISC */
#include "shared/loop_commands.h"

#include <pthread.h>
#include <stdlib.h>

struct loop_commands {
	pthread_mutex_t lock;
	struct loop_command *head, *tail;
	struct event *ready;           /* made active by a post */
	loop_command_fn run;
	void *arg;
};

static void on_ready(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	loop_commands_run(arg);
}

struct loop_commands *loop_commands_new(struct event_base *base, loop_command_fn run, void *arg)
{
	struct loop_commands *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->ready = event_new(base, -1, 0, on_ready, q);
	if (!q->ready) {
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	q->run = run;
	q->arg = arg;
	return q;
}

void loop_commands_post(struct loop_commands *q, struct loop_command *c)
{
	c->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	pthread_mutex_unlock(&q->lock);
	event_active(q->ready, EV_READ, 0);
}

/* Takes the whole list at once, so posts made while it runs wait for the
 * next turn instead of holding the lock against the agent thread. */
void loop_commands_run(struct loop_commands *q)
{
	struct loop_command *c, *next;

	pthread_mutex_lock(&q->lock);
	c = q->head;
	q->head = q->tail = NULL;
	pthread_mutex_unlock(&q->lock);
	for (; c; c = next) {
		next = c->next;
		q->run(c, q->arg);
	}
}

void loop_commands_free(struct loop_commands *q)
{
	if (!q)
		return;
	event_free(q->ready);
	pthread_mutex_destroy(&q->lock);
	free(q);
}
