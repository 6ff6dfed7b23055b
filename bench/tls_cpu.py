#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""CPU that smtpmond spends per probe: plain SMTP vs STARTTLS (TLS 1.3,
RSA-2048 certificate, no session resumption), against the fake server on
loopback. Plain and STARTTLS runs alternate; each figure is the median of
the rounds, measured in one session.

  bench/tls_cpu.py --build BUILD_DIR [--servers 100] [--seconds 10] [--rounds 3]
"""

import argparse
import os
import statistics
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))

import certs  # noqa: E402
from harness import GLOBAL, Stack  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def probes(stack):
    return stack.get(GLOBAL + ".4.0")[GLOBAL + ".4.0"]


def one_round(build, mode, servers, seconds):
    stack = Stack(build, "bench")
    try:
        ca = certs.CA(os.path.join(stack.dir, "ca"))
        stack.start_snmpd()
        scenario = "starttls" if mode == "starttls" else "ok"
        ports = stack.start_fake({"s%d" % i: (scenario, "127.0.0.1") for i in range(servers)},
                                 tls=ca.issue("mx", "mx.smtpmon.test"))
        key = " tls=starttls" if mode == "starttls" else ""
        stack.start_smtpmond(["smtpMonServer s%d 127.0.0.1:%d interval=1%s"
                              % (i, ports["s%d" % i], key) for i in range(servers)])
        time.sleep(2)                       # past start-up and the first spread
        c0, p0 = cpu_seconds(stack.smtpmond.pid), probes(stack)
        time.sleep(seconds)
        c1, p1 = cpu_seconds(stack.smtpmond.pid), probes(stack)
        ok = all(r["LastResult"] == 2 for r in stack.table().values())
        return (c1 - c0) / max(1, p1 - p0), p1 - p0, ok
    finally:
        stack.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--servers", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    per = {"plain": [], "starttls": []}
    for r in range(args.rounds):
        for mode in ("plain", "starttls"):
            cpu, n, ok = one_round(build, mode, args.servers, args.seconds)
            per[mode].append(cpu)
            print("round %d %-8s %5d probes  %7.1f us CPU/probe%s" % (
                r + 1, mode, n, cpu * 1e6, "" if ok else "  (some probes failed!)"))
    plain, tls = statistics.median(per["plain"]), statistics.median(per["starttls"])
    print("median CPU per probe: plain %.1f us, STARTTLS %.1f us, ratio %.1fx"
          % (plain * 1e6, tls * 1e6, tls / plain))


if __name__ == "__main__":
    main()
