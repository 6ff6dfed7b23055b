# SPDX-License-Identifier: ISC
"""What SNMP SETs created outlives smtpmond: nonVolatile rows and the
writable scalars come back after a restart (net-snmp's persistent store),
volatile rows do not, and configuration rows stay readOnly."""

import unittest

import time

from harness import COLUMNS, GLOBAL, RESULT, TABLE, name_index, new_stack, only_for


def col(name, row):
    return "%s.%d.%s" % (TABLE, COLUMNS[name], name_index(row))


class Persistence(unittest.TestCase):
    def test_rows_and_scalars_set_by_snmp_survive_a_restart(self):
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_snmpd()
        p = stack.start_fake({n: ("ok", "127.0.0.1") for n in ("conf", "kept", "lost", "paused")})
        conf = ["smtpMonLimits setMinInterval=1",     # "kept" probes every 2 s
                "smtpMonServer conf 127.0.0.1:%d interval=1" % p["conf"]]
        stack.start_smtpmond(conf, persistent=True)

        def snmpset(*args):
            r = stack.snmp("snmpset", *args, community="private", check=False)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        snmpset(col("RowStatus", "kept"), "i", 4, col("Host", "kept"), "s", "127.0.0.1",
                col("Port", "kept"), "u", p["kept"], col("Interval", "kept"), "u", 2,
                col("HeloName", "kept"), "s", "probe.example.org", col("TlsMode", "kept"), "i", 1)
        snmpset(col("RowStatus", "lost"), "i", 4, col("Host", "lost"), "s", "127.0.0.1",
                col("Port", "lost"), "u", p["lost"], col("StorageType", "lost"), "i", 2)
        snmpset(col("RowStatus", "paused"), "i", 5, col("Host", "paused"), "s", "127.0.0.1",
                col("Port", "paused"), "u", p["paused"])
        snmpset(GLOBAL + ".7.0", "u", 30, GLOBAL + ".6.0", "i", 2,
                GLOBAL + ".9.0", "s", "monitor.example.org")
        stack.wait_probes("kept", 1, 5)
        self.assertEqual(stack.stop_smtpmond(), 0)

        stack.start_smtpmond(conf, persistent=True)
        rows = stack.table()
        self.assertEqual(sorted(rows), ["conf", "kept", "paused"])
        kept = rows["kept"]
        self.assertEqual((kept["Port"], kept["Interval"], kept["HeloName"]),
                         (p["kept"], 2, "probe.example.org"))
        self.assertEqual((kept["StorageType"], kept["RowStatus"]), (3, 1))
        self.assertEqual(rows["paused"]["RowStatus"], 2)
        self.assertEqual(rows["conf"]["StorageType"], 5)
        self.assertEqual(stack.wait_probes("kept", 1, 5)["LastResult"], RESULT["ok"])
        g = stack.walk(GLOBAL)
        self.assertEqual(g[GLOBAL + ".7.0"], 30)
        self.assertEqual(g[GLOBAL + ".6.0"], 2)
        self.assertEqual(g[GLOBAL + ".9.0"], "monitor.example.org")
        self.assertEqual(rows["paused"]["Interval"], 30)     # the stored default applies
        self.assertEqual(rows["conf"]["Interval"], 1)

        # Destroyed rows stay destroyed.
        snmpset(col("RowStatus", "kept"), "i", 6)
        self.assertEqual(stack.stop_smtpmond(), 0)
        stack.start_smtpmond(conf, persistent=True)
        self.assertEqual(sorted(stack.table()), ["conf", "paused"])


@only_for("subagent", "with the plugin snmpd restarts too, and sysUpTime with it")
class CounterDiscontinuity(unittest.TestCase):
    def test_a_restart_of_smtpmond_is_a_discontinuity_an_nms_can_see(self):
        """Counters start from 0 again while snmpd's sysUpTime runs on: the
        discontinuity times move to the new start, row and totals alike."""
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_snmpd()
        p = stack.start_fake({"mx": ("ok", "127.0.0.1")})
        conf = ["smtpMonServer mx 127.0.0.1:%d interval=1" % p["mx"]]
        stack.start_smtpmond(conf)
        first = stack.wait_probes("mx", 3, 10)
        totals = stack.get(GLOBAL + ".11.0")[GLOBAL + ".11.0"]
        self.assertGreater(first["DiscontinuityTime"], 0)      # after snmpd started
        # The totals start with the store, the row a little later (start-up
        # under ThreadSanitizer takes a few tenths of a second).
        self.assertLessEqual(totals, first["DiscontinuityTime"])
        self.assertLess(first["DiscontinuityTime"] - totals, 300)
        self.assertEqual(stack.stop_smtpmond(), 0)
        time.sleep(1)
        stack.start_smtpmond(conf)
        second = stack.wait_probes("mx", 1, 10)
        self.assertLess(second["Probes"], first["Probes"])
        self.assertGreater(second["DiscontinuityTime"], first["DiscontinuityTime"] + 100)
        uptime = stack.get("1.3.6.1.2.1.1.3.0")["1.3.6.1.2.1.1.3.0"]
        self.assertLessEqual(second["DiscontinuityTime"], uptime)
        self.assertGreater(stack.get(GLOBAL + ".11.0")[GLOBAL + ".11.0"], totals + 100)


if __name__ == "__main__":
    unittest.main()
