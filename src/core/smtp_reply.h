/* SPDX-License-Identifier: ISC */
/* SMTP reply parsing (RFC 5321 4.2): pure, fed one received line at a time. */
#ifndef SMTPMON_SMTP_REPLY_H
#define SMTPMON_SMTP_REPLY_H

#include <stddef.h>

#define SMTP_LINE_MAX 512          /* octets of one reply line, CRLF included */
#define SMTP_REPLY_MAX_LINES 100   /* more than this is a hostile server */

enum smtp_line_status {
	SMTP_LINE_MORE,          /* a continuation line ("250-"): wait for more */
	SMTP_LINE_FINAL,         /* the last line ("250 "): the reply is complete */
	SMTP_LINE_ERR_SYNTAX,    /* not "DDD[ -text]", or control bytes in it */
	SMTP_LINE_ERR_TOO_LONG,  /* longer than SMTP_LINE_MAX */
	SMTP_LINE_ERR_TOO_MANY,  /* more than SMTP_REPLY_MAX_LINES lines */
	SMTP_LINE_ERR_MISMATCH,  /* a line's code differs from the first line's */
};

struct smtp_reply {
	int code;                         /* 0 until a line was accepted */
	unsigned lines;
	char first[SMTP_LINE_MAX];        /* first line as received, code included */
	char last[SMTP_LINE_MAX];         /* latest line as received */
};

void smtp_reply_reset(struct smtp_reply *r);

/* Feeds one line without its line terminator. On success TEXT and TEXTLEN
 * point at the line's text after "DDD " or "DDD-" (may be empty). */
enum smtp_line_status smtp_reply_feed(struct smtp_reply *r, const char *line,
				      size_t len, const char **text, size_t *textlen);

/* The keyword of an EHLO continuation line's text: its first word. */
size_t smtp_ehlo_keyword(const char *text, size_t textlen);

const char *smtp_line_status_name(enum smtp_line_status s);

#endif
