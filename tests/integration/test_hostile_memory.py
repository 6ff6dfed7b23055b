# SPDX-License-Identifier: ISC
"""Hostile servers do not make smtpmon grow (issue 9): a thousand probes of
servers that send garbage, a 1 MiB line, an endless 250- reply, resets,
refusals and worse leave the daemon's resident memory within 1 MiB of what
it was after warming up, each kind is still failed for what it is, and each
probe is decided within the timeout and half a second."""

import os
import re
import time
import unittest

from harness import GLOBAL, RESULT, StackCase

VARIANT = os.environ.get("SMTPMON_VARIANT", "plain")

HOSTILE = ["garbage", "longline", "endless250", "rst_after_greeting", "close_after_accept",
           "greet421", "greet554", "split_greeting", "silent", "slowloris"]
COPIES = 6   # 60 servers probed every second: a thousand probes in under 20 s


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


@unittest.skipUnless(VARIANT == "plain", "the sanitizers' own memory would drown the figure")
class HostileMemory(StackCase):
    @classmethod
    def prepare(cls, stack):
        stack.start_snmpd()
        listeners = {"%s-%d" % (mode, i): (mode, "127.0.0.1")
                     for mode in HOSTILE for i in range(COPIES)}
        ports = stack.start_fake(listeners)
        stack.start_smtpmond(["smtpMonDefaults interval=1 timeout=1 failThreshold=1",
                              "smtpMonHistorySize 2"] +   # full within the warm-up
                             ["smtpMonServer %s 127.0.0.1:%d" % (n, p) for n, p in ports.items()])
        cls.warm = cls.wait_total(stack, 300, 30)
        cls.rss_warm = rss_kib(stack.smtpmond.pid)
        cls.done = cls.wait_total(stack, cls.warm + 1000, 90)
        time.sleep(1)
        cls.rss_after = rss_kib(stack.smtpmond.pid)

    @staticmethod
    def wait_total(stack, count, timeout):
        oid = GLOBAL + ".4.0"           # smtpMonProbesTotal
        return stack.wait_for(lambda: (stack.get(oid).get(oid, 0) >= count and
                                       stack.get(oid)[oid]), timeout,
                              "%d probes in all" % count)

    def test_a_thousand_hostile_probes_leave_memory_flat(self):
        growth = self.rss_after - self.rss_warm
        print("# RSS %d KiB after %d probes, %d KiB after %d more (%+d KiB)"
              % (self.rss_warm, self.warm, self.rss_after, self.done - self.warm, growth))
        self.assertLess(growth, 1024)

    def test_every_hostile_server_is_failed_as_it_should_be(self):
        rows = self.stack.table()
        expected = {"garbage": "protocolError", "longline": "protocolError",
                    "endless250": "protocolError", "rst_after_greeting": "networkError",
                    "close_after_accept": "connectionClosed", "greet421": "bannerRejected",
                    "greet554": "bannerRejected", "split_greeting": "ok",
                    "silent": "bannerTimeout", "slowloris": "bannerTimeout"}
        for name, row in rows.items():
            mode = name.rsplit("-", 1)[0]
            self.assertEqual(row["LastResult"], RESULT[expected[mode]], name)

    def test_every_hostile_probe_is_decided_within_timeout_plus_half_a_second(self):
        """The log line of each failed probe says when it was decided."""
        times = [float(ms) for ms in re.findall(r"smtpmon: probe of \S+ .* failed at \w+ after "
                                               r"([0-9.]+) ms", self.stack.read_log())]
        self.assertGreater(len(times), 1000)
        self.assertLess(max(times), 1500, sorted(times)[-5:])

if __name__ == "__main__":
    unittest.main()
