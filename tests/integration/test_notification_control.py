# SPDX-License-Identifier: ISC
"""Switching notifications: smtpMonNotifications no, and the writable scalar
smtpMonNotificationsEnabled (checked like any SET: wrong type and value)."""

import os
import time
import unittest

from harness import GLOBAL, STATUS, StackCase

ENABLED = GLOBAL + ".6.0"


class NotificationSwitch(StackCase):
    @classmethod
    def prepare(cls, stack):
        stack.start_trapd()
        stack.start_snmpd()
        cls.behaviour = os.path.join(stack.dir, "sw.scenario")
        cls.switch("greet421")
        ports = stack.start_fake({"sw": ("file:" + cls.behaviour, "127.0.0.1")})
        stack.start_smtpmond([
            "smtpMonNotifications no",
            "smtpMonServer sw 127.0.0.1:%d interval=1 failThreshold=1" % ports["sw"],
        ])

    @classmethod
    def switch(cls, scenario):
        with open(cls.behaviour + ".tmp", "w") as f:
            f.write(scenario)
        os.rename(cls.behaviour + ".tmp", cls.behaviour)

    def set_enabled(self, type_, value):
        return self.stack.snmp("snmpset", ENABLED, type_, value, community="private",
                               check=False)

    def wait_status(self, status):
        return self.stack.wait_for(lambda: self.stack.row("sw")["Status"] == STATUS[status],
                                   10, "sw to be %s" % status)

    def test_switching_by_directive_and_by_set(self):
        stack = self.stack
        # Disabled by the directive: the state is tracked, nothing is sent.
        self.wait_status("down")
        stack.wait_probes("sw", 3, 10)
        self.assertEqual(stack.get(ENABLED)[ENABLED], 2)
        self.assertEqual(stack.traps(), [])

        # Bad SETs are refused with the right error and change nothing.
        r = self.set_enabled("i", "3")
        self.assertIn("wrongValue", r.stdout + r.stderr)
        r = self.set_enabled("s", "yes")
        self.assertIn("wrongType", r.stdout + r.stderr)
        self.assertEqual(stack.get(ENABLED)[ENABLED], 2)

        # Enabled by SET: the recovery is announced.
        r = self.set_enabled("i", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(stack.get(ENABLED)[ENABLED], 1)
        self.switch("ok")
        stack.wait_for(lambda: [t["name"] for t in stack.traps("sw")] == ["smtpMonServerUp"],
                       10, "one smtpMonServerUp")
        self.assertIn("smtpMonNotificationsEnabled set to true by SNMP SET", stack.read_log())

        # Disabled again: going down is tracked but not sent.
        self.assertEqual(self.set_enabled("i", "2").returncode, 0)
        self.switch("greet421")
        self.wait_status("down")
        time.sleep(1.5)
        self.assertEqual([t["name"] for t in stack.traps("sw")], ["smtpMonServerUp"])


if __name__ == "__main__":
    unittest.main()
