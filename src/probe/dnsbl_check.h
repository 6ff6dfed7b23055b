/* SPDX-License-Identifier: ISC */
/* Asking every DNSBL zone about one address, on the probe thread's loop:
 * one A query per zone through evdns, in parallel, never blocking. */
#ifndef SMTPMON_DNSBL_CHECK_H
#define SMTPMON_DNSBL_CHECK_H
struct dnsbl_verdicts;
struct dnsbl_zones;

struct evdns_base;
struct dnsbl_run;

typedef void dnsbl_done_fn(const struct dnsbl_verdicts *v, void *arg);

/* Starts the queries; DONE runs once, from the loop, when every zone has
 * answered or failed. NULL (nothing started) when out of memory or a name
 * cannot be built. */
struct dnsbl_run *dnsbl_run_start(struct evdns_base *dns, const struct dnsbl_zones *zones,
				  int family, const unsigned char *addr,
				  dnsbl_done_fn *done, void *arg);

/* DONE will not run; the run goes once evdns has let go of its queries. */
void dnsbl_run_abandon(struct dnsbl_run *r);

#endif
