#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Time from the reply that decides a probe to the notification in
snmptrapd's log, through a private snmpd (trap2sink) and smtpmond over
AgentX. A server flaps (3 x 421, 3 x ok, failThreshold 2, one probe a
second); each Down and each Up is one sample. Target: median < 100 ms.

  bench/notify_latency.py --build BUILD_DIR [--cycles N]
"""

import argparse
import os
import statistics
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

from harness import Stack, flap_delays  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--cycles", type=int, default=10)
    args = ap.parse_args()
    stack = Stack(os.path.abspath(args.build), "bench")
    try:
        stack.start_trapd()
        stack.start_snmpd()
        ports = stack.start_fake({"flap": ("cycle:3*greet421/3*ok", "127.0.0.1")})
        stack.start_smtpmond(["smtpMonServer flap 127.0.0.1:%d interval=1 failThreshold=2"
                              % ports["flap"]])
        stack.wait_for(lambda: len(stack.traps("flap")) >= 2 * args.cycles,
                       6 * args.cycles + 20, "the notifications")
        d = sorted(x * 1000 for x in flap_delays(stack, "flap", args.cycles))
        print("notification latency (deciding reply -> snmptrapd log), %d samples" % len(d))
        print("  median %.2f ms   p90 %.2f ms   max %.2f ms   min %.2f ms" % (
            statistics.median(d), d[int(0.9 * (len(d) - 1))], d[-1], d[0]))
        print("  target: median < 100 ms -> %s" % ("met" if statistics.median(d) < 100 else "MISSED"))
    finally:
        stack.close()


if __name__ == "__main__":
    main()
