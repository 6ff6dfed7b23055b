/* What the process may hold: its open files, which bound the probe
 * thread's connections. Agent thread. */
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

#endif
