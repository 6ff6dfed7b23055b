# SPDX-License-Identifier: ISC
"""Round trips trusted with a password (issue 18): every TLS certificate is
verified before a credential leaves, over SMTP STARTTLS and implicit TLS,
imaps, pop3s, IMAP STARTTLS and POP3 STLS; bearer tokens (XOAUTH2 and
OAUTHBEARER); the server row's family= and source=.

Three recording fake mail servers (tests/fixtures/fakemail.py) keep every
byte they receive: "mitm" shows a self-signed certificate for another
name, "good" one from the test CA (smtpMonCaFile) with the right names,
"bare" the good certificate but never offers an upgrade. A fourth, "six",
listens on ::1 only and is reached by a name that a private dnsmasq
resolves (smtpMonResolver) to 127.0.0.1 and ::1."""

import base64
import os
import socket
import sys
import unittest

from harness import ROOT, RT_RESULT, TOP, assert_stops_cleanly, new_stack

sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))
import certs  # noqa: E402
import dnsmasq  # noqa: E402
import fakemail  # noqa: E402

NAME = "mail.smtpmon.test"

USERS = {"box": "Box-S3cret-\"q\\uote-61", "sender": "Smtp-S3cret-62"}
TOKENS = {"box": "ya29.Good-Box-Token-63", "sender": "ya29.Good-Smtp-Token-64"}
BAD_TOKEN = "ya29.Bad-Token-65"
ECHO_USERS = {"box": "not-what-smtpmon-has", "sender": "not-either"}

stack = None
srv = {}


def setUpModule():
    global stack
    stack = new_stack()
    try:
        _prepare()
    except BaseException:
        _close_servers()
        stack.close()
        raise


def _prepare():
    ca = certs.CA(os.path.join(stack.dir, "ca"))
    good = ca.issue("good", NAME, sans=[NAME, "IP:127.0.0.1", "IP:::1"])
    evil = certs.CA(os.path.join(stack.dir, "evil"), cn="mail.attacker.example")
    srv["mitm"] = fakemail.FakeMail(cert=evil.cert, key=evil.key, users=USERS, tokens=TOKENS)
    srv["good"] = fakemail.FakeMail(cert=good[0], key=good[1], users=USERS, tokens=TOKENS)
    srv["bare"] = fakemail.FakeMail(cert=good[0], key=good[1], users=USERS, tokens=TOKENS,
                                    starttls=False)
    srv["lab"] = fakemail.FakeMail(cert=evil.cert, key=evil.key, users=USERS, tokens=TOKENS)
    srv["echo"] = fakemail.FakeMail(cert=good[0], key=good[1], users=ECHO_USERS, echo_auth=True)
    # The echo across the 200th and the 255th character of LastError.
    srv["echo200"] = fakemail.FakeMail(cert=good[0], key=good[1], users=ECHO_USERS,
                                       echo_auth=True, echo_pad=95)
    srv["echo255"] = fakemail.FakeMail(cert=good[0], key=good[1], users=ECHO_USERS,
                                       echo_auth=True, echo_pad=125)
    srv["six"] = fakemail.FakeMail(cert=good[0], key=good[1], users=USERS, tokens=TOKENS,
                                   host="::1")
    dns = dnsmasq.start(os.path.join(stack.dir, "dns"), {NAME: ["127.0.0.1", "::1"]},
                        stack.group)
    stack.start_trapd()
    stack.start_snmpd()
    stack.start_smtpmond(_conf(ca, dns))


def _token_file(name, token):
    path = os.path.join(stack.dir, name + ".token")
    with open(path, "w") as f:
        f.write(token + "\n")
    os.chmod(path, 0o600)
    return path


def _server(name, which, kind, tls, extra=""):
    return "smtpMonServer %s 127.0.0.1:%d interval=600 tls=%s sni=%s %s" % (
        name, srv[which].port(kind), tls, NAME, extra)


def _check(name, server, which, kind, extra="", host="127.0.0.1"):
    """A check through SERVER into the mailbox of fake WHICH over KIND."""
    upgrade = "" if kind.endswith("s") else " mailboxTls=starttls"
    return ("smtpMonRoundTrip %s %s %s://%s:%d from=monitor@smtpmon.test "
            "to=box@smtpmon.test user=box password=%s interval=3 timeout=3 "
            "smtpUser=sender smtpPassword=%s%s %s" % (
                name, server, kind, host, srv[which].port(kind), USERS["box"], USERS["sender"],
                upgrade, extra))


def _conf(ca, dns):
    good_box = _token_file("good-box", TOKENS["box"])
    good_smtp = _token_file("good-smtp", TOKENS["sender"])
    bad = _token_file("bad", BAD_TOKEN)
    lines = [
        "smtpMonCaFile %s" % ca.cert,
        "smtpMonResolver 127.0.0.1:%d" % dns.port,
        _server("mitm-starttls", "mitm", "smtp", "starttls"),
        _server("mitm-smtps", "mitm", "smtps", "implicit"),
        _server("lab-smtp", "lab", "smtp", "starttls"),
        _server("good-starttls", "good", "smtp", "starttls"),
        _server("good-smtps", "good", "smtps", "implicit"),
        _server("bare-smtp", "bare", "smtp", "starttls"),
        _server("from-two", "good", "smtp", "starttls", "source=127.0.0.2"),
        _server("echo-smtps", "echo", "smtps", "implicit"),
        _server("echo200-smtps", "echo200", "smtps", "implicit"),
        "smtpMonServer six %s:%d interval=600 tls=starttls family=ipv6"
        % (NAME, srv["six"].port("smtp")),
        # A man in the middle of the submission, then of each mailbox kind.
        _check("mitm-smtp", "mitm-starttls", "good", "imaps"),
        _check("mitm-smtps", "mitm-smtps", "good", "imaps"),
    ]
    lines += [_check("mitm-" + k, "good-starttls", "mitm", k)
              for k in ("imaps", "pop3s", "imap", "pop3")]
    lines += [_check("good-" + k, "good-starttls", "good", k)
              for k in ("imaps", "pop3s", "imap", "pop3")]
    lines += [
        _check("implicit", "good-smtps", "good", "imaps"),
        _check("no-stls-smtp", "bare-smtp", "good", "imaps"),
        _check("no-stls-imap", "good-starttls", "bare", "imap"),
        _check("no-stls-pop3", "good-starttls", "bare", "pop3"),
        _check("lab", "lab-smtp", "lab", "pop3s", "verifyCert=no"),
        _check("source", "from-two", "good", "imaps"),
        _check("ipv6", "six", "six", "imaps", host="[::1]"),
        # Servers that quote the refused credentials back in their replies.
        _check("echo-smtp", "echo-smtps", "good", "imaps"),
        _check("echo-imap", "good-starttls", "echo", "imaps"),
        _check("echo-pop3", "good-starttls", "echo", "pop3s"),
        _check("echo200-smtp", "echo200-smtps", "good", "imaps"),
        _check("echo255-imap", "good-starttls", "echo255", "imaps"),
        # Bearer tokens, for the mailbox and for SMTP AUTH.
        ("smtpMonRoundTrip oauth good-smtps imaps://127.0.0.1:%d from=monitor@smtpmon.test "
         "to=box@smtpmon.test user=box tokenFile=%s smtpUser=sender smtpTokenFile=%s "
         "interval=3 timeout=3" % (srv["good"].port("imaps"), good_box, good_smtp)),
        ("smtpMonRoundTrip oauth-pop good-smtps pop3s://127.0.0.1:%d from=monitor@smtpmon.test "
         "to=box@smtpmon.test user=box tokenFile=%s interval=3 timeout=3"
         % (srv["good"].port("pop3s"), good_box)),
        ("smtpMonRoundTrip oauth-bad good-smtps imaps://127.0.0.1:%d from=monitor@smtpmon.test "
         "to=box@smtpmon.test user=box tokenFile=%s interval=3 timeout=3"
         % (srv["good"].port("imaps"), bad)),
        ("smtpMonRoundTrip oauth-badsmtp good-smtps imaps://127.0.0.1:%d "
         "from=monitor@smtpmon.test to=box@smtpmon.test user=box tokenFile=%s smtpUser=sender "
         "smtpTokenFile=%s interval=3 timeout=3" % (srv["good"].port("imaps"), good_box, bad)),
    ]
    missing = os.path.join(stack.dir, "no-such.token")
    lines += [
        ("smtpMonRoundTrip token-gone good-smtps imaps://127.0.0.1:%d from=monitor@smtpmon.test "
         "to=box@smtpmon.test user=box tokenFile=%s interval=3 timeout=3"
         % (srv["good"].port("imaps"), missing)),
        ("smtpMonRoundTrip smtp-token-gone good-smtps imaps://127.0.0.1:%d "
         "from=monitor@smtpmon.test to=box@smtpmon.test user=box tokenFile=%s smtpUser=sender "
         "smtpTokenFile=%s interval=3 timeout=3" % (srv["good"].port("imaps"), good_box, missing)),
    ]
    stack.plain_lines = [
        "smtpMonRoundTrip plain-%s good-starttls %s://127.0.0.1:%d from=monitor@smtpmon.test "
        "to=box@smtpmon.test user=box password=%s" % (k, k, srv["good"].port(k), USERS["box"])
        for k in ("imap", "pop3")]
    return lines + stack.plain_lines


def _close_servers():
    for s in srv.values():
        s.close()


def tearDownModule():
    stack.close()
    _close_servers()




def _forms(secret, user):
    """Every form a secret could take on the wire: raw, base64, AUTH PLAIN's
    blob, and IMAP-quoted."""
    b64 = lambda b: base64.b64encode(b)  # noqa: E731
    raw = secret.encode()
    quoted = raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return [raw, quoted, b64(raw), b64(b"\0" + user.encode() + b"\0" + raw),
            b64(user.encode() + b"\0" + raw)]


def _pieces(text):
    """Any 6 characters in a row of a secret, raw or base64, found in TEXT."""
    found = []
    for form in SECRET_FORMS:
        form = form.decode()
        found += [form[i:i + 6] for i in range(len(form) - 5) if form[i:i + 6] in text]
    return found


SECRET_FORMS = (_forms(USERS["box"], "box") + _forms(USERS["sender"], "sender") +
                _forms(TOKENS["box"], "box") + _forms(TOKENS["sender"], "sender"))


class ManInTheMiddle(unittest.TestCase):
    def test_no_byte_of_a_password_reaches_a_server_whose_certificate_does_not_verify(self):
        for name in ("mitm-smtp", "mitm-smtps", "mitm-imaps", "mitm-pop3s", "mitm-imap",
                     "mitm-pop3"):
            with self.subTest(check=name):
                row = stack.roundtrip_finished(name)
                self.assertEqual(row["LastResult"], RT_RESULT["certInvalid"], row["LastError"])
                self.assertIn("certificate did not verify", row["LastError"])
                self.assertIn("no credential was sent", row["LastError"])
        got = srv["mitm"].received()
        self.assertTrue(got, "the man in the middle saw no connection at all")
        self.assertEqual([f for f in SECRET_FORMS if f in got], [])
        self.assertEqual(srv["mitm"].logins(), [])

    def test_the_log_says_why(self):
        stack.roundtrip_finished("mitm-smtp")
        self.assertIn("round trip mitm-smtp through mitm-starttls failed: certInvalid: SMTP TLS: "
                      "the server's certificate did not verify", stack.read_log())

    def test_verify_cert_no_is_for_labs_and_warned_about_at_load(self):
        self.assertIn("smtpMonRoundTrip lab: verifyCert=no: certificates are not verified",
                      stack.read_log())
        row = stack.roundtrip_finished("lab")
        self.assertEqual(row["LastResult"], RT_RESULT["ok"], row["LastError"])
        got = srv["lab"].received()                    # as it was told
        self.assertTrue([f for f in _forms(USERS["box"], "box") if f in got])


class GoodCertificates(unittest.TestCase):
    def test_each_kind_of_tls_delivers_when_the_certificate_verifies(self):
        for name in ("good-imaps", "good-pop3s", "good-imap", "good-pop3", "implicit"):
            with self.subTest(check=name):
                row = stack.roundtrip_finished(name)
                self.assertEqual(row["LastResult"], RT_RESULT["ok"], row["LastError"])
                self.assertGreater(row["DeliveryTime"], 0)
        kinds = {k for k in ("smtp", "imap", "pop3") if srv["good"].logins(k)}
        self.assertEqual(kinds, {"smtp", "imap", "pop3"})

    def test_a_server_without_the_upgrade_is_a_result_not_a_downgrade(self):
        cases = {"no-stls-smtp": ("sendFailed", "SMTP: the server does not offer STARTTLS"),
                 "no-stls-imap": ("mailboxUnreachable", "IMAP: the server does not offer "
                                  "STARTTLS"),
                 "no-stls-pop3": ("mailboxUnreachable", "POP3: the server does not offer STLS")}
        for name, (result, text) in cases.items():
            with self.subTest(check=name):
                row = stack.roundtrip_finished(name)
                self.assertEqual(row["LastResult"], RT_RESULT[result], row["LastError"])
                self.assertIn(text, row["LastError"])
        got = srv["bare"].received()
        self.assertEqual([f for f in SECRET_FORMS if f in got], [])

    def test_a_plain_mailbox_with_a_password_is_refused_at_load_and_the_rest_run(self):
        log = stack.read_log()
        for line in stack.plain_lines:
            kind = line.split()[3].split(":")[0]
            self.assertIn("%s: line %d: Error: smtpMonRoundTrip: %s:// would send the credentials "
                          "in clear text" % (stack.smtpmond_conf, _line_number(line), kind), log)
        self.assertNotIn("plain-imap", stack.roundtrips())
        self.assertNotIn("plain-pop3", stack.roundtrips())
        self.assertEqual(stack.roundtrip_finished("good-imaps")["LastResult"], RT_RESULT["ok"])


class BearerTokens(unittest.TestCase):
    def test_a_good_bearer_token_logs_in_by_xoauth2_or_oauthbearer(self):
        for name in ("oauth", "oauth-pop"):
            with self.subTest(check=name):
                row = stack.roundtrip_finished(name)
                self.assertEqual(row["LastResult"], RT_RESULT["ok"], row["LastError"])
        mechs = {m for m, _, ok in srv["good"].logins() if ok}
        self.assertTrue(mechs & {"XOAUTH2", "OAUTHBEARER"}, mechs)

    def test_a_bad_token_is_a_refused_login(self):
        row = stack.roundtrip_finished("oauth-bad")
        self.assertEqual(row["LastResult"], RT_RESULT["mailboxLoginFailed"], row["LastError"])
        row = stack.roundtrip_finished("oauth-badsmtp")
        self.assertEqual(row["LastResult"], RT_RESULT["smtpAuthFailed"], row["LastError"])

    def test_a_token_file_that_cannot_be_read_is_a_refused_login_and_nothing_is_sent(self):
        row = stack.roundtrip_finished("token-gone")
        self.assertEqual(row["LastResult"], RT_RESULT["mailboxLoginFailed"], row["LastError"])
        self.assertIn("no-such.token: No such file or directory", row["LastError"])
        row = stack.roundtrip_finished("smtp-token-gone")
        self.assertEqual(row["LastResult"], RT_RESULT["smtpAuthFailed"], row["LastError"])
        self.assertIn("no-such.token: No such file or directory", row["LastError"])
        self.assertEqual(row["SendTime"], 0)

    def test_no_token_or_password_in_a_walk_the_log_or_a_notification(self):
        for name in ("oauth-bad", "oauth-badsmtp", "mitm-smtp"):
            stack.roundtrip_finished(name)
        texts = {"walk": repr(stack.walk(ROOT)), "log": stack.read_log(),
                 "notifications": "\n".join(l for _, l in list(stack.trap_watch.lines))}
        self.assertIn(ROOT + ".0.6", texts["notifications"])   # some were sent
        for where, text in texts.items():
            for secret in list(TOKENS.values()) + [BAD_TOKEN] + list(USERS.values()):
                self.assertNotIn(secret, text, "a secret in the %s" % where)


class EchoedCredentials(unittest.TestCase):
    def test_a_reply_that_quotes_the_password_has_it_masked(self):
        cases = {"echo-smtp": "smtpAuthFailed", "echo-imap": "mailboxLoginFailed",
                 "echo-pop3": "mailboxLoginFailed", "echo200-smtp": "smtpAuthFailed",
                 "echo255-imap": "mailboxLoginFailed"}
        for name, result in cases.items():
            with self.subTest(check=name):
                row = stack.roundtrip_finished(name)
                self.assertEqual(row["LastResult"], RT_RESULT[result], row["LastError"])
                if not name.startswith("echo255"):                    # it did echo
                    self.assertIn("client sent: ***", row["LastError"])
                self.assertEqual(_pieces(row["LastError"]), [])
        self.assertEqual(_pieces(stack.read_log()), [])
        self.assertEqual(_pieces(repr(stack.walk(ROOT))), [])


class Addressing(unittest.TestCase):
    def test_the_rows_family_is_used(self):
        row = stack.roundtrip_finished("ipv6")
        self.assertEqual(row["LastResult"], RT_RESULT["ok"], row["LastError"])
        self.assertIn((socket.AF_INET6, "::1"), srv["six"].peers("smtp"))

    def test_the_rows_source_address_is_used(self):
        row = stack.roundtrip_finished("source")
        self.assertEqual(row["LastResult"], RT_RESULT["ok"], row["LastError"])
        self.assertIn("127.0.0.2", [a for _, a in srv["good"].peers("smtp")])


class Shutdown(unittest.TestCase):   # runs last: classes run in name order
    def test_sigterm_stops_cleanly_without_sanitizer_reports(self):
        assert_stops_cleanly(self, stack)


def _line_number(line):
    with open(stack.smtpmond_conf) as f:
        lines = f.read().splitlines()
    return len(lines) - lines[::-1].index(line)


if __name__ == "__main__":
    unittest.main()
