# SPDX-License-Identifier: ISC
"""The NMS kit's snmptt configuration (doc/nms/snmptt.conf, snmptt.ini) as
an operator runs it: snmptrapd hands each of smtpmon's notifications to
snmptt in standalone mode, and snmptt's log gets one readable line each.

The notifications are live: a server refused and one that answers 421 go
down, the second comes back up; a slow one is degraded; one shows a
certificate 5 days from expiry, another one expired 10 days ago; one is in
a DNS blocklist; a round trip fails at the mailbox login and recovers once
the password is right. Each line is compared with what snmptrapd itself
received. Besides, the configuration is checked against the MIB (every
notification has its one EVENT, OIDs, variable numbers, enumeration
names), and every enumeration value and the days of a certificate are fed
through snmptt directly.

It checks the kit, not the C code: it runs on the plain build only."""

import os
import re
import subprocess
import sys
import tempfile
import unittest

from harness import TOP, StackCase, closed_port, name_index, parse_value, procs

sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))
import certs  # noqa: E402
import dnsmasq  # noqa: E402
import fakemail  # noqa: E402

PLAIN = os.environ.get("SMTPMON_VARIANT", "plain") == "plain"
SNMPTT = "/usr/sbin/snmptt"
CONF = os.path.join(TOP, "doc", "nms", "snmptt.conf")
INI = os.path.join(TOP, "doc", "nms", "snmptt.ini")
MIB = os.path.join(TOP, "mibs", "SMTP-MONITOR-MIB.txt")
NET_SNMP_PLAYPEN = "1.3.6.1.4.1.8072.9999.9999"     # NET-SNMP-MIB, the MIB's parent

SEVERITY = {
    "smtpMonServerDown": "Critical", "smtpMonRoundTripFailed": "Critical",
    "smtpMonServerDegraded": "Warning", "smtpMonCertExpiring": "Warning",
    "smtpMonServerListed": "Warning",
    "smtpMonServerUp": "Normal", "smtpMonRoundTripRecovered": "Normal",
    "smtpMonDomainDown": "Critical", "smtpMonDomainDegraded": "Warning",
    "smtpMonDomainUp": "Normal", "smtpMonDomainMxChanged": "Warning",
    "smtpMonDomainMtaStsOk": "Normal", "smtpMonServerDaneOk": "Normal",
}
# Notifications with an EVENT per severity, told apart by a MATCH on one
# object: {name: {MATCH line: severity}}.
SPLIT = {
    "smtpMonDomainMtaStsFailed": {"$3: (^4$|enforce)": "Critical",
                                  "$3: !(^4$|enforce)": "Warning"},
    "smtpMonServerDaneFailed": {"$4: (^8$|expiring)": "Warning",
                                "$4: !(^8$|expiring)": "Critical"},
}

# snmptt's log line: date time, OID, severity, "category", agent - text.
LOG_LINE = re.compile(r'^\S+ \S+ (?P<oid>\S+) (?P<severity>\S+) "(?P<category>[^"]*)" '
                      r'(?P<agent>\S+) - (?P<text>.*)$')


def read(path):
    with open(path) as f:
        return f.read()


# --- the MIB ------------------------------------------------------------------
def mib_oids(text):
    """{descriptor: numeric OID} for everything the module defines."""
    parents = {}
    for m in re.finditer(r"^(\w+)[ \t]+(?:OBJECT IDENTIFIER|MODULE-IDENTITY|OBJECT-TYPE|"
                         r"NOTIFICATION-TYPE)\b.*?::=\s*\{\s*(\w+)\s+(\d+)\s*\}",
                         text, re.M | re.S):
        parents[m.group(1)] = (m.group(2), m.group(3))

    def resolve(name):
        if name == "netSnmpPlaypen":
            return NET_SNMP_PLAYPEN
        parent, number = parents[name]
        return resolve(parent) + "." + number
    return {name: resolve(name) for name in parents}


def mib_notifications():
    """{name: {"oid", "objects", "sentence"}}; the sentence is the first
    line of the DESCRIPTION."""
    text = read(MIB)
    oids = mib_oids(text)
    out = {}
    for m in re.finditer(r"^(\w+)[ \t]+NOTIFICATION-TYPE\s+OBJECTS\s*\{([^}]*)\}.*?"
                         r'DESCRIPTION\s+"([^\n]*)', text, re.M | re.S):
        out[m.group(1)] = {"oid": oids[m.group(1)],
                           "objects": [o.strip() for o in m.group(2).split(",")],
                           "sentence": m.group(3).strip()}
    return out


def mib_enum(name):
    """{number: label} of the INTEGER enumeration defined for NAME, a
    textual convention or an object."""
    text = read(MIB)
    m = re.search(r"^%s[ \t]+(?:::=\s*TEXTUAL-CONVENTION|OBJECT-TYPE)\b.*?"
                  r"SYNTAX\s+INTEGER\s*\{([^}]*)\}" % name, text, re.M | re.S)
    return {int(n): label for label, n in re.findall(r"(\w+)\((\d+)\)", m.group(1))}


# The enumerated objects of the notifications and their value labels.
ENUMS = {"smtpMonServerLastResult": "SmtpMonProbeResult",
         "smtpMonRoundTripLastResult": "smtpMonRoundTripLastResult",
         "smtpMonDomainMtaStsState": "smtpMonDomainMtaStsState",
         "smtpMonDomainMtaStsMode": "smtpMonDomainMtaStsMode",
         "smtpMonServerDaneState": "smtpMonServerDaneState"}


# --- the kit ------------------------------------------------------------------
def conf_events():
    """[{"name", "oid", "category", "severity", "format", "regex", "exec"}]
    in file order, as snmptt reads them (SDESC..EDESC skipped)."""
    events, current, in_desc = [], None, False
    for line in read(CONF).splitlines():
        if in_desc:
            in_desc = not line.startswith("EDESC")
            continue
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r'^EVENT\s+(\S+)\s+(\S+)\s+"([^"]*)"\s+(\S+)\s*$', line)
        if m:
            current = dict(zip(("name", "oid", "category", "severity"), m.groups()),
                           format=None, regex=[], exec=[], match=None)
            events.append(current)
        elif line.startswith("FORMAT "):
            current["format"] = line[len("FORMAT "):]
        elif line.startswith("MATCH "):
            current["match"] = line[len("MATCH "):].strip()
        elif line.startswith("REGEX "):
            current["regex"].append(line[len("REGEX "):].strip())
        elif line.startswith("EXEC ") or line.startswith("PREEXEC "):
            current["exec"].append(line)
        elif line.startswith("SDESC"):
            in_desc = True
        else:
            raise AssertionError("a line snmptt would not understand: %r" % line)
    return events


def write_ini(directory):
    """doc/nms/snmptt.ini with its log files in DIRECTORY and the
    repository's snmptt.conf; returns (ini, log, unknown log)."""
    text = read(INI)
    log = os.path.join(directory, "snmptt.log")
    unknown = os.path.join(directory, "snmpttunknown.log")
    for pattern, value in ((r"^log_file = .*$", "log_file = " + log),
                           (r"^unknown_trap_log_file = .*$", "unknown_trap_log_file = " + unknown),
                           (r"^/usr/share/smtpmon/nms/snmptt\.conf$", CONF)):
        text, n = re.subn(pattern, value, text, flags=re.M)
        assert n == 1, "%s: %d lines match %s" % (INI, n, pattern)
    os.makedirs(directory, exist_ok=True)
    ini = os.path.join(directory, "snmptt.ini")
    with open(ini, "w") as f:
        f.write(text)
    return ini, log, unknown


def snmptt_value(text):
    """A value as snmptt writes it: characters outside its safe set dropped."""
    text = text.replace("`", "'")
    return re.sub(r"[^a-zA-Z0-9 !\"#%'()+,\-_.:/=@{}~\\]", "", text) or "(null)"


def log_lines(path):
    try:
        text = read(path)
    except FileNotFoundError:
        return []
    return [LOG_LINE.match(line) for line in text.splitlines() if line]


@unittest.skipUnless(PLAIN, "checks the NMS kit, not the C code: the plain build only")
class ConfigurationMatchesTheMib(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mib = mib_notifications()
        cls.events = conf_events()

    def test_the_mib_defines_the_fifteen_notifications(self):
        self.assertEqual(set(self.mib), set(SEVERITY) | set(SPLIT))

    def test_every_notification_has_one_event_or_one_per_match_with_its_numeric_oid(self):
        names = sorted(e["name"] for e in self.events)
        self.assertEqual(sorted(set(names)), sorted(self.mib))
        for e in self.events:
            self.assertEqual(e["oid"], "." + self.mib[e["name"]]["oid"], e["name"])
            self.assertEqual(names.count(e["name"]), len(SPLIT.get(e["name"], "1")), e["name"])

    def test_severity_follows_the_meaning(self):
        got = {}
        for e in self.events:
            if e["name"] in SPLIT:
                got.setdefault(e["name"], {})[e["match"]] = e["severity"]
            else:
                self.assertIsNone(e["match"], e["name"])
                got[e["name"]] = e["severity"]
        self.assertEqual(got, dict(SEVERITY, **SPLIT))

    def test_format_opens_with_the_event_sentence_of_the_description(self):
        for e in self.events:
            sentence = self.mib[e["name"]]["sentence"]
            self.assertTrue(sentence.endswith("."), sentence)
            self.assertTrue(e["format"].startswith(sentence + " "), e["format"])

    def test_every_variable_is_one_of_the_notification_objects(self):
        for e in self.events:
            objects = self.mib[e["name"]]["objects"]
            used = [int(n) for n in re.findall(r"\$[-+]?(\d+)", e["format"])]
            self.assertTrue(used, e["name"])
            for n in used:
                self.assertIn(n, range(1, len(objects) + 1), (e["name"], n, objects))

    def test_the_server_is_named_by_its_display_name_and_host_port(self):
        for e in self.events:
            objects = self.mib[e["name"]]["objects"]
            self.assertTrue(objects[-1].endswith("DisplayName"), objects)
            self.assertIn("$%d" % len(objects), e["format"], e["name"])
            if "smtpMonServerHost" in objects:
                self.assertIn("($%d:$%d)" % (objects.index("smtpMonServerHost") + 1,
                                             objects.index("smtpMonServerPort") + 1),
                              e["format"], e["name"])

    def test_enumerations_are_renamed_by_regex_with_exactly_the_mib_labels(self):
        """Each REGEX turns 'MARK N: ' into 'MARK label: ', where MARK is the
        text before the enumerated object's $n in the FORMAT."""
        for e in self.events:
            objects = self.mib[e["name"]]["objects"]
            enumerated = {objects.index(o) + 1: o for o in objects if o in ENUMS}
            if not enumerated:
                continue
            pairs = {}
            for regex in e["regex"]:
                m = re.fullmatch(r"\((.*?)(\d+): \)\((.*?)(\w+): \)", regex)
                self.assertTrue(m, regex)
                mark, number, mark2, label = m.groups()
                self.assertEqual(mark, mark2, regex)
                renamed = [o for n, o in enumerated.items() if mark + "$%d: " % n in e["format"]]
                self.assertEqual(len(renamed), 1, regex)
                pairs.setdefault(renamed[0], {})[int(number)] = label
            self.assertEqual(pairs, {o: mib_enum(ENUMS[o]) for o in enumerated.values()},
                             e["name"])

    def test_no_event_runs_a_command(self):
        for e in self.events:
            self.assertEqual(e["exec"], [], e["name"])

    def test_the_ini_is_standalone_without_net_ip_or_perl_mibs(self):
        text = read(INI)
        for setting in ("mode = standalone", "ipv6_enable = 0", "net_snmp_perl_enable = 0",
                        "log_enable = 1", "log_file = /var/log/snmptt/snmptt.log",
                        "date_time_format = %Y-%m-%d %H:%M:%S"):
            self.assertRegex(text, r"(?m)^%s$" % re.escape(setting))
        self.assertRegex(text, r"(?m)^snmptt_conf_files = <<END\n"
                               r"/usr/share/smtpmon/nms/snmptt\.conf\nEND$")


@unittest.skipUnless(PLAIN, "checks the NMS kit, not the C code: the plain build only")
class EveryEnumerationValueReadsAsItsLabel(unittest.TestCase):
    """snmptt itself, fed what snmptrapd -On passes for a notification whose
    enumerated object has each value in turn (no MIB anywhere)."""

    def feed(self, directory, name, values):
        """snmptt's log text for one notification NAME with objects VALUES
        (as snmptrapd writes them), in a directory of its own."""
        ini, log, _ = write_ini(directory)
        notification = mib_notifications()[name]
        oids = mib_oids(read(MIB))
        lines = ["127.0.0.1", "UDP: [127.0.0.1]:40000->[127.0.0.1]:162",
                 ".1.3.6.1.2.1.1.3.0 0:0:00:01.00",
                 ".1.3.6.1.6.3.1.1.4.1.0 .%s" % notification["oid"]]
        index = name_index(values[-1].strip('"'))      # the row: its DisplayName
        for obj, value in zip(notification["objects"], values):
            lines.append(".%s.%s %s" % (oids[obj], index, value))
        r = subprocess.run([SNMPTT, "--ini=" + ini], input="\n".join(lines) + "\n",
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [m.group("text") for m in log_lines(log)]

    def test_each_result_of_a_down_server_and_of_a_failed_round_trip(self):
        cases = (("smtpMonServerDown", "SmtpMonProbeResult",
                  ['"mx1.example.com"', "25", None, "0", '"an error"', '""', "3", '"mx1"']),
                 ("smtpMonRoundTripFailed", "smtpMonRoundTripLastResult",
                  ['"mx1"', None, '"an error"', '"inbox"']))
        with tempfile.TemporaryDirectory(prefix="smtpmon-snmptt-") as d:
            for name, enum, template in cases:
                for number, label in sorted(mib_enum(enum).items()):
                    values = [str(number) if v is None else v for v in template]
                    with self.subTest(name=name, value=number):
                        texts = self.feed(os.path.join(d, "%s-%d" % (name, number)), name,
                                          values)
                        self.assertEqual(len(texts), 1, texts)
                        self.assertIn(": %s: an error" % label, texts[0])

    def severity_and_text(self, directory, name, values):
        ini, log, _ = write_ini(directory)
        self.feed(directory, name, values)
        return [(m.group("severity"), m.group("text")) for m in log_lines(log)]

    def test_an_mta_sts_failure_is_critical_when_enforced_and_a_warning_when_tested(self):
        with tempfile.TemporaryDirectory(prefix="smtpmon-snmptt-") as d:
            for mode, label, severity in ((4, "enforce", "Critical"), (3, "testing", "Warning"),
                                          (1, "noPolicy", "Warning")):
                with self.subTest(mode=mode):
                    got = self.severity_and_text(
                        os.path.join(d, str(mode)), "smtpMonDomainMtaStsFailed",
                        ['"example.com"', "11", str(mode), '"MX mx3 matches none"', '"corp"'])
                    self.assertEqual(got, [(severity, "A domain's MTA-STS policy would make "
                                            "senders fail. Domain example.com (watch corp): "
                                            "MTA-STS mxNotCovered: mode %s: MX mx3 matches none"
                                            % label)])

    def test_a_dane_failure_is_critical_but_an_expiring_certificate_is_a_warning(self):
        with tempfile.TemporaryDirectory(prefix="smtpmon-snmptt-") as d:
            for state, label in sorted(mib_enum("smtpMonServerDaneState").items()):
                with self.subTest(state=label):
                    got = self.severity_and_text(
                        os.path.join(d, label), "smtpMonServerDaneFailed",
                        ['"192.0.2.25"', "25", '"mx1.example.com"', str(state), '""',
                         '"why"', '"corp.1"'])
                    self.assertEqual(got, [("Warning" if label == "expiring" else "Critical",
                                            "DANE senders will not deliver to an MX, or soon "
                                            "will not. SMTP server corp.1 (192.0.2.25:25), MX "
                                            "mx1.example.com: DANE %s: why" % label)])

    def test_days_left_on_a_certificate_and_days_since_it_expired(self):
        with tempfile.TemporaryDirectory(prefix="smtpmon-snmptt-") as d:
            for days, text in ((5, "the certificate expires in 5 day(s)"),
                               (0, "the certificate expires in 0 day(s)"),
                               (-10, "the certificate has been expired for 10 day(s)")):
                with self.subTest(days=days):
                    texts = self.feed(os.path.join(d, str(days)), "smtpMonCertExpiring",
                                      ['"mx1.example.com"', "25", '"07 EA 0C 07 0A 0F 02 00 "',
                                       str(days), '"mx1"'])
                    self.assertEqual(texts, [
                        "An SMTP server's TLS certificate expires soon or has expired. "
                        "SMTP server mx1 (mx1.example.com:25): " + text])


# --- live ---------------------------------------------------------------------
RIGHT = "Box-S3cret-81"


@unittest.skipUnless(PLAIN, "checks the NMS kit, not the C code: the plain build only")
class LiveNotificationsInSnmpttsLog(StackCase):
    """smtpmond (or the plugin in snmpd) -> snmptrapd -> snmptt standalone."""

    @classmethod
    def setUpClass(cls):
        cls.mail = None
        try:
            super().setUpClass()
        except BaseException:
            if cls.mail:        # the stack is closed already, not the fake mail server
                cls.mail.close()
            raise

    @classmethod
    def prepare(cls, stack):
        cls.ini, cls.log, cls.unknown = write_ini(os.path.join(stack.dir, "snmptt"))
        stack.start_trapd(extra_conf="traphandle default %s --ini=%s" % (SNMPTT, cls.ini))
        stack.start_snmpd()
        # A watched domain whose one MX is the flapping server.
        shop = ["mx-host=shop.test,mx1.shop.test,10", "host-record=mx1.shop.test,127.0.0.1",
                "local-ttl=1"]
        dns = dnsmasq.start(os.path.join(stack.dir, "dns"),
                            {"45.0.0.127.zone-a.test": ["127.0.0.2"]}, stack.group, extra=shop)
        ca = certs.CA(os.path.join(stack.dir, "ca"))
        soon = ca.issue("soon", "soon.smtpmon.test", days=5)
        old = ca.issue("old", "old.smtpmon.test", start=-40, days=-10)
        cls.behaviour = os.path.join(stack.dir, "flap-behaviour")
        with open(cls.behaviour, "w") as f:
            f.write("greet421\n")
        stack.start_fake({"flap": ("file:" + cls.behaviour, "127.0.0.1"),
                          "slow": ("delay:300", "127.0.0.1"),
                          "listed": ("ok", "127.0.0.45")})
        stack.start_fake({"soon": ("starttls", "127.0.0.1")}, tls=soon)
        stack.start_fake({"old": ("starttls", "127.0.0.1")}, tls=old)
        # The mailbox refuses the check's password until the test sets it.
        cls.mail = fakemail.FakeMail(*ca.issue("imap", "imap.smtpmon.test",
                                               sans=["IP:127.0.0.1"]),
                                     users={"box": "Not-Yet-" + RIGHT})
        p = stack.fake_ports
        cls.dead_port = closed_port()
        stack.start_smtpmond([
            "smtpMonResolver 127.0.0.1:%d" % dns.port,
            "smtpMonDnsbl zone-a.test",
            "smtpMonCaFile %s" % ca.cert,
            "smtpMonDefaults interval=1 timeout=2 dnsblInterval=1 dnsbl=no",
            "smtpMonServer dead 127.0.0.1:%d failThreshold=2" % cls.dead_port,
            "smtpMonServer flap 127.0.0.1:%d failThreshold=2" % p["flap"],
            "smtpMonServer slow 127.0.0.1:%d latencyThreshold=100" % p["slow"],
            "smtpMonServer soon 127.0.0.1:%d tls=starttls certWarnDays=14" % p["soon"],
            "smtpMonServer old 127.0.0.1:%d tls=starttls" % p["old"],
            "smtpMonServer listed 127.0.0.45:%d dnsbl=yes" % p["listed"],
            "smtpMonServer mta 127.0.0.1:%d interval=600" % cls.mail.port("smtp"),
            "smtpMonDomain shop shop.test:%d failThreshold=2 dnsInterval=5" % p["flap"],
            "smtpMonRoundTrip inbox mta imaps://127.0.0.1:%d from=monitor@smtpmon.test "
            "to=box@smtpmon.test user=box password=%s interval=1 timeout=5 failThreshold=1"
            % (cls.mail.port("imaps"), RIGHT),
        ])
        # Down first, then the cure; each notification waits for snmptt's line.
        cls.wait_logged("smtpMonServerDown", "flap")
        cls.wait_logged("smtpMonDomainDown", "(watch shop)")
        with open(cls.behaviour + ".tmp", "w") as f:
            f.write("ok\n")
        os.rename(cls.behaviour + ".tmp", cls.behaviour)
        cls.wait_logged("smtpMonRoundTripFailed", "inbox")
        cls.mail.users["box"] = RIGHT
        for name, row in (("smtpMonServerUp", "flap"), ("smtpMonServerDown", "dead"),
                          ("smtpMonServerDegraded", "slow"), ("smtpMonCertExpiring", "soon"),
                          ("smtpMonCertExpiring", "old"),
                          ("smtpMonServerListed", "listed"),
                          ("smtpMonRoundTripRecovered", "inbox"),
                          ("smtpMonDomainUp", "(watch shop)")):
            cls.wait_logged(name, row)
        # A second MX where nothing listens: the set changed, the domain degraded.
        dns.restart(extra=shop + ["mx-host=shop.test,mx2.shop.test,20",
                                  "host-record=mx2.shop.test,127.0.0.46"])
        cls.wait_logged("smtpMonDomainMxChanged", "(watch shop)")
        cls.wait_logged("smtpMonDomainDegraded", "(watch shop)")
        # What snmptrapd received and what snmptt logged, once every
        # notification has had its snmptt run (in snmptrapd's order).
        cls.pairs = stack.wait_for(cls.paired, 20,
                                   "snmptt to log every notification snmptrapd received")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        if cls.mail:
            cls.mail.close()

    @classmethod
    def received(cls):
        """smtpmon's notifications in snmptrapd's own log: [(name, [values])],
        the values in OBJECTS order ($1 is values[0])."""
        names = {n["oid"]: name for name, n in mib_notifications().items()}
        out = []
        for trap in procs.read_traps(cls.stack.trapd.log):
            name = names.get((trap["trap_oid"] or "").lstrip("."))
            if name:
                out.append((name, [parse_value(kind or None, value)
                                   for _, kind, value in trap["varbinds"][2:]]))
        return out

    @classmethod
    def wait_logged(cls, name, row):
        """Waits for snmptt's line of notification NAME about ROW."""
        oid = "." + mib_notifications()[name]["oid"]
        try:
            return cls.stack.wait_for(
                lambda: [m for m in log_lines(cls.log)
                         if m and m.group("oid") == oid and " %s " % row in m.group("text")],
                40, "snmptt's line for %s of %s" % (name, row))
        except AssertionError as e:
            # snmptt's complaints (a Perl module missing, say) go to snmptrapd's output.
            out = os.path.join(cls.stack.trapd.dir, "snmptrapd.out")
            raise AssertionError("%s\nsnmptrapd's output:\n%s" % (e, read(out)[-3000:])) from None

    @classmethod
    def paired(cls):
        """[(name, values, snmptt's log line)] while there are as many lines
        in snmptt's log as notifications in snmptrapd's; None otherwise."""
        received, lines = cls.received(), log_lines(cls.log)
        if len(lines) != len(received):
            return None
        return [(name, values, m) for (name, values), m in zip(received, lines)]

    def test_every_notification_got_one_line_with_its_oid_severity_and_sentence(self):
        mib = mib_notifications()
        got = set()
        for name, values, m in self.pairs:
            with self.subTest(name=name, row=values[-1]):
                got.add(name)
                self.assertTrue(m, "a line snmptt's log format does not explain")
                self.assertEqual(m.group("oid"), "." + mib[name]["oid"])
                self.assertEqual(m.group("severity"), SEVERITY[name])
                self.assertEqual(m.group("category"), "smtpmon")
                self.assertEqual(m.group("agent"), "127.0.0.1")
                self.assertTrue(m.group("text").startswith(mib[name]["sentence"] + " "),
                                m.group("text"))
        # MTA-STS and DANE need signed zones and a policy server: their
        # notifications are fed to snmptt by EveryEnumerationValueReadsAsItsLabel.
        self.assertEqual(got, set(SEVERITY) - {"smtpMonDomainMtaStsOk", "smtpMonServerDaneOk"})

    def test_server_lines_name_the_server_and_its_host_and_port(self):
        for name, values, m in self.pairs:
            if name.startswith("smtpMonRoundTrip") or name.startswith("smtpMonDomain"):
                continue
            with self.subTest(name=name, row=values[-1]):
                self.assertIn(" SMTP server %s (%s:%d)" % (values[-1], values[0], values[1]),
                              m.group("text"))

    def text(self, name, row):
        lines = [m.group("text") for n, values, m in self.pairs
                 if n == name and values[-1] == row]
        self.assertEqual(len(lines), 1, read(self.log))
        return lines[0]

    def values(self, name, row):
        return [v for n, v, _ in self.pairs if n == name and v[-1] == row][0]

    def test_a_refused_server_is_down_with_the_result_by_name_and_the_error(self):
        v = self.values("smtpMonServerDown", "dead")
        self.assertIn(" SMTP server dead (127.0.0.1:%d) is down: connectRefused: %s "
                      "(2 failed probes in a row)" % (self.dead_port, snmptt_value(v[4])),
                      self.text("smtpMonServerDown", "dead"))

    def test_a_rejecting_server_is_down_with_the_reply_in_the_error(self):
        v = self.values("smtpMonServerDown", "flap")
        text = self.text("smtpMonServerDown", "flap")
        self.assertIn(" is down: bannerRejected: %s (2 failed probes" % snmptt_value(v[4]), text)
        self.assertIn("421 4.3.2 flap.fake.test", text)

    def test_up_gives_the_latency_and_greeting(self):
        v = self.values("smtpMonServerUp", "flap")
        self.assertIn(" is up: answered in %d microseconds, greeting: 220 flap.fake.test "
                      "ESMTP smtpmon-fake" % v[2], self.text("smtpMonServerUp", "flap"))

    def test_degraded_gives_the_latency_and_the_threshold(self):
        v = self.values("smtpMonServerDegraded", "slow")
        self.assertGreater(v[2], 300000)
        self.assertIn(" is slow: answered in %d microseconds, threshold 100 milliseconds"
                      % v[2], self.text("smtpMonServerDegraded", "slow"))

    def test_an_expiring_certificate_gives_the_days_left(self):
        v = self.values("smtpMonCertExpiring", "soon")
        self.assertIn(v[3], (4, 5))
        self.assertIn(": the certificate expires in %d day(s)" % v[3],
                      self.text("smtpMonCertExpiring", "soon"))

    def test_an_expired_certificate_gives_the_days_since(self):
        v = self.values("smtpMonCertExpiring", "old")
        self.assertIn(v[3], (-10, -11))
        self.assertIn(": the certificate has been expired for %d day(s)" % -v[3],
                      self.text("smtpMonCertExpiring", "old"))

    def test_a_listing_gives_the_zones(self):
        self.assertIn(" is listed in 1 blocklist(s): zone-a.test",
                      self.text("smtpMonServerListed", "listed"))

    def test_a_failed_round_trip_names_the_check_server_result_and_error(self):
        v = self.values("smtpMonRoundTripFailed", "inbox")
        self.assertIn(" Round trip inbox through SMTP server mta failed: mailboxLoginFailed: %s"
                      % snmptt_value(v[2]), self.text("smtpMonRoundTripFailed", "inbox"))

    def test_a_recovered_round_trip_gives_the_delivery_time(self):
        v = self.values("smtpMonRoundTripRecovered", "inbox")
        self.assertIn(" Round trip inbox through SMTP server mta recovered: delivered in %d "
                      "microseconds" % v[1], self.text("smtpMonRoundTripRecovered", "inbox"))

    def test_snmptt_found_an_event_for_every_smtpmon_notification(self):
        """snmpd's own coldStart is unknown to the kit (so the unknown log
        works); none of smtpmon's is."""
        unknown = read(self.unknown)
        self.assertIn("Unknown trap (.1.3.6.1.6.3.1.1.5.1)", unknown)
        self.assertNotIn("Unknown trap (.%s." % mib_oids(read(MIB))["smtpMonitorMIB"], unknown)


if __name__ == "__main__":
    unittest.main()
