/* SPDX-License-Identifier: ISC */
/* libFuzzer target: an IMAP or POP3 server's bytes, split at LF as the
 * round trips' lines are, fed to the response parsers and line checks. Whatever the
 * bytes, the parsers stay inside the line and their results stay
 * consistent. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "core/mailbox_proto.h"

static void check_imap(const char *line, size_t len)
{
	struct imap_line l;

	imap_parse_line(line, len, "a7", &l);
	assert(l.kind >= IMAP_UNTAGGED && l.kind <= IMAP_INVALID);
	assert(l.text >= line && l.text <= line + len);
	assert(l.nnums <= IMAP_SEARCH_MAX);
	for (unsigned i = 0; l.kind == IMAP_SEARCH && i < l.nnums; i++)
		assert(l.nums[i] > 0);
}

static void check_pop3(const char *line, size_t len)
{
	assert(pop3_status(line, len) <= POP3_INVALID);
	for (int p = MAIL_SMTP; p <= MAIL_POP3; p++)
		for (int due = 0; due < 4; due++)
			assert(mail_line_is_protocol((enum mail_proto)p, line, len, due & 1, due >> 1) <= 1);
	(void)pop3_message_number(line, len);
	(void)header_message_id_has(line, len, "smtpmon=rt=");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);

		if (len && p[len - 1] == '\r')
			len--;
		check_imap(p, len);
		check_pop3(p, len);
		p = nl ? nl + 1 : end;
	}
	return 0;
}
