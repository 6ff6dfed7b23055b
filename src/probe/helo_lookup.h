/* SPDX-License-Identifier: ISC */
/* The host's fully qualified name, asked of the probe thread's resolver
 * without waiting for it: each name of a list (core/fqdn.h) in turn, A and
 * AAAA at once, exactly as given (no search domain added); the first that
 * has an address is the answer. On the loop that owns the resolver. */
#ifndef SMTPMON_HELO_LOOKUP_H
#define SMTPMON_HELO_LOOKUP_H

struct evdns_base;
struct fqdn_names;
struct helo_lookup;

/* NAME: the first name that resolved, or NULL when none did. Runs once,
 * from the loop, never inside helo_lookup_start. */
typedef void (*helo_lookup_fn)(const char *name, void *arg);

/* Asks for NAMES (copied) in turn. NULL when there is nothing to ask (no
 * name, or a resolver without servers, which would never answer) or no
 * memory: DONE will not run then. */
struct helo_lookup *helo_lookup_start(struct evdns_base *dns, const struct fqdn_names *names,
				      helo_lookup_fn done, void *arg);

/* DONE will not run; the lookup frees itself once the resolver has let go
 * of its requests (from the loop). NULL allowed. */
void helo_lookup_cancel(struct helo_lookup *l);

#endif
