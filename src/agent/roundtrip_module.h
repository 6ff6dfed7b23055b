/* SPDX-License-Identifier: ISC */
/* The round-trip checks' part of the module's life cycle (smtpmon.c):
 * directive, rows, table, reload. Agent thread only. */
#ifndef SMTPMON_ROUNDTRIP_MODULE_H
#define SMTPMON_ROUNDTRIP_MODULE_H

#include "agent/roundtrip_directive.h"

struct notify_queue;
struct roundtrips;
struct roundtrip_table;
struct scheduler;
struct store;

struct roundtrip_module {
	struct roundtrip_list config;       /* lines read, until applied */
	struct roundtrip_list fresh;        /* a reload's lines */
	struct roundtrips *set;
	struct roundtrip_table *table;
	struct store *store;                /* the sending rows */
	unsigned int alarm;                 /* follows changes of those rows */
};

/* Before the configuration is read: registers smtpMonRoundTrip. */
void roundtrip_module_init(struct roundtrip_module *m);

struct roundtrip_carry;

/* After the servers are in STORE, before the probe thread starts. CARRIED
 * (the plugin's reload; NULL otherwise, freed here) gives checks whose line
 * is unchanged their state from before. Returns 0, or -1 (logged). */
int roundtrip_module_start(struct roundtrip_module *m, struct scheduler *sched,
			   struct store *store, struct notify_queue *notes,
			   struct notify_queue *activity, struct roundtrip_carry *carried);

/* The plugin's reload, the probe thread stopped: every check's line and
 * state, for the next start. NULL when there is none or no memory. */
struct roundtrip_carry *roundtrip_module_save(struct roundtrip_module *m);
void roundtrip_carry_free(struct roundtrip_carry *carry);

/* A reload: begin before the files are read again, end after the servers
 * were applied. Unchanged checks keep their state; others restart. */
void roundtrip_module_reload_begin(struct roundtrip_module *m);
void roundtrip_module_reload_end(struct roundtrip_module *m, struct store *store);

/* After the probe thread stopped, before the scheduler is freed. */
void roundtrip_module_free(struct roundtrip_module *m);

#endif
