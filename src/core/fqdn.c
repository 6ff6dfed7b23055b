/* SPDX-License-Identifier: ISC */
#include "core/fqdn.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Walks the words of a line up to its comment. */
struct words {
	const char *s;
	size_t pos, end;
};

static void words_init(struct words *w, const char *line, const char *comment)
{
	w->s = line;
	w->pos = 0;
	w->end = strcspn(line, comment);
}

/* The next word and its length, or NULL at the end. */
static const char *words_next(struct words *w, size_t *len)
{
	static const char blanks[] = " \t\r\n";
	size_t start = w->pos;

	while (start < w->end && strchr(blanks, w->s[start]))
		start++;
	if (start >= w->end)
		return NULL;
	w->pos = start;
	while (w->pos < w->end && !strchr(blanks, w->s[w->pos]))
		w->pos++;
	*len = w->pos - start;
	return w->s + start;
}

int fqdn_hosts_line(const char *line, const char *name, char *official, size_t size)
{
	struct words ws;
	const char *w, *first;
	size_t len, first_len, n = strlen(name);

	words_init(&ws, line, "#");
	if (!words_next(&ws, &len) || !(first = words_next(&ws, &first_len)))
		return 0;                       /* no address, or no name */
	for (w = first, len = first_len; w; w = words_next(&ws, &len))
		if (len == n && strncasecmp(w, name, n) == 0) {
			snprintf(official, size, "%.*s", (int)first_len, first);
			return 1;
		}
	return 0;
}

int fqdn_resolv_line(const char *line, struct fqdn_names *search)
{
	struct words ws;
	const char *w;
	size_t len;
	char domain[TARGET_HELO_MAX + 1];
	int one;

	words_init(&ws, line, "#;");
	if (!(w = words_next(&ws, &len)) || len != 6)
		return 0;
	if (strncmp(w, "search", 6) == 0)
		one = 0;
	else if (strncmp(w, "domain", 6) == 0)
		one = 1;                        /* a single domain */
	else
		return 0;
	search->n = 0;
	while (search->n < FQDN_SEARCH_MAX && (w = words_next(&ws, &len)) != NULL) {
		if (len > 1 && w[len - 1] == '.')          /* absolute: the same domain */
			len--;
		if (len < sizeof(domain)) {
			memcpy(domain, w, len);
			domain[len] = '\0';
			if (target_domain_valid(domain))
				strcpy(search->name[search->n++], domain);
		}
		if (one)
			break;
	}
	return 1;
}

unsigned fqdn_candidates(const char *name, const struct fqdn_names *search,
			 struct fqdn_names *out)
{
	char full[2 * (TARGET_HELO_MAX + 1)];

	out->n = 0;
	for (unsigned i = 0; i < search->n && i < FQDN_SEARCH_MAX; i++) {
		snprintf(full, sizeof(full), "%s.%s", name, search->name[i]);
		if (strlen(full) <= TARGET_HELO_MAX && target_domain_valid(full))
			strcpy(out->name[out->n++], full);
	}
	return out->n;
}
