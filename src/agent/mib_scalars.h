/* SPDX-License-Identifier: ISC */
/* The smtpMonGlobal scalars (doc/DESIGN.md section 7). */
#ifndef SMTPMON_MIB_SCALARS_H
#define SMTPMON_MIB_SCALARS_H

#include "shared/store.h"

struct smtpmon_settings;
struct notify_queue;
struct rows;
struct scalars;

/* SETTINGS holds the global settings (SETs change them), NOTES the
 * notification switch, ROWS what a new default applies to; all must
 * outlive the handlers. */
struct scalars *scalars_register(struct store *store, struct smtpmon_settings *settings,
				 struct notify_queue *notes, struct rows *rows);
void scalars_unregister(struct scalars *sc);

#endif
