#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Soak: 500 fake servers that flap, each on its own random rhythm, watched
by smtpmond for a few minutes through a private snmpd and snmptrapd.

Checks, and prints with the figures:
  - RSS after warm-up stays flat (growth under 1 MiB from the first sample
    after warm-up to the last);
  - for every row, Probes equals the connections its server accepted and
    Failures the ones it refused (each server's rhythm is known, so every
    probe's verdict is too);
  - exactly one notification per change of Status: the Down and Up traps
    snmptrapd received for each row equal those the rhythm calls for with
    failThreshold 2.

  bench/soak.py --build BUILD_DIR [--servers 500] [--minutes 5] [--interval 2] [--seed 1]

Exit status 1 when a check fails. Not part of tools/check (it runs minutes).
"""

import argparse
import collections
import json
import os
import random
import statistics
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

from harness import GLOBAL, Stack  # noqa: E402

FAIL_THRESHOLD = 2
WARM_UP_S = 60


def rhythms(n, seed):
    """{name: (good, bad)}: GOOD accepted connections, then BAD refused (421)."""
    rng = random.Random(seed)
    return {"s%03d" % i: (rng.randint(2, 8), rng.randint(1, 5)) for i in range(n)}


def expected_traps(good, bad, probes):
    """Down and Up notifications the first PROBES verdicts call for."""
    status, fails, downs, ups = "unknown", 0, 0, 0
    for k in range(probes):
        ok = k % (good + bad) < good
        if ok:
            fails = 0
            if status == "down":
                ups += 1
            status = "up"
        else:
            fails += 1
            if fails >= FAIL_THRESHOLD and status != "down":
                downs += 1
                status = "down"
    return downs, ups


def failures_of(good, bad, probes):
    return sum(1 for k in range(probes) if k % (good + bad) >= good)


def proc_stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
    return (int(fields[11]) + int(fields[12])) / ticks, rss


def accepts_per_listener(stack):
    counts = collections.Counter()
    for log in stack.fake_logs:
        with open(log) as f:
            for line in f:
                if '"accept"' in line:
                    counts[json.loads(line)["listener"]] += 1
    return counts


def run(args):
    stack = Stack(os.path.abspath(args.build), "bench")
    failures = []
    try:
        stack.start_trapd()
        stack.start_snmpd()
        rh = rhythms(args.servers, args.seed)
        ports = stack.start_fake({name: ("cycle:%d*ok/%d*greet421" % gb, "127.0.0.1")
                                  for name, gb in rh.items()})
        stack.start_smtpmond(["smtpMonDefaults interval=%d timeout=5 failThreshold=%d"
                              % (args.interval, FAIL_THRESHOLD),
                              "smtpMonHistorySize 10"] +
                             ["smtpMonServer %s 127.0.0.1:%d" % (n, ports[n]) for n in rh])
        pid = stack.smtpmond.pid
        cpu0, _ = proc_stat(pid)
        t0 = time.monotonic()
        samples = []
        while time.monotonic() - t0 < args.minutes * 60:
            time.sleep(10)
            samples.append((time.monotonic() - t0,) + proc_stat(pid))
            print("  %4.0fs  RSS %6d KiB  CPU %6.1fs" % (samples[-1][0], samples[-1][2],
                                                         samples[-1][1] - cpu0), flush=True)
        rows = stack.table()   # a walk takes a while: probes go on meanwhile
        accepts = accepts_per_listener(stack)
        time.sleep(3)          # the last probes' notifications reach snmptrapd
        cpu1, _ = proc_stat(pid)
        traps = collections.defaultdict(collections.Counter)
        for t in stack.traps():
            traps[t["row"]][t["name"]] += 1
        later = accepts_per_listener(stack)
        total = stack.get(GLOBAL + ".4.0")[GLOBAL + ".4.0"]

        after = [s for s in samples if s[0] >= WARM_UP_S]
        growth = after[-1][2] - after[0][2] if len(after) > 1 else 0
        if growth >= 1024:
            failures.append("RSS grew %d KiB after warm-up" % growth)
        counted = probes_ok = traps_ok = 0
        for name, (good, bad) in rh.items():
            row = rows.get(name)
            if not row:
                failures.append("%s: no row" % name)
                continue
            p = row["Probes"]
            counted += p
            if 0 <= accepts[name] - p <= 2 and row["Failures"] in (
                    failures_of(good, bad, p), failures_of(good, bad, p + 1)):
                probes_ok += 1
            else:
                failures.append("%s: Probes %d Failures %d, server saw %d connections, "
                                "%d refused" % (name, p, row["Failures"], accepts[name],
                                                failures_of(good, bad, p)))
            got = (traps[name]["smtpMonServerDown"], traps[name]["smtpMonServerUp"])
            if any(got == expected_traps(good, bad, n) for n in range(p, later[name] + 1)):
                traps_ok += 1
            else:
                failures.append("%s: Down/Up received %s, the rhythm %d/%d over %d probes "
                                "calls for %s" % (name, got, good, bad, p,
                                                  expected_traps(good, bad, p)))
        minutes = samples[-1][0] / 60
        print("soak: %d servers, interval %d s, %.1f min, %d probes (%.0f/s)"
              % (args.servers, args.interval, minutes, total, total / (minutes * 60)))
        print("  smtpmond CPU %.1f s = %.1f %% of one core, %.0f us per probe"
              % (cpu1 - cpu0, 100 * (cpu1 - cpu0) / (minutes * 60), 1e6 * (cpu1 - cpu0) / counted))
        print("  RSS after warm-up: %d -> %d KiB (%+d KiB), median %d KiB"
              % (after[0][2], after[-1][2], growth, statistics.median(s[2] for s in after)))
        print("  rows whose Probes/Failures match their server: %d of %d" % (probes_ok, len(rh)))
        print("  rows with exactly one notification per change: %d of %d (%d traps in all)"
              % (traps_ok, len(rh), sum(sum(c.values()) for c in traps.values())))
    finally:
        stack.close()
    for f in failures[:20]:
        print("FAIL " + f)
    print("soak: %s" % ("passed" if not failures else "%d checks failed" % len(failures)))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--servers", type=int, default=500)
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--interval", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    return run(ap.parse_args())


if __name__ == "__main__":
    sys.exit(main())
