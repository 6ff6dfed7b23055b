# SPDX-License-Identifier: ISC
"""What a server says is cleaned before it reaches anyone (issue 9): 8-bit
bytes and tabs in a reply show as printable ASCII in the MIB, in the log
line and in the notification; control bytes, which a sending MTA reads
past, are shown as '?', never passed on, and noted in LastWarning."""

import re
import unittest

from harness import RESULT, StackCase

# "554 \xc3\xa9vil\tserver \xff\r\n": valid SMTP, not ASCII.
EIGHT_BIT = "sendraw 35353420c3a976696c0973657276657220ff0d0a; close"
# "554 evil\x1b[31m\x07\x00 server\r\n": SMTP with control bytes in the text.
CONTROL = "sendraw 353534206576696c1b5b33316d0700207365727665720d0a; close"
PRINTABLE = re.compile(r"^[\x20-\x7e]*$")
SHOWN = "554 ??vil server ?"


class ServerText(StackCase):
    @classmethod
    def prepare(cls, stack):
        stack.start_trapd()
        stack.start_snmpd()
        p = stack.start_fake({"eight": (EIGHT_BIT, "127.0.0.1"),
                              "control": (CONTROL, "127.0.0.1")})
        stack.start_smtpmond(["smtpMonDefaults interval=1 failThreshold=1"] +
                             ["smtpMonServer %s 127.0.0.1:%d" % (n, p[n]) for n in p])
        for name in p:
            stack.wait_probes(name, 2, 10)
            stack.wait_for(lambda: stack.traps(name), 10, "smtpMonServerDown of " + name)

    def test_the_mib_shows_printable_text(self):
        eight, control = self.stack.row("eight"), self.stack.row("control")
        self.assertEqual(eight["LastResult"], RESULT["bannerRejected"])
        self.assertEqual(eight["LastBanner"], SHOWN)
        self.assertIn(SHOWN, eight["LastError"])
        self.assertEqual(control["LastResult"], RESULT["bannerRejected"])
        self.assertEqual(control["LastBanner"], "554 evil?[31m?? server")
        self.assertEqual(control["LastWarning"], "greeting: NUL or other control bytes in a line")
        for text in (eight["LastError"], control["LastError"], control["LastBanner"]):
            self.assertRegex(text, PRINTABLE)

    def test_the_log_lines_are_printable(self):
        lines = [l for l in self.stack.read_log().splitlines()
                 if "eight" in l or "control" in l]
        self.assertTrue(any(SHOWN in l for l in lines))
        for line in lines:
            self.assertRegex(line, PRINTABLE)

    def test_the_notifications_carry_printable_text(self):
        down = self.stack.traps("eight")[0]
        self.assertEqual(down["objects"]["LastBanner"], SHOWN)
        for name in ("eight", "control"):
            for value in self.stack.traps(name)[0]["objects"].values():
                if isinstance(value, str):
                    self.assertRegex(value, PRINTABLE)


if __name__ == "__main__":
    unittest.main()
