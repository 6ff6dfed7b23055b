/* SPDX-License-Identifier: ISC */
#include "core/smtp_reply.h"

#include <string.h>

void smtp_reply_reset(struct smtp_reply *r)
{
	r->code = 0;
	r->lines = 0;
	r->first[0] = '\0';
	r->last[0] = '\0';
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

/* NUL and control bytes mean binary garbage, not a reply; tabs and 8-bit
 * bytes (SMTPUTF8 greetings) are tolerated and cleaned later. */
static int has_control_bytes(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
	}
	return 0;
}

static void keep_line(char *dst, const char *line, size_t len)
{
	memcpy(dst, line, len);
	dst[len] = '\0';
}

enum smtp_line_status smtp_reply_feed(struct smtp_reply *r, const char *line,
				      size_t len, const char **text, size_t *textlen)
{
	int code;

	if (len + 2 > SMTP_LINE_MAX)
		return SMTP_LINE_ERR_TOO_LONG;
	code = parse_code(line, len);
	if (code < 0 || has_control_bytes(line, len))
		return SMTP_LINE_ERR_SYNTAX;
	if (r->lines >= SMTP_REPLY_MAX_LINES)
		return SMTP_LINE_ERR_TOO_MANY;
	if (r->lines > 0 && code != r->code)
		return SMTP_LINE_ERR_MISMATCH;
	if (r->lines == 0)
		keep_line(r->first, line, len);
	keep_line(r->last, line, len);
	r->code = code;
	r->lines++;
	*text = line + (len > 3 ? 4 : 3);
	*textlen = len > 3 ? len - 4 : 0;
	return (len > 3 && line[3] == '-') ? SMTP_LINE_MORE : SMTP_LINE_FINAL;
}

size_t smtp_ehlo_keyword(const char *text, size_t textlen)
{
	size_t n = 0;

	while (n < textlen && text[n] != ' ' && text[n] != '\t')
		n++;
	return n;
}

const char *smtp_line_status_name(enum smtp_line_status s)
{
	switch (s) {
	case SMTP_LINE_MORE:
		return "continuation line";
	case SMTP_LINE_FINAL:
		return "final line";
	case SMTP_LINE_ERR_SYNTAX:
		return "non-SMTP bytes instead of a reply";
	case SMTP_LINE_ERR_TOO_LONG:
		return "reply line longer than 512 octets";
	case SMTP_LINE_ERR_TOO_MANY:
		return "reply of more than 100 lines";
	case SMTP_LINE_ERR_MISMATCH:
		return "reply code changed inside a multi-line reply";
	}
	return "unknown";
}
