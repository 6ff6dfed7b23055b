/* SPDX-License-Identifier: ISC */
#include "core/smtp_reply.h"

#include <stdio.h>
#include <string.h>

void smtp_reply_reset(struct smtp_reply *r)
{
	r->code = 0;
	r->lines = 0;
	r->octets = 0;
	r->deviations = 0;
	r->line_len = 0;
	r->pending_cr = 0;
	r->first[0] = r->last[0] = r->cur[0] = '\0';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reply codes are 2yz..5yz (RFC 5321 4.2.1); anything else is not SMTP. */
static int parse_code(const char *line, size_t len)
{
	if (len < 3 || line[0] < '2' || line[0] > '5' || !is_digit(line[1]) ||
	    !is_digit(line[2]))
		return -1;
	if (len > 3 && line[3] != ' ' && line[3] != '-')
		return -1;
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

/* One octet of the line's text: the first SMTP_KEEP_MAX - 1 are kept, control
 * bytes (tabs and 8-bit bytes are text) as '?', noted. */
static void put(struct smtp_reply *r, unsigned char c)
{
	if ((c < 0x20 && c != '\t') || c == 0x7f) {
		r->deviations |= SMTP_DEV_CONTROL;
		c = '?';
	}
	if (r->line_len < SMTP_KEEP_MAX - 1)
		r->cur[r->line_len] = (char)c;
	r->line_len++;
}

/* CRs not followed by LF are text (and control bytes). */
static void flush_cr(struct smtp_reply *r)
{
	for (; r->pending_cr; r->pending_cr--)
		put(r, '\r');
}

/* The line being read, as far as it went, to be quoted. */
static void keep_partial(struct smtp_reply *r)
{
	size_t kept = r->line_len < SMTP_KEEP_MAX - 1 ? r->line_len : SMTP_KEEP_MAX - 1;

	memcpy(r->last, r->cur, kept);
	r->last[kept] = '\0';
}

/* The line read so far ended (at LF): its deviations, then its code. */
static enum smtp_line_status end_line(struct smtp_reply *r, const char **text, size_t *textlen)
{
	size_t kept = r->line_len < SMTP_KEEP_MAX - 1 ? r->line_len : SMTP_KEEP_MAX - 1;
	int code;

	r->cur[kept] = '\0';
	r->deviations |= r->pending_cr == 0 ? SMTP_DEV_BARE_LF : 0;
	r->deviations |= r->pending_cr > 1 ? SMTP_DEV_CR_CR_LF : 0;
	r->deviations |= r->line_len + 2 > SMTP_RFC_LINE_MAX ? SMTP_DEV_LONG_LINE : 0;
	r->deviations |= r->line_len > SMTP_LINE_MAX ? SMTP_DEV_CUT_LINE : 0;
	memcpy(r->last, r->cur, kept + 1);
	code = parse_code(r->cur, kept);
	r->line_len = 0;
	r->pending_cr = 0;
	if (code < 0)
		return SMTP_LINE_ERR_SYNTAX;
	if (r->lines == 0)
		memcpy(r->first, r->last, kept + 1);
	else if (code != r->code)
		r->deviations |= SMTP_DEV_CODE_CHANGED;     /* the last line's code decides */
	r->code = code;
	r->lines++;
	*text = r->last + (kept > 3 ? 4 : 3);
	*textlen = kept > 3 ? kept - 4 : 0;
	return (kept > 3 && r->last[3] == '-') ? SMTP_LINE_MORE : SMTP_LINE_FINAL;
}

enum smtp_line_status smtp_reply_take(struct smtp_reply *r, const char *buf, size_t len,
				      size_t *used, const char **text, size_t *textlen)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (++r->octets > SMTP_REPLY_MAX) {
			*used = i + 1;
			keep_partial(r);
			return SMTP_LINE_ERR_TOO_BIG;
		}
		if (c == '\n') {
			*used = i + 1;
			return end_line(r, text, textlen);
		}
		if (c == '\r') {
			r->pending_cr++;
			continue;
		}
		flush_cr(r);
		put(r, c);
		/* Not the start of a reply: say so now, not after 64 KiB. */
		if (r->line_len == 4 && parse_code(r->cur, 4) < 0) {
			*used = i + 1;
			keep_partial(r);
			r->line_len = 0;
			return SMTP_LINE_ERR_SYNTAX;
		}
	}
	*used = len;
	return SMTP_LINE_NEED;
}

size_t smtp_ehlo_keyword(const char *text, size_t textlen)
{
	size_t n = 0;

	while (n < textlen && text[n] != ' ' && text[n] != '\t')
		n++;
	return n;
}

/* 1 to 3 digits at TEXT + *AT, then *AT moves past them; 0 if none. */
static int digits(const char *text, size_t textlen, size_t *at)
{
	size_t n = 0;

	while (*at + n < textlen && n < 4 && is_digit(text[*at + n]))
		n++;
	*at += n;
	return n >= 1 && n <= 3;
}

size_t smtp_enhanced_code(int code, const char *text, size_t textlen, char out[12])
{
	size_t at = 1;

	out[0] = '\0';
	if (textlen < 5 || text[0] != '0' + code / 100 || text[1] != '.')
		return 0;
	at = 2;
	if (!digits(text, textlen, &at) || at >= textlen || text[at++] != '.' ||
	    !digits(text, textlen, &at) || (at < textlen && text[at] != ' '))
		return 0;
	memcpy(out, text, at);
	out[at] = '\0';
	return at;
}

size_t smtp_deviation_text(unsigned deviations, char *buf, size_t size)
{
	static const struct { unsigned bit; const char *words; } names[] = {
		{ SMTP_DEV_LONG_LINE, "a line longer than RFC 5321's 512 octets" },
		{ SMTP_DEV_CUT_LINE, "a line longer than 2048 octets, cut" },
		{ SMTP_DEV_CONTROL, "NUL or other control bytes in a line" },
		{ SMTP_DEV_CR_CR_LF, "a line ending in CR CR LF" },
		{ SMTP_DEV_BARE_LF, "a line ending in LF without CR" },
		{ SMTP_DEV_CODE_CHANGED, "the reply code changed inside a multi-line reply" },
	};
	size_t n = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int w;

		if (!(deviations & names[i].bit))
			continue;
		w = snprintf(buf + n, size > n ? size - n : 0, "%s%s", n ? "; " : "", names[i].words);
		if (w < 0 || n + (size_t)w >= size) {
			buf[n] = '\0';  /* cut between items */
			return n;
		}
		n += (size_t)w;
	}
	return n;
}

const char *smtp_line_status_name(enum smtp_line_status s)
{
	switch (s) {
	case SMTP_LINE_NEED:
		return "incomplete line";
	case SMTP_LINE_MORE:
		return "continuation line";
	case SMTP_LINE_FINAL:
		return "final line";
	case SMTP_LINE_ERR_SYNTAX:
		return "non-SMTP bytes instead of a reply";
	case SMTP_LINE_ERR_TOO_BIG:
		return "reply larger than 64 KiB";
	}
	return "unknown";
}
