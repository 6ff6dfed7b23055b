# SPDX-License-Identifier: ISC
"""The operator's end of a notification: doc/examples/snmptrapd.conf run by a
real snmptrapd, whose traphandle runs doc/examples/smtpmon-alert, which turns
smtpmon's notifications into a mail delivered by a real Exim (its sendmail
interface with a private -C configuration) to a mailbox in the test's
directory, into a run of a gateway command and into a webhook POST.

The notification is genuine: smtpmond (or the plugin) probes a fake server
whose greeting refuses the session with shell metacharacters in its text, so
the server's words reach the script as an attacker's would."""

import email
import email.policy
import grp
import http.server
import json
import os
import pwd
import re
import shlex
import socket
import subprocess
import sys
import threading
import unittest

from harness import ROOT, TOP, StackCase

import exim  # noqa: E402  (tests/fixtures, on the path once harness is imported)
import procs  # noqa: E402

EXAMPLES = os.path.join(TOP, "doc", "examples")
SCRIPT = os.path.join(EXAMPLES, "smtpmon-alert")
RECIPIENT = "ops@smtpmon.test"


def hostile_greeting(canary):
    """A 554 greeting (fakesmtp script text) that would create CANARY if any
    shell evaluated it, with quotes, backquotes and a semicolon besides."""
    return ("send 554 5.7.1 blocked \\$(touch %s) `touch %s` \"quoted\" 'single' \\; "
            "echo done; close" % (canary, canary))


def greeting_as_sent(canary):
    return ("554 5.7.1 blocked $(touch %s) `touch %s` \"quoted\" 'single' ; echo done"
            % (canary, canary))


def write_sendmail_config(d):
    """An Exim configuration for its sendmail interface (-t): mail to
    @smtpmon.test is appended to d/mail/LOCALPART, nothing leaves the host."""
    uid, gid = pwd.getpwnam(exim.EXIM_USER).pw_uid, grp.getgrnam(exim.EXIM_USER).gr_gid
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    exim._make_searchable(d, uid, gid)
    for sub in ("spool", "log", "mail"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
        os.chown(os.path.join(d, sub), uid, gid)
        os.chmod(os.path.join(d, sub), 0o750)
    conf = os.path.join(d, "exim.conf")
    with open(conf, "w") as f:
        f.write("\n".join([
            "primary_hostname = alerts.smtpmon.test",
            "qualify_domain = smtpmon.test",
            "domainlist local_domains = smtpmon.test",
            "spool_directory = %s/spool" % d,
            "log_file_path = %s/log/%%slog" % d,
            "keep_environment =",
            "host_lookup =",
            "rfc1413_hosts =",
            "begin routers",
            "mailbox:",
            "  driver = accept",
            "  domains = +local_domains",
            "  local_parts = ops : thief",   # gives $local_part_data, untainted
            "  transport = mailbox",
            "begin transports",
            "mailbox:",
            "  driver = appendfile",
            "  file = %s/mail/$local_part_data" % d,
            "  user = %s" % exim.EXIM_USER,
            "  mode = 0640",
            "",
        ]))
    os.chown(conf, 0, gid)      # Exim trusts a -C file of root:Debian-exim 0640
    os.chmod(conf, 0o640)
    return conf


def trapd_config(community, handler_args):
    """doc/examples/snmptrapd.conf for this test: its own lines, with the
    test's community, and its traphandle running the script in the source
    tree with the test's arguments."""
    with open(os.path.join(EXAMPLES, "snmptrapd.conf")) as f:
        lines = f.read().splitlines()
    handlers = [l for l in lines if l.startswith("traphandle ")]
    assert len(handlers) == 1, "the example has one active traphandle: %r" % handlers
    out = []
    for line in lines:
        if line.startswith("authCommunity "):
            words = line.split()
            line = " ".join(words[:2] + [community] + words[3:])
        elif line.startswith("traphandle "):
            oid = line.split()[1]
            line = "traphandle %s %s" % (oid, " ".join(
                shlex.quote(a) for a in [sys.executable, SCRIPT] + handler_args))
        out.append(line)
    return "\n".join(out) + "\n", handlers[0].split()[1]


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def first_line(path):
    """The first complete line of PATH, or None."""
    line = read_text(path).partition("\n")
    return line[0] if line[1] else None


class Webhook(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Webhook.received.append((self.path, self.headers.get("Content-Type"), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class AlertScriptTest(StackCase):

    @classmethod
    def prepare(cls, stack):
        d = stack.dir
        cls.canary = os.path.join(d, "shell-ran")
        cls.mail_dir = os.path.join(d, "mta")
        cls.mailbox = os.path.join(cls.mail_dir, "mail", "ops")
        cls.command_out = os.path.join(d, "gateway.json")
        cls.webhook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
        threading.Thread(target=cls.webhook.serve_forever, daemon=True).start()
        exim_conf = write_sendmail_config(cls.mail_dir)
        # The gateway command: appends its stdin, arguments and environment
        # as one JSON line per run.
        gateway = os.path.join(d, "gateway.py")
        with open(gateway, "w") as f:
            f.write("import json, os, sys\n"
                    "run = {'argv': sys.argv[1:], 'stdin': sys.stdin.read(),\n"
                    "       'env': {k: v for k, v in os.environ.items()\n"
                    "               if k.startswith('SMTPMON_')}}\n"
                    "with open(%r, 'a') as f:\n"
                    "    f.write(json.dumps(run) + '\\n')\n" % cls.command_out)
        args = ["--mail", RECIPIENT, "--from", "smtpmon@smtpmon.test",
                "--sendmail", "%s -C %s" % (exim.EXIM, exim_conf),
                "--webhook", "http://127.0.0.1:%d/alert" % cls.webhook.server_address[1],
                "--command", sys.executable, gateway, "+15550100"]
        conf, cls.handler_oid = trapd_config("public", args)
        trapd_dir = os.path.join(d, "alert-trapd")
        os.makedirs(os.path.join(trapd_dir, "state"))
        with open(os.path.join(trapd_dir, "snmptrapd.conf"), "w") as f:
            f.write(conf)
        cls.trap_port = procs.free_port(kind=socket.SOCK_DGRAM)
        cls.trapd_log = os.path.join(trapd_dir, "snmptrapd.log")
        env = procs.snmp_env(trapd_dir)
        env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        trapd = stack.group.start(
            ["/usr/sbin/snmptrapd", "-f", "-n", "-X", "-C", "-c",
             os.path.join(trapd_dir, "snmptrapd.conf"), "-m", "", "-Lf", cls.trapd_log,
             "udp:127.0.0.1:%d" % cls.trap_port],
            env=env, cwd=trapd_dir, stdout=os.path.join(trapd_dir, "out"),
            stderr=subprocess.STDOUT, name="snmptrapd")
        procs.wait_udp_bound("127.0.0.1", cls.trap_port, 10, proc=trapd)
        cls.trapd_env = env
        stack.start_snmpd(trap_port=cls.trap_port)
        ports = stack.start_fake({"mx-refused": (hostile_greeting(cls.canary), "127.0.0.1")})
        cls.port = ports["mx-refused"]
        stack.start_smtpmond([
            "smtpMonServer mx-refused 127.0.0.1:%d interval=1 timeout=3 failThreshold=1"
            % cls.port])
        cls.mail = stack.wait_for(lambda: cls.read_mailbox(), 30,
                                  "the alert mail in %s" % cls.mailbox)

    @classmethod
    def read_mailbox(cls):
        try:
            with open(cls.mailbox, "rb") as f:
                text = f.read()
        except OSError:
            return None
        return text if b"\n\n" in text else None

    def message(self):
        raw = self.mail.split(b"\nFrom ", 1)[0]       # the first message of the mbox
        if raw.startswith(b"From "):
            raw = raw.split(b"\n", 1)[1]
        return email.message_from_bytes(raw, policy=email.policy.default)

    def test_example_hands_every_smtpmon_notification_to_the_script(self):
        self.assertEqual(self.handler_oid, "." + ROOT + ".0.*")

    def test_server_down_arrives_as_a_mail_with_server_result_and_reply(self):
        msg = self.message()
        self.assertEqual(msg["To"], RECIPIENT)
        self.assertIn("mx-refused", msg["Subject"])
        self.assertIn("DOWN", msg["Subject"])
        body = msg.get_content()
        self.assertIn("notification: smtpMonServerDown", body)
        self.assertIn("server:       mx-refused", body)
        self.assertIn("host:         127.0.0.1", body)
        self.assertIn("port:         %d" % self.port, body)
        self.assertIn("result:       bannerRejected", body)
        self.assertIn("reply code:   554", body)
        # The server's reply, word for word, in the greeting and in the error.
        self.assertIn("greeting:     " + greeting_as_sent(self.canary), body)
        self.assertRegex(body, r"error: +.*" + re.escape(greeting_as_sent(self.canary)))

    def test_no_shell_evaluated_the_servers_text(self):
        self.assertFalse(os.path.exists(self.canary), "a shell ran the server's text")

    def test_gateway_command_gets_the_alert_on_stdin_and_in_its_environment(self):
        out = self.stack.wait_for(lambda: first_line(self.command_out) and
                                  json.loads(first_line(self.command_out)),
                                  20, "the gateway command")
        self.assertEqual(out["argv"], ["+15550100"])
        env = out["env"]
        self.assertEqual(env["SMTPMON_EVENT"], "smtpMonServerDown")
        self.assertEqual(env["SMTPMON_SERVER"], "mx-refused")
        self.assertEqual(env["SMTPMON_LAST_RESULT"], "bannerRejected")
        self.assertEqual(env["SMTPMON_LAST_REPLY_CODE"], "554")
        self.assertEqual(env["SMTPMON_LAST_BANNER"], greeting_as_sent(self.canary))
        self.assertEqual(env["SMTPMON_SUMMARY"],
                         "smtpmon: mx-refused DOWN (127.0.0.1:%d) bannerRejected reply 554"
                         % self.port)
        self.assertLessEqual(len(env["SMTPMON_SUMMARY"]), 160)
        self.assertTrue(out["stdin"].startswith(env["SMTPMON_SUMMARY"] + "\n"))
        self.assertIn("greeting:     " + greeting_as_sent(self.canary), out["stdin"])

    def test_webhook_gets_the_alert_as_json(self):
        self.stack.wait_for(lambda: Webhook.received, 20, "the webhook POST")
        path, ctype, body = Webhook.received[0]
        self.assertEqual((path, ctype), ("/alert", "application/json"))
        data = json.loads(body)
        self.assertEqual(data["event"], "smtpMonServerDown")
        self.assertEqual(data["server"], "mx-refused")
        self.assertEqual(data["last_result"], "bannerRejected")
        self.assertEqual(data["last_banner"], greeting_as_sent(self.canary))

    def test_a_forged_notification_cannot_add_recipients_or_headers(self):
        """Anyone who reaches snmptrapd can send one: a host name and an
        error with line breaks and header lines stay inside the body."""
        server_table = "." + ROOT + ".1.2.1"
        index = "6.102.111.114.103.101.100"                     # "forged"
        r = subprocess.run(
            ["snmptrap", "-m", "", "-v", "2c", "-c", "public",
             "udp:127.0.0.1:%d" % self.trap_port, "", "." + ROOT + ".0.1",
             "%s.2.%s" % (server_table, index), "s", "evil\r\nBcc: thief@smtpmon.test",
             "%s.23.%s" % (server_table, index), "s",
             "x\nSubject: pwned\n\n$(touch %s)" % self.canary],
            env=self.trapd_env, capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        mails = self.stack.wait_for(
            lambda: (lambda t: t.count(b"\nFrom ") + t.startswith(b"From ") >= 2 and t)(
                self.read_mailbox() or b""), 20, "the second mail")
        forged = mails[mails.rindex(b"\nFrom ") + 1:].split(b"\n", 1)[1]
        msg = email.message_from_bytes(forged, policy=email.policy.default)
        self.assertEqual(msg["To"], RECIPIENT)
        self.assertIsNone(msg["Bcc"])
        self.assertIn("forged", msg["Subject"])
        self.assertNotIn("pwned", msg["Subject"])
        self.assertIn("host:         evil?Bcc: thief@smtpmon.test", msg.get_content())
        self.assertFalse(os.path.exists(os.path.join(self.mail_dir, "mail", "thief")))
        self.assertFalse(os.path.exists(self.canary))

    def send_trap(self, trap_oid, row, host):
        index = ".".join(str(n) for n in [len(row)] + list(row.encode()))
        r = subprocess.run(
            ["snmptrap", "-m", "", "-v", "2c", "-c", "public",
             "udp:127.0.0.1:%d" % self.trap_port, "", trap_oid,
             ".%s.1.2.1.2.%s" % (ROOT, index), "s", host],
            env=self.trapd_env, capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_other_notifications_raise_no_alert(self):
        """A notification that is not smtpmon's, even with smtpmon's
        objects in it, is left alone; snmptrapd handles notifications one at
        a time, so once an smtpmon notification sent after it has come
        through, it would have come through before."""
        self.send_trap(".1.3.6.1.4.1.8072.4.0.1", "notours", "a.example")
        self.send_trap("." + ROOT + ".0.2", "marker", "b.example")
        self.stack.wait_for(lambda: any(json.loads(b)["server"] == "marker"
                                        for _, _, b in Webhook.received),
                            20, "the alert for the marker")
        servers = [json.loads(b)["server"] for _, _, b in Webhook.received]
        self.assertNotIn("notours", servers)

    @classmethod
    def tearDownClass(cls):
        cls.webhook.shutdown()
        super().tearDownClass()


if __name__ == "__main__":
    unittest.main()
