# SPDX-License-Identifier: ISC
"""A configuration file full of mistakes (issue 9): every broken line is
reported with its file and line number and skipped, and every good line
around it still loads and is probed."""

import re
import unittest

from harness import RESULT, StackCase

LONG = "a" * 300

# (line, what the error says); {ok} is the fake server's port.
BROKEN = [
    ("smtpMonServer colour 127.0.0.1:{ok} colour=blue", "unknown key 'colour'"),
    ("smtpMonServer badport 127.0.0.1:70000", "'70000' is not a port number"),
    ("smtpMonServer good1 127.0.0.1:26", "a server named 'good1' is already defined"),
    ("smtpMonServer nohost :25", "empty host"),
    ("smtpMonServer missing", "missing HOST[:PORT]"),
    ("smtpMonServer badv6 [2001:db8::zz]:25", "'2001:db8::zz' is not a valid IPv6 address"),
    ("smtpMonServer unbracketed 2001:db8::1", "write IPv6 addresses in brackets"),
    ("smtpMonServer zero 127.0.0.1:{ok} interval=0", "interval=0: expected a whole number"),
    ("smtpMonServer %s 127.0.0.1:{ok}" % ("n" * 40), "is not a valid name"),
    ("smtpMonServer longhost %s.example:25" % LONG, "longer than 255"),
    ("smtpMonServer longhelo 127.0.0.1:{ok} helo=%s" % LONG, "not a valid domain name"),
    ("smtpMonServer twice 127.0.0.1:{ok} tls=none tls=starttls", "'tls' is given twice"),
    ("smtpMonDefaults interval=0", "expected a whole number from 1 to 86400"),
    ("smtpMonHeloName not_a_name", "expected a domain name"),
    ("smtpMonNotifications sometimes", "expected yes or no"),
    ("smtpMonHistorySize 5000", "from 0 to 1000"),
    ("smtpMonCaFile relative/ca.pem", "expected an absolute path"),
    ("smtpMonDnsbl bad_zone.example", "is not a DNS zone"),
    ("smtpMonResolver dns.example.org", "expected an IP address"),
]
GOOD = ["good1", "good2", "good3"]


class BadConfiguration(StackCase):
    @classmethod
    def prepare(cls, stack):
        stack.start_snmpd()
        ok = stack.start_fake({"ok": ("ok", "127.0.0.1")})["ok"]
        cls.broken = [(line.format(ok=ok), why) for line, why in BROKEN]
        lines = ["smtpMonDefaults interval=1"]
        for i, (line, _) in enumerate(cls.broken):     # good lines between the bad ones
            if i % 7 == 0:
                lines.append("smtpMonServer %s 127.0.0.1:%d" % (GOOD[i // 7], ok))
            lines.append(line)
        stack.start_smtpmond(lines)
        for name in GOOD:
            stack.wait_probes(name, 1, 10)

    def test_every_broken_line_is_reported_with_file_and_line(self):
        log = self.stack.read_log()
        conf = re.escape(self.stack.smtpmond_conf)
        for line, why in self.broken:
            with self.subTest(line=line[:60]):
                self.assertRegex(log, r"%s: line %d: Error: \w+: .*%s" % (
                    conf, self.stack.conf_line(line), re.escape(why)))

    def test_every_good_line_still_loads_and_is_probed(self):
        rows = self.stack.table()
        self.assertEqual(sorted(rows), GOOD)
        for name in GOOD:
            self.assertEqual(rows[name]["LastResult"], RESULT["ok"])
            self.assertEqual(rows[name]["Interval"], 1)     # the good defaults line holds

    def test_the_daemon_runs_on(self):
        self.assertIsNone(self.stack.smtpmond.poll())


if __name__ == "__main__":
    unittest.main()
