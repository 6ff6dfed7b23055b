/* The smtpMonGlobal scalars (DESIGN section 4). */
#ifndef SMTPMON_MIB_SCALARS_H
#define SMTPMON_MIB_SCALARS_H

#include "store.h"

struct smtpmon_settings;
struct notify_queue;
struct scalars;

/* SETTINGS supplies the configured defaults and NOTES the notification
 * switch; both must outlive the handlers. */
struct scalars *scalars_register(struct store *store, const struct smtpmon_settings *settings,
				 struct notify_queue *notes);
void scalars_unregister(struct scalars *sc);

#endif
