/* SPDX-License-Identifier: ISC */
/* The default EHLO name: the host's fully qualified name, found without
 * waiting on the network (doc/DESIGN.md section 2). */
#ifndef SMTPMON_HOST_NAME_H
#define SMTPMON_HOST_NAME_H

#include <stddef.h>

struct fqdn_names;

/* The host's name at once (gethostname), or the official name /etc/hosts
 * gives it. When that has no dot and /etc/hosts does not list it, ASK gets
 * the names to ask a resolver for, in turn (the name with each search
 * domain of /etc/resolv.conf; core/fqdn.h): the first that resolves is the
 * fully qualified name. Reads those two local files; never waits on the
 * network. */
void smtpmon_default_helo(char *buf, size_t size, struct fqdn_names *ask);

struct smtpmon_settings;

/* SET's EHLO name becomes the host's own (helo and helo_host), as
 * smtpmon_default_helo finds it, with ASK to send the probe thread
 * (scheduler_set_helo); returns 1. When SET has the host's name already,
 * under the same name, it is kept as it is (fully qualified since, or still
 * being looked up), ASK is empty and it returns 0: nothing to tell the
 * probe thread. */
int smtpmon_use_default_helo(struct smtpmon_settings *set, struct fqdn_names *ask);

#endif
