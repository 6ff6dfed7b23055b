# SPDX-License-Identifier: ISC
"""Managing servers from the NMS: read-create rows of smtpMonServerTable with
snmpset against a private master (community private), RowStatus and every
column checked, all or nothing."""

import time
import unittest

from harness import (COLUMNS, GLOBAL, RESULT, STATUS, StackCase, TABLE, assert_set_refused,
                     name_index)

ROWSTATUS = {"active": 1, "notInService": 2, "createAndGo": 4, "createAndWait": 5,
             "destroy": 6}


def col(name, row):
    return "%s.%d.%s" % (TABLE, COLUMNS[name], name_index(row))


class SetRows(StackCase):
    @classmethod
    def prepare(cls, stack):
        stack.start_snmpd()
        cls.ports = stack.start_fake({n: ("ok", "127.0.0.1") for n in
                                      ("conf", "p1", "p2", "p3", "p4", "p5")})
        # Rows created by SET probe every second here, below the default
        # minimum of 60 s (test_limits tests the minimum).
        stack.start_smtpmond(["smtpMonLimits setMinInterval=1",
                              "smtpMonServer conf 127.0.0.1:%d interval=1" % cls.ports["conf"]])

    def snmpset(self, *args):
        return self.stack.snmp("snmpset", *args, community="private", check=False)

    def assertSetFails(self, reason, *args):
        assert_set_refused(self, self.stack, reason, *args)

    def create(self, name, port, *extra):
        r = self.snmpset(col("RowStatus", name), "i", ROWSTATUS["createAndGo"],
                         col("Host", name), "s", "127.0.0.1", col("Port", name), "u", port,
                         col("Interval", name), "u", 1, *extra)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_create_change_port_and_destroy(self):
        stack, p = self.stack, self.ports
        t0 = time.monotonic()
        self.create("web1", p["p1"])
        row = stack.wait_for(lambda: (stack.row("web1") or {}).get("Probes", 0) >= 1 and
                             stack.row("web1"), 5, "web1 probed")
        first = stack.fake_events("p1", "accept")[0]["t"]
        self.assertLess(first - t0, 1.0)
        self.assertEqual(row["LastResult"], RESULT["ok"])
        self.assertEqual((row["StorageType"], row["RowStatus"]), (3, 1))

        r = self.snmpset(col("Port", "web1"), "u", p["p2"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        stack.wait_for(lambda: stack.fake_events("p2", "accept"), 5, "a probe on the new port")
        self.assertEqual(stack.row("web1")["Port"], p["p2"])

        r = self.snmpset(col("RowStatus", "web1"), "i", ROWSTATUS["destroy"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("web1", stack.table())
        gone = time.monotonic()
        time.sleep(1.5)
        self.assertEqual([e for e in stack.fake_events("p2", "accept") if e["t"] > gone + 0.1], [])

    def test_create_and_wait_then_active(self):
        stack = self.stack
        r = self.snmpset(col("RowStatus", "wait1"), "i", ROWSTATUS["createAndWait"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(stack.row("wait1")["RowStatus"], 3)          # notReady: no Host
        self.assertSetFails("inconsistentValue", col("RowStatus", "wait1"), "i",
                            ROWSTATUS["active"])
        r = self.snmpset(col("Host", "wait1"), "s", "127.0.0.1",
                         col("Port", "wait1"), "u", self.ports["p3"],
                         col("Interval", "wait1"), "u", 1)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(stack.row("wait1")["RowStatus"], 2)          # notInService
        time.sleep(1.2)
        self.assertEqual(stack.fake_events("p3", "accept"), [])
        r = self.snmpset(col("RowStatus", "wait1"), "i", ROWSTATUS["active"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        row = stack.wait_probes("wait1", 1, 5)
        self.assertEqual(row["LastResult"], RESULT["ok"])

    def test_admin_status_disabled_stops_and_enabled_resumes(self):
        stack = self.stack
        self.create("adm", self.ports["p4"])
        stack.wait_probes("adm", 1, 5)
        r = self.snmpset(col("AdminStatus", "adm"), "i", 2)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        stack.wait_for(lambda: stack.row("adm")["Status"] == STATUS["disabled"], 5, "disabled")
        stopped, count = time.monotonic(), stack.row("adm")["Probes"]
        time.sleep(1.5)
        self.assertEqual(stack.row("adm")["Probes"], count)
        self.assertEqual([e for e in stack.fake_events("p4", "accept") if e["t"] > stopped + 0.1],
                         [])
        r = self.snmpset(col("AdminStatus", "adm"), "i", 1)
        self.assertEqual(r.returncode, 0)
        row = stack.wait_probes("adm", count + 1, 5)
        self.assertEqual(row["Status"], STATUS["up"])

    def test_bad_sets_answer_the_right_error_and_change_nothing(self):
        p5, name40 = self.ports["p5"], "x" * 40
        self.create("good", p5)
        self.assertSetFails("wrongValue", col("Port", "good"), "u", 70000)
        self.assertSetFails("wrongValue", col("Port", "good"), "u", 0)
        self.assertSetFails("noCreation", col("RowStatus", name40), "i", 4,
                            col("Host", name40), "s", "127.0.0.1")
        self.assertSetFails("noCreation", col("RowStatus", "a b"), "i", 4,
                            col("Host", "a b"), "s", "127.0.0.1")
        self.assertSetFails("wrongValue", col("Interval", "good"), "u", 0)
        self.assertSetFails("wrongLength", col("Host", "good"), "s", "")
        self.assertSetFails("wrongValue", col("Host", "good"), "s", "bad host!")
        self.assertSetFails("wrongType", col("Port", "good"), "s", "25")
        self.assertSetFails("wrongType", col("Interval", "good"), "i", 5)
        self.assertSetFails("notWritable", col("Status", "good"), "i", 2)
        self.assertSetFails("notWritable", col("RowStatus", "conf"), "i", ROWSTATUS["destroy"])
        self.assertSetFails("notWritable", col("Port", "conf"), "u", 2525)
        self.assertSetFails("inconsistentValue", col("RowStatus", "good"), "i",
                            ROWSTATUS["createAndGo"])
        self.assertSetFails("wrongValue", col("StorageType", "good"), "i", 5)
        self.assertSetFails("noCreation", col("Host", "nosuch"), "s", "127.0.0.1")
        self.assertSetFails("inconsistentValue", col("RowStatus", "nohost"), "i",
                            ROWSTATUS["createAndGo"])

    def test_writable_scalars(self):
        stack = self.stack
        self.assertSetFails("wrongValue", GLOBAL + ".8.0", "u", 0)
        self.assertSetFails("wrongValue", GLOBAL + ".7.0", "u", 86401)
        self.assertSetFails("wrongType", GLOBAL + ".7.0", "s", "60")
        self.assertSetFails("wrongValue", GLOBAL + ".9.0", "s", "bad name!")
        self.assertSetFails("notWritable", GLOBAL + ".2.0", "u", 5)
        r = self.snmpset(GLOBAL + ".8.0", "u", 7, GLOBAL + ".9.0", "s", "nms-set.example.net")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(stack.row("conf")["Timeout"], 7)       # it set no timeout itself
        stack.wait_for(lambda: "EHLO nms-set.example.net" in
                       [e["data"] for e in stack.fake_events("conf", "recv")], 5,
                       "a probe with the new EHLO name")
        self.assertIn("smtpMonDefaultTimeout set to 7 by SNMP SET", stack.read_log())

    def test_a_multi_varbind_set_is_all_or_nothing(self):
        self.assertSetFails("wrongValue", col("RowStatus", "half"), "i", ROWSTATUS["createAndGo"],
                            col("Host", "half"), "s", "127.0.0.1",
                            col("Timeout", "half"), "u", 0)
        self.assertNotIn("half", self.stack.table())


if __name__ == "__main__":
    unittest.main()
