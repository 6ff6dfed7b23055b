/* SPDX-License-Identifier: ISC */
/* Compact copies of structs that end in fixed-size text fields.
 *
 * A server's configuration and state hold several DisplayString-sized
 * buffers (256 octets each) that are nearly always short or empty. Kept for
 * ten thousand servers they cost tens of MiB, so the store and the schedule
 * keep them packed: the struct's leading numbers as they are, then each text
 * field's string, NUL-terminated. Callers open a packed copy into a full
 * struct on their stack to read it. */
#ifndef SMTPMON_PACKED_H
#define SMTPMON_PACKED_H

#include <stddef.h>

struct text_field {
	size_t offset, size;       /* a char[size] member of the full struct */
};

/* Every member at or after PREFIX is one of the text fields (or padding). */
struct pack_layout {
	size_t full_size, prefix;
	const struct text_field *fields;
	unsigned nfields;
};

struct packed;                     /* free with free() */

/* A packed copy of FULL, or NULL when out of memory. */
struct packed *pack(const struct pack_layout *l, const void *full);

/* Fills FULL (l->full_size octets) from P. */
void unpack(const struct pack_layout *l, const struct packed *p, void *full);

/* Fills only the numbers of FULL (those before l->prefix) from P. */
void unpack_numbers(const struct pack_layout *l, const struct packed *p, void *full);

/* Octets P occupies (what the tests hold it to). */
size_t packed_size(const struct pack_layout *l, const struct packed *p);

#endif
