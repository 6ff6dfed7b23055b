/* SPDX-License-Identifier: ISC */
/* libFuzzer target: a server's bytes, fed to the reply reader in pieces as
 * the probe reads them. Whatever the bytes, the reader stays inside its
 * buffers, takes every octet once, and its verdicts stay consistent. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "core/smtp_reply.h"

static void check_line(const struct smtp_reply *r, enum smtp_line_status st,
		       const char *text, size_t textlen)
{
	char code[12];

	if (st != SMTP_LINE_MORE && st != SMTP_LINE_FINAL)
		return;
	assert(r->code >= 200 && r->code <= 599);
	assert(r->lines >= 1 && r->octets <= SMTP_REPLY_MAX);
	assert(text >= r->last && text + textlen <= r->last + sizeof(r->last));
	assert(strlen(r->first) < sizeof(r->first) && strlen(r->last) < sizeof(r->last));
	assert(smtp_ehlo_keyword(text, textlen) <= textlen);
	assert(smtp_enhanced_code(r->code, text, textlen, code) < sizeof(code));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t left = size, piece = size ? (data[0] % 7) + 1 : 1;
	struct smtp_reply r;
	char words[512];

	smtp_reply_reset(&r);
	while (left > 0) {
		size_t n = left < piece ? left : piece, used = 0;
		const char *text = NULL;
		size_t textlen = 0;
		enum smtp_line_status st = smtp_reply_take(&r, p, n, &used, &text, &textlen);

		assert(used <= n && (used == n || st != SMTP_LINE_NEED) && used > 0);
		check_line(&r, st, text, textlen);
		assert(smtp_line_status_name(st) != NULL);
		assert(smtp_deviation_text(r.deviations, words, sizeof(words)) < sizeof(words));
		if (st == SMTP_LINE_FINAL || st == SMTP_LINE_ERR_SYNTAX || st == SMTP_LINE_ERR_TOO_BIG)
			smtp_reply_reset(&r);
		p += used;
		left -= used;
	}
	return 0;
}
