/* SPDX-License-Identifier: ISC */
/* The smtpMonRoundTrip directive's arguments: what loads, the defaults, and
 * what is refused without ever quoting a credential back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/roundtrip_config.h"

static char err[600];

static int parse(const char *line, struct roundtrip_config *rc)
{
	err[0] = '\0';
	return roundtrip_parse(line, rc, err, sizeof(err));
}

static void a_minimal_line_gets_the_designed_defaults(void **state)
{
	struct roundtrip_config rc;

	(void)state;
	assert_int_equal(parse("rt1 mx1 imap://mail.example.com from=mon@example.com "
			       "to=probe@example.com password=pw mailboxTls=starttls", &rc), 0);
	assert_string_equal(rc.name, "rt1");
	assert_string_equal(rc.server, "mx1");
	assert_int_equal(rc.proto, MAILBOX_IMAP);
	assert_int_equal(rc.mailbox_tls, 0);
	assert_int_equal(rc.mailbox_starttls, 1);
	assert_int_equal(rc.verify_cert, 1);                 /* verified unless told */
	assert_int_equal(rc.port, 143);
	assert_string_equal(rc.host, "mail.example.com");
	assert_string_equal(rc.user, "probe@example.com");   /* the login defaults to TO */
	assert_string_equal(rc.password, "pw");
	assert_int_equal(rc.interval_s, 300);
	assert_int_equal(rc.timeout_s, 120);
	assert_int_equal(rc.fail_threshold, 1);
}

static void each_scheme_has_its_protocol_tls_and_port(void **state)
{
	static const struct { const char *url; int proto, tls, port; } cases[] = {
		{ "imap://h.example", MAILBOX_IMAP, 0, 143 },
		{ "imaps://h.example", MAILBOX_IMAP, 1, 993 },
		{ "pop3://h.example", MAILBOX_POP3, 0, 110 },
		{ "pop3s://h.example", MAILBOX_POP3, 1, 995 },
		{ "pop3://h.example:1110", MAILBOX_POP3, 0, 1110 },
		{ "imap://[::1]:1143", MAILBOX_IMAP, 0, 1143 },
	};
	char line[200];
	struct roundtrip_config rc;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "n s %s from=a@b.example to=c@d.example password=x%s",
			 cases[i].url, cases[i].tls ? "" : " mailboxTls=starttls");
		assert_int_equal(parse(line, &rc), 0);
		assert_int_equal(rc.proto, cases[i].proto);
		assert_int_equal(rc.mailbox_tls, cases[i].tls);
		assert_int_equal(rc.port, cases[i].port);
	}
	assert_string_equal(rc.host, "::1");
}

static void the_mailbox_column_is_the_url_without_credentials(void **state)
{
	struct roundtrip_config rc;
	char url[RT_URL_MAX + 1];

	(void)state;
	assert_int_equal(parse("n s pop3s://[::1] from=a@b.example to=c@d.example user=me "
			       "password=topsecret", &rc), 0);
	roundtrip_mailbox_url(&rc, url, sizeof(url));
	assert_string_equal(url, "pop3s://[::1]:995");
}

static void every_key_is_read(void **state)
{
	struct roundtrip_config rc;

	(void)state;
	assert_int_equal(parse("n s imap://h.example from=a@b.example to=c@d.example user=u "
			       "password=p smtpUser=su smtpPassword=sp interval=30 timeout=7 "
			       "failThreshold=3 mailboxTls=starttls verifyCert=no", &rc), 0);
	assert_string_equal(rc.smtp_user, "su");
	assert_string_equal(rc.smtp_password, "sp");
	assert_int_equal(rc.verify_cert, 0);
	assert_int_equal(rc.interval_s, 30);
	assert_int_equal(rc.timeout_s, 7);
	assert_int_equal(rc.fail_threshold, 3);
	assert_int_equal(parse("n s imaps://h.example from=a@b.example to=c@d.example user=u "
			       "tokenFile=/run/tok smtpUser=su smtpTokenFile=/run/stok", &rc), 0);
	assert_string_equal(rc.token_file, "/run/tok");
	assert_string_equal(rc.smtp_token_file, "/run/stok");
	assert_int_equal(rc.password[0], '\0');
}

static void bad_lines_are_refused_with_a_reason(void **state)
{
	static const char *const bad[] = {
		"n s",                                                          /* too short */
		"n s http://h.example from=a@b.example to=c@d.example password=p", /* scheme */
		"n s imap://user@h.example from=a@b.example to=c@d.example password=p",
		"n s imap://h.example/INBOX from=a@b.example to=c@d.example password=p",
		"n s imap://h.example:0 from=a@b.example to=c@d.example password=p",
		"n s imap://h.example to=c@d.example password=p",               /* no from */
		"n s imap://h.example from=a@b.example to=c@d.example",         /* no password */
		"n s imap://h.example from=nobody to=c@d.example password=p",
		"n s imap://h.example from=a@b.example to=<c@d.example> password=p",
		"n s imap://h.example from=a@b.example to=c@d.example password=p interval=0",
		"n s imap://h.example from=a@b.example to=c@d.example password=p timeout=x",
		"n s imap://h.example from=a@b.example to=c@d.example password=p colour=red",
		"n s imap://h.example from=a@b.example to=c@d.example password=p smtpUser=u",
		"n s imap://h.example from=a@b.example to=c@d.example password=p "
		"passwordFile=/etc/x",
		"bad/name s imap://h.example from=a@b.example to=c@d.example password=p",
		"n s imaps://h.example from=a@b.example to=c@d.example password=p tokenFile=/t",
		"n s imaps://h.example from=a@b.example to=c@d.example password=p "
		"smtpUser=u smtpPassword=x smtpTokenFile=/t",
		"n s imaps://h.example from=a@b.example to=c@d.example tokenFile=relative",
		"n s imaps://h.example from=a@b.example to=c@d.example password=p "
		"mailboxTls=starttls",                                          /* TLS twice */
		"n s imap://h.example from=a@b.example to=c@d.example password=p mailboxTls=yes",
		"n s imaps://h.example from=a@b.example to=c@d.example password=p verifyCert=0",
	};
	struct roundtrip_config rc;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &rc), -1);
		assert_true(strlen(err) > 0);
	}
}

/* No credential over a plain channel: imap:// and pop3:// need the upgrade. */
static void a_plain_mailbox_is_refused_at_load(void **state)
{
	struct roundtrip_config rc;

	(void)state;
	assert_int_equal(parse("n s imap://h.example from=a@b.example to=c@d.example "
			       "password=p", &rc), -1);
	assert_non_null(strstr(err, "clear text"));
	assert_non_null(strstr(err, "mailboxTls=starttls"));
	assert_int_equal(parse("n s pop3://h.example from=a@b.example to=c@d.example "
			       "tokenFile=/t", &rc), -1);
	assert_non_null(strstr(err, "pop3s://"));
	assert_int_equal(parse("n s pop3://h.example from=a@b.example to=c@d.example "
			       "tokenFile=/t mailboxTls=starttls", &rc), 0);
}

/* Tokens expire: the file is read at each use, never through a symlink. */
static void a_token_file_is_read_whole_line_and_not_through_a_symlink(void **state)
{
	char path[] = "/tmp/test_roundtrip_tok_XXXXXX", link[64], tok[RT_TOKEN_MAX + 1];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "ya29.a0-token_value\nrest\n", 25), 25);
	close(fd);
	assert_int_equal(roundtrip_read_token(path, tok, sizeof(tok), err, sizeof(err)), 0);
	assert_string_equal(tok, "ya29.a0-token_value");
	snprintf(link, sizeof(link), "%s.lnk", path);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(roundtrip_read_token(link, tok, sizeof(tok), err, sizeof(err)), -1);
	assert_null(strstr(err, "ya29"));
	unlink(link);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "two words\n", 10), 10);
	close(fd);
	assert_int_equal(roundtrip_read_token(path, tok, sizeof(tok), err, sizeof(err)), -1);
	assert_null(strstr(err, "two"));
	unlink(path);
}

static void a_refused_line_never_quotes_a_password(void **state)
{
	struct roundtrip_config rc;

	(void)state;
	assert_int_equal(parse("n s imap://h.example from=a@b.example to=c@d.example "
			       "password=s3cr3t-value interval=never", &rc), -1);
	assert_null(strstr(err, "s3cr3t"));
	assert_int_equal(parse("n s imap://h.example from=a@b.example to=c@d.example "
			       "passwordwith-no-equals-s3cr3t", &rc), -1);
	assert_null(strstr(err, "s3cr3t"));
	assert_int_equal(rc.password[0], '\0');   /* nothing of a refused line is kept */
	assert_int_equal(parse("n s imaps://h.example from=a@b.example to=c@d.example "
			       "smtpPassword:s3cr3t-value", &rc), -1);     /* misspelt */
	assert_null(strstr(err, "s3cr3t"));
	assert_int_equal(parse("n s imaps://h.example from=a@b.example to=c@d.example "
			       "password=Two s3cr3t-words", &rc), -1);     /* a space in it */
	assert_null(strstr(err, "s3cr3t"));
	assert_int_equal(parse("n s imaps://h.example from=a@b.example to=c@d.example "
			       "pasword=s3cr3t smtpPasswd=s3cr3t", &rc), -1);
	assert_null(strstr(err, "s3cr3t"));
	assert_int_equal(parse("n s imaps://h.example from=a@b.example to=c@d.example "
			       "password=p interval=30 timeout5", &rc), -1);  /* a plain typo is shown */
	assert_non_null(strstr(err, "'timeout5'"));
}

static void a_password_file_gives_its_first_line_when_only_its_owner_may_write_it(void **state)
{
	char path[] = "/tmp/test_roundtrip_pw_XXXXXX", link[64];
	int fd = mkstemp(path);
	struct roundtrip_config rc;
	char line[200];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "pass with spaces\nsecond line\n", 29), 29);
	close(fd);
	snprintf(line, sizeof(line), "n s imaps://h.example from=a@b.example to=c@d.example "
		 "passwordFile=%s", path);
	chmod(path, 0640);
	assert_int_equal(parse(line, &rc), 0);
	assert_int_equal(rc.password[0], '\0');   /* read at each use, not at load */
	assert_int_equal(roundtrip_check_password_file(path, err, sizeof(err)), 0);
	assert_int_equal(roundtrip_read_password_file(&rc, err, sizeof(err)), 0);
	assert_string_equal(rc.password, "pass with spaces");
	chmod(path, 0620);                          /* the group may write it */
	assert_int_equal(roundtrip_check_password_file(path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "written by others"));
	assert_int_equal(roundtrip_read_password_file(&rc, err, sizeof(err)), -1);
	chmod(path, 0600);
	snprintf(link, sizeof(link), "%s.lnk", path);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(roundtrip_check_password_file(link, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "symbolic link"));
	strcpy(rc.password_file, link);
	assert_int_equal(roundtrip_read_password_file(&rc, err, sizeof(err)), -1);
	unlink(link);
	unlink(path);
	strcpy(rc.password_file, path);
	assert_int_equal(roundtrip_read_password_file(&rc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
}

static void equal_configurations_compare_equal(void **state)
{
	struct roundtrip_config a, b;
	const char *line = "n s imaps://h.example from=a@b.example to=c@d.example password=p";

	(void)state;
	assert_int_equal(parse(line, &a), 0);
	assert_int_equal(parse(line, &b), 0);
	assert_true(roundtrip_config_equal(&a, &b));
	assert_int_equal(parse("n s imaps://h.example from=a@b.example to=c@d.example "
			       "password=q", &b), 0);
	assert_false(roundtrip_config_equal(&a, &b));
}

/* What makes a process hold a secret, and so make no core dump. */
static void a_password_or_a_token_is_a_secret(void **state)
{
	struct roundtrip_config rc;

	(void)state;
	assert_int_equal(parse("n s imaps://h.example from=a@b.example to=c@d.example "
			       "password=p", &rc), 0);
	assert_true(roundtrip_config_has_secret(&rc));
	assert_int_equal(parse("n s imaps://h.example from=a@b.example to=c@d.example "
			       "tokenFile=/run/tok", &rc), 0);
	assert_true(roundtrip_config_has_secret(&rc));
	memset(&rc, 0, sizeof(rc));
	assert_false(roundtrip_config_has_secret(&rc));
	snprintf(rc.password_file, sizeof(rc.password_file), "/etc/smtpmon/pw");
	assert_true(roundtrip_config_has_secret(&rc));
	memset(&rc, 0, sizeof(rc));
	snprintf(rc.smtp_password, sizeof(rc.smtp_password), "sp");
	assert_true(roundtrip_config_has_secret(&rc));
	memset(&rc, 0, sizeof(rc));
	snprintf(rc.smtp_token_file, sizeof(rc.smtp_token_file), "/run/stok");
	assert_true(roundtrip_config_has_secret(&rc));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_password_or_a_token_is_a_secret),
		cmocka_unit_test(a_minimal_line_gets_the_designed_defaults),
		cmocka_unit_test(each_scheme_has_its_protocol_tls_and_port),
		cmocka_unit_test(the_mailbox_column_is_the_url_without_credentials),
		cmocka_unit_test(every_key_is_read),
		cmocka_unit_test(bad_lines_are_refused_with_a_reason),
		cmocka_unit_test(a_plain_mailbox_is_refused_at_load),
		cmocka_unit_test(a_token_file_is_read_whole_line_and_not_through_a_symlink),
		cmocka_unit_test(a_refused_line_never_quotes_a_password),
		cmocka_unit_test(a_password_file_gives_its_first_line_when_only_its_owner_may_write_it),
		cmocka_unit_test(equal_configurations_compare_equal),
	};

	return cmocka_run_group_tests_name("roundtrip_config", tests, NULL, NULL);
}
