/* SPDX-License-Identifier: ISC */
/* What the process may hold: its open files, which bound the probe
 * thread's connections, and no core dump once it holds passwords.
 * Agent thread. */
#ifndef SMTPMON_PROCESS_LIMITS_H
#define SMTPMON_PROCESS_LIMITS_H

#include <stdint.h>

/* smtpmond's start: the soft RLIMIT_NOFILE raised to the hard one. 0, or
 * -1 with errno (the limit stays; connections are queued within it). */
int smtpmon_raise_file_limit(void);

/* The connections the probe thread may hold open at once: the soft
 * RLIMIT_NOFILE less a reserve for the rest of the process
 * (core/fd_budget.h). *NOFILE: that limit. */
unsigned smtpmon_connection_budget(uint64_t *nofile);

/* No core dump from now on, which would hold the round trips' passwords:
 * the process is no longer dumpable (PR_SET_DUMPABLE 0, which also keeps
 * other processes of the same user from tracing it) and RLIMIT_CORE is 0,
 * soft and hard. Returns 1 when that changed anything, 0 when it was so
 * already, -1 with errno when it could not be done. */
int smtpmon_no_core_dumps(void);

#endif
