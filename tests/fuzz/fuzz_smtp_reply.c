/* SPDX-License-Identifier: ISC */
/* libFuzzer target: a server's bytes, split at CRLF/LF as the probe does,
 * fed to the reply parser line by line. Whatever the bytes, the parser
 * stays inside its buffers and its verdicts stay consistent. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "core/smtp_reply.h"

static void check_line(const struct smtp_reply *r, enum smtp_line_status st,
		       const char *line, size_t len, const char *text, size_t textlen)
{
	if (st != SMTP_LINE_MORE && st != SMTP_LINE_FINAL)
		return;
	assert(r->code >= 100 && r->code <= 599);
	assert(r->lines >= 1 && r->lines <= SMTP_REPLY_MAX_LINES);
	assert(len <= SMTP_LINE_MAX);
	assert(text >= line && text + textlen <= line + len);
	assert(strlen(r->first) < sizeof(r->first) && strlen(r->last) < sizeof(r->last));
	assert(smtp_ehlo_keyword(text, textlen) <= textlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct smtp_reply r;

	smtp_reply_reset(&r);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		const char *text = NULL;
		size_t textlen = 0;
		enum smtp_line_status st;

		if (len && p[len - 1] == '\r')
			len--;
		st = smtp_reply_feed(&r, p, len, &text, &textlen);
		check_line(&r, st, p, len, text, textlen);
		assert(smtp_line_status_name(st) != NULL);
		if (st == SMTP_LINE_FINAL || st > SMTP_LINE_FINAL)
			smtp_reply_reset(&r);
		p = nl ? nl + 1 : end;
	}
	return 0;
}
