# SPDX-License-Identifier: ISC
"""A private monitoring stack for integration tests: snmpd as AgentX master,
smtpmond under test, the fake SMTP server and a real Exim, all on loopback in
a temporary directory. The table is read back with net-snmp's own tools.

The same tests run against either front end (SMTPMON_FRONTEND): "subagent",
smtpmond beside snmpd, or "plugin", smtpmon.so loaded into snmpd with dlmod
and configured in snmpd.conf. The Stack's smtpmond methods start, reload and
stop whichever it is; tests of one front end only say so with only_for()."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))

import exim  # noqa: E402
import procs  # noqa: E402

FRONTEND = os.environ.get("SMTPMON_FRONTEND", "subagent")

# What the log says when smtpmond stops / snmpd unloads the plugin.
STOPPED = {"subagent": "smtpmond stopping", "plugin": "smtpmon unloaded\n"}[FRONTEND]

ROOT = "1.3.6.1.4.1.8072.9999.9999.25"
TABLE = ROOT + ".1.2.1"
GLOBAL = ROOT + ".1.1"

# smtpMonServerTable columns by name (doc/DESIGN.md section 7).
COLUMNS = {
    "Host": 2, "Port": 3, "TlsMode": 4, "Interval": 5, "Timeout": 6,
    "HeloName": 7, "FailThreshold": 8, "LatencyThreshold": 9, "VerifyCert": 10,
    "AdminStatus": 11, "StorageType": 12, "RowStatus": 13, "RecoverThreshold": 14,
    "Status": 20, "LastResult": 21, "LastReplyCode": 22, "LastError": 23,
    "LastBanner": 24, "Latency": 25, "ConnectTime": 26, "BannerTime": 27,
    "HeloTime": 28, "TlsTime": 29, "AddressType": 30, "Address": 31,
    "LastProbe": 32, "LastChange": 33, "ConsecutiveFailures": 34, "Probes": 35,
    "Failures": 36, "EhloKeywords": 37, "TlsVersion": 38, "CertNotAfter": 39,
    "CertDaysLeft": 40, "DnsblListings": 41, "DnsblZones": 42, "CertSubject": 43,
    "CertIssuer": 44, "DisplayName": 45, "DiscontinuityTime": 46, "LastWarning": 47,
    "StatusReason": 48, "LastEnhancedCode": 49, "DomainWatch": 50, "MxHost": 51,
    "MxPreference": 52, "DaneState": 53, "DaneRecord": 54, "DaneReason": 55,
}
COLUMN_NAMES = {v: k for k, v in COLUMNS.items()}

STATUS = {"unknown": 1, "up": 2, "degraded": 3, "down": 4, "disabled": 5}
RESULT = {
    "none": 1, "ok": 2, "dnsFailure": 3, "connectRefused": 4, "connectTimeout": 5,
    "networkError": 6, "bannerTimeout": 7, "bannerRejected": 8, "heloTimeout": 9,
    "heloRejected": 10, "tlsUnavailable": 11, "tlsFailure": 12, "certInvalid": 13,
    "protocolError": 14, "connectionClosed": 15, "internalError": 16,
}

# smtpMonRoundTripTable: its columns by number, LastResult's values.
RT_TABLE = ROOT + ".1.4.1"
RT_COLUMNS = {2: "Server", 3: "Mailbox", 4: "Status", 5: "LastResult", 6: "LastError",
              7: "SendTime", 8: "DeliveryTime", 9: "LastSuccess", 10: "Probes",
              11: "Failures", 12: "DisplayName", 13: "DiscontinuityTime"}
RT_RESULT = {"none": 1, "ok": 2, "sendFailed": 3, "smtpAuthFailed": 4, "messageRejected": 5,
             "mailboxUnreachable": 6, "mailboxLoginFailed": 7, "deliveryTimeout": 8,
             "internalError": 9, "certInvalid": 10}

SANITIZER_REPORT = re.compile(
    r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|WARNING: ThreadSanitizer|"
    r"runtime error:|ThreadSanitizer: reported")

DOMAIN_TABLE = ROOT + ".1.5.1"
DOMAIN_COLUMNS = {2: "Name", 3: "Family", 4: "Status", 5: "StatusReason", 6: "MxCount",
                  7: "AddressCount", 8: "AddressesUp", 9: "MxSet", 10: "LastLookup",
                  11: "LastMxChange", 12: "MxChange", 13: "LastDnsError", 14: "DnsInterval",
                  15: "DisplayName", 16: "MtaStsState", 17: "MtaStsMode", 18: "MtaStsId",
                  19: "MtaStsMaxAge", 20: "MtaStsFetched", 21: "MtaStsMx", 22: "MtaStsReason"}

NOTIFICATIONS = {ROOT + ".0.%d" % i: name for i, name in enumerate(
    ["smtpMonServerDown", "smtpMonServerUp", "smtpMonServerDegraded", "smtpMonCertExpiring",
     "smtpMonServerListed", "smtpMonRoundTripFailed", "smtpMonRoundTripRecovered",
     "smtpMonDomainDown", "smtpMonDomainDegraded", "smtpMonDomainUp",
     "smtpMonDomainMxChanged", "smtpMonDomainMtaStsFailed", "smtpMonDomainMtaStsOk",
     "smtpMonServerDaneFailed", "smtpMonServerDaneOk"], 1)}

_VALUE = re.compile(r'^(\.[0-9.]+) = (?:([A-Za-z0-9-]+): )?(.*)$')


def parse_value(kind, text):
    """A net-snmp -On output value as Python: ints, str, or bytes."""
    if kind in ("INTEGER", "Gauge32", "Counter32", "Counter64", "Unsigned32"):
        return int(text.split()[0])
    if kind == "Timeticks":             # "(12345) 0:02:03.45"
        return int(text[1:text.index(")")])
    if kind == "Hex-STRING":
        return bytes.fromhex(text.replace(" ", ""))
    if kind == "STRING":
        if text.startswith('"') and text.endswith('"'):
            text = text[1:-1]
        return text.replace('\\"', '"').replace("\\\\", "\\")
    if kind is None and text == '""':
        return ""
    return text


def parse_walk(output):
    """{oid: value} from `snmpwalk -On` output (values may span lines)."""
    result, last = {}, None
    for line in output.splitlines():
        m = _VALUE.match(line)
        if m:
            last = m.group(1).lstrip(".")
            result[last] = parse_value(m.group(2), m.group(3))
        elif last is not None and isinstance(result[last], str):
            result[last] += "\n" + line
    return result


def name_index(name):
    raw = name.encode()
    return ".".join([str(len(raw))] + [str(b) for b in raw])


class TrapWatcher(threading.Thread):
    """Tails snmptrapd's log every millisecond, noting when each line came."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.lines = []          # (monotonic time seen, line)
        self.stopping = False

    def run(self):
        pos, partial = 0, ""
        while not self.stopping:
            try:
                with open(self.path, errors="replace") as f:
                    f.seek(pos)
                    data = f.read()
                    pos = f.tell()
            except OSError:
                data = ""
            if data:
                now = time.monotonic()
                partial += data
                *complete, partial = partial.split("\n")
                self.lines.extend((now, line) for line in complete)
            time.sleep(0.001)


def parse_trap(line):
    """smtpmon's notification in one snmptrapd line, or None for others."""
    fields = line.split("\t")
    if not fields[0].startswith(procs.TRAP_LINE_PREFIX + " "):
        return None
    trap = {"objects": {}}
    for vb in fields[2:]:
        oid, kind, value = procs._parse_varbind(vb)
        oid = oid.lstrip(".")
        value = parse_value(kind or None, value)
        if oid == "1.3.6.1.6.3.1.1.4.1.0":
            trap["name"] = NOTIFICATIONS.get(str(value).lstrip("."))
        else:
            # A server's row, or a domain watch's (its name in "row" too).
            for table, names in ((TABLE, COLUMN_NAMES), (DOMAIN_TABLE, DOMAIN_COLUMNS)):
                if oid.startswith(table + "."):
                    parts = [int(x) for x in oid[len(table) + 1:].split(".")]
                    trap["row"] = bytes(parts[2:]).decode()
                    trap["objects"][names[parts[0]]] = value
                    trap.setdefault("order", []).append(names[parts[0]])
    return trap if trap.get("name") else None


def only_for(frontend, why):
    """Skips a test (or a class of them) under the other front end."""
    return unittest.skipUnless(FRONTEND == frontend, why)


class Stack:
    """One snmpd, one smtpmond (or snmpd with the plugin) and the SMTP
    servers it watches."""

    def __init__(self, build, variant="plain", frontend=FRONTEND):
        self.build = build
        self.variant = variant
        self.frontend = frontend
        self.dir = tempfile.mkdtemp(prefix="smtpmon-it-")
        self.group = procs.ProcessGroup()
        self.snmpd = None
        self.smtpmond = None
        self.fake_ports = {}
        self.fake_logs = []
        self.exim = None
        self.smtpmond_log = os.path.join(self.dir, "smtpmond.log")
        self.smtpmond_err = os.path.join(self.dir, "smtpmond.stderr")
        self.smtpmond_rc = None

    # --- components --------------------------------------------------------
    def start_snmpd(self, **kw):
        """The master. With the plugin it starts with the module, in
        start_smtpmond(), which also restarts it after stop_smtpmond()."""
        if getattr(self, "trapd", None):
            kw.setdefault("trap_port", self.trapd.port)
        self.snmpd_kw = kw
        if self.frontend == "plugin":
            kw.setdefault("udp_port", procs.free_port(socket.AF_INET, socket.SOCK_DGRAM))
            return None
        self.snmpd = procs.start_snmpd(os.path.join(self.dir, "snmpd"),
                                       group=self.group, **kw)
        return self.snmpd

    def start_trapd(self, extra_conf=""):
        """snmptrapd for smtpmon's notifications; call before start_snmpd.
        extra_conf: lines for its snmptrapd.conf (a traphandle, say)."""
        self.trapd = procs.start_snmptrapd(os.path.join(self.dir, "trapd"), group=self.group,
                                           extra_conf=extra_conf)
        self.trap_watch = TrapWatcher(self.trapd.log)
        self.trap_watch.start()
        return self.trapd

    def traps(self, row=None):
        """smtpmon's notifications received so far, each with "t" (arrival)."""
        out = []
        for t, line in list(self.trap_watch.lines):
            trap = parse_trap(line)
            if trap and (row is None or trap.get("row") == row):
                trap["t"] = t
                out.append(trap)
        return out

    def start_fake(self, listeners, tls=None):
        """A fake SMTP server process. listeners: {name: (scenario, addr)},
        addr '127.0.0.1' or '[::1]'; tls: (cert, key) for its TLS steps.
        Several may run; listener names must differ across them."""
        return self.start_fake_process(listeners, tls)[0]

    def start_fake_process(self, listeners, tls=None, port=0):
        """start_fake's process, on PORT for every listener (0: each its
        own free one): (ports, process). A fixed port may still be held by
        an old process's last moments: tried again for up to 2 s."""
        import json
        n = len(self.fake_logs)
        ports_file = os.path.join(self.dir, "fake-ports-%d.json" % n)
        log = os.path.join(self.dir, "fakesmtp-%d.jsonl" % n)
        argv = [sys.executable, os.path.join(TOP, "tests", "fixtures", "fakesmtp.py"),
                "--ports-file", ports_file, "--log", log]
        if tls:
            argv += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        for name, (scenario, addr) in listeners.items():
            argv.append("%s=%s@%s:%d" % (name, scenario, addr, port))
        for attempt in range(20 if port else 1):
            proc = self.group.start(argv, stdout=os.path.join(self.dir, "fakesmtp-%d.out" % n),
                                    stderr=subprocess.STDOUT, name="fakesmtp")
            try:
                procs.wait_file(ports_file, timeout=10, proc=proc)
                break
            except RuntimeError:
                self.group.stop(proc, 1)
                if attempt == (19 if port else 0):
                    raise
                time.sleep(0.1)
        self.fake_logs.append(log)
        with open(ports_file) as f:
            ports = json.load(f)
        self.fake_ports.update(ports)
        return ports, proc

    def start_exim(self, tls=None):
        """A real Exim; tls: (cert, key) to offer STARTTLS with."""
        kw = {"tls_cert": tls[0], "tls_key": tls[1]} if tls else {}
        self.exim = exim.start(os.path.join(self.dir, "exim"), **kw)
        return self.exim

    def smtpmond_path(self):
        return os.path.join(self.build, "subagent", "smtpmond")

    def plugin_path(self):
        return os.path.join(self.build, "src", ".libs", "smtpmon.so")

    def start_smtpmond(self, conf_lines, wrapper=(), wait_connected=True, args=(),
                       persistent=False):
        """persistent: read smtpmond.conf from the configuration path, and
        the persistent store (SET rows) with it, as installed daemons do;
        otherwise -C -c FILE (nothing but the file)."""
        if self.frontend == "plugin":
            assert not args, "smtpmond's options do not apply to the plugin"
            return self._start_plugin(conf_lines, wrapper, wait_connected, persistent)
        conf_dir = os.path.join(self.dir, "smtpmond")
        os.makedirs(conf_dir, exist_ok=True)
        self.smtpmond_conf = os.path.join(conf_dir, "smtpmond.conf")
        self.write_smtpmond_conf(conf_lines)
        env = procs.snmp_env(conf_dir)
        if persistent:
            env["SNMPCONFPATH"] = "%s:%s" % (conf_dir, env["SNMP_PERSISTENT_DIR"])
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        env.setdefault("TSAN_OPTIONS", "halt_on_error=0:second_deadlock_stack=1")
        files = [] if persistent else ["-C", "-c", self.smtpmond_conf]
        argv = list(wrapper) + [self.smtpmond_path(), "-f"] + files + [
            "-Lf", self.smtpmond_log] + list(args)
        if os.path.exists(self.smtpmond_log):     # -Lf truncates: keep the old one
            n = len([f for f in os.listdir(self.dir) if f.startswith("smtpmond.log.")])
            os.rename(self.smtpmond_log, "%s.%d" % (self.smtpmond_log, n))
        starts = 0
        self.smtpmond = self.group.start(argv, env=env, stdout=self.smtpmond_err,
                                         stderr=subprocess.STDOUT, name="smtpmond")
        if wait_connected:
            self.wait_for(lambda: self.read_log().count("started") > starts, 30,
                          "smtpmond did not start")
        return self.smtpmond

    def _plugin_conf(self, conf_lines):
        return "dlmod smtpmon %s\n%s" % (self.plugin_path(), "\n".join(conf_lines))

    def _start_plugin(self, conf_lines, wrapper, wait_connected, persistent):
        """snmpd with `dlmod smtpmon` and the lines in its snmpd.conf (two
        lines after the generated ones, as smtpmond.conf has two header
        lines). smtpmond_log is snmpd's log."""
        snmpd_dir = os.path.join(self.dir, "snmpd")
        self.smtpmond_log = os.path.join(snmpd_dir, "snmpd.log")
        self.smtpmond_err = os.path.join(snmpd_dir, "snmpd.out")
        if os.path.exists(self.smtpmond_log):     # -Lf truncates: keep the old one
            n = len([f for f in os.listdir(snmpd_dir) if f.startswith("snmpd.log.")])
            os.rename(self.smtpmond_log, "%s.%d" % (self.smtpmond_log, n))
        self.plugin_lines = list(conf_lines)
        kw = dict(self.snmpd_kw, extra_conf=self._plugin_conf(conf_lines), wrapper=wrapper,
                  config_path=persistent, timeout=60 if wrapper else 15)
        self.snmpd = procs.start_snmpd(snmpd_dir, group=self.group, **kw)
        self.smtpmond_conf = self.snmpd.conf
        self.smtpmond = self.snmpd.proc
        if wait_connected:
            self.wait_for(lambda: "started in snmpd" in self.read_log(), 30,
                          "the plugin did not start")
        return self.smtpmond

    def conf_line(self, text):
        """The line number of TEXT in the configuration file now in use
        (smtpmond.conf or snmpd.conf): error messages cite it."""
        with open(self.smtpmond_conf) as f:
            return f.read().splitlines().index(text) + 1

    def write_smtpmond_conf(self, conf_lines):
        """The configuration file; two lines of AgentX settings come first.
        With the plugin: snmpd.conf with the lines after the dlmod line."""
        if self.frontend == "plugin":
            with open(self.smtpmond_conf) as f:
                text = f.read()
            head = text[:text.index("dlmod smtpmon ")]
            with open(self.smtpmond_conf + ".tmp", "w") as f:
                f.write(head + self._plugin_conf(conf_lines) + "\n")
            os.rename(self.smtpmond_conf + ".tmp", self.smtpmond_conf)
            return
        tmp = self.smtpmond_conf + ".tmp"
        with open(tmp, "w") as f:
            f.write("agentxSocket unix:%s\n" % self.snmpd.agentx_socket)
            f.write("agentxPingInterval 1\n")
            f.write("\n".join(conf_lines) + "\n")
        os.rename(tmp, self.smtpmond_conf)

    def reload_smtpmond(self, conf_lines):
        """Rewrites the configuration, sends SIGHUP, waits for the reload."""
        before = self.read_log().count("configuration reloaded")
        self.write_smtpmond_conf(conf_lines)
        self.smtpmond.send_signal(signal.SIGHUP)
        self.wait_for(lambda: self.read_log().count("configuration reloaded") > before, 10,
                      "smtpmond to reload its configuration")

    def stop_smtpmond(self, timeout=20):
        """SIGTERM; returns the exit status (None if it had to be killed).
        With the plugin this stops snmpd."""
        p = self.smtpmond
        if p is None or p.poll() is not None:
            return p.returncode if p else None
        p.send_signal(signal.SIGTERM)
        try:
            self.smtpmond_rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.smtpmond_rc = None
            self.group.stop(p, 1)
        return self.smtpmond_rc

    def close(self):
        self.stop_smtpmond()
        if getattr(self, "trap_watch", None):
            self.trap_watch.stopping = True
        if self.exim:
            self.exim.stop()
        self.group.close()
        if os.environ.get("SMTPMON_KEEP_TEST_DIR"):
            print("# kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- reading ---------------------------------------------------------------
    def read_log(self):
        return _read_text(self.smtpmond_log)

    def read_stderr(self):
        return _read_text(self.smtpmond_err)

    def snmp(self, tool, *args, check=True, timeout=2.0, community="public"):
        return procs.snmp_cmd(tool, *args, port=self.snmpd.port, confdir=self.snmpd.dir,
                              timeout=timeout, retries=0, check=check, community=community)

    def walk(self, oid=ROOT):
        r = self.snmp("snmpbulkwalk", "-Cr50", oid, check=False)
        if r.returncode != 0:
            raise AssertionError("snmpbulkwalk failed: %s" % r.stderr)
        return parse_walk(r.stdout)

    def table(self):
        """{server name: {column name: value}}"""
        rows = {}
        prefix = TABLE + "."
        for oid, value in self.walk(ROOT + ".1.2").items():
            if not oid.startswith(prefix):
                continue
            parts = [int(x) for x in oid[len(prefix):].split(".")]
            col, length, name = parts[0], parts[1], bytes(parts[2:]).decode()
            assert len(name) == length
            rows.setdefault(name, {})[COLUMN_NAMES.get(col, col)] = value
        return rows

    def history(self):
        """{server name: [(index, {column: value}), ...]} in OID order. A walk
        goes column by column, so a probe recorded during it leaves rows
        with some columns only: such a walk is taken again."""
        for _ in range(10):
            out = self._history_once()
            if all(len(cols) == 5 for rows in out.values() for _, cols in rows):
                return out
        return out

    def _history_once(self):
        prefix = ROOT + ".1.3.1."
        names = {2: "Time", 3: "Result", 4: "ReplyCode", 5: "Latency", 6: "Detail",
                 7: "EnhancedCode"}
        out = {}
        for oid, value in self.walk(ROOT + ".1.3").items():
            if not oid.startswith(prefix):
                continue
            parts = [int(x) for x in oid[len(prefix):].split(".")]
            col, length = parts[0], parts[1]
            name, index = bytes(parts[2:2 + length]).decode(), parts[2 + length]
            rows = out.setdefault(name, {})
            rows.setdefault(index, {})[names[col]] = value
        return {n: sorted(r.items()) for n, r in out.items()}

    def row(self, name):
        return self.table().get(name)

    def roundtrips(self):
        """{check name: {column: value}} from a walk of smtpMonRoundTripTable."""
        out = {}
        for oid, value in self.walk(ROOT + ".1.4").items():
            parts = [int(x) for x in oid[len(RT_TABLE) + 1:].split(".")]
            out.setdefault(bytes(parts[2:]).decode(), {})[RT_COLUMNS[parts[0]]] = value
        return out

    def roundtrip_finished(self, name, count=1):
        """Check NAME's row once it has finished COUNT checks."""
        return self.wait_for(lambda: self.roundtrips()[name]["Probes"] >= count and
                             self.roundtrips()[name], 30,
                             "round trip %s to finish %d check(s)" % (name, count))

    def get(self, *oids):
        r = self.snmp("snmpget", *oids, check=False)
        return parse_walk(r.stdout)

    def fake_events(self, listener=None, event=None):
        import json
        out = []
        for log in self.fake_logs:
            for line in _read_text(log).splitlines():
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if listener and e.get("listener") != listener:
                    continue
                if event and e.get("event") != event:
                    continue
                out.append(e)
        return sorted(out, key=lambda e: e["t"])

    # --- waiting ---------------------------------------------------------------
    @staticmethod
    def wait_for(predicate, timeout, what):
        deadline = time.monotonic() + timeout
        last_exc = None
        while time.monotonic() < deadline:
            try:
                value = predicate()
                if value:
                    return value
            except (AssertionError, KeyError, TypeError) as e:
                last_exc = e
            time.sleep(0.1)
        raise AssertionError("timed out after %ss: %s%s" % (
            timeout, what, (" (%s)" % last_exc) if last_exc else ""))

    def wait_probes(self, name, count, timeout):
        return self.wait_for(
            lambda: (self.row(name) or {}).get("Probes", 0) >= count and self.row(name),
            timeout, "%s to reach %d probes" % (name, count))


def new_stack(frontend=FRONTEND):
    """A Stack for the build, variant and front end run.py was given."""
    return Stack(os.environ["SMTPMON_BUILD"], os.environ.get("SMTPMON_VARIANT", "plain"),
                 frontend)


class StackCase(unittest.TestCase):
    """Test cases sharing one stack, set up by the class's prepare(stack)
    and closed after the last test, even when preparing fails."""

    @classmethod
    def prepare(cls, stack):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.stack = new_stack()
        try:
            cls.prepare(cls.stack)
        except BaseException:
            cls.stack.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()


def assert_set_refused(test, stack, reason, *args):
    """An snmpset of ARGS (community private) answers REASON, changes no row
    of smtpMonServerTable, and smtpmond lives on."""
    before = stack.table()
    r = stack.snmp("snmpset", *args, community="private", check=False)
    test.assertNotEqual(r.returncode, 0, r.stdout)
    test.assertIn("Reason: " + reason, r.stdout + r.stderr)
    after = stack.table()
    test.assertEqual(sorted(after), sorted(before))
    for name in before:
        for key in ("Host", "Port", "Interval", "RowStatus", "AdminStatus"):
            test.assertEqual(after[name][key], before[name][key], (name, key))
    test.assertIsNone(stack.smtpmond.poll(), "smtpmond died")


def assert_stops_cleanly(test, stack, within=3.0):
    """SIGTERM: smtpmond (or snmpd with the plugin) exits 0 within WITHIN
    seconds, logs its stop, and no sanitizer has anything to say."""
    t0 = time.monotonic()
    rc = stack.stop_smtpmond()
    elapsed = time.monotonic() - t0
    err = stack.read_stderr()
    test.assertIsNone(SANITIZER_REPORT.search(err), err[-4000:])
    test.assertEqual(rc, 0, err[-4000:])
    test.assertLess(elapsed, within)
    test.assertIn(STOPPED, stack.read_log())


def flap_delays(stack, listener, cycles):
    """Seconds from each deciding reply to its notification in snmptrapd's
    log, for a listener running cycle:3*greet421/3*ok with failThreshold=2:
    the 2nd 421 decides each Down, the EHLO 250 of the next 'ok' each Up."""
    sends = {}
    for e in stack.fake_events(listener, "send"):
        sends.setdefault(e["conn"], []).append(e)
    conns = sorted(sends, key=lambda c: sends[c][0]["t"])
    delays = []
    for k, trap in enumerate(stack.traps(listener)[:2 * cycles]):
        cycle, up = divmod(k, 2)
        conn = conns[cycle * 6 + (3 if up else 1)]
        deciding = [e for e in sends[conn] if e["data"][:3] in ("421", "250")][-1]
        delays.append(trap["t"] - deciding["t"])
    return delays


def _read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


_CLOSED = []


def closed_port():
    """A loopback port nothing listens on, kept bound (not listening) for the
    runner's life: connecting is refused, and no test running beside this
    one can be given the port for a listener of its own."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    _CLOSED.append(s)
    return s.getsockname()[1]
