# SPDX-License-Identifier: ISC
"""The NMS kit's check_snmp examples (doc/nms/check_snmp.sh) and its Icinga 2
services (doc/nms/icinga2-smtpmon.conf), run by monitoring-plugins' real
check_snmp against a live stack, and `smtpmond --oid` against net-snmp.

The shell file runs as written: sourced by sh, its functions called as
`smtpmon_status HOST COMMUNITY NAME OPTIONS...`. Substituted: HOST is
127.0.0.1, COMMUNITY public, OPTIONS is `-p PORT` (the private snmpd's
port), and SMTPMOND (an environment variable the file reads) is the build's
subagent/smtpmond. CHECK_SNMP keeps the file's default. "With the MIB" adds
`-m SMTP-MONITOR-MIB` to OPTIONS and MIBDIRS to the environment.

Icinga 2 is not installed: the test reads the file's services (a strict
reader for the forms it uses), resolves their $macros$ as Icinga would
(for a Host with address 127.0.0.1, vars.snmp_port PORT and the row's index
from `smtpmond --oid NAME`), turns the snmp_* variables into check_snmp
options with the ITL snmp command's argument table, and runs that.

One stack: the fake SMTP server with a server that is up, one that greets
after 2.1 s (degraded), a closed port (down), a row still waiting for its
first probe (unknown) and a disabled row; recording fake mail servers with
certificates 60 days, 10 days and expired; round trips that succeed, fail,
and cannot run."""

import os
import re
import subprocess
import sys
import unittest

from harness import (RT_TABLE, STATUS, TOP, StackCase, closed_port, name_index, only_for,
                     procs)

sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))
import certs  # noqa: E402
import fakemail  # noqa: E402

VARIANT = os.environ.get("SMTPMON_VARIANT", "plain")
KIT_SH = os.path.join(TOP, "doc", "nms", "check_snmp.sh")
KIT_ICINGA = os.path.join(TOP, "doc", "nms", "icinga2-smtpmon.conf")
CHECK_SNMP = "/usr/lib/nagios/plugins/check_snmp"
NO_CERT = 2147483647
STATE = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}
PASSWORD = "Box-S3cret-71"

# The ITL's snmp CheckCommand: its custom variables and the check_snmp
# options they become (Icinga 2 documentation, "snmp" plugin check command).
ITL_SNMP = {"snmp_address": "-H", "snmp_oid": "-o", "snmp_community": "-C",
            "snmp_port": "-p", "snmp_warn": "-w", "snmp_crit": "-c", "snmp_label": "-l",
            "snmp_units": "-u", "snmp_version": "-P", "snmp_timeout": "-t",
            "snmp_retries": "-e", "snmp_miblist": "-m"}
ITL_SNMP_DEFAULTS = {"snmp_address": "$address$", "snmp_community": "public",
                     "snmp_timeout": "10"}

# What each example must say about each row (the same for both files).
EXPECTED = {
    "status": {"up": 0, "slow": 1, "down": 2, "pending": 0, "off": 0},
    "latency_us": {"up": 0, "slow": 1, "down": 0},
    "cert_days": {"up": 0, "tls60": 0, "soon": 1, "expired": 2},
    "roundtrip": {"rtok": 0, "rtfail": 2, "rtoff": 0},
}
FUNCTIONS = {"status": "smtpmon_status", "latency_us": "smtpmon_latency",
             "cert_days": "smtpmon_cert_days", "roundtrip": "smtpmon_roundtrip"}

_RESULT = re.compile(r"^SNMP (OK|WARNING|CRITICAL|UNKNOWN) - (.*?) \*?(-?\d+)\*? ?\| "
                     r"'?([^'=]+)'?=(-?\d+);")


def mib_dirs():
    """net-snmp's MIB path with the IETF modules and the project's MIB."""
    ietf = os.environ.get("SMTPMON_MIBDIR") or "/usr/share/snmp/mibs/ietf"
    assert os.path.exists(os.path.join(ietf, "SNMPv2-SMI.txt")), \
        "no IETF MIB modules in %s (set SMTPMON_MIBDIR; tools/ietf-mibs.sh makes them)" % ietf
    return ":".join([ietf, "/usr/share/snmp/mibs", os.path.join(TOP, "mibs")])


def smtpmond_oid(build, *args):
    r = subprocess.run([os.path.join(build, "subagent", "smtpmond"), "--oid"] + list(args),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, (args, r.stderr)
    return r.stdout.strip()


def parse_result(test, r):
    """(state word, label, value) of check_snmp's line; its exit status must agree."""
    m = _RESULT.match(r.stdout.splitlines()[-1] if r.stdout else "")
    test.assertIsNotNone(m, r.stdout + r.stderr)
    test.assertEqual(STATE[r.returncode], m.group(1), r.stdout)
    test.assertEqual(m.group(2), m.group(4).strip(), r.stdout)
    test.assertEqual(m.group(3), m.group(5), r.stdout)
    return m.group(1), m.group(2), int(m.group(3))


# --- the Icinga 2 file --------------------------------------------------------

_BLOCK = re.compile(r'^(template|apply) Service "([^"]+)"'
                    r'(?: for \((\w+) => (\w+) in host\.vars\.(\w+)\))? \{\n(.*?)^\}\n',
                    re.M | re.S)
_STRING_VAR = re.compile(r'^vars\.(\w+) = "([^"\\]*)"$')


def read_icinga(path):
    """{"templates": {name: vars}, "rules": [rule]} from the file, where a
    rule is {"prefix", "hostvar", "vars"} with the template's vars merged
    in. Only the forms the file uses are understood; anything else fails."""
    with open(path) as f:
        text = f.read()
    code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    templates, rules, consumed = {}, [], []
    for m in _BLOCK.finditer(code):
        consumed.append(m.group(0))
        kind, name, key, value, hostvar, body = m.groups()
        svc_vars, imported, check_command = {}, [], None
        for line in body.splitlines():
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            var = _STRING_VAR.match(line)
            imp = re.match(r'^import "([^"]+)"$', line)
            if var:
                svc_vars[var.group(1)] = var.group(2)
            elif imp and imp.group(1) in templates:
                imported.append(imp.group(1))
            elif line == 'check_command = "snmp"':
                check_command = "snmp"
            elif kind == "apply" and line == "vars += %s" % value:
                svc_vars["$config"] = True       # the row's dictionary, merged at run time
            elif kind == "apply" and line == "vars.smtpmon_name = %s" % key:
                svc_vars["smtpmon_name"] = "$key"
            else:
                raise AssertionError("%s: line not understood: %r" % (name, line))
        merged = {}
        for t in imported:
            merged.update(templates[t])
        merged.update(svc_vars)
        if check_command:
            merged["check_command"] = check_command
        if kind == "template":
            templates[name] = merged
        else:
            rules.append({"prefix": name, "hostvar": hostvar, "vars": merged})
    leftover = code
    for block in consumed:
        leftover = leftover.replace(block, "", 1)
    assert not leftover.strip(), "not understood: %r" % leftover.strip()[:200]
    return {"templates": templates, "rules": rules, "text": text}


def resolve(template, service_vars, host_vars):
    """Icinga 2's macro resolution for the few macros the file uses: the
    service's vars, then the host's, then the check command's defaults;
    a macro's value may hold macros itself."""
    def lookup(name):
        for scope in (service_vars, host_vars, ITL_SNMP_DEFAULTS):
            if name in scope:
                return resolve(scope[name], service_vars, host_vars)
        raise AssertionError("macro $%s$ cannot be resolved" % name)
    return re.sub(r"\$(\w+)\$", lambda m: lookup(m.group(1)), template)


def icinga_argv(rule, name, index, host_vars):
    """check_snmp's command line for the service RULE makes for row NAME."""
    service = {}
    for k, v in rule["vars"].items():
        if k == "$config":
            service["smtpmon_index"] = index        # host.vars.<hostvar>[NAME]
        elif v == "$key":
            service[k] = name
        elif k != "check_command":
            service[k] = v
    assert rule["vars"].get("check_command") == "snmp", rule
    argv = [CHECK_SNMP]
    names = set(service) | set(ITL_SNMP_DEFAULTS) | set(host_vars)
    for var in sorted(n for n in names if n.startswith("snmp_")):
        assert var in ITL_SNMP, "%s is not a variable of the ITL's snmp command" % var
        value = resolve("$%s$" % var, service, host_vars)
        argv += [ITL_SNMP[var], value]
    return argv


@unittest.skipUnless(VARIANT == "plain", "checks the NMS kit, not the C code")
@only_for("subagent", "the kit reads the same MIB through either front end")
class CheckSnmpKit(StackCase):
    @classmethod
    def prepare(cls, stack):
        stack.mails = []
        try:
            cls._start(stack)
        except BaseException:
            for m in stack.mails:
                m.close()
            raise

    @classmethod
    def _start(cls, stack):
        ca = certs.CA(os.path.join(stack.dir, "ca"))
        sans = ["mail.smtpmon.test", "IP:127.0.0.1"]
        good = ca.issue("good", "mail.smtpmon.test", days=60, sans=sans)
        soon = ca.issue("soon", "soon.smtpmon.test", days=10)
        gone = ca.issue("gone", "gone.smtpmon.test", start=-40, days=-2)
        mail, soon_mail, gone_mail = [fakemail.FakeMail(cert=c, key=k, users={"box": PASSWORD})
                                      for c, k in (good, soon, gone)]
        stack.mails += [mail, soon_mail, gone_mail]
        stack.start_snmpd()
        ports = stack.start_fake({"up": ("ok", "127.0.0.1"),
                                  "slow": ("delay:2100", "127.0.0.1")})
        closed = closed_port()
        check = ("from=monitor@smtpmon.test to=box@smtpmon.test user=box password=%s "
                 "interval=2 timeout=3" % PASSWORD)
        stack.start_smtpmond([
            "smtpMonCaFile %s" % ca.cert,
            "smtpMonDefaults interval=1 timeout=5",
            # First in the file, so first due at once; then not again for a
            # day: its latency stays the same number all through the tests.
            "smtpMonServer slow 127.0.0.1:%d interval=86400 latencyThreshold=1000"
            % ports["slow"],
            "smtpMonServer up 127.0.0.1:%d" % ports["up"],
            "smtpMonServer down 127.0.0.1:%d failThreshold=1" % closed,
            "smtpMonServer off 127.0.0.1:%d enabled=no" % ports["up"],
            "smtpMonServer tls60 127.0.0.1:%d tls=implicit interval=3" % mail.port("smtps"),
            "smtpMonServer soon 127.0.0.1:%d tls=implicit interval=3" % soon_mail.port("smtps"),
            "smtpMonServer expired 127.0.0.1:%d tls=implicit interval=3"
            % gone_mail.port("smtps"),
            "smtpMonServer rtmta 127.0.0.1:%d interval=600" % mail.port("smtp"),
            "smtpMonRoundTrip rtok rtmta imaps://127.0.0.1:%d %s" % (mail.port("imaps"), check),
            "smtpMonRoundTrip rtfail rtmta imaps://127.0.0.1:%d %s" % (closed, check),
            "smtpMonRoundTrip rtoff nosuchserver imaps://127.0.0.1:%d %s"
            % (mail.port("imaps"), check),
            # Last of nine rows with a day's interval: first due hours from now.
            "smtpMonServer pending 127.0.0.1:%d interval=86400" % ports["up"],
        ])
        want = {"up": "up", "slow": "degraded", "down": "down", "pending": "unknown",
                "off": "disabled"}
        rt_want = {"rtok": "up", "rtfail": "down", "rtoff": "disabled"}

        rt_status = {"%s.4.%s" % (RT_TABLE, name_index(n)): STATUS[s] for n, s in rt_want.items()}

        def settled():
            rows = stack.table()
            return (all(rows[n]["Status"] == STATUS[s] for n, s in want.items()) and
                    all(rows[n]["CertDaysLeft"] != NO_CERT for n in ("tls60", "soon", "expired"))
                    and stack.get(*rt_status) == rt_status)
        stack.wait_for(settled, 40, "every row in the state the examples are tried on")
        cls.port = stack.snmpd.port

    @classmethod
    def tearDownClass(cls):
        for m in getattr(cls.stack, "mails", []):
            m.close()
        super().tearDownClass()

    # --- running the examples ---------------------------------------------------
    def env(self, mib=False):
        env = procs.snmp_env(self.stack.snmpd.dir)
        env["SMTPMOND"] = self.stack.smtpmond_path()
        if mib:
            env["MIBDIRS"] = mib_dirs()
        return env

    def shell(self, function, name, *options, mib=False):
        """FUNCTION of the sourced file on row NAME; (state, label, value)."""
        extra = ["-p", str(self.port)] + (["-m", "SMTP-MONITOR-MIB"] if mib else [])
        r = subprocess.run(["sh", "-c", '. "$1"; shift; "$@"', "sh", KIT_SH, function,
                            "127.0.0.1", "public", name] + extra + list(options),
                           capture_output=True, text=True, env=self.env(mib), timeout=60)
        self.assertEqual(r.stderr, "", r.stderr)
        result = parse_result(self, r)
        return result + (r,)

    def assertExamples(self, what):
        for name, code in EXPECTED[what].items():
            with self.subTest(row=name):
                state, label, _, r = self.shell(FUNCTIONS[what], name)
                self.assertEqual(state, STATE[code], r.stdout)
                self.assertEqual(label, "%s %s" % (name, what))

    # --- the shell file ---------------------------------------------------------
    def test_server_status_up_is_ok_degraded_warning_down_critical(self):
        self.assertExamples("status")

    def test_unknown_and_disabled_servers_are_ok_and_show_their_value(self):
        for name, status in (("pending", "unknown"), ("off", "disabled")):
            state, _, value, _ = self.shell("smtpmon_status", name)
            self.assertEqual((state, value), ("OK", STATUS[status]))

    def test_latency_in_microseconds_warns_above_two_seconds(self):
        self.assertExamples("latency_us")
        _, _, value, _ = self.shell("smtpmon_latency", "slow")
        self.assertGreaterEqual(value, 2100000)

    def test_latency_reads_the_same_number_with_and_without_the_mib(self):
        latency = self.stack.row("slow")["Latency"]
        for mib in (False, True):
            with self.subTest(mib=mib):
                state, _, value, r = self.shell("smtpmon_latency", "slow", "-v", mib=mib)
                self.assertEqual((state, value), ("WARNING", latency))
                # The threshold falls between the same two numbers either way.
                self.assertEqual(self.shell("smtpmon_latency", "slow", "-w", str(latency),
                                            mib=mib)[0], "OK")
                self.assertEqual(self.shell("smtpmon_latency", "slow", "-w", str(latency - 1),
                                            mib=mib)[0], "WARNING")
                self.assertEqual(self.shell("smtpmon_latency", "slow", "-c", str(latency - 1),
                                            mib=mib)[0], "CRITICAL")
                # snmpget's line in the verbose output shows which way it read.
                if mib:
                    self.assertIn('SMTP-MONITOR-MIB::smtpMonServerLatency."slow" = Gauge32: '
                                  '%d microseconds' % latency, r.stdout)
                else:
                    self.assertNotIn("SMTP-MONITOR-MIB", r.stdout)

    def test_cert_days_never_fire_on_a_server_without_tls(self):
        state, _, value, _ = self.shell("smtpmon_cert_days", "up")
        self.assertEqual((state, value), ("OK", NO_CERT))

    def test_cert_days_warn_under_14_and_are_critical_under_7_or_expired(self):
        self.assertExamples("cert_days")
        rows = self.stack.table()
        for name in ("tls60", "soon", "expired"):
            self.assertEqual(self.shell("smtpmon_cert_days", name)[2], rows[name]["CertDaysLeft"])
        self.assertLess(rows["expired"]["CertDaysLeft"], 0)

    def test_roundtrip_up_is_ok_down_critical_disabled_ok(self):
        self.assertExamples("roundtrip")

    def test_a_row_that_does_not_exist_is_unknown(self):
        r = subprocess.run(["sh", "-c", '. "$1"; shift; "$@"', "sh", KIT_SH, "smtpmon_status",
                            "127.0.0.1", "public", "nosuch", "-p", str(self.port)],
                           capture_output=True, text=True, env=self.env(), timeout=60)
        self.assertEqual(r.returncode, 3, r.stdout)
        self.assertIn("No Such Instance", r.stdout)

    def test_the_file_runs_as_a_plugin_of_its_own(self):
        r = subprocess.run(["sh", KIT_SH, "status", "127.0.0.1", "public", "down", "-p",
                            str(self.port)], capture_output=True, text=True, env=self.env(),
                           timeout=60)
        self.assertEqual(parse_result(self, r)[:2], ("CRITICAL", "down status"))
        r = subprocess.run(["sh", KIT_SH, "uptime", "127.0.0.1", "public", "down"],
                           capture_output=True, text=True, env=self.env(), timeout=60)
        self.assertEqual(r.returncode, 3)
        self.assertIn("usage:", r.stderr)

    # --- the Icinga 2 file -----------------------------------------------------
    def icinga(self):
        return read_icinga(KIT_ICINGA)

    def test_icinga_services_give_the_shell_examples_verdicts(self):
        host = {"address": "127.0.0.1", "snmp_community": "public", "snmp_port": str(self.port)}
        rules = self.icinga()["rules"]
        seen = set()
        for rule in rules:
            what = rule["vars"]["snmp_label"].split()[-1]
            seen.add(what)
            for name, code in EXPECTED[what].items():
                with self.subTest(service=rule["prefix"] + name):
                    argv = icinga_argv(rule, name, smtpmond_oid(self.stack.build, name), host)
                    r = subprocess.run(argv, capture_output=True, text=True, env=self.env(),
                                       timeout=60)
                    state, label, _ = parse_result(self, r)
                    self.assertEqual(state, STATE[code], r.stdout)
                    self.assertEqual(label, "%s %s" % (name, what))
        self.assertEqual(seen, set(EXPECTED))

    def test_icinga_services_ask_for_the_shell_examples_columns_with_their_thresholds(self):
        with open(KIT_SH) as f:
            shell = {m.group(2): m.groups() for m in re.finditer(
                r'^\tsmtpmon_check (\w+) (\w+) (\S+) (\S+) "\$@"$', f.read(), re.M)}
        self.assertEqual(set(shell), set(EXPECTED))
        rules = self.icinga()["rules"]
        self.assertEqual(len(rules), len(shell))
        for rule in rules:
            v = rule["vars"]
            column, what, warn, crit = shell[v["snmp_label"].split()[-1]]
            self.assertEqual((v["snmp_warn"], v["snmp_crit"]), (warn, crit), rule["prefix"])
            self.assertEqual(rule["hostvar"], "smtpmon_roundtrips" if what == "roundtrip"
                             else "smtpmon_servers")
            for name in ("mx1", "relay-2.example_net"):
                index = smtpmond_oid(self.stack.build, name)
                self.assertEqual(v["snmp_oid"].replace("$smtpmon_index$", index),
                                 smtpmond_oid(self.stack.build, name, column), rule["prefix"])

    def test_icinga_example_host_indexes_are_what_smtpmond_oid_prints(self):
        examples = re.findall(r'"([\w.-]+)" = \{ smtpmon_index = "([\d.]+)" \}',
                              self.icinga()["text"])
        self.assertGreaterEqual(len(examples), 3)
        for name, index in examples:
            self.assertEqual(index, smtpmond_oid(self.stack.build, name), name)


class OidHelper(unittest.TestCase):
    """`smtpmond --oid NAME COLUMN` against net-snmp's reading of the MIB."""

    def translate(self, *args):
        r = subprocess.run(["snmptranslate", "-M", mib_dirs(), "-m", "SMTP-MONITOR-MIB"] +
                           list(args), capture_output=True, text=True, env=procs.snmp_env(),
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def readable_columns(self, entry):
        """The columns of ENTRY that a GET can read, from `snmptranslate -Tp`."""
        tree = self.translate("-Tp", "SMTP-MONITOR-MIB::" + entry)
        return [m.group(2) for m in re.finditer(r"^\s*\+-- (\S{4}) \S+\s+(\w+)\(\d+\)$",
                                                tree, re.M) if m.group(1)[1] == "R"]

    def test_every_readable_column_oid_is_the_one_net_snmp_translates(self):
        build = os.environ["SMTPMON_BUILD"]
        columns = (self.readable_columns("smtpMonServerEntry") +
                   self.readable_columns("smtpMonRoundTripEntry") +
                   self.readable_columns("smtpMonDomainEntry"))
        self.assertIn("smtpMonServerStatus", columns)
        self.assertIn("smtpMonRoundTripDisplayName", columns)
        self.assertIn("smtpMonDomainStatus", columns)
        self.assertNotIn("smtpMonServerName", columns)
        for name in ("mx1", "relay-2.example_net"):
            want = self.translate("-On", *['SMTP-MONITOR-MIB::%s."%s"' % (c, name)
                                           for c in columns]).split()
            self.assertEqual(len(want), len(columns))
            for column, oid in zip(columns, want):
                with self.subTest(name=name, column=column):
                    self.assertEqual(smtpmond_oid(build, name, column), oid)
                    if column.startswith("smtpMonServer"):
                        short = column[len("smtpMonServer"):]
                        self.assertEqual(smtpmond_oid(build, name, short.lower()), oid)


if __name__ == "__main__":
    unittest.main()
