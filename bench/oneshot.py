#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""smtpmond --probe against monitoring-plugins' check_smtp: CPU (user+sys,
the whole process: start-up, the check, exit) per check, plain and STARTTLS,
side by side in one run. The two alternate (A B A B ...) against the same
fake server, so that the machine's drift falls on both.

  bench/oneshot.py --build BUILD_DIR [--runs 15]

Prints each command's median CPU per check and the ratio smtpmond/check_smtp
(the median of the pairs' ratios; target <= 1.0 for both)."""

import argparse
import os
import statistics
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))

import certs  # noqa: E402
from harness import Stack  # noqa: E402

CHECK_SMTP = "/usr/lib/nagios/plugins/check_smtp"


def cpu_of(argv):
    """CPU seconds of one whole process, from the kernel's accounting."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit("%s exited %d" % (" ".join(argv), proc.returncode))
    return ru.ru_utime + ru.ru_stime


def compare(a, b, runs):
    """Medians of A and B and of A/B pair by pair, after one warm-up each."""
    cpu_of(a)
    cpu_of(b)
    ta, tb = [], []
    for _ in range(runs):
        ta.append(cpu_of(a))
        tb.append(cpu_of(b))
    ratios = [x / y for x, y in zip(ta, tb) if y > 0]
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    smtpmond = os.path.join(os.path.abspath(args.build), "subagent", "smtpmond")
    stack = Stack(os.path.abspath(args.build), "oneshot")
    try:
        ca = certs.CA(os.path.join(stack.dir, "ca"))
        ports = stack.start_fake({"plain": ("ok", "127.0.0.1"),
                                  "tls": ("starttls", "127.0.0.1")},
                                 tls=ca.issue("mx", "mx.smtpmon.test"))
        cases = [
            ("plain", [smtpmond, "--probe", "127.0.0.1:%d" % ports["plain"]],
             [CHECK_SMTP, "-H", "127.0.0.1", "-p", str(ports["plain"])]),
            ("STARTTLS", [smtpmond, "--probe", "127.0.0.1:%d" % ports["tls"], "--starttls"],
             [CHECK_SMTP, "-H", "127.0.0.1", "-p", str(ports["tls"]), "-S"]),
        ]
        print("| check | smtpmond --probe | check_smtp | ratio (target <= 1.0) |")
        print("|---|---|---|---|")
        for name, a, b in cases:
            ma, mb, ratio = compare(a, b, args.runs)
            print("| %s (median of %d, A B A B) | %.2f ms | %.2f ms | %.2f |"
                  % (name, args.runs, ma * 1e3, mb * 1e3, ratio), flush=True)
        print("commands: %s ... vs %s ..." % (" ".join(cases[0][1][:2]), CHECK_SMTP))
    finally:
        stack.close()


if __name__ == "__main__":
    main()
