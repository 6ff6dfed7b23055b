#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Domain watches at scale (issue 24): D domains of M MX hosts each, watched
with smtpMonDomain, against the same D x M rows given as smtpMonServer lines.

  bench/domains.py --build BUILD_DIR [--domains 1000] [--mx 3] [--interval 60]
                   [--repeat 3] [--seconds 30] [--both] [--checks] [--dns-interval 300]
                  [--ttl 3600] [--no-soa] [--quick]

Set up on loopback, once per run: bench/run.py's 100 fake SMTP listeners, here
all on one shared port (a domain's rows all probe the domain's PORT), dnsmasq
serving d0000.bench.test ... with MX hosts mx1.dNNNN.bench.test ... at
preferences 10, 20, 30 ..., each with one farm address, a private snmpd and
smtpmond forwarding to dnsmasq (smtpMonResolver).

  A       smtpMonDomain dNNNN dNNNN.bench.test:PORT interval=I dnsInterval=300
          (family any: rows by MX name, resolved at every probe)
  A-both  the same with family=both (rows by address), with --both
  A-nochecks  A with mtaSts=no dane=no, with --checks: what the MTA-STS and
          DANE checks cost (here the zone has no policy and no TLSA record,
          as most domains: a TXT and a TLSA question per MX host a lookup)
  B       smtpMonServer dNNNN.K mxK.dNNNN.bench.test:PORT, the reference

Runs are interleaved (A B [A-both], A B ...) and the figures are medians.
For each: seconds from start until all D x M rows exist (smtpMonServerCount)
and until every domain's smtpMonDomainStatus is up, from smtpmond's log, then
checked by a walk; CPU (user+sys, /proc) per probe and share of one core over
--seconds of steady state once every row has been probed; VmRSS at the end
of that window; DNS queries a second that dnsmasq answered in it; schedule
lateness from smtpmond's exit line.

dnsmasq is authoritative for the zone, so that a negative answer carries the
zone's SOA as real ones do; --no-soa serves them without, as dnsmasq does by
default. About 95 s a run at the defaults: 6 runs, 10 minutes; 15 with --both."""

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
sys.path.insert(0, os.path.join(TOP, "bench"))

import run as bench  # noqa: E402  (bench/run.py, before tests/integration/run.py)
import dnsmasq as dnsfix  # noqa: E402
import procs  # noqa: E402
from harness import GLOBAL, ROOT, Stack  # noqa: E402

ZONE = "bench.test"
MX_STEP = 3
SERVER_COUNT = GLOBAL + ".2.0"
DOMAIN_STATUS = ROOT + ".1.5.1.4"       # smtpMonDomainStatus; up(2)
UP = 2
LATE = re.compile(r"started ([0-9.]+) ms \(median\), ([0-9.]+) ms \(p99\), ([0-9.]+) ms "
                  r"\(max\) after they were due")
# The log lines that say a row was made and a domain came up (src/agent/domain_module.c).
ROW_ADDED = re.compile(r"\): added row ")
DOMAIN_UP = re.compile(r"\) is now up, was ")
# Lines that would mean the watches misbehave at this scale.
TROUBLE = re.compile(r"no row |MX lookup failed|is now (degraded|down)|out of memory|"
                     r"cannot start", re.I)


def farm_addresses():
    """The farm's listener addresses, as bench/run.py spreads them."""
    return [addr for _, (_, addr) in sorted(bench.farm_listeners().items())]


def start_farm(stack, tries=5):
    """The fake SMTP server with run.py's 100 listeners, all on one port:
    the rows of a domain all probe the domain's port. No event log (--log),
    which would cost the shared machine a write per line."""
    fake = os.path.join(TOP, "tests", "fixtures", "fakesmtp.py")
    for attempt in range(tries):
        port = procs.free_port(socket.AF_INET, host=farm_addresses()[0])
        ports_file = os.path.join(stack.dir, "farm-ports-%d.json" % attempt)
        argv = [sys.executable, fake, "--ports-file", ports_file]
        argv += ["%s=%s@%s:%d" % (name, scenario, addr, port)
                 for name, (scenario, addr) in sorted(bench.farm_listeners().items())]
        proc = stack.group.start(argv, stdout=os.path.join(stack.dir, "farm.out"),
                                 stderr=subprocess.STDOUT, name="fakesmtp")
        try:
            procs.wait_file(ports_file, timeout=20, proc=proc)
            return port
        except RuntimeError:        # the port was taken on some address: another
            continue
    raise RuntimeError("no port free on every farm address in %d tries" % tries)


def domain(i):
    return "d%04d" % i


def mx_host(i, k):
    return "mx%d.%s.%s" % (k + 1, domain(i), ZONE)


def mx_address(addrs, i, k):
    """A domain's MX hosts on consecutive listeners; domains step on round
    the farm, so every listener serves the same number of rows."""
    return addrs[(i * MX_STEP + k) % len(addrs)]


class Dns:
    """dnsmasq with the bench zone. The fixture's start() takes no extra
    configuration lines in this tree, and MX records need them."""

    def __init__(self, stack, ndomains, nmx, ttl, soa=True):
        self.dir = os.path.join(stack.dir, "dnsmasq")
        os.makedirs(self.dir, exist_ok=True)
        self.log = os.path.join(self.dir, "dnsmasq.log")
        addrs = farm_addresses()
        # Authoritative for the zone, so that a negative answer (AAAA of an
        # IPv4-only MX host) carries the SOA and its TTL, as real zones'
        # do; without one the answer's TTL is 0, and a watch that sees it
        # looks up again at the 5 s floor (--no-soa shows that cost).
        records = ["auth-server=ns.%s,127.0.0.1" % ZONE, "auth-zone=%s" % ZONE,
                   "auth-ttl=%d" % ttl, "auth-soa=1,hostmaster.%s,1200,120,604800" % ZONE
                   ] if soa else []
        for i in range(ndomains):
            for k in range(nmx):
                records.append("mx-host=%s.%s,%s,%d" % (domain(i), ZONE, mx_host(i, k),
                                                        10 * (k + 1)))
                records.append("host-record=%s,%s" % (mx_host(i, k), mx_address(addrs, i, k)))
        for attempt in range(5):
            self.port = procs.free_port(socket.AF_INET, socket.SOCK_DGRAM)
            conf = os.path.join(self.dir, "dnsmasq.conf")
            with open(conf, "w") as f:
                # local-ttl: dnsmasq's default TTL for its own records is 0,
                # which would hold every watch to the 5 s floor instead of
                # dnsInterval.
                f.write("\n".join(["port=%d" % self.port, "listen-address=127.0.0.1",
                                   "bind-interfaces", "no-resolv", "no-hosts", "local=/test/",
                                   "local-ttl=%d" % ttl, "pid-file=", "user=root",
                                   "log-facility=%s" % self.log] + records + [""]))
            out = os.path.join(self.dir, "dnsmasq.out")
            self.proc = stack.group.start(["/usr/sbin/dnsmasq", "-k", "-C", conf], stdout=out,
                                          stderr=subprocess.STDOUT, name="dnsmasq")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    if dnsfix.query_a(self.port, mx_host(ndomains - 1, nmx - 1), 0.2):
                        return
                except OSError:
                    time.sleep(0.05)
            if self.proc.poll() is None or "Address already in use" not in open(out).read():
                break
        raise RuntimeError("dnsmasq did not start: %s" % open(out).read())

    def queries(self):
        """Queries answered so far: dnsmasq logs its counters on SIGUSR1."""
        before = self._counts()
        self.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            counts = self._counts()
            if len(counts) > len(before):
                return counts[-1]
            time.sleep(0.05)
        return float("nan")

    def _counts(self):
        """Answered from its own records, plus (a line later) as the
        authoritative server of the zone."""
        with open(self.log, errors="replace") as f:
            text = f.read()
        return [int(a) + int(b) for a, b in re.findall(
            r"queries answered locally (\d+)\n.*queries for authoritative zones (\d+)", text)]


def conf_lines(kind, args, port, dns_port):
    lines = [bench.PING, "smtpMonResolver 127.0.0.1:%d" % dns_port,
             "smtpMonDefaults interval=%d timeout=10" % args.interval]
    if kind == "B":
        return lines + ["smtpMonServer %s.%d %s:%d" % (domain(i), k + 1, mx_host(i, k), port)
                        for i in range(args.domains) for k in range(args.mx)]
    family = " family=both" if kind == "A-both" else ""
    checks = " mtaSts=no dane=no" if kind == "A-nochecks" else ""
    return lines + ["smtpMonDomain %s %s.%s:%d interval=%d dnsInterval=%d%s%s" % (
        domain(i), domain(i), ZONE, port, args.interval, args.dns_interval, family, checks)
        for i in range(args.domains)]


def count_in_log(stack, pattern):
    return len(pattern.findall(stack.read_log()))


def domain_statuses(stack):
    """{status: how many domains} from a walk of smtpMonDomainStatus."""
    r = stack.snmp("snmpbulkwalk", "-Cr50", DOMAIN_STATUS, check=False, timeout=120)
    out = {}
    for line in r.stdout.splitlines():
        if line.startswith("." + DOMAIN_STATUS + "."):
            v = int(line.rsplit(None, 1)[1])
            out[v] = out.get(v, 0) + 1
    return out


def vm(pid, key):
    with open("/proc/%d/status" % pid) as f:
        return next(int(l.split()[1]) for l in f if l.startswith(key + ":"))


def one_run(kind, args):
    rows = args.domains * args.mx
    stack = Stack(os.path.abspath(args.build), "bench")
    out = {"kind": kind}
    try:
        stack.start_snmpd()
        port = start_farm(stack)
        dns = Dns(stack, args.domains, args.mx, args.ttl, soa=not args.no_soa)
        t0 = time.monotonic()
        stack.start_smtpmond(conf_lines(kind, args, port, dns.port))
        pid = stack.smtpmond.pid
        out["rss_start_kib"] = vm(pid, "VmRSS")
        if kind != "B":
            # Rows: smtpMonServerCount, polled; domains up: smtpmond's log,
            # polled, which costs smtpmond nothing (a walk of 1,000 domains
            # through AgentX takes seconds of its CPU).
            try:
                stack.wait_for(lambda: bench_count(stack) >= rows, 120, "%d rows" % rows)
                out["rows_s"] = time.monotonic() - t0
                stack.wait_for(lambda: count_in_log(stack, DOMAIN_UP) >= args.domains,
                               2 * args.interval + 60, "%d domains up" % args.domains)
                out["up_s"] = time.monotonic() - t0
            except AssertionError as e:
                out["problem"] = str(e)
        # Steady state: every row probed once (its first probe falls somewhere
        # in its first interval), a domain's first lookup within 2 s of start.
        time.sleep(max(0, t0 + args.interval + 3 - time.monotonic()))
        cpu0, _ = bench.proc_cpu_rss(pid)
        p0 = bench.probes_total(stack)
        q0 = dns.queries()
        t1 = time.monotonic()
        time.sleep(args.seconds)
        cpu1, rss = bench.proc_cpu_rss(pid)
        span = time.monotonic() - t1
        p1 = bench.probes_total(stack)
        q1 = dns.queries()
        out["probes_s"] = (p1 - p0) / span
        out["cpu_us"] = 1e6 * (cpu1 - cpu0) / max(1, p1 - p0)
        out["cpu_share"] = 100 * (cpu1 - cpu0) / span
        out["rss_kib"] = rss
        out["hwm_kib"] = vm(pid, "VmHWM")
        out["dns_qps"] = (q1 - q0) / span
        out["dns_per_probe"] = (q1 - q0) / max(1, p1 - p0)
        out["count"] = bench_count(stack)
        if kind != "B":
            st = domain_statuses(stack)
            out["domains_up"] = st.get(UP, 0)
            if st.get(UP, 0) != args.domains:
                out.setdefault("problem", "statuses after the window: %s" % st)
        if out["count"] != rows:
            out.setdefault("problem", "%d rows, not %d" % (out["count"], rows))
        out["rc"] = stack.stop_smtpmond(timeout=60)
        log = stack.read_log()
        m = LATE.search(log)
        if m:
            out["late_p50"], out["late_p99"], out["late_max"] = map(float, m.groups())
        trouble = [l for l in log.splitlines() if TROUBLE.search(l)]
        if trouble or out["rc"] != 0 or "problem" in out:
            out["trouble"] = trouble[:10]
            out["trouble_lines"] = len(trouble)
            keep = "/tmp/dombench-%s-%d.log" % (kind, os.getpid())
            with open(keep, "a") as f:
                f.write(log)
            out["log"] = keep
    finally:
        stack.close()
    return out


def bench_count(stack):
    return stack.get(SERVER_COUNT).get(SERVER_COUNT, 0)


FIGURES = [
    ("rows_s", "all %(rows)s rows exist, s after start", "%.1f"),
    ("up_s", "every domain up, s after start", "%.1f"),
    ("probes_s", "probes a second in the window", "%.1f"),
    ("cpu_us", "CPU per probe, us", "%.0f"),
    ("cpu_share", "CPU share of one core, %", "%.2f"),
    ("dns_qps", "DNS queries a second (dnsmasq)", "%.1f"),
    ("dns_per_probe", "DNS queries per probe", "%.2f"),
    ("rss_start_kib", "RSS once connected, MiB", "%.1f"),
    ("rss_kib", "RSS after the window, MiB", "%.1f"),
    ("hwm_kib", "peak RSS (VmHWM), MiB", "%.1f"),
    ("late_p50", "lateness p50, ms", "%.1f"),
    ("late_p99", "lateness p99, ms", "%.1f"),
    ("late_max", "lateness max, ms", "%.1f"),
]


def median(runs, key):
    vals = [r[key] for r in runs if key in r and r[key] == r[key]]
    v = statistics.median(vals) if vals else float("nan")
    return v / 1024 if key.endswith("_kib") else v


def report(args, res):
    kinds = list(res)
    print()
    print("%d domains x %d MX at %d s (%d rows), %d run(s) each, window %d s, median:"
          % (args.domains, args.mx, args.interval, args.domains * args.mx, args.repeat,
             args.seconds))
    print()
    print("| figure | " + " | ".join(kinds) + " | A - B |")
    print("|---|" + "---|" * len(kinds) + "---|")
    for key, label, fmt in FIGURES:
        vals = [median(res[k], key) for k in kinds]
        if all(v != v for v in vals):
            continue
        diff = vals[0] - vals[kinds.index("B")] if "B" in kinds else float("nan")
        cells = ["–" if v != v else fmt % v for v in vals]
        label = label.replace("%(rows)s", str(args.domains * args.mx))
        print("| %s | %s | %s |" % (label, " | ".join(cells),
                                    "–" if diff != diff else ("%+" + fmt[1:]) % diff))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--domains", type=int, default=1000)
    ap.add_argument("--mx", type=int, default=3, choices=range(1, 10))
    ap.add_argument("--interval", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=30, help="the steady window")
    ap.add_argument("--ttl", type=int, default=3600, help="dnsmasq's local-ttl")
    ap.add_argument("--no-soa", action="store_true",
                    help="dnsmasq's plain answers: negative ones without the SOA")
    ap.add_argument("--both", action="store_true", help="also run A with family=both")
    ap.add_argument("--checks", action="store_true",
                    help="also run A with mtaSts=no dane=no")
    ap.add_argument("--dns-interval", type=int, default=300, help="dnsInterval of the watches")
    ap.add_argument("--quick", action="store_true",
                    help="one run each of 200 domains at 10 s, a 20 s window")
    args = ap.parse_args()
    if args.quick:
        args.domains, args.interval, args.repeat, args.seconds = 200, 10, 1, 20
    kinds = ["A", "B"] + (["A-both"] if args.both else []) + \
        (["A-nochecks"] if args.checks else [])
    res = {k: [] for k in kinds}
    for rep in range(args.repeat):
        for kind in kinds:
            t = time.monotonic()
            r = one_run(kind, args)
            res[kind].append(r)
            print("run %d %s (%.0f s): %s" % (rep + 1, kind, time.monotonic() - t, {
                k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()}),
                flush=True)
    report(args, res)


if __name__ == "__main__":
    main()
