# SPDX-License-Identifier: ISC
"""What happened, when, and what the server said: smtpMonHistoryTable keeps
the last smtpMonHistorySize probes of each server, and the log has a line
for every failed probe and every change of Status."""

import time
import unittest

from harness import GLOBAL, RESULT, ROOT, StackCase, name_index, parse_walk


def decis(dt):
    """DateAndTime octets -> seconds of the day, to a tenth."""
    return dt[4] * 3600 + dt[5] * 60 + dt[6] + dt[7] / 10.0


def oid_tuple(oid):
    return tuple(int(x) for x in oid.strip(".").split("."))


HISTORY_RESULT = ROOT + ".1.3.1.3"        # smtpMonHistoryResult


class History(StackCase):
    @classmethod
    def prepare(cls, stack):
        stack.start_snmpd()
        p = stack.start_fake({"h": ("cycle:3*ok/2*greet554", "127.0.0.1"),
                              "other": ("ok", "127.0.0.1"), "zz": ("ok", "127.0.0.1")})
        stack.start_smtpmond([
            "smtpMonHistorySize 6",
            "smtpMonServer h 127.0.0.1:%d interval=1 failThreshold=2" % p["h"],
            "smtpMonServer other 127.0.0.1:%d interval=1" % p["other"],
            "smtpMonServer zz 127.0.0.1:%d interval=1" % p["zz"],
        ])
        stack.wait_probes("h", 9, 30)      # more than the size: old ones went
        cls.probes = stack.row("h")["Probes"]
        cls.hist = stack.history()
        cls.after = stack.row("h")["Probes"]
        cls.walked = [oid_tuple(o) for o in stack.walk(ROOT + ".1.3")]

    def entries(self):
        return self.hist["h"]

    def test_holds_exactly_the_last_six_in_order(self):
        indexes = [i for i, _ in self.entries()]
        self.assertEqual(len(indexes), 6)
        self.assertEqual(indexes, list(range(indexes[0], indexes[0] + 6)))
        # A probe may end between the read of Probes and the walk.
        self.assertIn(indexes[-1], range(self.probes - 1, self.after + 1))

    def test_results_follow_what_the_server_did(self):
        # Connection n (from 0) of the cycle is ok for n % 5 < 3, else a 554.
        for index, e in self.entries():
            want = "ok" if (index - 1) % 5 < 3 else "bannerRejected"
            self.assertEqual(e["Result"], RESULT[want], (index, e))
            self.assertEqual(e["ReplyCode"], 250 if want == "ok" else 554)
            self.assertEqual(e["Latency"] > 0, want == "ok")

    def test_detail_holds_the_error_or_the_last_reply_line(self):
        for _, e in self.entries():
            if e["Result"] == RESULT["ok"]:
                self.assertEqual(e["Detail"], "250 ENHANCEDSTATUSCODES")
            else:
                self.assertIn("server said: 554 5.7.1 Service unavailable", e["Detail"])

    def test_times_match_the_probes(self):
        accepts = [a["t"] for a in self.stack.fake_events("h", "accept")]
        entries = self.entries()
        first_index = entries[0][0]
        for (i1, e1), (i2, e2) in zip(entries, entries[1:]):
            probe_gap = accepts[i2 - 1] - accepts[i1 - 1]
            self.assertAlmostEqual(decis(e2["Time"]) - decis(e1["Time"]), probe_gap, delta=0.25)
        self.assertEqual(len(entries[0][1]["Time"]), 11)
        self.assertGreaterEqual(first_index, 1)

    def test_failed_probes_and_changes_are_logged(self):
        log = self.stack.read_log()
        port = self.stack.fake_ports["h"]
        self.assertRegex(log, r"smtpmon: probe of h \(127\.0\.0\.1:%d at 127\.0\.0\.1\) failed at "
                              r"greeting after \d+\.\d ms: bannerRejected, reply 554: greeting: "
                              r".*server said: 554 5\.7\.1" % port)
        self.assertIn("smtpmon: server h (127.0.0.1:%d at 127.0.0.1) is now down (was up): "
                      "bannerRejected, reply 554" % port, log)
        self.assertIn("is now up (was down): ok, reply 250", log)
        self.assertNotIn("probe of other", log)

    def test_a_walk_is_in_index_order_shorter_names_first(self):
        self.assertEqual(list(self.hist), ["h", "zz", "other"])
        self.assertEqual(self.walked, sorted(set(self.walked)))

    def getnext(self, oid):
        r = self.stack.snmp("snmpgetnext", oid)
        (got, value), = parse_walk(r.stdout).items()
        return got, value

    def test_getnext_goes_from_any_point_to_the_next_row(self):
        hist = self.stack.history()
        zz = {i for i, _ in hist["zz"]}
        h_last = hist["h"][-1][0]
        for start in ("%s.%s.%d" % (HISTORY_RESULT, name_index("h"), h_last),
                      "%s.%s.4294967295" % (HISTORY_RESULT, name_index("h")),
                      HISTORY_RESULT + ".2",                 # a name's length alone
                      HISTORY_RESULT + ".1.104.4294967295.7"):
            got, value = self.getnext(start)
            # h is probed on: an entry it gained since it was read comes first.
            h_prefix = ("%s.%s." % (HISTORY_RESULT, name_index("h"))).lstrip(".")
            for _ in range(3):
                if not got.startswith(h_prefix) or int(got.rsplit(".", 1)[1]) <= h_last:
                    break
                got, value = self.getnext("." + got)
            prefix = "%s.%s." % (HISTORY_RESULT, name_index("zz"))
            self.assertTrue(got.startswith(prefix.lstrip(".")), (start, got))
            self.assertIn(int(got.rsplit(".", 1)[1]), zz | {max(zz) + 1, max(zz) + 2})
            self.assertEqual(value, RESULT["ok"])
        # After the last row of a column comes the first row of the next.
        got, _ = self.getnext("%s.%s.4294967295" % (HISTORY_RESULT, name_index("other")))
        self.assertTrue(got.startswith(("%s.4.%s." % (ROOT + ".1.3.1", name_index("h")))
                                       .lstrip(".")), got)
        r = self.stack.snmp("snmpget", "%s.%s.4294967295" % (HISTORY_RESULT, name_index("h")),
                            check=False)
        self.assertIn("No Such Instance", r.stdout)

    def test_size_can_be_changed_and_zero_turns_history_off(self):
        stack = self.stack
        r = stack.snmp("snmpset", GLOBAL + ".10.0", "u", 3, community="private", check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        hist = stack.history()
        self.assertEqual(len(hist["h"]), 3)
        # A walk takes time: an entry "other" gained while it was walked
        # shows beside the three it had.
        self.assertLessEqual(len(hist["other"]), 4)
        r = stack.snmp("snmpset", GLOBAL + ".10.0", "u", 1001, community="private", check=False)
        self.assertIn("wrongValue", r.stdout + r.stderr)
        r = stack.snmp("snmpset", GLOBAL + ".10.0", "u", 0, community="private", check=False)
        self.assertEqual(r.returncode, 0)
        time.sleep(1.5)
        self.assertEqual(stack.history(), {})
        self.assertEqual(stack.get(GLOBAL + ".10.0")[GLOBAL + ".10.0"], 0)


class HistoryIsCurrent(StackCase):
    """The agent thread records finished probes once a second, but the table
    takes what waits before it answers: never behind the server table."""

    @classmethod
    def prepare(cls, stack):
        stack.start_snmpd()
        p = stack.start_fake({"s": ("ok", "127.0.0.1")})
        stack.start_smtpmond(["smtpMonHistorySize 5",
                              "smtpMonServer s 127.0.0.1:%d interval=2" % p["s"]])

    def test_a_probe_counted_in_the_server_table_is_in_the_history_read_next(self):
        for _ in range(3):
            before = self.stack.wait_probes("s", 1, 15)["Probes"]
            probes = self.stack.wait_probes("s", before + 1, 15)["Probes"]
            newest = self.stack.history()["s"][-1]
            self.assertEqual(newest[0], probes, newest)
            self.assertEqual(newest[1]["Result"], RESULT["ok"])


if __name__ == "__main__":
    unittest.main()
