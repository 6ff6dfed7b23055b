/* SPDX-License-Identifier: ISC */
#include "core/roundtrip_config.h"
#include "core/hostport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RT_INTERVAL_DEFAULT 300
#define RT_TIMEOUT_DEFAULT 120
#define RT_FAIL_THRESHOLD_DEFAULT 1

/* Printable ASCII; a space only where the value does not come from a
 * whitespace-separated line (a password file). */
static int cred_valid(const char *s, int allow_space)
{
	if (!*s || strlen(s) > RT_CRED_MAX)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s > 0x7e || (unsigned char)*s < (allow_space ? 0x20 : 0x21))
			return 0;
	return 1;
}

/* A bearer token: printable, no spaces, up to MAX. */
static int cred_valid_len(const char *s, size_t max)
{
	if (strlen(s) > max)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s > 0x7e || (unsigned char)*s < 0x21)
			return 0;
	return 1;
}

int roundtrip_address_valid(const char *addr)
{
	const char *at = strrchr(addr, '@');

	if (!at || at == addr || strlen(addr) > RT_ADDR_MAX || !target_domain_valid(at + 1))
		return 0;
	for (const char *p = addr; p < at; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>\"()[],;:\\", *p))
			return 0;
	return 1;
}

/* HOST[:PORT] or [IPv6][:PORT] after the scheme: what is wrong with the
 * host is said as smtpMonServer says it, anything else as a bad URL. */
static int parse_hostport(const char *s, struct roundtrip_config *rc, char *err, size_t errlen)
{
	uint16_t port;
	int has_port;
	enum hostport_result r;

	if (strchr(s, '/') || strchr(s, '@'))
		goto bad;
	r = hostport_parse(s, 0, target_check_host, rc->host, sizeof(rc->host), &port, &has_port,
			   err, errlen);
	if (r == HOSTPORT_BAD_HOST)
		return -1;
	if (r != HOSTPORT_OK)
		goto bad;
	if (has_port)
		rc->port = port;
	return 0;
bad:
	snprintf(err, errlen, "expected a mailbox URL as imap://HOST[:PORT] (no user or path)");
	return -1;
}

static const struct {
	const char *scheme;
	enum mailbox_proto proto;
	int tls;
	uint16_t port;
} schemes[] = {
	{ "imap://", MAILBOX_IMAP, 0, 143 },
	{ "imaps://", MAILBOX_IMAP, 1, 993 },
	{ "pop3://", MAILBOX_POP3, 0, 110 },
	{ "pop3s://", MAILBOX_POP3, 1, 995 },
};

static int parse_url(const char *url, struct roundtrip_config *rc, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i].scheme);

		if (strncmp(url, schemes[i].scheme, n) != 0)
			continue;
		rc->proto = schemes[i].proto;
		rc->mailbox_tls = schemes[i].tls;
		rc->port = schemes[i].port;
		return parse_hostport(url + n, rc, err, errlen);
	}
	snprintf(err, errlen, "the mailbox URL must start with imap://, imaps://, pop3:// or pop3s://");
	return -1;
}

static int set_cred(char *dst, const char *v, const char *key, char *err, size_t errlen)
{
	if (!cred_valid(v, 0)) {
		snprintf(err, errlen, "%s: expected 1 to %d printable characters", key, RT_CRED_MAX);
		return -1;
	}
	strcpy(dst, v);
	return 0;
}

static int set_address(char *dst, const char *v, const char *key, char *err, size_t errlen)
{
	if (!roundtrip_address_valid(v)) {
		snprintf(err, errlen, "%s=: expected a mail address as monitor@example.com", key);
		return -1;
	}
	strcpy(dst, v);
	return 0;
}

static int set_path(char *dst, const char *v, const char *key, char *err, size_t errlen)
{
	if (v[0] != '/' || strlen(v) > RT_PATH_MAX) {
		snprintf(err, errlen, "%s: expected an absolute path", key);
		return -1;
	}
	strcpy(dst, v);
	return 0;
}

static int set_mailbox_tls(struct roundtrip_config *rc, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "starttls") != 0) {
		snprintf(err, errlen, "mailboxTls: expected starttls (imaps:// and pop3s:// are "
			 "implicit TLS)");
		return -1;
	}
	rc->mailbox_starttls = 1;
	return 0;
}

static int set_verify(struct roundtrip_config *rc, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		snprintf(err, errlen, "verifyCert: expected yes or no");
		return -1;
	}
	rc->verify_cert = strcmp(v, "yes") == 0;
	return 0;
}

/* A word that may hold a secret, misspelt keys included ("smtpPassword:x",
 * "passwd", "Token"), is never quoted back. */
static int looks_secret(const char *w)
{
	static const char *const hints[] = { "pass", "pwd", "secret", "token", "cred", "key" };

	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (strcasestr(w, hints[i]))
			return 1;
	return 0;
}

/* One key=value; values of secret keys are never quoted back. */
static int parse_key(struct roundtrip_config *rc, const char *key, const char *v,
		     char *err, size_t errlen)
{
	if (strcmp(key, "from") == 0)
		return set_address(rc->from, v, key, err, errlen);
	if (strcmp(key, "to") == 0)
		return set_address(rc->to, v, key, err, errlen);
	if (strcmp(key, "user") == 0)
		return set_cred(rc->user, v, key, err, errlen);
	if (strcmp(key, "password") == 0)
		return set_cred(rc->password, v, key, err, errlen);
	if (strcmp(key, "smtpUser") == 0)
		return set_cred(rc->smtp_user, v, key, err, errlen);
	if (strcmp(key, "smtpPassword") == 0)
		return set_cred(rc->smtp_password, v, key, err, errlen);
	if (strcmp(key, "passwordFile") == 0)
		return set_path(rc->password_file, v, key, err, errlen);
	if (strcmp(key, "tokenFile") == 0)
		return set_path(rc->token_file, v, key, err, errlen);
	if (strcmp(key, "smtpTokenFile") == 0)
		return set_path(rc->smtp_token_file, v, key, err, errlen);
	if (strcmp(key, "mailboxTls") == 0)
		return set_mailbox_tls(rc, v, err, errlen);
	if (strcmp(key, "verifyCert") == 0)
		return set_verify(rc, v, err, errlen);
	if (strcmp(key, "interval") == 0 && target_parse_u32(v, 1, 86400, &rc->interval_s) == 0)
		return 0;
	if (strcmp(key, "timeout") == 0 && target_parse_u32(v, 1, 3600, &rc->timeout_s) == 0)
		return 0;
	if (strcmp(key, "failThreshold") == 0 && target_parse_u32(v, 1, 100, &rc->fail_threshold) == 0)
		return 0;
	if (strcmp(key, "interval") == 0 || strcmp(key, "timeout") == 0 ||
	    strcmp(key, "failThreshold") == 0)
		snprintf(err, errlen, "%s: '%.40s' is out of range", key, v);
	else
		snprintf(err, errlen, "unknown key '%.40s'", looks_secret(key) ? "(not shown)" : key);
	return -1;
}

static int parse_keys(char *rest, struct roundtrip_config *rc, char *err, size_t errlen)
{
	char *save = NULL;
	int after_secret = 0;    /* "password=Two words": 'words' is the secret's too */

	for (char *w = strtok_r(rest, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(w, '=');

		if (!eq || eq == w) {
			snprintf(err, errlen, "expected key=value, got %s%.40s%s",
				 after_secret || looks_secret(w) ? "" : "'",
				 after_secret || looks_secret(w) ? "a word that may hold a secret "
				 "(not shown)" : w, after_secret || looks_secret(w) ? "" : "'");
			return -1;
		}
		*eq = '\0';
		after_secret = looks_secret(w);
		if (parse_key(rc, w, eq + 1, err, errlen) != 0)
			return -1;
	}
	return 0;
}

static int check_complete(struct roundtrip_config *rc, char *err, size_t errlen)
{
	if (!rc->from[0] || !rc->to[0]) {
		snprintf(err, errlen, "from= and to= are required");
		return -1;
	}
	if (!!rc->password[0] + !!rc->password_file[0] + !!rc->token_file[0] != 1) {
		snprintf(err, errlen, "one of password=, passwordFile= or tokenFile= is required");
		return -1;
	}
	if (rc->smtp_password[0] && rc->smtp_token_file[0]) {
		snprintf(err, errlen, "smtpPassword= and smtpTokenFile= exclude each other");
		return -1;
	}
	if (!rc->smtp_user[0] != !(rc->smtp_password[0] || rc->smtp_token_file[0])) {
		snprintf(err, errlen, "smtpUser= goes with smtpPassword= or smtpTokenFile=");
		return -1;
	}
	if (rc->mailbox_tls && rc->mailbox_starttls) {
		snprintf(err, errlen, "mailboxTls=starttls is for imap:// and pop3://; imaps:// and "
			 "pop3s:// are TLS from the start");
		return -1;
	}
	if (!rc->mailbox_tls && !rc->mailbox_starttls) {
		snprintf(err, errlen, "%s:// would send the credentials in clear text: use "
			 "%ss:// or add mailboxTls=starttls",
			 rc->proto == MAILBOX_IMAP ? "imap" : "pop3",
			 rc->proto == MAILBOX_IMAP ? "imap" : "pop3");
		return -1;
	}
	if (!rc->user[0])
		strcpy(rc->user, rc->to);
	return 0;
}

static void defaults(struct roundtrip_config *rc)
{
	memset(rc, 0, sizeof(*rc));
	rc->interval_s = RT_INTERVAL_DEFAULT;
	rc->timeout_s = RT_TIMEOUT_DEFAULT;
	rc->fail_threshold = RT_FAIL_THRESHOLD_DEFAULT;
	rc->verify_cert = 1;
}

int roundtrip_parse(const char *args, struct roundtrip_config *rc, char *err, size_t errlen)
{
	char line[2048], name[64] = "", server[64] = "", url[RT_URL_MAX + 8] = "";
	int used = 0, rv = -1;

	defaults(rc);
	if (!args || strlen(args) >= sizeof(line) ||
	    sscanf(args, "%63s %63s %280s %n", name, server, url, &used) != 3) {
		snprintf(err, errlen, "expected NAME SERVER MAILBOX-URL from=ADDR to=ADDR "
			 "[key=value ...]");
		return -1;
	}
	if (!target_name_valid(name) || !target_name_valid(server)) {
		snprintf(err, errlen, "NAME and SERVER: 1-32 letters, digits, '-', '_' or '.'");
		return -1;
	}
	strcpy(rc->name, name);
	strcpy(rc->server, server);
	strcpy(line, args + used);
	if (parse_url(url, rc, err, errlen) == 0 && parse_keys(line, rc, err, errlen) == 0)
		rv = check_complete(rc, err, errlen);
	explicit_bzero(line, sizeof(line));
	if (rv != 0)
		explicit_bzero(rc, sizeof(*rc));
	return rv;
}

void roundtrip_mailbox_url(const struct roundtrip_config *rc, char *buf, size_t size)
{
	const char *scheme = rc->proto == MAILBOX_IMAP ? (rc->mailbox_tls ? "imaps" : "imap")
						       : (rc->mailbox_tls ? "pop3s" : "pop3");
	int v6 = strchr(rc->host, ':') != NULL;

	snprintf(buf, size, "%s://%s%s%s:%u", scheme, v6 ? "[" : "", rc->host, v6 ? "]" : "",
		 rc->port);
}

/* A file that holds a secret: the file itself, not a link to another, and
 * nobody but its owner (and root) may write it. */
static int secret_file_ok(const struct stat *st, const char *path, char *err, size_t errlen)
{
	if (S_ISLNK(st->st_mode))
		snprintf(err, errlen, "passwordFile %s is a symbolic link: name the file itself", path);
	else if (!S_ISREG(st->st_mode))
		snprintf(err, errlen, "passwordFile %s is not a regular file", path);
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		snprintf(err, errlen, "passwordFile %s can be written by others than its owner "
			 "(chmod go-w): refused", path);
	else
		return 0;
	return -1;
}

int roundtrip_check_password_file(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		snprintf(err, errlen, "passwordFile %s: %s", path, strerror(errno));
		return -1;
	}
	return secret_file_ok(&st, path, err, errlen);
}

int roundtrip_read_password_file(struct roundtrip_config *rc, char *err, size_t errlen)
{
	int fd = open(rc->password_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[RT_CRED_MAX + 3];
	struct stat st;
	ssize_t n = -1;

	if (fd < 0) {
		snprintf(err, errlen, "passwordFile %s: %s", rc->password_file,
			 errno == ELOOP ? "is a symbolic link: name the file itself" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0)
		snprintf(err, errlen, "passwordFile %s: %s", rc->password_file, strerror(errno));
	else if (secret_file_ok(&st, rc->password_file, err, errlen) == 0)
		n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!cred_valid(buf, 1)) {
		explicit_bzero(buf, sizeof(buf));
		snprintf(err, errlen, "passwordFile %s: its first line must hold the password "
			 "(1 to %d printable characters)", rc->password_file, RT_CRED_MAX);
		return -1;
	}
	strcpy(rc->password, buf);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

int roundtrip_read_token(const char *path, char *out, size_t size, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		snprintf(err, errlen, "tokenFile %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, out, size - 1);
	close(fd);
	if (n < 0)
		n = 0;
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	if (!out[0] || !cred_valid_len(out, size - 1)) {
		explicit_bzero(out, size);
		snprintf(err, errlen, "tokenFile %s: its first line must hold the bearer token "
			 "(printable characters, no spaces)", path);
		return -1;
	}
	return 0;
}

int roundtrip_config_equal(const struct roundtrip_config *a, const struct roundtrip_config *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

int roundtrip_config_has_secret(const struct roundtrip_config *rc)
{
	return rc->password[0] || rc->password_file[0] || rc->token_file[0] ||
	       rc->smtp_password[0] || rc->smtp_token_file[0];
}
