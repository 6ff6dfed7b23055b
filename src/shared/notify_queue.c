/* SPDX-License-Identifier: ISC */
#include "shared/notify_queue.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct notify_queue {
	pthread_mutex_t lock;
	struct notify_event **ring;   /* events are allocated only while queued */
	unsigned capacity, head, count, dropped;
	atomic_int enabled;
	unsigned wake_at;             /* poke the reader when this many wait */
	int pipe[2];                  /* [0] the agent watches, [1] pokes it */
};

struct notify_queue *notify_queue_new(unsigned capacity, unsigned wake_at)
{
	struct notify_queue *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->capacity = capacity ? capacity : 1;
	q->ring = calloc(q->capacity, sizeof(*q->ring));
	q->pipe[0] = q->pipe[1] = -1;     /* a reader that polls needs none */
	if (!q->ring || (wake_at && pipe2(q->pipe, O_NONBLOCK | O_CLOEXEC) != 0)) {
		free(q->ring);
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	atomic_init(&q->enabled, 1);
	q->wake_at = wake_at;
	return q;
}

void notify_queue_free(struct notify_queue *q)
{
	struct notify_event e;

	if (!q)
		return;
	while (notify_queue_pop(q, &e))
		;
	if (q->wake_at) {
		close(q->pipe[0]);
		close(q->pipe[1]);
	}
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q);
}

void notify_queue_wakeup(struct notify_queue *q)
{
	/* A full pipe already means "wake up": EAGAIN is fine. */
	if (write(q->pipe[1], "!", 1) < 0)
		return;
}

void notify_queue_clear_wakeup(struct notify_queue *q)
{
	char buf[64];

	while (read(q->pipe[0], buf, sizeof(buf)) > 0)
		;
}

void notify_queue_push(struct notify_queue *q, const struct notify_event *e)
{
	struct notify_event *copy;
	int poke;

	if (!atomic_load(&q->enabled))
		return;
	copy = malloc(sizeof(*copy));
	if (!copy)
		return;
	*copy = *e;
	pthread_mutex_lock(&q->lock);
	if (q->count == q->capacity) {
		free(q->ring[q->head]);
		q->head = (q->head + 1) % q->capacity;
		q->count--;
		q->dropped++;
	}
	q->ring[(q->head + q->count) % q->capacity] = copy;
	q->count++;
	poke = q->count == q->wake_at;
	pthread_mutex_unlock(&q->lock);
	/* One wake-up per batch: the consumer empties the pipe, then the queue,
	 * and wakes itself again while events remain. */
	if (poke)
		notify_queue_wakeup(q);
}

int notify_queue_pop(struct notify_queue *q, struct notify_event *out)
{
	struct notify_event *e = NULL;

	pthread_mutex_lock(&q->lock);
	if (q->count) {
		e = q->ring[q->head];
		q->ring[q->head] = NULL;
		q->head = (q->head + 1) % q->capacity;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
	if (!e)
		return 0;
	*out = *e;
	free(e);
	return 1;
}

unsigned notify_queue_length(struct notify_queue *q)
{
	unsigned n;

	pthread_mutex_lock(&q->lock);
	n = q->count;
	pthread_mutex_unlock(&q->lock);
	return n;
}

unsigned notify_queue_take_dropped(struct notify_queue *q)
{
	unsigned n;

	pthread_mutex_lock(&q->lock);
	n = q->dropped;
	q->dropped = 0;
	pthread_mutex_unlock(&q->lock);
	return n;
}

int notify_queue_fd(const struct notify_queue *q)
{
	return q->pipe[0];
}

void notify_queue_set_enabled(struct notify_queue *q, int enabled)
{
	atomic_store(&q->enabled, enabled ? 1 : 0);
}

int notify_queue_enabled(struct notify_queue *q)
{
	return atomic_load(&q->enabled);
}
