/* SPDX-License-Identifier: ISC */
/* The notify queue: bounded, oldest dropped first, wakes its reader at once
 * or when many wait. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shared/notify_queue.h"

static struct notify_event event(const char *name, enum status_notification kind)
{
	struct notify_event e;

	memset(&e, 0, sizeof(e));
	e.kind = kind;
	strcpy(e.cfg.name, name);
	return e;
}

static int readable(const struct notify_queue *q)
{
	struct pollfd p = { .fd = notify_queue_fd(q), .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void events_come_out_in_order_and_wake_the_reader(void **state)
{
	struct notify_queue *q = notify_queue_new(8, 1);
	struct notify_event a = event("a", NOTIFY_SERVER_DOWN), b = event("b", NOTIFY_SERVER_UP);
	struct notify_event out;

	(void)state;
	assert_false(readable(q));
	notify_queue_push(q, &a);
	notify_queue_push(q, &b);
	assert_true(readable(q));
	assert_int_equal(notify_queue_length(q), 2);
	assert_int_equal(notify_queue_pop(q, &out), 1);
	assert_string_equal(out.cfg.name, "a");
	assert_int_equal(out.kind, NOTIFY_SERVER_DOWN);
	assert_int_equal(notify_queue_pop(q, &out), 1);
	assert_string_equal(out.cfg.name, "b");
	assert_int_equal(notify_queue_pop(q, &out), 0);
	notify_queue_clear_wakeup(q);
	assert_false(readable(q));
	notify_queue_free(q);
}

/* One wake-up per batch, not one write per event: the first push into an
 * empty queue pokes the reader; pushes while it has not emptied it do not. */
static void only_the_first_event_of_a_batch_pokes_the_reader(void **state)
{
	struct notify_queue *q = notify_queue_new(8, 1);
	struct notify_event a = event("a", NOTIFY_SERVER_DOWN), out;
	char buf[8];

	(void)state;
	for (int i = 0; i < 5; i++)
		notify_queue_push(q, &a);
	assert_int_equal(read(notify_queue_fd(q), buf, sizeof(buf)), 1);
	notify_queue_push(q, &a);                  /* not empty yet: no poke */
	assert_false(readable(q));
	while (notify_queue_pop(q, &out))
		;
	notify_queue_push(q, &a);                  /* empty again: a poke */
	assert_true(readable(q));
	notify_queue_free(q);
}

/* A queue that wakes its reader at 3 (the activity queue, at 256): quiet
 * below, one poke when the third waits, none for the fourth. */
static void a_queue_can_wake_its_reader_only_when_many_wait(void **state)
{
	struct notify_queue *q = notify_queue_new(8, 3);
	struct notify_event a = event("a", NOTIFY_SERVER_UP), out;
	char buf[8];

	(void)state;
	notify_queue_push(q, &a);
	notify_queue_push(q, &a);
	assert_false(readable(q));
	notify_queue_push(q, &a);
	assert_int_equal(read(notify_queue_fd(q), buf, sizeof(buf)), 1);
	notify_queue_push(q, &a);
	assert_false(readable(q));
	while (notify_queue_pop(q, &out))
		;
	for (int i = 0; i < 3; i++)
		notify_queue_push(q, &a);
	assert_true(readable(q));                  /* three wait again */
	notify_queue_free(q);
}

/* A queue whose reader polls (the activity queue) never writes its fd. */
static void a_polled_queue_never_pokes(void **state)
{
	struct notify_queue *q = notify_queue_new(4, 0);
	struct notify_event a = event("a", NOTIFY_SERVER_UP), out;

	(void)state;
	notify_queue_push(q, &a);
	assert_false(readable(q));
	assert_int_equal(notify_queue_pop(q, &out), 1);
	notify_queue_free(q);
}

static void when_full_the_oldest_goes_and_is_counted(void **state)
{
	struct notify_queue *q = notify_queue_new(3, 1);
	struct notify_event out;
	char name[8];

	(void)state;
	for (int i = 0; i < 5; i++) {
		struct notify_event e;

		snprintf(name, sizeof(name), "s%d", i);
		e = event(name, NOTIFY_SERVER_DOWN);
		notify_queue_push(q, &e);
	}
	assert_int_equal(notify_queue_length(q), 3);
	assert_int_equal(notify_queue_take_dropped(q), 2);
	assert_int_equal(notify_queue_take_dropped(q), 0);
	assert_int_equal(notify_queue_pop(q, &out), 1);
	assert_string_equal(out.cfg.name, "s2");
	notify_queue_free(q);   /* frees what is still queued */
}

static void disabled_queue_takes_nothing(void **state)
{
	struct notify_queue *q = notify_queue_new(4, 1);
	struct notify_event e = event("x", NOTIFY_SERVER_DEGRADED);

	(void)state;
	assert_true(notify_queue_enabled(q));
	notify_queue_set_enabled(q, 0);
	notify_queue_push(q, &e);
	assert_int_equal(notify_queue_length(q), 0);
	assert_false(readable(q));
	notify_queue_set_enabled(q, 1);
	notify_queue_push(q, &e);
	assert_int_equal(notify_queue_length(q), 1);
	notify_queue_free(q);
}

static void many_wakeups_never_block_the_writer(void **state)
{
	struct notify_queue *q = notify_queue_new(4, 1);
	struct notify_event e = event("x", NOTIFY_SERVER_DOWN), out;

	(void)state;
	/* Far more wake-ups than a pipe holds, with nobody clearing them. */
	for (int i = 0; i < 100000; i++) {
		notify_queue_push(q, &e);
		assert_int_equal(notify_queue_pop(q, &out), 1);
	}
	assert_true(readable(q));
	notify_queue_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(events_come_out_in_order_and_wake_the_reader),
		cmocka_unit_test(when_full_the_oldest_goes_and_is_counted),
		cmocka_unit_test(disabled_queue_takes_nothing),
		cmocka_unit_test(many_wakeups_never_block_the_writer),
		cmocka_unit_test(a_queue_can_wake_its_reader_only_when_many_wait),
		cmocka_unit_test(only_the_first_event_of_a_batch_pokes_the_reader),
		cmocka_unit_test(a_polled_queue_never_pokes),
	};

	return cmocka_run_group_tests_name("notify_queue", tests, NULL, NULL);
}
