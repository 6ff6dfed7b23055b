/* SPDX-License-Identifier: ISC */
/* loop_commands.h: commands posted from any thread run on the loop's
 * thread, each once, in the order posted; what is left when the loop has
 * stopped can still be run by its owner. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <pthread.h>
#include <cmocka.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "shared/loop_commands.h"

#define COMMANDS 1000

struct numbered {
	struct loop_command link;
	int n;
};

struct record {
	struct event_base *base;
	pthread_t ran_on[COMMANDS];
	int order[COMMANDS];
	int count;
	int stop_after;                /* loopbreak once this many ran (0: never) */
};

static void record_it(struct loop_command *c, void *arg)
{
	struct record *r = arg;
	struct numbered *x = (struct numbered *)c;

	r->ran_on[r->count] = pthread_self();
	r->order[r->count++] = x->n;
	free(x);
	if (r->stop_after && r->count == r->stop_after)
		event_base_loopbreak(r->base);
}

static void post_numbered(struct loop_commands *q, int from, int to)
{
	for (int i = from; i < to; i++) {
		struct numbered *x = calloc(1, sizeof(*x));

		assert_non_null(x);
		x->n = i;
		loop_commands_post(q, &x->link);
	}
}

static void *loop_thread(void *arg)
{
	event_base_loop(arg, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

static void posted_commands_run_on_the_loop_in_order(void **state)
{
	static struct record r;
	struct loop_commands *q;
	pthread_t loop;

	(void)state;
	assert_int_equal(evthread_use_pthreads(), 0);
	r.base = event_base_new();
	r.stop_after = COMMANDS;
	q = loop_commands_new(r.base, record_it, &r);
	assert_non_null(q);
	assert_int_equal(pthread_create(&loop, NULL, loop_thread, r.base), 0);
	post_numbered(q, 0, COMMANDS);          /* from this thread, while it loops */
	pthread_join(loop, NULL);
	assert_int_equal(r.count, COMMANDS);
	for (int i = 0; i < COMMANDS; i++) {
		assert_int_equal(r.order[i], i);
		assert_true(pthread_equal(r.ran_on[i], loop));
	}
	loop_commands_free(q);
	event_base_free(r.base);
}

static void what_waits_after_the_loop_stopped_runs_once_on_demand(void **state)
{
	static struct record r;
	struct loop_commands *q;

	(void)state;
	r.base = event_base_new();
	q = loop_commands_new(r.base, record_it, &r);
	post_numbered(q, 0, 3);
	assert_int_equal(r.count, 0);           /* nothing runs without the loop */
	loop_commands_run(q);
	assert_int_equal(r.count, 3);
	assert_int_equal(r.order[2], 2);
	loop_commands_run(q);
	assert_int_equal(r.count, 3);           /* each ran once */
	event_base_loop(r.base, EVLOOP_NONBLOCK);
	assert_int_equal(r.count, 3);           /* the loop finds nothing more */
	loop_commands_free(q);
	event_base_free(r.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(posted_commands_run_on_the_loop_in_order),
		cmocka_unit_test(what_waits_after_the_loop_stopped_runs_once_on_demand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
