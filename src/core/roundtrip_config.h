/* SPDX-License-Identifier: ISC */
/* One end-to-end check (the smtpMonRoundTrip directive, doc/DESIGN.md section 2):
 * pure parsing of its arguments, mailbox URL and credentials. A credential
 * never goes over a plain channel: imap:// and pop3:// need
 * mailboxTls=starttls, or the line is refused. */
#ifndef SMTPMON_ROUNDTRIP_CONFIG_H
#define SMTPMON_ROUNDTRIP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/target_config.h"

#define RT_ADDR_MAX 254        /* a mail address (RFC 5321 path limit) */
#define RT_CRED_MAX 255        /* a user name or password */
#define RT_URL_MAX (TARGET_HOST_MAX + 24)
#define RT_PATH_MAX 1024       /* passwordFile=, tokenFile= */
#define RT_TOKEN_MAX 4096      /* an OAuth 2.0 bearer token */

enum mailbox_proto { MAILBOX_IMAP = 1, MAILBOX_POP3 = 2 };

struct roundtrip_config {
	char name[TARGET_NAME_MAX + 1];
	char server[TARGET_NAME_MAX + 1];   /* the smtpMonServer that sends */
	enum mailbox_proto proto;
	int mailbox_tls;                    /* imaps:// or pop3s:// (implicit TLS) */
	int mailbox_starttls;               /* mailboxTls=starttls: IMAP STARTTLS, POP3 STLS */
	int verify_cert;                    /* verifyCert=no: labs only, warned at load */
	char host[TARGET_HOST_MAX + 1];     /* IPv6 literal without brackets */
	uint16_t port;
	char from[RT_ADDR_MAX + 1];
	char to[RT_ADDR_MAX + 1];
	char user[RT_CRED_MAX + 1];         /* mailbox login; default: TO */
	char password[RT_CRED_MAX + 1];     /* never shown anywhere */
	char password_file[RT_PATH_MAX + 1];
	char token_file[RT_PATH_MAX + 1];   /* mailbox XOAUTH2/OAUTHBEARER, read at each look */
	char smtp_user[RT_CRED_MAX + 1];    /* AUTH, over TLS only */
	char smtp_password[RT_CRED_MAX + 1];
	char smtp_token_file[RT_PATH_MAX + 1];
	uint32_t interval_s, timeout_s, fail_threshold;
};

/* "NAME SERVER MAILBOX-URL from=ADDR to=ADDR [key=value ...]". A
 * passwordFile= is only named here: roundtrip_read_password_file() reads
 * it. Returns 0, or -1 with ERR filled (no credential ever quoted in it). */
int roundtrip_parse(const char *args, struct roundtrip_config *rc, char *err, size_t errlen);

/* "imap://host:port" and the like: the Mailbox column, no credentials. */
void roundtrip_mailbox_url(const struct roundtrip_config *rc, char *buf, size_t size);

/* At load: the passwordFile is a regular file (not a symbolic link) that
 * only its owner may write. Returns 0, or -1 with ERR filled. Its content is
 * read at each use (roundtrip_read_password_file), with the privileges the
 * process runs with by then. */
int roundtrip_check_password_file(const char *path, char *err, size_t errlen);

/* The first line of the passwordFile as the password, read afresh, never
 * through a symbolic link, refused when others may write the file.
 * Returns 0, or -1 with ERR filled (the password never quoted). */
int roundtrip_read_password_file(struct roundtrip_config *rc, char *err, size_t errlen);

/* The bearer token: the first line of the file at PATH, read afresh at
 * each use since tokens expire. Not through a symlink. Returns 0, or -1
 * with ERR filled (the token never quoted). */
int roundtrip_read_token(const char *path, char *out, size_t size, char *err, size_t errlen);

/* 1 when RC logs in with a credential: a password, a password file or a
 * token file, for the mailbox or for SMTP AUTH. */
int roundtrip_config_has_secret(const struct roundtrip_config *rc);

/* 1 when both would run the same check. */
int roundtrip_config_equal(const struct roundtrip_config *a, const struct roundtrip_config *b);

/* A mail address we will put in MAIL FROM / RCPT TO: local@domain, printable
 * ASCII without spaces, brackets or quotes. */
int roundtrip_address_valid(const char *addr);

#endif
