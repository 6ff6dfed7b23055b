/* SPDX-License-Identifier: ISC */
/* The pure parts of a round-trip check: the test message and its token,
 * and the IMAP4rev1 (RFC 3501) and POP3 (RFC 1939) responses the mailbox
 * client reads. No I/O; every input is a server's and hostile. */
#ifndef SMTPMON_MAILBOX_PROTO_H
#define SMTPMON_MAILBOX_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define MAILBOX_LINE_MAX 8192      /* one response line, CRLF included */
#define RT_TOKEN_LEN 32            /* hex digits */
#define IMAP_SEARCH_MAX 64         /* message numbers kept from one SEARCH */

/* The token from 16 random bytes, as lower-case hex. */
void roundtrip_token_format(const unsigned char raw[16], char out[RT_TOKEN_LEN + 1]);

/* The Message-ID's local part up to the token: "smtpmon=NAME=". Every test
 * message of a check carries it; a name cannot contain '=', so one check's
 * marker never matches another's. */
void roundtrip_marker(const char *name, char *out, size_t size);

/* The whole message, headers and body, ending in CRLF (no line starts
 * with a dot; the SMTP client adds the final ".").
 * Returns its length, or 0 if SIZE is too small. */
size_t roundtrip_message(char *out, size_t size, const char *name, const char *from,
			 const char *to, const char *token, const char *domain,
			 uint64_t wall_us);

/* A quoted string for IMAP (RFC 3501 quoted): '"' and '\' escaped.
 * Returns 0, or -1 if it does not fit. */
int imap_quote(char *out, size_t size, const char *s);

enum imap_kind {
	IMAP_UNTAGGED,        /* "* ..." of no interest */
	IMAP_SEARCH,          /* "* SEARCH n n ..." */
	IMAP_BYE,             /* "* BYE ...": the server is leaving */
	IMAP_GREETING_OK,     /* "* OK ..." / "* PREAUTH" */
	IMAP_CONTINUE,        /* "+ ..." */
	IMAP_TAGGED_OK,
	IMAP_TAGGED_NO,
	IMAP_TAGGED_BAD,
	IMAP_INVALID,         /* not IMAP, a foreign tag, or a literal we never asked for */
};

struct imap_line {
	enum imap_kind kind;
	const char *text;     /* after the status word (tagged) or "*" */
	unsigned nums[IMAP_SEARCH_MAX];
	unsigned nnums;       /* SEARCH: how many kept (more are ignored) */
};

/* Classifies one line (without CRLF) as the answer to a command tagged TAG. */
void imap_parse_line(const char *line, size_t len, const char *tag, struct imap_line *out);

enum pop3_kind { POP3_OK, POP3_ERR, POP3_INVALID };

/* A status line: "+OK ..." or "-ERR ...". */
enum pop3_kind pop3_status(const char *line, size_t len);

enum mail_proto { MAIL_SMTP, MAIL_IMAP, MAIL_POP3 };

/* Whether LINE (without CRLF) can be what a server of PROTO says: SMTP
 * "DDD", "DDD text" or "DDD-text"; IMAP "* ...", "+ ..." or a tagged answer,
 * but only "* ..." before the client said anything (the greeting); POP3 a
 * status where one is due (STATUS_DUE: the greeting or a command's first
 * line; "+ " too once the client spoke, SASL), anything inside a
 * multi-line answer. */
int mail_line_is_protocol(enum mail_proto proto, const char *line, size_t len, int status_due,
			  int client_spoke);

/* A UIDL/LIST line "N REST": returns N (> 0), or 0 if not such a line. */
unsigned pop3_message_number(const char *line, size_t len);

/* A header line "Message-ID: <...>" containing NEEDLE (case-insensitive
 * field name). */
int header_message_id_has(const char *line, size_t len, const char *needle);

#endif
