/* SPDX-License-Identifier: ISC */
/* The domain watches' part of the module's life cycle (smtpmon.c): the
 * smtpMonDomain directive, smtpMonDomainTable, the server rows each watch
 * makes from its MX set (added and dropped as DNS changes), the domain's
 * Status from theirs, and its notifications. Agent thread only; the DNS
 * side runs on the probe thread (probe/domain_watch.h). */
#ifndef SMTPMON_DOMAIN_MODULE_H
#define SMTPMON_DOMAIN_MODULE_H

#include <stdint.h>

#include "agent/domain_directive.h"
#include "core/domain_config.h"
#include "core/domain_status.h"
#include "core/mta_sts.h"
#include "core/mx_set.h"

struct domain_watch;
struct domain_watches;
struct domain_table;
struct loop_parts;
struct notify_queue;
struct rows;
struct target;

/* One watch as the agent thread keeps it (and smtpMonDomainTable shows it). */
struct domain_entry {
	struct domain_config cfg;
	struct domain_watch *watch;             /* its DNS side */
	struct mx_set *set;                     /* the last answer (MX_UNKNOWN before) */
	struct mx_row *rows;                    /* the rows it made (NROWS of them) */
	unsigned nrows, cut;
	enum domain_status status;
	unsigned mx_count, addresses, up;
	char reason[256], mx_text[256], change[256], dns_error[128];
	uint64_t looked_wall_us, changed_wall_us;
	/* MTA-STS: the state of the last checks, and the last policy fetched */
	int sts_state, sts_mode;                /* enum mta_sts_state, mta_sts_mode */
	char sts_id[MTA_STS_ID_MAX + 1], sts_mx[256], sts_reason[256];
	uint32_t sts_max_age;
	uint64_t sts_fetched_wall_us;
	uint32_t cert_warn_days;                /* its rows' certWarnDays, for the checks */
	struct domain_origin *carried;          /* a saved copy's: its rows' origins (DANE
						 * states), one per row, or NULL */
	void *mib_row;
	struct domain_entry *next;
};

struct domain_module {
	struct domain_list config;              /* lines read, until applied */
	struct domain_list fresh;               /* a reload's lines */
	struct domain_entry *entries;           /* in configuration order */
	struct domain_watches *watches;
	struct domain_table *table;
	struct rows *rows;
	struct notify_queue *notes;
};

/* Before the configuration is read: registers smtpMonDomain. */
void domain_module_init(struct domain_module *m);

struct domain_carry;

/* After the configuration's servers are rows, before the plugin's carried
 * state is adopted (CARRIED, NULL otherwise, is freed here: watches whose
 * line is unchanged get back their MX set and rows at once, so that the
 * rows take their state from before), and before the probe thread starts.
 * Returns 0, or -1 (logged). */
int domain_module_start(struct domain_module *m, struct rows *rows, const struct loop_parts *loop,
			struct notify_queue *notes, struct notify_queue *activity,
			struct domain_carry *carried);

/* E's own row R (NULL when its name was taken by another row). */
struct target *domain_module_row(struct domain_module *m, const struct domain_entry *e,
				 const struct mx_row *r);

/* How many watches there are. */
unsigned domain_module_count(const struct domain_module *m);

/* The activity queue said that watch NAME looked up its MX set (EVENT_DOMAIN),
 * or that row NAME changed Status. */
void domain_module_looked_up(struct domain_module *m, const char *name);
void domain_module_row_changed(struct domain_module *m, const char *row);

/* A reload: begin before the files are read again, end after the servers
 * were applied. Unchanged watches keep their rows; others start again. */
void domain_module_reload_begin(struct domain_module *m);
void domain_module_reload_end(struct domain_module *m);

/* The plugin's reload, the probe thread stopped: every watch's line, MX set
 * and rows, for the next start. NULL when there is none or no memory. */
struct domain_carry *domain_module_save(struct domain_module *m);
void domain_carry_free(struct domain_carry *c);

/* After the probe thread stopped, before the scheduler is freed. */
void domain_module_free(struct domain_module *m);

#endif
