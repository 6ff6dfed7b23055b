/* SPDX-License-Identifier: ISC */
/* The domain watches' DNS side (smtpMonDomain): each watch looks up its
 * domain's MX set and the addresses of every MX host on the probe thread's
 * loop, again when dnsInterval or the records' TTL runs out (never more
 * often than every DOMAIN_DNS_INTERVAL_MIN seconds), and leaves the result
 * under the set's lock for the agent thread, which it wakes through the
 * activity queue (EVENT_DOMAIN). The agent thread makes the rows; this
 * side only asks DNS. Commands come as the scheduler's do. */
#ifndef SMTPMON_DOMAIN_WATCH_H
#define SMTPMON_DOMAIN_WATCH_H

#include <stdint.h>

#include "core/domain_config.h"
#include "core/domain_policy.h"
#include "core/mx_set.h"

struct loop_parts;
struct notify_queue;
struct dw_run;

struct domain_watch {
	struct domain_config cfg;               /* fixed while the watch lives */
	struct mx_set *latest;                  /* guarded: a lookup not taken yet, or NULL */
	struct domain_policy_report *report;    /* guarded: checks not taken yet, or NULL */
	uint64_t looked_wall_us;                /* guarded: when it finished */
	void *agent;                            /* agent thread only */
	struct dw_run *run;                     /* probe thread only */
};

struct domain_watches;

/* Agent thread, before the probe thread starts: watches on LOOP's loop
 * asking its DNS clients, connecting within its budget, waking the agent
 * thread through ACTIVITY. After each MX lookup a watch runs its TLS
 * policy checks (domain_checks.h). NULL when out of memory. */
struct domain_watches *domain_watches_new(const struct loop_parts *loop,
					  struct notify_queue *activity);

/* Agent thread: a new watch, first looked up after DELAY_US. NULL when out
 * of memory. */
struct domain_watch *domain_watches_add(struct domain_watches *set, const struct domain_config *cfg,
					uint64_t delay_us);

/* Agent thread: the probe thread stops W and frees it. */
void domain_watches_remove(struct domain_watches *set, struct domain_watch *w);

/* Agent thread: the lookup that finished since the last call (the caller's
 * to free), with *WALL_US when; NULL when none did. */
struct mx_set *domain_watches_take(struct domain_watches *set, struct domain_watch *w,
				  uint64_t *wall_us);

/* Agent thread: the policy checks that finished since the last call (the
 * caller's to free), or NULL. */
struct domain_policy_report *domain_watches_take_report(struct domain_watches *set,
							struct domain_watch *w);

/* After the probe thread stopped: stops every watch and frees it all. */
void domain_watches_free(struct domain_watches *set);

/* How long until the next lookup after one that finished as S, with TTL
 * the lowest TTL it saw: dnsInterval, sooner when the TTL runs out first,
 * never sooner than the floor; a failed lookup is tried again within a
 * minute. Pure, for the tests. */
uint32_t domain_next_lookup_s(const struct domain_config *cfg, const struct mx_set *s,
			      uint32_t ttl);

struct dns_answer;
/* The TTL an answer sets on the next lookup; UINT32_MAX when it sets none
 * (a failure, or a negative answer without an SOA). Pure, for the tests. */
uint32_t domain_answer_ttl(const struct dns_answer *a);

#endif
