/* SPDX-License-Identifier: ISC */
/* Commands from the agent thread to the thread that runs a libevent loop
 * (doc/DESIGN.md section 1: the agent thread never touches the loop's state). A
 * list under a lock, and an event made active to run them on the loop, in
 * the order they were posted. The scheduler's and the round trips' both
 * come this way. */
#ifndef SMTPMON_LOOP_COMMANDS_H
#define SMTPMON_LOOP_COMMANDS_H

#include <event2/event.h>

/* The first member of a command. */
struct loop_command {
	struct loop_command *next;
};

/* Runs C on the loop's thread; C is then RUN's to free. */
typedef void (*loop_command_fn)(struct loop_command *c, void *arg);

struct loop_commands;

struct loop_commands *loop_commands_new(struct event_base *base, loop_command_fn run, void *arg);

/* Any thread. C is the queue's until RUN gets it. */
void loop_commands_post(struct loop_commands *q, struct loop_command *c);

/* Runs every command waiting now; the loop does this itself. After the
 * loop's thread has stopped, the owner calls it to finish what is left. */
void loop_commands_run(struct loop_commands *q);

/* Commands still waiting are not run: call loop_commands_run first. */
void loop_commands_free(struct loop_commands *q);

#endif
