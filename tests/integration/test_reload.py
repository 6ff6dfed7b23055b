# SPDX-License-Identifier: ISC
"""SIGHUP re-reads the configuration (doc/DESIGN.md section 6): added servers start,
removed ones go, changed ones restart their schedule, the others keep their
status and counters; the AgentX session and everything else carry on."""

import time
import unittest

from harness import GLOBAL, RESULT, STATUS, StackCase, only_for


class Reload(StackCase):
    @classmethod
    def prepare(cls, stack):
        stack.start_snmpd()
        p = stack.start_fake({n: ("ok", "127.0.0.1") for n in ("a", "b", "c", "d", "d2")})
        stack.start_smtpmond([
            "smtpMonDefaults interval=1",
            "smtpMonServer keep 127.0.0.1:%d" % p["a"],
            "smtpMonServer gone 127.0.0.1:%d" % p["b"],
            "smtpMonServer moved 127.0.0.1:%d" % p["d"],
        ])
        cls.before = stack.wait_probes("keep", 3, 10)
        cls.totals_since = stack.get(GLOBAL + ".11.0")[GLOBAL + ".11.0"]
        stack.wait_probes("moved", 2, 10)
        time.sleep(0.5)
        cls.moved_accepts = len(stack.fake_events("d", "accept"))
        stack.reload_smtpmond([
            "smtpMonDefaults interval=1",
            "smtpMonServer keep 127.0.0.1:%d" % p["a"],
            "smtpMonServer moved 127.0.0.1:%d" % p["d2"],
            "smtpMonServer new 127.0.0.1:%d" % p["c"],
            "smtpMonServer broken 127.0.0.1:99999",
        ])
        cls.reloaded_at = time.monotonic()
        stack.wait_probes("new", 2, 10)

    def test_unchanged_server_keeps_its_state_and_counters(self):
        row = self.stack.wait_probes("keep", self.before["Probes"] + 2, 10)
        self.assertEqual(row["Status"], STATUS["up"])
        self.assertEqual(row["LastChange"], self.before["LastChange"])

    def test_counters_and_their_discontinuity_times_carry_over(self):
        """An NMS computing rates sees no discontinuity from a reload; a
        server the reload added counts from then."""
        keep, new = self.stack.row("keep"), self.stack.row("new")
        self.assertGreater(keep["Probes"], self.before["Probes"])
        # sysUpTime is read in whole hundredths at two moments: a step of one
        self.assertAlmostEqual(keep["DiscontinuityTime"], self.before["DiscontinuityTime"],
                               delta=2)
        self.assertAlmostEqual(self.stack.get(GLOBAL + ".11.0")[GLOBAL + ".11.0"],
                               self.totals_since, delta=2)
        self.assertGreater(new["DiscontinuityTime"], keep["DiscontinuityTime"] + 100)

    def test_added_server_appears_and_is_probed(self):
        row = self.stack.row("new")
        self.assertEqual(row["LastResult"], RESULT["ok"])
        self.assertEqual(row["StorageType"], 5)

    def test_removed_server_goes_and_is_no_longer_probed(self):
        self.assertNotIn("gone", self.stack.table())
        later = [e for e in self.stack.fake_events("b", "accept")
                 if e["t"] > self.reloaded_at + 0.2]
        self.assertEqual(later, [])

    def test_changed_server_probes_its_new_port(self):
        row = self.stack.row("moved")
        self.assertEqual(row["Port"], self.stack.fake_ports["d2"])
        self.assertGreaterEqual(len(self.stack.fake_events("d2", "accept")), 1)
        self.assertLessEqual(len(self.stack.fake_events("d", "accept")), self.moved_accepts + 1)
        self.assertEqual(row["LastResult"], RESULT["ok"])

    def test_bad_line_in_the_new_file_is_reported_and_the_rest_loads(self):
        log = self.stack.read_log()
        self.assertIn("line %d: Error: smtpMonServer: '99999' is not a port number"
                      % self.stack.conf_line("smtpMonServer broken 127.0.0.1:99999"), log)
        self.assertIn("configuration reloaded: 1 added, 1 removed, 1 changed, 1 unchanged", log)
        self.assertEqual(sorted(self.stack.table()), ["keep", "moved", "new"])

    @only_for("subagent", "the plugin has no AgentX session; snmpd reloads it whole")
    def test_the_agentx_session_carries_on(self):
        self.assertEqual(self.stack.read_log().count("AgentX subagent connected"), 1)
        self.assertIsNone(self.stack.smtpmond.poll())


if __name__ == "__main__":
    unittest.main()
