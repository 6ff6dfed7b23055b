# SPDX-License-Identifier: ISC
"""smtpMonServerDown / Up / Degraded as an operations console receives them:
snmptrapd behind a private snmpd (trap2sink), smtpmond as its subagent.

One stack; the flapping server sets the pace (five down/up cycles at one
probe a second), the other behaviours run beside it."""

import os
import statistics
import time
import unittest

from harness import FRONTEND, RESULT, STATUS, closed_port, flap_delays, new_stack

# Five down/up cycles prove the damping on smtpmond's plain build (the
# latency benchmark runs more); the sanitizer builds and the plugin run the
# same code paths with three, to keep the suite short.
CYCLES = 5 if (os.environ.get("SMTPMON_VARIANT", "plain") == "plain" and
               FRONTEND == "subagent") else 3
stack = None


def setUpModule():
    global stack
    stack = new_stack()
    try:
        stack.start_trapd()
        stack.start_snmpd()
        ports = stack.start_fake({
            "flap": ("cycle:3*greet421/3*ok", "127.0.0.1"),
            "blip": ("cycle:1*greet421/2*ok", "127.0.0.1"),
            "slow": ("cycle:3*delay:300/3*ok", "127.0.0.1"),
            "steady": ("ok", "127.0.0.1"),
        })
        stack.start_smtpmond([
            "smtpMonDefaults interval=1 timeout=2",
            "smtpMonServer flap 127.0.0.1:%d failThreshold=2" % ports["flap"],
            "smtpMonServer blip 127.0.0.1:%d failThreshold=2" % ports["blip"],
            "smtpMonServer slow 127.0.0.1:%d latencyThreshold=200" % ports["slow"],
            "smtpMonServer steady 127.0.0.1:%d" % ports["steady"],
            "smtpMonServer dead 127.0.0.1:%d failThreshold=2" % closed_port(),
        ])
        stack.wait_for(lambda: len(stack.traps("flap")) >= 2 * CYCLES, 6 * CYCLES + 20,
                       "%d down/up cycles of the flapping server" % CYCLES)
        time.sleep(0.5)
    except BaseException:
        stack.close()
        raise


def tearDownModule():
    stack.close()


def names(traps):
    return [t["name"] for t in traps]


class ServerNotifications(unittest.TestCase):
    def test_down_carries_exactly_the_designed_objects(self):
        down = stack.traps("flap")[0]
        self.assertEqual(down["name"], "smtpMonServerDown")
        self.assertEqual(down["order"], ["Host", "Port", "LastResult", "LastReplyCode",
                                         "LastError", "LastBanner", "ConsecutiveFailures",
                                         "LastEnhancedCode", "DisplayName"])
        self.assertEqual(down["objects"]["LastEnhancedCode"], "4.3.2")
        o = down["objects"]
        self.assertEqual(o["DisplayName"], "flap")   # the name, for receivers without the MIB
        self.assertEqual(o["Host"], "127.0.0.1")
        self.assertEqual(o["Port"], stack.fake_ports["flap"])
        self.assertEqual(o["LastResult"], RESULT["bannerRejected"])
        self.assertEqual(o["LastReplyCode"], 421)
        self.assertIn("421 4.3.2", o["LastError"])
        self.assertTrue(o["LastBanner"].startswith("421 4.3.2 flap.fake.test"))
        self.assertEqual(o["ConsecutiveFailures"], 2)

    def test_down_comes_after_the_second_failed_probe(self):
        down = stack.traps("flap")[0]
        greetings = [e for e in stack.fake_events("flap", "send")
                     if e["data"].startswith("421")]
        self.assertGreater(down["t"], greetings[1]["t"])
        self.assertLess(down["t"], greetings[2]["t"])

    def test_up_carries_latency_and_banner(self):
        up = stack.traps("flap")[1]
        self.assertEqual(up["name"], "smtpMonServerUp")
        self.assertEqual(up["order"], ["Host", "Port", "Latency", "LastBanner", "DisplayName"])
        self.assertEqual(up["objects"]["DisplayName"], "flap")
        self.assertGreater(up["objects"]["Latency"], 0)
        self.assertEqual(up["objects"]["LastBanner"], "220 flap.fake.test ESMTP smtpmon-fake")

    def test_flapping_gives_alternating_downs_and_ups(self):
        got = names(stack.traps("flap"))[:2 * CYCLES]
        self.assertEqual(got, ["smtpMonServerDown", "smtpMonServerUp"] * CYCLES)

    def test_isolated_blips_below_the_threshold_are_silent(self):
        self.assertGreaterEqual(stack.row("blip")["Failures"], 5)
        self.assertEqual(stack.traps("blip"), [])

    def test_slowness_gives_degraded_and_recovery_no_spurious_down(self):
        traps = stack.traps("slow")
        self.assertGreaterEqual(len(traps), 2)
        self.assertEqual(traps[0]["name"], "smtpMonServerDegraded")
        self.assertEqual(traps[0]["order"], ["Host", "Port", "Latency", "LatencyThreshold",
                                             "StatusReason", "DisplayName"])
        self.assertRegex(traps[0]["objects"]["StatusReason"], r"^slower than 200 ms: \d+\.\d ms$")
        self.assertEqual(traps[0]["objects"]["DisplayName"], "slow")
        self.assertGreater(traps[0]["objects"]["Latency"], 300000)
        self.assertEqual(traps[0]["objects"]["LatencyThreshold"], 200)
        self.assertNotIn("smtpMonServerDown", names(traps))
        for a, b in zip(traps, traps[1:]):
            self.assertNotEqual(a["name"], b["name"])

    def test_healthy_at_start_up_is_not_news(self):
        self.assertGreaterEqual(stack.row("steady")["Probes"], 10)
        self.assertEqual(stack.traps("steady"), [])

    def test_down_at_the_first_decision_is_news_once(self):
        self.assertEqual(names(stack.traps("dead")), ["smtpMonServerDown"])
        self.assertEqual(stack.row("dead")["Status"], STATUS["down"])

    def test_every_notification_is_logged(self):
        log = stack.read_log()
        self.assertIn("smtpmon: smtpMonServerDown: server flap (127.0.0.1:%d) is down: "
                      "bannerRejected, reply 421" % stack.fake_ports["flap"], log)
        self.assertIn("smtpMonServerUp: server flap", log)
        self.assertIn("smtpMonServerDegraded: server slow", log)

    def test_time_from_deciding_reply_to_snmptrapd(self):
        """Measured, not judged here (bench/ judges speed): printed as # lines."""
        delays = flap_delays(stack, "flap", CYCLES)
        self.assertTrue(all(d > 0 for d in delays), delays)
        print("# notification latency, deciding reply -> snmptrapd log, %d samples: "
              "median %.1f ms, max %.1f ms" % (len(delays), statistics.median(delays) * 1000,
                                               max(delays) * 1000))


if __name__ == "__main__":
    unittest.main()
