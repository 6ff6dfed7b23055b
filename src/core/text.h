/* SPDX-License-Identifier: ISC */
/* Text that reaches the MIB or a log: printable ASCII only, always bounded. */
#ifndef SMTPMON_TEXT_H
#define SMTPMON_TEXT_H

#include <stddef.h>

/* Copies SRC[0..srclen) into DST (size dstsize, always NUL-terminated),
 * turning tabs into spaces and every other byte outside 0x20..0x7e into '?'.
 * DST may be SRC itself (cleaning in place). Returns the length written. */
size_t text_clean(char *dst, size_t dstsize, const char *src, size_t srclen);

/* Appends " WORD" (or "WORD" when DST is empty) if it fits whole; returns 0 if
 * it did not fit, so a list is cut between words, never inside one. */
int text_append_word(char *dst, size_t dstsize, const char *word, size_t wordlen);

/* How a parser says no: the message into ERR (when there is one and room)
 * and -1 to return. */
int text_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
