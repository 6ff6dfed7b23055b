/* SPDX-License-Identifier: ISC */
/* smtpMonServerStatusReason: one sentence saying why a server's Status is
 * what it is, from the row's settings and state. Pure. */
#ifndef SMTPMON_STATUS_REASON_H
#define SMTPMON_STATUS_REASON_H

#include <stddef.h>

#include "core/server_status.h"

struct target_config;
struct target_state;

/* The status rules' parameters of a row (doc/DESIGN.md section 3). */
struct status_params status_params_of(const struct target_config *cfg);

/* Writes the sentence for CFG's row in state ST into BUF (cut to SIZE). */
size_t status_reason(char *buf, size_t size, const struct target_config *cfg,
		     const struct target_state *st);

#endif
