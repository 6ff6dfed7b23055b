#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Two builds of smtpmond against each other, interleaved: on a machine whose
speed drifts by tens of percent within an hour, only alternating runs give a
ratio to trust.

  bench/ab.py --old BUILD_A --new BUILD_B [--servers 100] [--interval 1]
              [--repeat 3] [--history 10] [--full-history]

Each run: the bench's farm of fake servers, a private snmpd, smtpmond with
N servers at the interval; one interval of warm-up, or enough for the
histories to fill with --full-history; then CPU per probe over two intervals
(20 s at least) and RSS. Prints every run, the medians and new/old."""

import argparse
import os
import statistics
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
sys.path.insert(0, os.path.join(TOP, "bench"))

import run as bench  # noqa: E402  (bench/run.py, before tests/integration/run.py)
from harness import Stack  # noqa: E402


def one_run(build, n, interval, history, full):
    stack = Stack(os.path.abspath(build), "ab")
    try:
        stack.start_snmpd()
        ports = stack.start_fake(bench.farm_listeners())
        stack.start_smtpmond([bench.PING, "smtpMonHistorySize %d" % history,
                              "smtpMonDefaults interval=%d timeout=10" % interval] +
                             bench.server_lines(n, ports))
        pid = stack.smtpmond.pid
        time.sleep(interval * ((history if full else 0) + 1) + 1)
        cpu0, _ = bench.proc_cpu_rss(pid)
        p0 = bench.probes_total(stack)
        time.sleep(max(20, 2 * interval))
        cpu1, rss = bench.proc_cpu_rss(pid)
        p1 = bench.probes_total(stack)
        stack.stop_smtpmond(timeout=60)
    finally:
        stack.close()
    return 1e6 * (cpu1 - cpu0) / max(1, p1 - p0), rss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--servers", type=int, default=100)
    ap.add_argument("--interval", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--history", type=int, default=10)
    ap.add_argument("--full-history", action="store_true")
    a = ap.parse_args()
    res = {"old": [], "new": []}
    for rep in range(a.repeat):
        for name in ("old", "new"):
            cpu, rss = one_run(getattr(a, name), a.servers, a.interval, a.history,
                               a.full_history)
            res[name].append((cpu, rss))
            print("%s run %d: %.1f us per probe, RSS %.1f MiB" % (name, rep + 1, cpu, rss),
                  flush=True)
    med = {k: (statistics.median(c for c, _ in v), statistics.median(r for _, r in v))
           for k, v in res.items()}
    print("N=%d at %d s: CPU per probe old %.1f us, new %.1f us, new/old %.2f; "
          "RSS old %.1f MiB, new %.1f MiB" % (
              a.servers, a.interval, med["old"][0], med["new"][0],
              med["new"][0] / med["old"][0], med["old"][1], med["new"][1]))


if __name__ == "__main__":
    main()
