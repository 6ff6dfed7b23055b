/* SPDX-License-Identifier: ISC */
#include "core/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

size_t text_clean(char *dst, size_t dstsize, const char *src, size_t srclen)
{
	size_t n = 0;

	if (dstsize == 0)
		return 0;
	for (size_t i = 0; i < srclen && n + 1 < dstsize; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '\t')
			c = ' ';
		dst[n++] = (c >= 0x20 && c <= 0x7e) ? (char)c : '?';
	}
	dst[n] = '\0';
	return n;
}

int text_append_word(char *dst, size_t dstsize, const char *word, size_t wordlen)
{
	size_t len = strlen(dst);
	size_t sep = len ? 1 : 0;

	if (wordlen == 0)
		return 1;
	if (len + sep + wordlen + 1 > dstsize)
		return 0;
	if (sep)
		dst[len++] = ' ';
	text_clean(dst + len, dstsize - len, word, wordlen);
	return 1;
}

int text_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
