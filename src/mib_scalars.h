/* The smtpMonGlobal scalars (DESIGN section 4). */
#ifndef SMTPMON_MIB_SCALARS_H
#define SMTPMON_MIB_SCALARS_H

#include "store.h"

struct smtpmon_settings;
struct scalars;

/* SETTINGS supplies the configured defaults; it must outlive the handlers. */
struct scalars *scalars_register(struct store *store, const struct smtpmon_settings *settings);
void scalars_unregister(struct scalars *sc);

#endif
