/* SPDX-License-Identifier: ISC */
#include "core/mailbox_proto.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void roundtrip_token_format(const unsigned char raw[16], char out[RT_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[RT_TOKEN_LEN] = '\0';
}

void roundtrip_marker(const char *name, char *out, size_t size)
{
	snprintf(out, size, "smtpmon=%s=", name);
}

/* RFC 5322 date in UTC. */
static void rfc5322_date(uint64_t wall_us, char *out, size_t size)
{
	time_t t = (time_t)(wall_us / 1000000u);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

size_t roundtrip_message(char *out, size_t size, const char *name, const char *from,
			 const char *to, const char *token, const char *domain,
			 uint64_t wall_us)
{
	char date[64], marker[64];
	int n;

	rfc5322_date(wall_us, date, sizeof(date));
	roundtrip_marker(name, marker, sizeof(marker));
	/* No line starts with '.'; the client ends DATA with CRLF.CRLF itself. */
	n = snprintf(out, size,
		     "From: <%s>\r\nTo: <%s>\r\nSubject: smtpmon round trip %s %s\r\n"
		     "Date: %s\r\nMessage-ID: <%s%s@%s>\r\nMIME-Version: 1.0\r\n"
		     "Content-Type: text/plain; charset=us-ascii\r\nAuto-Submitted: auto-generated\r\n"
		     "\r\nThis message tests that mail sent through this server is delivered.\r\n"
		     "smtpmon deletes it when it arrives.\r\n",
		     from, to, name, token, date, marker, token, domain);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

int imap_quote(char *out, size_t size, const char *s)
{
	size_t j = 0;

	if (size < 3)
		return -1;
	out[j++] = '"';
	for (; *s; s++) {
		if (j + 4 > size)
			return -1;
		if (*s == '"' || *s == '\\')
			out[j++] = '\\';
		out[j++] = *s;
	}
	out[j++] = '"';
	out[j] = '\0';
	return 0;
}

/* "* SEARCH 1 2 3": the numbers, at most IMAP_SEARCH_MAX; anything but
 * digits and spaces makes the line invalid. */
static int parse_search(const char *p, const char *end, struct imap_line *out)
{
	out->nnums = 0;
	while (p < end) {
		unsigned long n = 0;
		const char *start;

		if (*p++ != ' ')
			return -1;
		start = p;
		while (p < end && isdigit((unsigned char)*p) && p - start < 10)
			n = n * 10 + (unsigned long)(*p++ - '0');
		if (p == start || n == 0 || (p < end && *p != ' '))
			return -1;
		if (out->nnums < IMAP_SEARCH_MAX)
			out->nums[out->nnums++] = (unsigned)n;
	}
	return 0;
}

/* Does the word W (followed by a space or the end) start at P? */
static int word_at(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(end - p) >= n && strncasecmp(p, w, n) == 0 &&
	       (p + n == end || p[n] == ' ');
}

static void parse_untagged(const char *p, const char *end, struct imap_line *out)
{
	out->text = p;
	if (word_at(p, end, "SEARCH"))
		out->kind = parse_search(p + 6, end, out) == 0 ? IMAP_SEARCH : IMAP_INVALID;
	else if (word_at(p, end, "BYE"))
		out->kind = IMAP_BYE;
	else if (word_at(p, end, "OK") || word_at(p, end, "PREAUTH"))
		out->kind = IMAP_GREETING_OK;
	else
		out->kind = IMAP_UNTAGGED;
}

static void parse_tagged(const char *p, const char *end, struct imap_line *out)
{
	if (word_at(p, end, "OK"))
		out->kind = IMAP_TAGGED_OK;
	else if (word_at(p, end, "NO"))
		out->kind = IMAP_TAGGED_NO;
	else if (word_at(p, end, "BAD"))
		out->kind = IMAP_TAGGED_BAD;
	out->text = p;
}

/* A line ending in "{N}" announces a literal: we ask for nothing that has one. */
static int ends_in_literal(const char *line, size_t len)
{
	return len >= 3 && line[len - 1] == '}' && memchr(line, '{', len) != NULL &&
	       isdigit((unsigned char)line[len - 2]);
}

void imap_parse_line(const char *line, size_t len, const char *tag, struct imap_line *out)
{
	const char *end = line + len;
	size_t taglen = strlen(tag);

	memset(out, 0, sizeof(*out));
	out->kind = IMAP_INVALID;
	out->text = line;
	if (memchr(line, '\0', len) || ends_in_literal(line, len))
		return;
	if (len >= 2 && line[0] == '*' && line[1] == ' ')
		parse_untagged(line + 2, end, out);
	else if (len >= 1 && line[0] == '+')
		out->kind = IMAP_CONTINUE;
	else if (len > taglen && strncmp(line, tag, taglen) == 0 && line[taglen] == ' ')
		parse_tagged(line + taglen + 1, end, out);
}

enum pop3_kind pop3_status(const char *line, size_t len)
{
	if (len >= 3 && strncmp(line, "+OK", 3) == 0 && (len == 3 || line[3] == ' '))
		return POP3_OK;
	if (len >= 4 && strncmp(line, "-ERR", 4) == 0 && (len == 4 || line[4] == ' '))
		return POP3_ERR;
	return POP3_INVALID;
}

int mail_line_is_protocol(enum mail_proto proto, const char *l, size_t n, int status_due,
			  int client_spoke)
{
	switch (proto) {
	case MAIL_SMTP:
		return n >= 3 && isdigit((unsigned char)l[0]) && isdigit((unsigned char)l[1]) &&
		       isdigit((unsigned char)l[2]) && (n == 3 || l[3] == ' ' || l[3] == '-');
	case MAIL_IMAP:
		if (!client_spoke)
			return n >= 2 && l[0] == '*' && l[1] == ' ';
		return n >= 1 && (l[0] == '*' || l[0] == '+' || isalnum((unsigned char)l[0]));
	case MAIL_POP3:
		return !status_due || pop3_status(l, n) != POP3_INVALID ||
		       (client_spoke && n >= 1 && l[0] == '+' && (n == 1 || l[1] == ' '));
	}
	return 0;
}

unsigned pop3_message_number(const char *line, size_t len)
{
	unsigned long n = 0;
	size_t i = 0;

	while (i < len && i < 9 && isdigit((unsigned char)line[i]))
		n = n * 10 + (unsigned long)(line[i++] - '0');
	if (i == 0 || i >= len || line[i] != ' ' || n == 0)
		return 0;
	return (unsigned)n;
}

int header_message_id_has(const char *line, size_t len, const char *needle)
{
	static const char field[] = "Message-ID:";
	size_t fl = sizeof(field) - 1, nl = strlen(needle);

	if (len < fl || strncasecmp(line, field, fl) != 0 || nl == 0)
		return 0;
	for (size_t i = fl; i + nl <= len; i++)
		if (memcmp(line + i, needle, nl) == 0)
			return 1;
	return 0;
}
