/* SPDX-License-Identifier: ISC */
/* SMTP reply reading (RFC 5321 4.2), as a sending MTA reads it: pure, fed the
 * server's bytes as they come. A reply is bounded by its total size, not by
 * its number of lines or by RFC 5321's 512 octets a line; what a sending MTA
 * tolerates (long lines, control bytes, CR CR LF, LF alone, a code that
 * changes inside a multi-line reply) is noted as a deviation, not failed. */
#ifndef SMTPMON_SMTP_REPLY_H
#define SMTPMON_SMTP_REPLY_H

#include <stddef.h>

#define SMTP_RFC_LINE_MAX 512       /* RFC 5321 4.5.3.1.5, CRLF included */
#define SMTP_LINE_MAX 2048          /* octets of a line read; the rest is cut (as Postfix) */
#define SMTP_REPLY_MAX 65536        /* octets of one reply; more is a hostile server */
#define SMTP_KEEP_MAX 512           /* octets of a line kept for quoting, NUL included */

enum smtp_line_status {
	SMTP_LINE_NEED,          /* every octet given was taken; no line ended yet */
	SMTP_LINE_MORE,          /* a continuation line ("250-"): wait for more */
	SMTP_LINE_FINAL,         /* the last line ("250 "): the reply is complete */
	SMTP_LINE_ERR_SYNTAX,    /* a line that is not "DDD[ -text]": not SMTP */
	SMTP_LINE_ERR_TOO_BIG,   /* the reply passed SMTP_REPLY_MAX octets */
};

/* Deviations a sending MTA tolerates, noted per reply. */
enum smtp_deviation {
	SMTP_DEV_LONG_LINE = 1,     /* a line over SMTP_RFC_LINE_MAX octets */
	SMTP_DEV_CUT_LINE = 2,      /* a line over SMTP_LINE_MAX octets, cut */
	SMTP_DEV_CONTROL = 4,       /* NUL or other control bytes in a line */
	SMTP_DEV_CR_CR_LF = 8,      /* a line ending in more than one CR before LF */
	SMTP_DEV_BARE_LF = 16,      /* a line ending in LF alone */
	SMTP_DEV_CODE_CHANGED = 32, /* the code changed inside a multi-line reply */
};

struct smtp_reply {
	int code;                         /* of the latest line; 0 until a line was read */
	unsigned lines;
	size_t octets;                    /* of this reply so far, line ends included */
	unsigned deviations;              /* SMTP_DEV_* seen in this reply */
	size_t line_len;                  /* octets of the line being read */
	unsigned pending_cr;              /* CRs just read: the line end, or text */
	char first[SMTP_KEEP_MAX];        /* the first line, control bytes as '?' */
	char last[SMTP_KEEP_MAX];         /* the latest line (the one that decides) */
	char cur[SMTP_KEEP_MAX];          /* the line being read */
};

void smtp_reply_reset(struct smtp_reply *r);

/* Takes octets from BUF (LEN of them) up to the end of the next line; *USED
 * says how many. For a line, TEXT and TEXTLEN point at its kept text after
 * "DDD " or "DDD-" (in R->last; may be empty). A syntax error leaves the
 * offending line in R->last, to be quoted. */
enum smtp_line_status smtp_reply_take(struct smtp_reply *r, const char *buf, size_t len,
				      size_t *used, const char **text, size_t *textlen);

/* The keyword of an EHLO continuation line's text: its first word. */
size_t smtp_ehlo_keyword(const char *text, size_t textlen);

/* The RFC 3463 enhanced status code ("4.7.0") at the start of a reply line's
 * TEXT whose class matches CODE's first digit, into OUT; 0 if there is none. */
size_t smtp_enhanced_code(int code, const char *text, size_t textlen, char out[12]);

/* What DEVIATIONS mean, in words, separated by "; ". */
size_t smtp_deviation_text(unsigned deviations, char *buf, size_t size);

const char *smtp_line_status_name(enum smtp_line_status s);

#endif
