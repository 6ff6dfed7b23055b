/* SPDX-License-Identifier: ISC */
/* A domain watch's TLS policy checks as the agent thread keeps them: the
 * probe thread's report (probe/domain_checks.h) judged (core/domain_policy.h)
 * into the watch's MTA-STS columns and each row's DANE columns, with a log
 * line and a notification when a state becomes, or stops being, one that
 * makes senders defer or bounce mail. */
#ifndef SMTPMON_DOMAIN_TLS_H
#define SMTPMON_DOMAIN_TLS_H

#include "agent/domain_module.h"
#include "core/domain_policy.h"

/* E's MTA-STS columns before any check. */
void domain_tls_init(struct domain_entry *e);

/* The checks R of E, whose rows follow its last MX set. */
void domain_tls_apply(struct domain_module *m, struct domain_entry *e,
		      const struct domain_policy_report *r);

#endif
