# SPDX-License-Identifier: ISC
"""The schedule: first probes spread over the interval, never fired together;
one server's probes never overlap even when its timeout exceeds its interval."""

import unittest

from harness import StackCase

N = 10


class Schedule(StackCase):
    @classmethod
    def prepare(cls, stack):
        stack.start_snmpd()
        listeners = {"s%d" % i: ("ok", "127.0.0.1") for i in range(N)}
        listeners["slow"] = ("silent", "127.0.0.1")
        ports = stack.start_fake(listeners)
        conf = ["smtpMonServer s%d 127.0.0.1:%d interval=4" % (i, ports["s%d" % i])
                for i in range(N)]
        conf.append("smtpMonServer slow 127.0.0.1:%d interval=1 timeout=2" % ports["slow"])
        stack.start_smtpmond(conf)
        stack.wait_for(lambda: len(stack.fake_events("slow", "close")) >= 3, 20,
                       "three probes of the slow server")
        stack.wait_for(lambda: all(stack.fake_events("s%d" % i, "accept") for i in range(N)),
                       10, "a probe of every server")

    def test_first_probes_are_spread_over_the_interval(self):
        firsts = sorted(self.stack.fake_events("s%d" % i, "accept")[0]["t"] for i in range(N))
        gaps = [b - a for a, b in zip(firsts, firsts[1:])]
        # 10 servers over 4 s: one every 0.4 s, give or take the loop's jitter.
        # The times are the fake server's accepts: when it stalls (a loaded
        # machine) it accepts two waiting connections at once, so one short
        # gap is its own; a schedule that fires together makes many.
        self.assertGreater(firsts[-1] - firsts[0], 3.0, firsts)
        self.assertLessEqual(len([g for g in gaps if g <= 0.2]), 1, gaps)
        self.assertGreater(sorted(gaps)[len(gaps) // 2], 0.3, gaps)

    def test_a_servers_probes_never_overlap(self):
        accepts = self.stack.fake_events("slow", "accept")
        closes = {e["conn"]: e["t"] for e in self.stack.fake_events("slow", "close")}
        spans = [(a["t"], closes[a["conn"]]) for a in accepts if a["conn"] in closes]
        self.assertGreaterEqual(len(spans), 3)
        for (_, end), (start, _) in zip(spans, spans[1:]):
            self.assertGreaterEqual(start, end, spans)

    def test_a_slow_probe_skips_slots_instead_of_piling_up(self):
        accepts = [a["t"] for a in self.stack.fake_events("slow", "accept")]
        gaps = [b - a for a, b in zip(accepts, accepts[1:])]
        # timeout 2 s on a 1 s interval: the next probe takes the first slot
        # of the schedule after the 2 s probe ended (2 or 3 s after its start).
        for g in gaps:
            self.assertGreaterEqual(g, 1.95, gaps)
            self.assertLessEqual(g, 3.3, gaps)
            self.assertAlmostEqual(g, round(g), delta=0.3)


if __name__ == "__main__":
    unittest.main()
