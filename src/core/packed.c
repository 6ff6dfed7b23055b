/* SPDX-License-Identifier: ISC */
#include "core/packed.h"

#include <stdlib.h>
#include <string.h>

/* A struct packed is only ever seen as its octets. */
static unsigned char *octets(struct packed *p) { return (unsigned char *)p; }
static const char *text_at(const struct pack_layout *l, const struct packed *p)
{
	return (const char *)p + l->prefix;
}

static size_t text_len(const char *field, size_t size)
{
	const char *end = memchr(field, '\0', size);

	/* A field that fills its buffer without a NUL keeps size - 1 octets,
	 * which is what every reader of the full struct would have seen. */
	return end ? (size_t)(end - field) : size - 1;
}

struct packed *pack(const struct pack_layout *l, const void *full)
{
	const char *src = full;
	size_t total = l->prefix;
	struct packed *p;
	unsigned char *at;

	for (unsigned i = 0; i < l->nfields; i++)
		total += text_len(src + l->fields[i].offset, l->fields[i].size) + 1;
	p = malloc(total);
	if (!p)
		return NULL;
	memcpy(octets(p), full, l->prefix);
	at = octets(p) + l->prefix;
	for (unsigned i = 0; i < l->nfields; i++) {
		size_t n = text_len(src + l->fields[i].offset, l->fields[i].size);

		memcpy(at, src + l->fields[i].offset, n);
		at[n] = '\0';
		at += n + 1;
	}
	return p;
}

void unpack(const struct pack_layout *l, const struct packed *p, void *full)
{
	char *dst = full;
	const char *at = text_at(l, p);

	memcpy(dst, p, l->prefix);
	memset(dst + l->prefix, 0, l->full_size - l->prefix);
	for (unsigned i = 0; i < l->nfields; i++) {
		size_t n = strlen(at);

		memcpy(dst + l->fields[i].offset, at, n);
		at += n + 1;
	}
}

void unpack_numbers(const struct pack_layout *l, const struct packed *p, void *full)
{
	memcpy(full, p, l->prefix);
}

size_t packed_size(const struct pack_layout *l, const struct packed *p)
{
	const char *at = text_at(l, p);

	for (unsigned i = 0; i < l->nfields; i++)
		at += strlen(at) + 1;
	return (size_t)(at - (const char *)p);
}
