# SPDX-License-Identifier: ISC
"""smtpMonRoundTrip end to end (issue 12): test messages sent through a real
Exim that delivers to Maildirs, read back from a real Dovecot over IMAP and
POP3, with smtpMonRoundTripTable and its notifications as an NMS sees them.

One stack: eight checks run side by side, each into its own mailbox (the
three AUTH checks share one). The Exim offers STARTTLS and AUTH over TLS; a
second Exim, whose queue is frozen at first, is the MTA that accepts but
does not deliver; the test thaws it once the failure was announced."""

import os
import re
import sys
import time
import unittest

from harness import (COLUMNS, FRONTEND, ROOT, RT_COLUMNS, RT_RESULT, RT_TABLE, STATUS, TABLE,
                     TOP, assert_stops_cleanly, name_index, new_stack, parse_value, procs)

sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))
import certs  # noqa: E402
import dovecot  # noqa: E402
import fakemail  # noqa: E402
import fakemailbox  # noqa: E402
import exim  # noqa: E402

FAILED = ROOT + ".0.6"
RECOVERED = ROOT + ".0.7"

# Every secret of the configuration: none may leave smtpmon.
SECRETS = {"imapbox": "Imap-S3cret-41", "popbox": "Pop-S3cret-42",
           "badbox": "Right-S3cret-43", "stuckbox": "Stuck-S3cret-44",
           "rejbox": "Rej-S3cret-45", "authbox": "Auth-S3cret-47",
           "hostilebox": "Hostile-S3cret-50", "latebox": "Late-S3cret-51",
           "tlsbox": "Tls-S3cret-52"}
WRONG_PASSWORD = "Wrong-S3cret-46"
BROKEN_PASSWORD = "Broken-S3cret-49"
SMTP_SECRET = "Smtp-S3cret-48"

stack = None
mail_root = None
freeze = None


def setUpModule():
    global stack, mail_root, freeze
    stack = new_stack()
    try:
        _prepare()
    except BaseException:
        stack.close()
        raise


def _prepare():
    global mail_root, freeze
    uid, gid = exim._ids()
    mail_root = os.path.join(stack.dir, "mail")
    os.makedirs(mail_root)
    os.chown(mail_root, uid, gid)
    os.chmod(mail_root, 0o700)
    freeze = os.path.join(stack.dir, "stuck-frozen")
    open(freeze, "w").close()
    stack.start_trapd()
    stack.start_snmpd()
    ca = certs.CA(os.path.join(stack.dir, "ca"))
    cert, key = ca.issue("mta", "mta.smtpmon.test")
    good = exim.start(os.path.join(stack.dir, "exim"), group=stack.group, mail_root=mail_root,
                      freeze_file=os.path.join(stack.dir, "never-frozen"),
                      tls_cert=cert, tls_key=key, auth=("submitter", SMTP_SECRET))
    stuck = exim.start(os.path.join(stack.dir, "exim-stuck"), group=stack.group,
                       mail_root=mail_root, freeze_file=freeze)
    exim._make_searchable(mail_root, uid, gid)
    # Verified by name or address, never skipped: the CA is smtpMonCaFile.
    imap_cert = ca.issue("imap", "imap.smtpmon.test", sans=["imap.smtpmon.test", "IP:127.0.0.1"])
    imap = dovecot.start(os.path.join(stack.dir, "dovecot"), mail_root, SECRETS, stack.group,
                         tls=imap_cert)
    # What a crash leaves behind, and a user's own mail that must stay.
    _plant("imapbox", "left", "smtpmon=imap=00000000000000000000000000000000@old.example")
    _plant("imapbox", "mine", "12345@friend.example")
    _plant("popbox", "left", "smtpmon=pop=00000000000000000000000000000000@old.example")
    stack.dovecot = imap
    i, p = imap.imap_port, imap.pop3_port
    stack.conf_lines = [
        "smtpMonCaFile %s" % ca.cert,
        "smtpMonServer mta 127.0.0.1:%d interval=600" % good.port,
        "smtpMonServer stuckmta 127.0.0.1:%d interval=600" % stuck.port,
        "smtpMonServer mtatls 127.0.0.1:%d interval=600 tls=starttls sni=mta.smtpmon.test"
        % good.port,
        # First runs are spread over each interval (i/n of it): the checks
        # that must not run twice during the tests come first, with 10 s.
        _check("imap", "mta", "imap://127.0.0.1:%d" % i, "imapbox", 10),
        _check("pop", "mta", "pop3://127.0.0.1:%d" % p, "popbox", 10,
               password_file=_password_file("popbox", 0o644)),
        _check("stuck", "stuckmta", "imap://127.0.0.1:%d" % i, "stuckbox", 3, timeout=2),
        _check("imaps", "mta", "imaps://127.0.0.1:%d" % imap.imaps_port, "tlsbox", 3),
        _check("pop3s", "mta", "pop3s://127.0.0.1:%d" % imap.pop3s_port, "tlsbox", 3),
        _check("rejected", "mta", "imap://127.0.0.1:%d" % i, "rejbox", 3,
               to="nobody@elsewhere.example"),
        _check("badlogin", "mta", "pop3://127.0.0.1:%d" % p, "badbox", 3,
               password=WRONG_PASSWORD),
        _check("auth", "mtatls", "imap://127.0.0.1:%d" % i, "authbox", 3,
               smtp="smtpUser=submitter smtpPassword=" + SMTP_SECRET),
        _check("authbad", "mtatls", "imap://127.0.0.1:%d" % i, "authbox", 3,
               smtp="smtpUser=submitter smtpPassword=" + WRONG_PASSWORD),
        _check("authplain", "mta", "imap://127.0.0.1:%d" % i, "authbox", 3,
               smtp="smtpUser=submitter smtpPassword=" + SMTP_SECRET),
    ]
    # Through a server row an NMS creates later with SET.
    stack.conf_lines.append(_check("late", "setmta", "imap://127.0.0.1:%d" % i, "latebox", 1))
    stack.mta_port = good.port
    stack.hostile = fakemailbox.FakeMailboxes({"silent": "silent", "longline": "longline",
                                               "garbage": "garbage", "bye": "bye"})
    for name in ("silent", "longline", "garbage", "bye"):
        proto = "pop3" if name == "garbage" else "imap"
        stack.conf_lines.append(_check(name, "mta", "%s://127.0.0.1:%d" % (
            proto, stack.hostile.port(name)), "hostilebox", 3, timeout=1))
    stack.broken = [   # (line, what the log says), each skipped, none fatal
        ("smtpMonRoundTrip colour mta imap://127.0.0.1:%d from=m@smtpmon.test "
         "to=imapbox@smtpmon.test password=%s colour=blue" % (i, BROKEN_PASSWORD),
         "Error: smtpMonRoundTrip: unknown key 'colour'"),
        ("smtpMonRoundTrip web mta http://127.0.0.1 from=m@smtpmon.test "
         "to=imapbox@smtpmon.test password=%s" % BROKEN_PASSWORD,
         "Error: smtpMonRoundTrip: the mailbox URL must start with imap://"),
        (_check("imap", "mta", "imap://127.0.0.1:%d" % i, "imapbox", 10),
         "Error: smtpMonRoundTrip: a round trip of this name is already defined"),
        ("smtpMonRoundTrip cleartext mta imap://127.0.0.1:%d from=m@smtpmon.test "
         "to=imapbox@smtpmon.test password=%s" % (i, BROKEN_PASSWORD),
         "Error: smtpMonRoundTrip: imap:// would send the credentials in clear text: use "
         "imaps:// or add mailboxTls=starttls (line ignored)"),
    ]
    stack.conf_lines += [line for line, _ in stack.broken] + [
        "smtpMonRoundTrip orphan nosuchserver imap://127.0.0.1:%d from=m@smtpmon.test "
        "to=imapbox@smtpmon.test password=%s mailboxTls=starttls" % (i, BROKEN_PASSWORD)]
    stack.start_smtpmond(stack.conf_lines)


def _plant(box, fname, message_id):
    """A message already in BOX's Maildir, delivered as Exim would."""
    uid, gid = exim._ids()
    new = os.path.join(mail_root, box, "Maildir", "new")
    for d in (os.path.dirname(new), new, os.path.join(os.path.dirname(new), "cur"),
              os.path.join(os.path.dirname(new), "tmp")):
        os.makedirs(d, exist_ok=True)
        os.chown(d, uid, gid)
        os.chmod(d, 0o700)
    path = os.path.join(new, "1700000000.%s.old.example" % fname)
    with open(path, "w") as f:
        f.write("From: <someone@old.example>\nTo: <%s@smtpmon.test>\nSubject: old\n"
                "Message-ID: <%s>\n\nold\n" % (box, message_id))
    os.chown(path, uid, gid)
    os.chmod(path, 0o600)


def _password_file(box, mode):
    path = os.path.join(stack.dir, box + ".pw")
    with open(path, "w") as f:
        f.write(SECRETS[box] + "\n")
    os.chmod(path, mode)
    return path


def _check(name, server, url, box, interval, timeout=5, to=None, password=None,
           password_file=None, smtp=""):
    secret = ("passwordFile=" + password_file if password_file else
              "password=" + (password or SECRETS[box]))
    upgrade = "" if url.split(":")[0] in ("imaps", "pop3s") else " mailboxTls=starttls"
    return ("smtpMonRoundTrip %s %s %s from=monitor@smtpmon.test to=%s user=%s %s "
            "interval=%d timeout=%d %s%s" % (name, server, url, to or box + "@smtpmon.test",
                                             box, secret, interval, timeout, smtp, upgrade))


def tearDownModule():
    stack.close()
    if getattr(stack, "hostile", None):
        stack.hostile.close()


def col(name, row):
    """An instance of a smtpMonServerTable column."""
    return "%s.%d.%s" % (TABLE, COLUMNS[name], name_index(row))




def roundtrip_traps(name):
    """smtpMonRoundTripFailed/Recovered for check NAME: [(trap oid, {column: value})]."""
    out = []
    for _, line in list(stack.trap_watch.lines):
        fields = line.split("\t")
        vbs = [procs._parse_varbind(vb) for vb in fields[2:]]
        trap_oid = next((v.lstrip(".") for o, _, v in vbs if o == ".1.3.6.1.6.3.1.1.4.1.0"), None)
        if trap_oid not in (FAILED, RECOVERED):
            continue
        objs = {}
        for oid, kind, value in vbs:
            oid = oid.lstrip(".")
            if oid.startswith(RT_TABLE + "."):
                parts = [int(x) for x in oid[len(RT_TABLE) + 1:].split(".")]
                if bytes(parts[2:]).decode() == name:
                    objs[RT_COLUMNS[parts[0]]] = parse_value(kind or None, value)
        if objs:
            out.append((trap_oid, objs))
    return out


class RoundTrip(unittest.TestCase):
    def test_imap_check_delivers_and_empties_the_mailbox(self):
        row = stack.roundtrip_finished("imap")
        self.assertEqual(row["LastResult"], RT_RESULT["ok"], row["LastError"])
        self.assertEqual(row["Status"], STATUS["up"])
        self.assertGreater(row["DeliveryTime"], 0)
        self.assertGreater(row["SendTime"], 0)
        self.assertEqual(row["Server"], "mta")
        self.assertEqual(row["Mailbox"], "imap://127.0.0.1:%d" % stack.dovecot.imap_port)
        self.assertEqual(len(row["LastSuccess"]), 11)
        # The test message and the one left over went; the user's own stays.
        left = dovecot.maildir_messages(os.path.join(mail_root, "imapbox", "Maildir"))
        self.assertEqual([os.path.basename(p).split(":")[0] for p in left],
                         ["1700000000.mine.old.example"])

    def test_pop3_check_delivers_and_empties_the_mailbox(self):
        row = stack.roundtrip_finished("pop")
        self.assertEqual(row["LastResult"], RT_RESULT["ok"], row["LastError"])
        self.assertGreater(row["DeliveryTime"], 0)
        self.assertEqual(row["Failures"], 0)
        # The test message and the one left over from a crash are both gone.
        self.assertEqual(dovecot.maildir_messages(os.path.join(mail_root, "popbox", "Maildir")),
                         [])

    def test_imaps_and_pop3s_deliver(self):
        for name in ("imaps", "pop3s"):
            with self.subTest(name=name):
                row = stack.roundtrip_finished(name)
                self.assertEqual(row["LastResult"], RT_RESULT["ok"], row["LastError"])
                self.assertGreater(row["DeliveryTime"], 0)
        logins = [l for l in stack.dovecot.log_text().splitlines() if "user=<tlsbox>" in l and
                  "Login:" in l]
        self.assertEqual({re.search(r" (\w+-login): ", l).group(1) for l in logins},
                         {"imap-login", "pop3-login"})
        self.assertTrue(all(", TLS, " in l for l in logins), logins)   # not merely "secured"

    def test_recipient_refused_by_the_mta_is_message_rejected(self):
        row = stack.roundtrip_finished("rejected")
        self.assertEqual(row["LastResult"], RT_RESULT["messageRejected"], row["LastError"])
        self.assertIn("RCPT TO", row["LastError"])
        self.assertIn("relay not permitted", row["LastError"])
        self.assertEqual(row["Status"], STATUS["down"])
        self.assertEqual(row["SendTime"], 0)
        log = stack.wait_for(lambda: "round trip rejected through mta is now down" in
                             stack.read_log() and stack.read_log(), 2, "the log lines")
        self.assertIn("smtpmon: round trip rejected through mta failed: messageRejected: SMTP "
                      "RCPT TO: the server refused: 550 relay not permitted", log)
        self.assertIn("round trip rejected through mta is now down (was unknown)", log)

    def test_auth_over_starttls_delivers(self):
        row = stack.roundtrip_finished("auth")
        self.assertEqual(row["LastResult"], RT_RESULT["ok"], row["LastError"])
        self.assertGreater(row["DeliveryTime"], 0)

    def test_wrong_smtp_password_is_smtp_auth_failed(self):
        row = stack.roundtrip_finished("authbad")
        self.assertEqual(row["LastResult"], RT_RESULT["smtpAuthFailed"], row["LastError"])
        self.assertIn("535", row["LastError"])

    def test_credentials_are_never_sent_without_tls(self):
        row = stack.roundtrip_finished("authplain")
        self.assertEqual(row["LastResult"], RT_RESULT["smtpAuthFailed"])
        self.assertIn("never sent in clear", row["LastError"])
        self.assertEqual(row["SendTime"], 0)

    def test_wrong_mailbox_password_is_mailbox_login_failed(self):
        row = stack.roundtrip_finished("badlogin")
        self.assertEqual(row["LastResult"], RT_RESULT["mailboxLoginFailed"], row["LastError"])
        self.assertIn("POP3 AUTH: the server refused the credentials", row["LastError"])

    def test_frozen_queue_times_out_then_recovers_with_one_notification_each(self):
        row = stack.roundtrip_finished("stuck")
        self.assertEqual(row["LastResult"], RT_RESULT["deliveryTimeout"], row["LastError"])
        self.assertIn("did not arrive within 2 s", row["LastError"])
        self.assertGreater(row["SendTime"], 0)    # the MTA took it
        self.assertEqual(row["Status"], STATUS["down"])
        failed = stack.wait_for(lambda: roundtrip_traps("stuck"), 10, "smtpMonRoundTripFailed")
        self.assertEqual(failed[0][0], FAILED)
        self.assertEqual(failed[0][1], {"Server": "stuckmta",
                                        "LastResult": RT_RESULT["deliveryTimeout"],
                                        "LastError": row["LastError"],
                                        "DisplayName": "stuck"})
        os.unlink(freeze)
        stack.wait_for(lambda: stack.roundtrips()["stuck"]["LastResult"] == RT_RESULT["ok"], 20,
                       "the thawed MTA to deliver")
        traps = stack.wait_for(lambda: len(roundtrip_traps("stuck")) >= 2 and
                               roundtrip_traps("stuck"), 10, "smtpMonRoundTripRecovered")
        self.assertEqual([t for t, _ in traps], [FAILED, RECOVERED])
        self.assertEqual(traps[1][1]["Server"], "stuckmta")
        self.assertEqual(traps[1][1]["DisplayName"], "stuck")
        self.assertGreater(traps[1][1]["DeliveryTime"], 0)

    def test_no_password_in_the_mib_the_log_or_a_notification(self):
        stack.roundtrip_finished("badlogin")
        stack.roundtrip_finished("imap")
        walk = stack.snmp("snmpwalk", "1.3.6.1.4.1.8072.9999.9999.25", check=False).stdout
        texts = {"snmpwalk": walk, "log": stack.read_log() + stack.read_stderr(),
                 "notifications": "\n".join(line for _, line in stack.trap_watch.lines)}
        self.assertIn(RT_TABLE + ".6.", walk)  # the walk reached the LastError column
        for where, text in texts.items():
            for secret in list(SECRETS.values()) + [WRONG_PASSWORD, SMTP_SECRET,
                                                    BROKEN_PASSWORD]:
                self.assertNotIn(secret, text, "a password in the %s" % where)


class BadLines(unittest.TestCase):
    def test_each_bad_line_is_reported_with_file_and_line_and_skipped(self):
        log = stack.read_log()
        for line, why in stack.broken:
            with self.subTest(why=why):
                self.assertIn("%s: line %d: %s" % (stack.smtpmond_conf, _line_number(line), why),
                              log)
        self.assertIn("round trip orphan: server nosuchserver: there is no smtpMonServer of "
                      "that name; the check is stopped until the configuration file has the row",
                      log)
        self.assertNotIn("colour", stack.roundtrips())
        self.assertNotIn("web", stack.roundtrips())
        self.assertNotIn("cleartext", stack.roundtrips())
        self.assertEqual(stack.roundtrips()["orphan"]["Status"], STATUS["disabled"])
        self.assertEqual(stack.roundtrips()["orphan"]["Probes"], 0)


def _line_number(line):
    """The last line of the configuration file in use that is LINE."""
    with open(stack.smtpmond_conf) as f:
        lines = f.read().splitlines()
    return len(lines) - lines[::-1].index(line)


class Credentials(unittest.TestCase):
    def test_a_password_others_can_read_is_warned_about_once(self):
        log = stack.read_log()
        self.assertEqual(log.count("a password= is in the configuration, and others can read %s"
                                   % stack.smtpmond_conf), 1, log)
        self.assertIn("smtpMonRoundTrip: the passwordFile can be read by others", log)

    def test_the_process_that_holds_them_makes_no_core_dump(self):
        """smtpmond, or snmpd once the plugin has loaded round trips with
        passwords (which it says in its log)."""
        with open("/proc/%d/limits" % stack.smtpmond.pid) as f:
            self.assertRegex(f.read(), r"Max core file size +0 +0 ")
        said = "round trips hold credentials: this process makes no core dump from now on"
        self.assertEqual(stack.read_log().count(said), 1 if FRONTEND == "plugin" else 0)


class HostileMailbox(unittest.TestCase):
    """Mailbox servers that misbehave: each check ends in time, says why."""

    def test_a_silent_server_is_no_answer_in_time(self):
        row = stack.roundtrip_finished("silent")
        self.assertEqual(row["LastResult"], RT_RESULT["deliveryTimeout"], row["LastError"])
        self.assertIn("IMAP greeting: no answer in time", row["LastError"])

    def test_an_overlong_line_is_refused(self):
        row = stack.roundtrip_finished("longline")
        self.assertEqual(row["LastResult"], RT_RESULT["mailboxUnreachable"], row["LastError"])
        self.assertIn("a line longer than the protocol allows", row["LastError"])

    def test_binary_bytes_are_not_pop3(self):
        row = stack.roundtrip_finished("garbage")
        self.assertEqual(row["LastResult"], RT_RESULT["mailboxUnreachable"], row["LastError"])
        self.assertIn("POP3 greeting: unexpected answer", row["LastError"])
        self.assertTrue(all(32 <= ord(ch) < 127 for ch in row["LastError"]))

    def test_a_bye_greeting_is_unreachable(self):
        row = stack.roundtrip_finished("bye")
        self.assertEqual(row["LastResult"], RT_RESULT["mailboxUnreachable"], row["LastError"])
        self.assertIn("BYE too busy", row["LastError"])


class RoundTripReload(unittest.TestCase):
    """Runs after RoundTrip: SIGHUP with one check fewer."""

    def test_sighup_removes_a_dropped_check_and_keeps_the_others(self):
        before = stack.roundtrip_finished("imap")
        stack.reload_smtpmond([l.replace(" interval=600", " interval=600 enabled=no")
                               if l.startswith("smtpMonServer stuckmta ") else l
                               for l in stack.conf_lines if " rejected " not in l])
        after = stack.wait_for(lambda: "rejected" not in stack.roundtrips() and stack.roundtrips(), 10,
                               "the dropped check's row to go")
        self.assertEqual(sorted(after), ["auth", "authbad", "authplain", "badlogin", "bye",
                                         "garbage", "imap", "imaps", "late", "longline",
                                         "orphan", "pop", "pop3s", "silent", "stuck"])
        # Its server disabled by the new file: the check stops, shown disabled.
        stuck = stack.wait_for(lambda: stack.roundtrips()["stuck"]["Status"] == STATUS["disabled"] and
                               stack.roundtrips()["stuck"], 5, "stuck to show its server disabled")
        self.assertEqual(after["imap"]["Server"], "mta")
        # stuck failed once before it was thawed (RoundTrip ran first) and
        # cannot fail again: a Failures of 0 would mean its row restarted
        # (with the plugin, snmpd unloads and loads the module: its state
        # rides across).
        self.assertGreaterEqual(stuck["Failures"], 1)
        self.assertGreaterEqual(after["imap"]["Probes"], before["Probes"])


class ServerRowBySet(unittest.TestCase):
    """Credentials never follow a SET: a row that an NMS creates for a check's
    missing server is not used, whatever it points at."""

    def set(self, *args):
        r = stack.snmp("snmpset", *args, community="private", check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_a_row_created_by_set_is_never_sent_through(self):
        self.assertEqual(stack.roundtrips()["late"]["Status"], STATUS["disabled"])
        self.assertEqual(stack.roundtrips()["late"]["Probes"], 0)
        trap = fakemail.FakeMail(users={"latebox": SECRETS["latebox"]})
        try:
            self.set(col("RowStatus", "setmta"), "i", 4, col("Host", "setmta"), "s",
                     "127.0.0.1", col("Port", "setmta"), "u", trap.port("smtp"),
                     col("Interval", "setmta"), "u", 600)
            why = "server setmta: its row was created by SET, and round trips send credentials"
            stack.wait_for(lambda: why in stack.roundtrips()["late"]["LastError"], 5,
                           "the check to say why it does not run")
            time.sleep(1.5)       # more than the check's interval
            row = stack.roundtrips()["late"]
            self.assertEqual(row["Status"], STATUS["disabled"])
            self.assertEqual(row["Probes"], 0)
            smtp_peers = trap.peers("smtp")
            probes = stack.row("setmta")["Probes"]   # the row itself is probed, as any row
            self.assertLessEqual(len(smtp_peers), probes)
            self.assertNotIn(b"AUTH", trap.received())
            self.assertNotIn(b"MAIL FROM", trap.received())
        finally:
            trap.close()
        self.assertEqual(stack.read_log().count("round trip late: server setmta: its row was "
                                                "created by SET"), 1)


class Shutdown(unittest.TestCase):
    """Runs last (after RoundTrip): checks may be mid-dialogue when it stops."""

    def test_sigterm_stops_cleanly_without_sanitizer_reports(self):
        assert_stops_cleanly(self, stack)


if __name__ == "__main__":
    unittest.main()
