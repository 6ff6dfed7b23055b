# SPDX-License-Identifier: ISC
"""Limits on what the write community can make smtpmond do (smtpMonLimits,
smtpMonSetAllow): rows, rows created by SET, their interval, the memory of
the histories and where a row created by SET may point. Each refusal has
its SNMP error, changes nothing and leaves a line in the log; rows from the
configuration file are held only by rows= and the history budget."""

import re
import time
import unittest

from harness import (COLUMNS, GLOBAL, RESULT, StackCase, TABLE, assert_set_refused, name_index,
                     new_stack, only_for)

ROWSTATUS = {"active": 1, "notInService": 2, "createAndGo": 4, "createAndWait": 5,
             "destroy": 6}
HISTORY_SIZE = GLOBAL + ".10.0"


def col(name, row):
    return "%s.%d.%s" % (TABLE, COLUMNS[name], name_index(row))


class LimitCase(StackCase):
    def snmpset(self, *args):
        return self.stack.snmp("snmpset", *args, community="private", check=False)

    def assertSets(self, *args):
        r = self.snmpset(*args)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def assertSetFails(self, reason, log_line, *args):
        """The SET answers REASON, changes no row, and the log gains LOG_LINE."""
        assert_set_refused(self, self.stack, reason, *args)
        self.stack.wait_for(lambda: log_line in self.stack.read_log(), 5,
                            "the log to say: " + log_line)

    def destroy_later(self, name):
        self.addCleanup(self.snmpset, col("RowStatus", name), "i", ROWSTATUS["destroy"])

    def history_size(self):
        return self.stack.get(HISTORY_SIZE)[HISTORY_SIZE]


class SetLimits(LimitCase):
    """setRows=2, setMinInterval=30 and an allow-list of 127.0.0.1 on two
    ports; the configuration's own rows probe every second, a port and a
    name the list does not have."""

    @classmethod
    def prepare(cls, stack):
        stack.start_snmpd()
        cls.ports = stack.start_fake({n: ("ok", "127.0.0.1") for n in
                                      ("conf", "named", "in1", "in2", "out")})
        p = cls.ports
        stack.start_smtpmond([
            "smtpMonLimits rows=5 setRows=2 setMinInterval=30 historyMemory=1",
            "smtpMonSetAllow 127.0.0.1/32 ports=%d,%d" % (p["in1"], p["in2"]),
            "smtpMonDefaults interval=1",
            "smtpMonHistorySize 2",
            "smtpMonServer conf 127.0.0.1:%d" % p["conf"],
            "smtpMonServer named localhost:%d interval=1" % p["named"],
        ])

    def create(self, name, port, *extra):
        self.assertSets(col("RowStatus", name), "i", ROWSTATUS["createAndGo"],
                        col("Host", name), "s", "127.0.0.1", col("Port", name), "u", port,
                        *extra)
        self.destroy_later(name)

    def test_configuration_rows_are_not_held_by_the_set_limits(self):
        stack = self.stack
        for name in ("conf", "named"):
            row = stack.wait_probes(name, 3, 10)
            self.assertEqual(row["LastResult"], RESULT["ok"], name)
            self.assertEqual(row["Interval"], 1)
            self.assertEqual(row["StorageType"], 5)
        self.assertIsNone(re.search(r"refused.*\b(conf|named)\b|\b(conf|named)\b.*dropped",
                                    stack.read_log()))

    def test_an_interval_below_the_minimum_is_a_wrong_value(self):
        self.assertSetFails("wrongValue", "SNMP SET refused: row fast: Interval 29 is below "
                            "smtpMonLimits setMinInterval=30",
                            col("RowStatus", "fast"), "i", ROWSTATUS["createAndGo"],
                            col("Host", "fast"), "s", "127.0.0.1",
                            col("Port", "fast"), "u", self.ports["in1"],
                            col("Interval", "fast"), "u", 29)
        self.create("slow", self.ports["in1"], col("Interval", "slow"), "u", 30)
        self.assertEqual(self.stack.row("slow")["Interval"], 30)
        self.assertSetFails("wrongValue", "SNMP SET refused: row slow: Interval 1 is below "
                            "smtpMonLimits setMinInterval=30", col("Interval", "slow"), "u", 1)

    def test_a_row_created_by_set_follows_no_default_below_the_minimum(self):
        self.create("dflt", self.ports["in2"])
        self.assertEqual(self.stack.row("dflt")["Interval"], 30)   # smtpMonDefaults says 1
        self.assertEqual(self.stack.row("conf")["Interval"], 1)

    def test_a_host_outside_the_allow_list_is_refused(self):
        p = self.ports

        def create_fails(reason, log_line, host, port):
            self.assertSetFails(reason, log_line, col("RowStatus", "away"), "i",
                                ROWSTATUS["createAndGo"], col("Host", "away"), "s", host,
                                col("Port", "away"), "u", port)

        create_fails("wrongValue", "row away: Host 127.0.0.2 is outside smtpMonSetAllow",
                     "127.0.0.2", p["in1"])
        create_fails("wrongValue", "row away: Host [::1] is outside smtpMonSetAllow",
                     "[::1]", p["in1"])
        create_fails("wrongValue", "row away: Host localhost is a name, and smtpMonSetAllow "
                     "takes IP addresses only", "localhost", p["in1"])
        create_fails("wrongValue", "row away: Port %d is in no line of smtpMonSetAllow"
                     % p["out"], "127.0.0.1", p["out"])
        # Port 25, the default, is not on the list: the row as a whole is refused.
        self.assertSetFails("inconsistentValue", "row away: port 25 of 127.0.0.1 is outside "
                            "smtpMonSetAllow", col("RowStatus", "away"), "i",
                            ROWSTATUS["createAndGo"], col("Host", "away"), "s", "127.0.0.1")
        self.assertEqual(self.stack.fake_events("out", "accept"), [])

    def test_a_host_inside_the_allow_list_is_taken_and_probed(self):
        stack, p = self.stack, self.ports
        self.create("inside", p["in1"], col("Interval", "inside"), "u", 30)
        row = stack.wait_probes("inside", 1, 5)
        self.assertEqual(row["LastResult"], RESULT["ok"])
        self.assertTrue(stack.fake_events("in1", "accept"))
        # Moving it to another port on the list, then off it.
        self.assertSets(col("Port", "inside"), "u", p["in2"])
        stack.wait_for(lambda: stack.fake_events("in2", "accept"), 5, "a probe on in2")
        self.assertSetFails("wrongValue", "row inside: Port %d is in no line" % p["out"],
                            col("Port", "inside"), "u", p["out"])
        self.assertSetFails("wrongValue", "row inside: Host 127.0.0.3 is outside",
                            col("Host", "inside"), "s", "127.0.0.3")

    def test_rows_created_by_set_stop_at_set_rows_and_at_the_history_budget(self):
        stack, p = self.stack, self.ports
        self.create("s1", p["in1"], col("Interval", "s1"), "u", 60)
        # 1 MiB holds 3,276 entries of 320 octets: 3 rows of 1,000, not 4.
        self.assertSets(HISTORY_SIZE, "u", 1000)
        self.addCleanup(self.snmpset, HISTORY_SIZE, "u", 2)
        self.assertSetFails("resourceUnavailable", "SNMP SET refused: creating row s2 would "
                            "make 4 rows of 1000 history entries, up to 2 MiB, over "
                            "smtpMonLimits historyMemory=1",
                            col("RowStatus", "s2"), "i", ROWSTATUS["createAndGo"],
                            col("Host", "s2"), "s", "127.0.0.1", col("Port", "s2"), "u", p["in1"])
        self.assertSets(HISTORY_SIZE, "u", 2)
        # A SET that raises the size and creates a row is counted at the new size.
        self.assertSetFails("resourceUnavailable", "creating row s2 would make 4 rows of 900 "
                            "history entries", HISTORY_SIZE, "u", 900,
                            col("RowStatus", "s2"), "i", ROWSTATUS["createAndGo"],
                            col("Host", "s2"), "s", "127.0.0.1", col("Port", "s2"), "u", p["in1"])
        self.assertEqual(self.history_size(), 2)
        self.create("s2", p["in1"], col("Interval", "s2"), "u", 60)
        self.assertSetFails("resourceUnavailable", "SNMP SET refused: creating row s3 would "
                            "make 3 rows created by SET, over smtpMonLimits setRows=2",
                            col("RowStatus", "s3"), "i", ROWSTATUS["createAndWait"])
        # Destroying one makes room for another, in the same SET too.
        self.assertSets(col("RowStatus", "s1"), "i", ROWSTATUS["destroy"],
                        col("RowStatus", "s3"), "i", ROWSTATUS["createAndWait"])
        self.destroy_later("s3")
        self.assertEqual(sorted(stack.table()), ["conf", "named", "s2", "s3"])


class ConfiguredLimits(LimitCase):
    """rows=4 in the configuration file, and a history size over the budget."""

    @classmethod
    def prepare(cls, stack):
        stack.start_snmpd()
        cls.ports = stack.start_fake({"ok": ("ok", "127.0.0.1")})
        ok = cls.ports["ok"]
        cls.over = "smtpMonServer c5 127.0.0.1:%d" % ok
        stack.start_smtpmond([
            "smtpMonLimits rows=4 setMinInterval=1 historyMemory=1",
            "smtpMonHistorySize 1000",
        ] + ["smtpMonServer c%d 127.0.0.1:%d interval=1" % (i, ok) for i in range(1, 5)] + [
            cls.over,
            "smtpMonLimits rows=3",
        ])

    def test_configuration_lines_past_rows_are_reported_and_skipped(self):
        stack = self.stack
        conf = re.escape(stack.smtpmond_conf)
        log = stack.read_log()
        self.assertRegex(log, r"%s: line %d: Error: smtpMonServer: server 'c5' would be row 5, "
                              r"over smtpMonLimits rows=4 \(line ignored\)"
                         % (conf, stack.conf_line(self.over)))
        self.assertRegex(log, r"%s: line %d: Error: smtpMonLimits: rows=3 is below the 4 "
                              r"servers defined before this line"
                         % (conf, stack.conf_line("smtpMonLimits rows=3")))
        self.assertEqual(sorted(stack.table()), ["c1", "c2", "c3", "c4"])
        for name in ("c1", "c4"):
            self.assertEqual(stack.wait_probes(name, 1, 10)["LastResult"], RESULT["ok"])

    def test_a_history_size_over_the_budget_is_cut_at_load(self):
        # 4 rows x 1000 x 320 octets is over 1 MiB; 819 entries fit.
        self.assertIn("smtpMonHistorySize 1000 for 4 rows would take up to 2 MiB, over "
                      "smtpMonLimits historyMemory=1: each server keeps 819 entries",
                      self.stack.read_log())
        self.assertEqual(self.history_size(), 819)

    def test_a_history_size_set_over_the_budget_is_refused(self):
        self.assertSetFails("inconsistentValue", "SNMP SET refused: smtpMonHistorySize 820 "
                            "for 4 rows would take up to 2 MiB, over smtpMonLimits "
                            "historyMemory=1 (819 fit)", HISTORY_SIZE, "u", 820)
        r = self.snmpset(HISTORY_SIZE, "u", 1001)
        self.assertIn("Reason: wrongValue", r.stdout + r.stderr)     # past the scalar's range
        self.assertEqual(self.history_size(), 819)
        self.assertSets(HISTORY_SIZE, "u", 5)
        self.assertEqual(self.history_size(), 5)
        self.assertIn("smtpMonHistorySize set to 5 by SNMP SET", self.stack.read_log())

    def test_a_set_beyond_rows_is_resource_unavailable_and_creates_nothing(self):
        self.assertSetFails("resourceUnavailable", "SNMP SET refused: creating row s1 would "
                            "make 5 rows, over smtpMonLimits rows=4",
                            col("RowStatus", "s1"), "i", ROWSTATUS["createAndGo"],
                            col("Host", "s1"), "s", "127.0.0.1",
                            col("Port", "s1"), "u", self.ports["ok"])
        time.sleep(0.5)
        self.assertNotIn("s1", self.stack.table())


@only_for("subagent", "smtpmond's SIGHUP (snmpd's reload loads the plugin afresh)")
class ReloadedLimits(LimitCase):
    """At SIGHUP the rows created by SET count against rows=, and the
    history size is cut to the budget for every row there will be."""

    @classmethod
    def prepare(cls, stack):
        stack.start_snmpd()
        cls.port = stack.start_fake({"ok": ("ok", "127.0.0.1")})["ok"]
        stack.start_smtpmond(["smtpMonLimits rows=4 setMinInterval=1",
                              "smtpMonServer c1 127.0.0.1:%d" % cls.port])

    def test_a_reload_counts_the_rows_created_by_set_and_cuts_the_history_size(self):
        stack = self.stack
        for name in ("s1", "s2"):
            self.assertSets(col("RowStatus", name), "i", ROWSTATUS["createAndGo"],
                            col("Host", name), "s", "127.0.0.1", col("Port", name), "u", self.port)
        over = "smtpMonServer c3 127.0.0.1:%d" % self.port
        stack.reload_smtpmond(["smtpMonLimits rows=4 setMinInterval=1 historyMemory=1",
                               "smtpMonHistorySize 1000",
                               "smtpMonServer c1 127.0.0.1:%d" % self.port,
                               "smtpMonServer c2 127.0.0.1:%d" % self.port, over])
        log = stack.read_log()
        self.assertRegex(log, r"%s: line %d: Error: smtpMonServer: server 'c3' would be row 5, "
                              r"over smtpMonLimits rows=4" % (re.escape(stack.smtpmond_conf),
                                                             stack.conf_line(over)))
        self.assertIn("smtpMonHistorySize 1000 for 4 rows would take up to 2 MiB, over "
                      "smtpMonLimits historyMemory=1: each server keeps 819 entries", log)
        self.assertEqual(sorted(stack.table()), ["c1", "c2", "s1", "s2"])
        self.assertEqual(self.history_size(), 819)


class StoredRows(unittest.TestCase):
    """Rows created by SET in an earlier run meet the limits of this one."""

    def test_stored_rows_past_set_rows_or_outside_the_list_are_dropped_at_load(self):
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_snmpd()
        p = stack.start_fake({n: ("ok", "127.0.0.1") for n in ("a", "b", "c", "d")})
        stack.start_smtpmond(["smtpMonLimits setMinInterval=1"], persistent=True)
        for name in ("a", "b", "c", "d"):
            r = stack.snmp("snmpset", col("RowStatus", name), "i", ROWSTATUS["createAndGo"],
                           col("Host", name), "s", "127.0.0.1", col("Port", name), "u", p[name],
                           community="private", check=False)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(stack.stop_smtpmond(), 0)

        stack.start_smtpmond(["smtpMonLimits setRows=2",
                              "smtpMonSetAllow 127.0.0.1 ports=%d,%d,%d" % (p["a"], p["c"], p["d"])],
                             persistent=True)
        self.assertEqual(sorted(stack.table()), ["a", "c"])
        log = stack.read_log()
        self.assertRegex(log, r": line \d+: Error: smtpMonStoredServer: row b dropped: port %d of "
                              r"127\.0\.0\.1 is outside smtpMonSetAllow \(line ignored\)" % p["b"])
        self.assertRegex(log, r": line \d+: Error: smtpMonStoredServer: row d dropped: over "
                              r"smtpMonLimits setRows=2 \(line ignored\)")
        self.assertEqual(stack.wait_probes("c", 1, 5)["Interval"], 60)   # setMinInterval's default


if __name__ == "__main__":
    unittest.main()
