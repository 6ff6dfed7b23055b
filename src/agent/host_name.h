/* The default EHLO name: the host's fully qualified name (doc/DESIGN.md
 * section 2). */
#ifndef SMTPMON_HOST_NAME_H
#define SMTPMON_HOST_NAME_H

#include <stddef.h>

/* The host's name, fully qualified when the resolver knows it. */
void smtpmon_default_helo(char *buf, size_t size);

#endif
