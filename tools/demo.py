#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Demo driver (see tools/demo): the integration tests' private stack, shown."""

import argparse
import os
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

from harness import RESULT, STATUS, Stack, closed_port  # noqa: E402

RESULT_NAMES = {v: k for k, v in RESULT.items()}
STATUS_NAMES = {v: k for k, v in STATUS.items()}


def mib_args():
    dirs = [os.environ["SMTPMON_MIBDIR"], "/usr/share/snmp/mibs", os.path.join(TOP, "mibs")]
    return ["-M", ":".join(dirs), "-m", "SMTP-MONITOR-MIB"]


def snmptable(stack):
    argv = (["snmptable"] + mib_args() +
            ["-v2c", "-c", "public", "-Cb", "-Ci", "-Cw", "150",
             "udp:127.0.0.1:%d" % stack.snmpd.port, "SMTP-MONITOR-MIB::smtpMonServerTable"])
    print("$ " + " ".join(a if " " not in a else repr(a) for a in argv))
    subprocess.run(argv, env=stack.snmpd.env, check=False)


def summary(stack):
    print("%-10s %-9s %-15s %4s %10s  %s" % ("server", "status", "result", "code",
                                            "latency", "banner / error"))
    for name, r in sorted(stack.table().items()):
        text = r.get("LastError") or r.get("LastBanner", "")
        print("%-10s %-9s %-15s %4s %8.1fms  %s" % (
            name, STATUS_NAMES.get(r["Status"], "?"), RESULT_NAMES.get(r["LastResult"], "?"),
            r["LastReplyCode"], r["Latency"] / 1000.0, text[:70]))


def show_traps(stack, skip=0, keep=False):
    traps = stack.traps()[skip:]
    if not skip:
        print("\nNotifications snmptrapd received (snmpd's trap2sink, from smtpmond over AgentX):")
    for t in traps:
        o = t["objects"]
        detail = o.get("LastError") or ("latency %.1f ms" % (o.get("Latency", 0) / 1000.0))
        print("  %-22s %-8s %s:%s  %s" % (t["name"], t.get("row", "?"), o.get("Host"),
                                          o.get("Port"), detail[:80]))
    if not skip and keep:
        print("  (full lines in %s)" % stack.trapd.log)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    stack = Stack(args.build, "demo")
    try:
        print("Starting a private snmpd, Exim, fake SMTP servers and smtpmond in %s ..." % stack.dir)
        stack.start_trapd()
        stack.start_snmpd()
        mta = stack.start_exim()
        ports = stack.start_fake({"fake": ("ok", "127.0.0.1"),
                                  "busy": ("greet421", "127.0.0.1"),
                                  "silent": ("silent", "127.0.0.1"),
                                  "v6": ("ok", "[::1]")})
        conf = [
            "smtpMonHeloName monitor.demo.test",
            "smtpMonDefaults interval=5 timeout=3",
            "smtpMonServer exim 127.0.0.1:%d" % mta.port,
            "smtpMonServer fake 127.0.0.1:%d" % ports["fake"],
            "smtpMonServer fake6 [::1]:%d" % ports["v6"],
            "smtpMonServer busy 127.0.0.1:%d" % ports["busy"],
            "smtpMonServer silent 127.0.0.1:%d" % ports["silent"],
            "smtpMonServer nothing 127.0.0.1:%d" % closed_port(),
        ]
        print("\nsmtpmond.conf:\n  " + "\n  ".join(conf) + "\n")
        stack.start_smtpmond(conf)
        print("Waiting for two probes of every server (interval 5 s, timeout 3 s) ...\n")
        stack.wait_for(lambda: all(r.get("Probes", 0) >= 2 for r in stack.table().values()),
                       30, "two probes of every server")
        snmptable(stack)
        print()
        summary(stack)
        stack.wait_for(lambda: len(stack.traps()) >= 3, 10, "the notifications")
        show_traps(stack, keep=args.keep)
        print("\nSMTP-MONITOR-MIB lives under 1.3.6.1.4.1.8072.9999.9999.25 (netSnmpPlaypen.25).")
        if args.keep:
            print("\nRunning until Ctrl-C. Try:\n  snmpwalk %s -v2c -c public udp:127.0.0.1:%d "
                  "SMTP-MONITOR-MIB::smtpMonitorMIB" % (" ".join(mib_args()), stack.snmpd.port))
            seen = len(stack.traps())
            while True:
                time.sleep(10)
                print()
                summary(stack)
                show_traps(stack, seen)
                seen = len(stack.traps())
    except KeyboardInterrupt:
        pass
    finally:
        stack.close()
        print("\nStopped everything the demo started.")


if __name__ == "__main__":
    main()
