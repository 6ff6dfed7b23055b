#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Whether a domain watch's memory levels off: D domains of 3 MX hosts each
(bench/domains.py's zone and farm), looked up every --dns-interval seconds
with a TTL as short, and smtpmond's VmRSS printed every 10 s.

  bench/domain_rss.py --build BUILD_DIR [--domains 1000] [--dns-interval 5]
                      [--checks on|off] [--samples 24]

--checks off watches with mtaSts=no dane=no. A leak climbs for as long as it
runs; the allocator's high-water mark levels off."""

import argparse
import os
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "bench"))
sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

import domains  # noqa: E402 (bench/domains.py)
from harness import Stack  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--domains", type=int, default=1000)
    ap.add_argument("--dns-interval", type=int, default=5)
    ap.add_argument("--checks", choices=("on", "off"), default="on")
    ap.add_argument("--samples", type=int, default=24)
    args = ap.parse_args()
    args.mx, args.interval, args.ttl = 3, 60, args.dns_interval
    stack = Stack(os.path.abspath(args.build), "bench")
    try:
        stack.start_snmpd()
        port = domains.start_farm(stack)
        dns = domains.Dns(stack, args.domains, args.mx, args.ttl, soa=True)
        kind = "A" if args.checks == "on" else "A-nochecks"
        stack.start_smtpmond(domains.conf_lines(kind, args, port, dns.port))
        pid = stack.smtpmond.pid
        for i in range(args.samples):
            time.sleep(10)
            print("t=%4d s  VmRSS %6.1f MiB" % ((i + 1) * 10, domains.vm(pid, "VmRSS") / 1024),
                  flush=True)
        print("smtpmond exit status:", stack.stop_smtpmond(timeout=60))
    finally:
        stack.close()


if __name__ == "__main__":
    main()
