#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""How fast the table answers through AgentX while probes are in flight:
snmpget of one column and snmpbulkwalk of the whole server table, with N
servers being probed (a third of them silent, so probes hang until their
timeout). Each figure is the median and p99 of repeated runs in one
session; the same tool against snmpd's own sysUpTime.0 gives the floor
(process start and UDP), so the difference is smtpmond plus AgentX.
Target: GET and walk under 50 ms.

  bench/agent_latency.py --build BUILD_DIR [--servers 30] [--runs 40]
"""

import argparse
import os
import statistics
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

from harness import COLUMNS, ROOT, TABLE, Stack, name_index  # noqa: E402


def timed(stack, tool, oid, runs):
    times = []
    for _ in range(runs):
        t0 = time.monotonic()
        r = stack.snmp(tool, oid, check=False)
        times.append(time.monotonic() - t0)
        if r.returncode != 0:
            raise SystemExit("%s failed: %s" % (tool, r.stderr))
    times.sort()
    return statistics.median(times) * 1000, times[int(0.99 * (len(times) - 1))] * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--servers", type=int, default=30)
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    stack = Stack(os.path.abspath(args.build), "bench")
    try:
        stack.start_snmpd()
        names = ["s%d" % i for i in range(args.servers)]
        ports = stack.start_fake({n: ("silent" if i % 3 == 0 else "ok", "127.0.0.1")
                                  for i, n in enumerate(names)})
        stack.start_smtpmond(["smtpMonServer %s 127.0.0.1:%d interval=2 timeout=2"
                              % (n, ports[n]) for n in names])
        time.sleep(3)
        floor = timed(stack, "snmpget", ".1.3.6.1.2.1.1.3.0", args.runs)
        get = timed(stack, "snmpget", "%s.%d.%s" % (TABLE, COLUMNS["Status"], name_index("s0")),
                    args.runs)
        walk = timed(stack, "snmpbulkwalk", ROOT + ".1.2", max(5, args.runs // 4))
        print("%d servers, a third of them silent (probes hang 2 s), interval 2 s" % args.servers)
        print("  %-34s median %6.1f ms  p99 %6.1f ms" % (("snmpget sysUpTime.0 (snmpd, floor)",) + floor))
        print("  %-34s median %6.1f ms  p99 %6.1f ms" % (("snmpget smtpMonServerStatus",) + get))
        print("  %-34s median %6.1f ms  p99 %6.1f ms" % (("snmpbulkwalk smtpMonServerTable",) + walk))
        print("  smtpmond + AgentX share of a GET: %.1f ms (median minus floor)" % (get[0] - floor[0]))
        print("  target: GET and walk under 50 ms -> %s" %
              ("met" if get[0] < 50 and walk[0] < 50 else "MISSED"))
    finally:
        stack.close()


if __name__ == "__main__":
    main()
