# SPDX-License-Identifier: ISC
"""Secrets come only from files an administrator controls (issue 20).

net-snmp's persistent store is written by snmpd's service account and read
as root before privileges are dropped: a round-trip line there is refused,
whatever file its passwordFile= names. A passwordFile that is a symbolic
link or that others may write is refused at load; any file holding a
secret that others may read is warned about once, the configuration file
of an inline password= included."""

import os
import sys
import unittest

from harness import TOP, new_stack

sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))
import fakemail  # noqa: E402

SECRET = "Shadow-Line-S3cret-70"


def _secret_file(stack, name, mode, text=SECRET):
    path = os.path.join(stack.dir, name)
    with open(path, "w") as f:
        f.write(text + "\n")
    os.chmod(path, mode)
    return path


def _check(name, port, key):
    return ("smtpMonRoundTrip %s mta imap://127.0.0.1:%d from=m@smtpmon.test to=box@smtpmon.test "
            "mailboxTls=starttls interval=1 timeout=2 %s" % (name, port, key))


class SecretSources(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = stack = new_stack()
        try:
            cls.mail = fakemail.FakeMail(users={"box@smtpmon.test": SECRET})
            shadow = _secret_file(stack, "shadow", 0o600)
            cls.group_writable = _secret_file(stack, "group-writable.pw", 0o620)
            os.symlink(shadow, os.path.join(stack.dir, "link.pw"))
            cls.readable = _secret_file(stack, "readable.pw", 0o640)
            port = cls.mail.port("imap")
            # The persistent store: the plugin's is snmpd's, smtpmond's its own.
            owner = "snmpd" if stack.frontend == "plugin" else "smtpmond"
            state = os.path.join(stack.dir, owner, "state")
            os.makedirs(state, exist_ok=True)
            cls.stored = os.path.join(state, owner + ".conf")
            with open(cls.stored, "w") as f:
                f.write(_check("shadow", port, "passwordFile=" + shadow) + "\n")
            cls.lines = [
                "smtpMonServer mta 127.0.0.1:%d interval=600" % cls.mail.port("smtp"),
                _check("writable", port, "passwordFile=" + cls.group_writable),
                _check("linked", port, "passwordFile=" + os.path.join(stack.dir, "link.pw")),
                _check("readable", port, "passwordFile=" + cls.readable),
                _check("inline", port, "password=" + SECRET),
            ]
            stack.start_snmpd()
            stack.start_smtpmond(cls.lines, persistent=True)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()
        if getattr(cls, "mail", None):
            cls.mail.close()

    def test_a_round_trip_in_the_persistent_store_is_refused_and_nothing_is_sent(self):
        log = self.stack.read_log()
        self.assertIn("smtpMonRoundTrip is read from configuration files only, never from "
                      "net-snmp's persistent store (%s): line ignored" % self.stored, log)
        self.assertNotIn("shadow", set(self.stack.roundtrips()))
        self.assertNotIn(SECRET, log)

    def test_a_password_file_others_may_write_or_a_link_is_refused_at_load(self):
        log = self.stack.read_log()
        self.assertIn("passwordFile %s can be written by others than its owner (chmod go-w): "
                      "refused (line ignored)" % self.group_writable, log)
        self.assertIn("passwordFile %s is a symbolic link: name the file itself (line ignored)"
                      % os.path.join(self.stack.dir, "link.pw"), log)
        self.assertFalse({"writable", "linked"} & set(self.stack.roundtrips()))
        self.assertEqual(self.mail.logins(), [])
        self.assertNotIn(SECRET.encode(), self.mail.received())

    def test_files_that_others_may_read_are_warned_about_once_each(self):
        self.assertTrue(os.stat(self.stack.smtpmond_conf).st_mode & 0o044)
        log = self.stack.read_log()
        self.assertEqual(log.count("smtpMonRoundTrip: the passwordFile can be read by others: "
                                   "%s (chmod go-r)" % self.readable), 1, log)
        self.assertEqual(log.count("smtpMonRoundTrip: a password= is in the configuration, "
                                   "and others can read %s" % self.stack.smtpmond_conf), 1, log)
        self.assertEqual({"readable", "inline"} & set(self.stack.roundtrips()), {"readable", "inline"})


if __name__ == "__main__":
    unittest.main()
