# SPDX-License-Identifier: ISC
"""Replies read as a sending MTA reads them (doc/DESIGN.md section 3): bounded by
their size, not by a number of lines or 512 octets a line; what a sending MTA
reads past is ok with the deviation in LastWarning; the deciding line is the one
quoted, with its enhanced status code; no probe outlives its timeout, QUIT
grace included; and every Status says why it is what it is."""

import os
import subprocess
import time
import unittest

from harness import RESULT, STATUS, StackCase, closed_port, only_for

LONG = "x" * 596          # "220 " + 596 octets + CRLF = 602 octets
QUIT = "read; send 221 bye; close"
SCRIPTS = {
    "many": "repeat 149 { send 220-line $I }; send 220 last; expect EHLO; send 250 ok; " + QUIT,
    "ehlo120": "send 220 hi; expect EHLO; repeat 119 { send 250-KW$I }; send 250 SIZE; " + QUIT,
    "ehlo301": "send 220 hi; expect EHLO; repeat 300 { send 250-KW$I }; send 250 SIZE; " + QUIT,
    "long": "send 220 %s; expect EHLO; send 250 ok; %s" % (LONG, QUIT),
    "huge": "raw 220\\s; fill 3000 78; raw \\r\\n; expect EHLO; send 250 ok; " + QUIT,
    "nul": "sendraw 3232302068690061626364 0d0a; expect EHLO; send 250 ok; " + QUIT,
    "crcrlf": "raw 220 hi\\r\\r\\n; expect EHLO; raw 250 ok\\r\\r\\n; " + QUIT,
    "lf": "raw 220 hi\\n; expect EHLO; send 250 ok; " + QUIT,
    "oversized": "send 220 hi; expect EHLO; repeat 2000 { send 250-KEYWORD-$I padding padding "
                 "padding }; send 250 SIZE; hang",
    "mixed": "send 220-welcome|220-more to read|554 5.7.1 no service for you; hang",
    "busy": "send 421 4.7.0 too many connections from your address; close",
    "held": "send 220 hi; expect EHLO; sleep 1800; send 250 ok; read; hang",
    "slow": "sleep 300; send 220 slow; expect EHLO; send 250 ok; " + QUIT,
    "up": "send 220 up; expect EHLO; send 250 ok; " + QUIT,
}


class ReplyRules(StackCase):
    @classmethod
    def prepare(cls, stack):
        stack.start_trapd()
        stack.start_snmpd()
        p = stack.start_fake({n: (s, "127.0.0.1") for n, s in SCRIPTS.items()})
        closed = closed_port()
        lines = ["smtpMonDefaults interval=1 timeout=2",
                 "smtpMonServer held 127.0.0.1:%d interval=3" % p["held"],
                 "smtpMonServer busy 127.0.0.1:%d failThreshold=1" % p["busy"],
                 "smtpMonServer slow 127.0.0.1:%d latencyThreshold=100" % p["slow"],
                 "smtpMonServer down 127.0.0.1:%d" % closed,
                 "smtpMonServer waiting 127.0.0.1:%d failThreshold=100" % closed,
                 "smtpMonServer off 127.0.0.1:%d enabled=no" % p["up"]]
        lines += ["smtpMonServer %s 127.0.0.1:%d" % (n, p[n]) for n in SCRIPTS
                  if n not in ("held", "busy", "slow")]
        stack.start_smtpmond(lines)
        for name in SCRIPTS:
            stack.wait_probes(name, 2, 20)
        stack.wait_probes("down", 2, 10)
        cls.rows = stack.table()

    def assertOkWith(self, name, warning):
        row = self.rows[name]
        self.assertEqual(row["LastResult"], RESULT["ok"], row["LastError"])
        self.assertEqual(row["Status"], STATUS["up"])
        self.assertEqual(row["LastWarning"], warning)
        return row

    def test_many_line_greetings_and_ehlo_replies_are_ok(self):
        """RFC 5321 sets no limit on the number of lines."""
        self.assertOkWith("many", "")
        self.assertEqual(self.rows["many"]["LastBanner"], "220-line 0")
        self.assertOkWith("ehlo120", "")
        row = self.assertOkWith("ehlo301", "")
        self.assertTrue(row["EhloKeywords"].startswith("KW1 KW2 KW3"))

    def test_long_lines_are_read_and_noted(self):
        row = self.assertOkWith("long", "greeting: a line longer than RFC 5321's 512 octets")
        self.assertTrue(row["LastBanner"].startswith("220 xxxx"))
        self.assertOkWith("huge", "greeting: a line longer than RFC 5321's 512 octets; "
                                  "a line longer than 2048 octets, cut")

    def test_control_bytes_and_odd_line_ends_are_read_and_noted(self):
        row = self.assertOkWith("nul", "greeting: NUL or other control bytes in a line")
        self.assertEqual(row["LastBanner"], "220 hi?abcd")     # what the server sent, shown
        self.assertOkWith("crcrlf", "greeting: a line ending in CR CR LF; "
                                    "EHLO: a line ending in CR CR LF")
        self.assertOkWith("lf", "greeting: a line ending in LF without CR")

    def test_the_history_says_what_was_tolerated(self):
        # A walk goes column by column: an entry made during it shows only
        # its later columns, so the newest whole one.
        newest = [e for _, e in self.stack.history()["nul"] if "Result" in e and "Detail" in e][-1]
        self.assertEqual(newest["Result"], RESULT["ok"])
        self.assertEqual(newest["Detail"],
                         "250 ok; warning: greeting: NUL or other control bytes in a line")

    def test_a_reply_over_64_kib_is_a_protocol_error(self):
        row = self.rows["oversized"]
        self.assertEqual(row["LastResult"], RESULT["protocolError"])
        self.assertIn("EHLO: the server's answer is not valid SMTP (reply larger than 64 KiB); "
                      "server said: 250-KEYWORD-", row["LastError"])

    def test_the_deciding_line_of_a_multi_line_reply_is_quoted(self):
        row = self.rows["mixed"]
        self.assertEqual(row["LastResult"], RESULT["bannerRejected"])
        self.assertEqual(row["LastReplyCode"], 554)
        self.assertIn("server said: 554 5.7.1 no service for you", row["LastError"])
        self.assertEqual(row["LastEnhancedCode"], "5.7.1")
        self.assertEqual(row["LastBanner"], "220-welcome")
        self.assertEqual(row["LastWarning"],
                         "greeting: the reply code changed inside a multi-line reply")

    def test_the_enhanced_code_is_in_the_row_the_history_and_the_notification(self):
        self.assertEqual(self.rows["busy"]["LastEnhancedCode"], "4.7.0")
        self.assertEqual(self.stack.history()["busy"][-1][1]["EnhancedCode"], "4.7.0")
        down = self.stack.wait_for(lambda: self.stack.traps("busy"), 10, "Down of busy")[0]
        self.assertEqual(down["objects"]["LastEnhancedCode"], "4.7.0")
        self.assertEqual(self.rows["up"]["LastEnhancedCode"], "")

    def test_a_held_221_never_keeps_a_probe_past_its_timeout(self):
        """EHLO answered at 1.8 s of a 2 s timeout, then the 221 held: the
        connection is closed by the deadline, not half a second after it."""
        events = self.stack.fake_events("held")
        accepts = {e["conn"]: e["t"] for e in events if e["event"] == "accept"}
        closes = {e["conn"]: e["t"] for e in events if e["event"] == "close"}
        spans = [closes[c] - accepts[c] for c in closes if c in accepts]
        self.assertTrue(spans)
        self.assertLess(max(spans), 2.0 + 0.15, spans)
        self.assertEqual(self.rows["held"]["LastResult"], RESULT["ok"])

    def test_every_status_says_why(self):
        reason = {n: r["StatusReason"] for n, r in self.stack.table().items()}
        self.assertRegex(reason["up"], r"^answered in \d+\.\d ms$")
        self.assertRegex(reason["slow"], r"^slower than 100 ms: \d+\.\d ms$")
        self.assertRegex(reason["down"], r"^\d+ probes in a row failed: connect: connection "
                                         r"refused")
        self.assertRegex(reason["waiting"], r"^no verdict yet: \d+ of 100 failures in a row "
                                            r"for down: connect: connection refused")
        self.assertEqual(reason["off"], "not probed: the row is disabled")
        self.assertEqual(self.rows["slow"]["Status"], STATUS["degraded"])
        self.assertEqual(self.rows["waiting"]["Status"], STATUS["unknown"])


@only_for("subagent", "smtpmond --probe")
class OneShotReplyRules(StackCase):
    """smtpmond --probe reads replies by the same rules and says so."""

    @classmethod
    def prepare(cls, stack):
        cls.ports = stack.start_fake({n: (SCRIPTS[n], "127.0.0.1")
                                      for n in ("nul", "mixed", "held", "busy")})

    def probe(self, name, *args):
        t0 = time.monotonic()
        r = subprocess.run([self.stack.smtpmond_path(), "--probe",
                            "127.0.0.1:%d" % self.ports[name]] + list(args),
                           capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout.splitlines(), time.monotonic() - t0

    def test_a_tolerated_deviation_is_ok_and_said(self):
        rc, lines, _ = self.probe("nul")
        self.assertEqual(rc, 0, lines)
        self.assertIn("breaks RFC 5321 (sending MTAs tolerate it): greeting: NUL or other "
                      "control bytes in a line", lines[0])

    def test_strict_makes_a_tolerated_deviation_a_warning(self):
        rc, lines, _ = self.probe("nul", "--strict")
        self.assertEqual(rc, 1, lines)
        self.assertTrue(lines[0].startswith("SMTP WARNING - "), lines)

    def test_verbose_quotes_what_each_stage_received(self):
        """No EHLO row when no EHLO was sent; the 554 that decided is quoted."""
        rc, lines, _ = self.probe("mixed", "-v", "--timeout", "2")
        self.assertEqual(rc, 2, lines)
        self.assertIn("bannerRejected (5.7.1)", lines[0])
        self.assertIn("          decided by  554 5.7.1 no service for you", lines)
        self.assertFalse([l for l in lines if l.startswith("ehlo/helo")], lines)
        self.assertIn("enhanced  5.7.1", lines)

    def test_the_enhanced_code_is_in_the_status_line(self):
        rc, lines, _ = self.probe("busy")
        self.assertEqual(rc, 2)
        self.assertTrue(lines[0].startswith("SMTP CRITICAL - bannerRejected (4.7.0): "), lines)

    def test_a_held_221_never_keeps_the_check_past_its_timeout(self):
        rc, lines, wall = self.probe("held", "--timeout", "2")
        self.assertEqual(rc, 0, lines)
        # The process's own start and exit included, which a sanitizer's
        # runtime makes longer (2.34 s once under ThreadSanitizer).
        plain = os.environ.get("SMTPMON_VARIANT", "plain") == "plain"
        self.assertLess(wall, 2.0 + (0.3 if plain else 1.0), lines)


if __name__ == "__main__":
    unittest.main()
