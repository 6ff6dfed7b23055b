/* SPDX-License-Identifier: ISC */
/* The connection budget: the file limit less its reserve, and waiters
 * served in the order they came, none passed over. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/fd_budget.h"

static void the_reserve_is_64_or_a_tenth(void **state)
{
	(void)state;
	assert_int_equal(fd_budget_for(256), 192);
	assert_int_equal(fd_budget_for(649), 585);      /* a tenth is 64 */
	assert_int_equal(fd_budget_for(650), 585);      /* a tenth is 65 */
	assert_int_equal(fd_budget_for(1024), 922);
	assert_int_equal(fd_budget_for(65536), 65536 - 6553);
	assert_int_equal(fd_budget_for(524288), 524288 - 52428);
	assert_int_equal(fd_budget_for(65), 1);
	assert_int_equal(fd_budget_for(64), 1);          /* never none */
	assert_int_equal(fd_budget_for(0), 1);
	assert_int_equal(fd_budget_for(UINT64_MAX), FD_BUDGET_MAX);
}

static void takes_until_full_then_refuses(void **state)
{
	struct fd_budget b;

	(void)state;
	fd_budget_init(&b, 3);
	assert_true(fd_budget_take(&b, 1));
	assert_true(fd_budget_take(&b, 2));
	assert_false(fd_budget_take(&b, 1));
	fd_budget_give(&b, 1);
	assert_true(fd_budget_take(&b, 1));
	assert_int_equal(b.used, 3);
}

static void no_limit_always_takes(void **state)
{
	struct fd_budget b;

	(void)state;
	fd_budget_init(&b, 0);
	for (int i = 0; i < 100000; i++)
		assert_true(fd_budget_take(&b, 8));
}

static void waiters_are_served_in_order(void **state)
{
	struct fd_budget b;
	struct fd_waiter w[3];

	(void)state;
	memset(w, 0, sizeof(w));
	fd_budget_init(&b, 2);
	assert_true(fd_budget_take(&b, 2));
	fd_budget_wait(&b, &w[0], 1);
	fd_budget_wait(&b, &w[1], 1);
	fd_budget_wait(&b, &w[2], 1);
	assert_int_equal(b.waiting, 3);
	assert_null(fd_budget_next(&b));
	fd_budget_give(&b, 1);
	assert_ptr_equal(fd_budget_next(&b), &w[0]);
	assert_null(fd_budget_next(&b));
	fd_budget_give(&b, 2);
	assert_ptr_equal(fd_budget_next(&b), &w[1]);
	assert_ptr_equal(fd_budget_next(&b), &w[2]);
	assert_null(fd_budget_next(&b));
	assert_int_equal(b.used, 2);
	assert_int_equal(b.waiting, 0);
}

/* A waiter for several places holds back those behind it, or it would
 * wait for ever behind a stream of single ones. */
static void nobody_overtakes_a_big_waiter(void **state)
{
	struct fd_budget b;
	struct fd_waiter big, small;

	(void)state;
	memset(&big, 0, sizeof(big));
	memset(&small, 0, sizeof(small));
	fd_budget_init(&b, 8);
	assert_true(fd_budget_take(&b, 7));
	fd_budget_wait(&b, &big, 8);
	assert_false(fd_budget_take(&b, 1));      /* room for one, but big waits */
	fd_budget_wait(&b, &small, 1);
	assert_null(fd_budget_next(&b));
	fd_budget_give(&b, 7);
	assert_ptr_equal(fd_budget_next(&b), &big);
	assert_null(fd_budget_next(&b));
	fd_budget_give(&b, 8);
	assert_ptr_equal(fd_budget_next(&b), &small);
}

static void more_than_the_limit_counts_as_all_of_it(void **state)
{
	struct fd_budget b;
	struct fd_waiter w;

	(void)state;
	memset(&w, 0, sizeof(w));
	fd_budget_init(&b, 4);
	assert_true(fd_budget_take(&b, 9));
	assert_int_equal(b.used, 4);
	fd_budget_wait(&b, &w, 9);
	fd_budget_give(&b, 9);
	assert_int_equal(b.used, 0);
	assert_ptr_equal(fd_budget_next(&b), &w);
	assert_int_equal(b.used, 4);
}

static void cancelled_waiters_leave_the_queue(void **state)
{
	struct fd_budget b;
	struct fd_waiter w[3];

	(void)state;
	memset(w, 0, sizeof(w));
	fd_budget_init(&b, 1);
	assert_true(fd_budget_take(&b, 1));
	for (int i = 0; i < 3; i++)
		fd_budget_wait(&b, &w[i], 1);
	fd_budget_wait(&b, &w[1], 1);            /* twice: once in the queue */
	assert_int_equal(b.waiting, 3);
	fd_budget_cancel(&b, &w[1]);
	fd_budget_cancel(&b, &w[1]);            /* no longer there: nothing */
	fd_budget_cancel(&b, &w[0]);
	assert_int_equal(b.waiting, 1);
	assert_false(w[0].queued);
	fd_budget_give(&b, 1);
	assert_ptr_equal(fd_budget_next(&b), &w[2]);
	assert_null(b.head);
	assert_null(b.tail);
	fd_budget_cancel(&b, &w[2]);            /* served: not queued */
	assert_int_equal(b.used, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_reserve_is_64_or_a_tenth),
		cmocka_unit_test(takes_until_full_then_refuses),
		cmocka_unit_test(no_limit_always_takes),
		cmocka_unit_test(waiters_are_served_in_order),
		cmocka_unit_test(nobody_overtakes_a_big_waiter),
		cmocka_unit_test(more_than_the_limit_counts_as_all_of_it),
		cmocka_unit_test(cancelled_waiters_leave_the_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
