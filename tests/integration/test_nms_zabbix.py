# SPDX-License-Identifier: ISC
"""doc/nms/zabbix_template_smtpmon.yaml, the Zabbix 6.0 template of the NMS
kit, read as Zabbix reads it and held against SMTP-MONITOR-MIB (through
net-snmp's snmptranslate, never a list copied here) and against a live
smtpmond: one server up, one with STARTTLS, one down, one round trip that
fails, and snmptrapd receiving what smtpmond sends.

Zabbix itself is not run: its discovery (discovery[] over walked columns),
preprocessing (multipliers), last() triggers and snmptrap[] regexps are
simple enough to apply here to the agent's answers. It checks the kit, not
the C code, so it runs for the plain build and the subagent only."""

import os
import re
import subprocess
import unittest

import yaml

from harness import FRONTEND, ROOT, STATUS, TOP, closed_port, name_index, new_stack, procs

TEMPLATE = os.path.join(TOP, "doc", "nms", "zabbix_template_smtpmon.yaml")
VARIANT = os.environ.get("SMTPMON_VARIANT", "plain")
SNMPINDEX = "{#SNMPINDEX}"
TRAP_OID = ".1.3.6.1.6.3.1.1.4.1.0"

# How the MIB's UNITS are stored in Zabbix: its unit, and the multiplier from
# the agent's number. "s" is the unit Zabbix itself formats as a duration.
UNIT_RULES = {"microseconds": ("s", 0.000001), "milliseconds": ("s", 0.001),
              "seconds": ("s", None), "days": ("days", None)}
CHANGE_STEPS = ("CHANGE_PER_SECOND", "SIMPLE_CHANGE")
PRIORITIES = ("NOT_CLASSIFIED", "INFO", "WARNING", "AVERAGE", "HIGH", "DISASTER")

stack = None
template = None


def setUpModule():
    global stack, template
    if VARIANT != "plain" or FRONTEND != "subagent":
        raise unittest.SkipTest("checks the NMS kit, not the build: plain subagent only")
    with open(TEMPLATE) as f:
        template = yaml.safe_load(f)
    stack = new_stack()
    try:
        _prepare()
    except BaseException:
        stack.close()
        raise


def _prepare():
    import certs   # tests/fixtures, on the path through harness
    stack.mibconf = os.path.join(stack.dir, "mibconf")   # empty: no snmp.conf of the host
    os.makedirs(stack.mibconf)
    ca = certs.CA(os.path.join(stack.dir, "ca"))
    stack.start_trapd()
    stack.start_snmpd()
    ports = stack.start_fake({"up": ("ok", "127.0.0.1")})
    ports.update(stack.start_fake({"tls": ("starttls", "127.0.0.1")},
                                  tls=ca.issue("tls", "tls.smtpmon.test", days=30)))
    # What each row is configured with, as the discovery must report it.
    stack.servers = {"up": ("127.0.0.1", ports["up"], "none"),
                     "tls": ("127.0.0.1", ports["tls"], "starttls"),
                     "dead": ("127.0.0.1", closed_port(), "none")}
    stack.mailbox = "imaps://127.0.0.1:%d" % closed_port()
    stack.checks = {"e2e": ("up", stack.mailbox)}
    stack.start_smtpmond([
        "smtpMonDefaults interval=1 timeout=2 failThreshold=1",
    ] + ["smtpMonServer %s %s:%d tls=%s" % (n, h, p, t) for n, (h, p, t) in
         stack.servers.items()] + [
        "smtpMonRoundTrip e2e up %s from=probe@smtpmon.test to=box@smtpmon.test "
        "password=Zbx-S3cret interval=1 timeout=1" % stack.mailbox])
    stack.wait_for(lambda: all(r.get("Probes", 0) >= 2 for r in stack.table().values())
                   and stack.row("tls")["TlsVersion"]
                   and stack.row("dead")["Status"] == STATUS["down"]
                   and rt_probes("e2e") >= 1, 30,
                   "every row probed, the certificate seen, the dead server down")
    stack.wait_for(lambda: len(trap_lines()) >= 2, 15,
                   "the down notifications of the dead server and the round trip")


def rt_probes(name):
    """smtpMonRoundTripProbes of check NAME (harness's roundtrips() predates
    the DisplayName and DiscontinuityTime columns)."""
    oid = "%s.1.4.1.10.%s" % (ROOT, name_index(name))
    return stack.get(oid).get(oid, 0)


def tearDownModule():
    if stack:
        stack.close()


# --- the MIB, through snmptranslate ------------------------------------------
def mib_dirs():
    ietf = os.environ.get("SMTPMON_MIBDIR") or os.path.join(TOP, "build", "ietf-mibs")
    return "%s:/usr/share/snmp/mibs:%s" % (ietf, os.path.join(TOP, "mibs"))


def translate(*args, modules="SMTP-MONITOR-MIB"):
    r = subprocess.run(["snmptranslate", "-M", mib_dirs(), "-m", modules] + list(args),
                       env=procs.snmp_env(stack.mibconf), capture_output=True, text=True,
                       timeout=30)
    if r.returncode != 0 or re.search(r"Cannot (find module|adopt OID)", r.stderr):
        raise AssertionError("snmptranslate %s with the MIBs in %s (SMTPMON_MIBDIR): %s"
                             % (" ".join(args), mib_dirs(), r.stderr))
    return r.stdout


_objects = {}


def mib_object(oid):
    """{name, syntax, enums {value: label}, units} of the MIB object at OID."""
    if oid not in _objects:
        text = translate("-Td", "." + oid)
        syntax = re.search(r"^\s*SYNTAX\s+(.*?)\s*$", text, re.M)
        units = re.search(r'^\s*UNITS\s+"([^"]*)"', text, re.M)
        _objects[oid] = {
            "name": text.split("\n", 1)[0].split("::")[-1],
            "syntax": syntax.group(1) if syntax else "",
            "enums": {int(v): k for k, v in
                      re.findall(r"([A-Za-z][\w-]*)\((-?\d+)\)", syntax.group(1))}
            if syntax and "{" in syntax.group(1) else {},
            "units": units.group(1) if units else None,
        }
    return _objects[oid]


def notifications():
    """{numeric OID: name} of every NOTIFICATION-TYPE under smtpMonNotifications."""
    out = {}
    for name, oid in re.findall(r'^"(\w+)"\s+"([\d.]+)"$', translate("-Tz"), re.M):
        if oid.startswith(ROOT + ".0.") and oid.count(".") == ROOT.count(".") + 2:
            out[oid] = name
    return out


# --- the template --------------------------------------------------------------
def tpl():
    return template["zabbix_export"]["templates"][0]


def rules():
    return tpl().get("discovery_rules", [])


def all_items():
    """(item, rule or None) for every item and item prototype."""
    out = [(i, None) for i in tpl().get("items", [])]
    for rule in rules():
        out += [(i, rule) for i in rule.get("item_prototypes", [])]
    return out


def all_triggers():
    """(trigger, item it is nested under, rule or None)."""
    out = []
    for item, rule in all_items():
        for t in item.get("triggers", []) + item.get("trigger_prototypes", []):
            out.append((t, item, rule))
    for rule in rules():
        out += [(t, None, rule) for t in rule.get("trigger_prototypes", [])]
    out += [(t, None, None) for t in template["zabbix_export"].get("triggers", [])]
    return out


def snmp_items():
    return [(i, r) for i, r in all_items() if i.get("type") == "SNMP_AGENT"]


def column_oid(item):
    """The MIB object an SNMP item reads: a column (prototype) or a scalar."""
    oid = item["snmp_oid"]
    if oid.endswith("." + SNMPINDEX):
        return oid[:-len(SNMPINDEX) - 1]
    assert oid.endswith(".0"), oid
    return oid[:-2]


def discovery_columns(rule):
    """[(LLD macro, column OID)] of a discovery[] SNMP OID."""
    m = re.fullmatch(r"discovery\[(.*)\]", rule["snmp_oid"])
    assert m, rule["snmp_oid"]
    parts = m.group(1).split(",")
    return list(zip(parts[0::2], parts[1::2]))


def item_refs(expression):
    """(host, key) of every /host/key function argument in a trigger expression."""
    out, i = [], 0
    while True:
        i = expression.find("(/", i)
        if i < 0:
            return out
        host_end = expression.index("/", i + 2)
        j = host_end + 1
        depth, quoted = 0, False
        while j < len(expression):
            c = expression[j]
            if quoted:
                if c == "\\" and expression[j + 1:j + 2] == '"':
                    j += 1
                elif c == '"':
                    quoted = False
            elif c == '"':
                quoted = True
            elif c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
            elif depth == 0 and c in ",)":
                break
            j += 1
        out.append((expression[i + 2:host_end], expression[host_end + 1:j]))
        i = j


def trap_regex(item):
    m = re.fullmatch(r'snmptrap\["(.*)"\]', item["key"])
    assert m, item["key"]
    return m.group(1).replace('\\"', '"')


def trap_items():
    return [i for i, _ in all_items() if i.get("type") == "SNMP_TRAP"]


def matching_trap_items(text):
    """Keys of the trap items whose regexp finds TEXT, in multi-line mode as
    Zabbix matches."""
    return [i["key"] for i in trap_items() if re.search(trap_regex(i), text, re.M)]


def trap_lines():
    with open(stack.trapd.log, errors="replace") as f:
        return [line for line in f.read().splitlines()
                if line.startswith(procs.TRAP_LINE_PREFIX + " ") and ROOT + ".0." in line]


def preprocess(item, value):
    """The value Zabbix stores after the item's multipliers."""
    for step in item.get("preprocessing", []):
        if step["type"] == "MULTIPLIER":
            value = value * float(step["parameters"][0])
    return value


def created(trigger, rule, row):
    """Whether the rule's overrides leave TRIGGER to be created for ROW
    ({macro: value}); each override here has one condition."""
    for override in rule.get("overrides", []):
        (cond,) = override["filter"]["conditions"]
        if not re.search(cond["value"], str(row[cond["macro"]])):
            continue
        for op in override["operations"]:
            name_test = {"LIKE": lambda n: op["value"] in n,
                         "EQUAL": lambda n: op["value"] == n,
                         "REGEXP": lambda n: re.search(op["value"], n)}[
                op.get("operator", "EQUAL")]
            if op["operationobject"] == "TRIGGER_PROTOTYPE" and \
                    op.get("discover") == "NO_DISCOVER" and name_test(trigger["name"]):
                return False
    return True


def macros():
    return {m["macro"]: m["value"] for m in tpl().get("macros", [])}


class TemplateFormat(unittest.TestCase):
    """What Zabbix 6.0's importer and API demand of the file itself."""

    def test_is_a_zabbix_6_0_export_with_one_template_in_a_declared_group(self):
        export = template["zabbix_export"]
        self.assertEqual(export["version"], "6.0")
        self.assertNotIn("template_groups", export, "6.2 and later only")
        self.assertEqual(len(export["templates"]), 1)
        t = tpl()
        self.assertTrue(t["template"] and t["name"])
        declared = {g["name"] for g in export["groups"]}
        self.assertTrue(t["groups"])
        for g in t["groups"]:
            self.assertIn(g["name"], declared)

    def test_every_scalar_is_a_string(self):
        """The importer rejects YAML numbers and booleans ('14', not 14)."""
        def walk(node, path):
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, "%s/%s" % (path, k))
            elif isinstance(node, list):
                for n, v in enumerate(node):
                    walk(v, "%s/%d" % (path, n))
            else:
                self.assertIsInstance(node, str, path)
        walk(template, "")

    def test_uuids_are_unique_uuid4_hex(self):
        found = []

        def walk(node):
            if isinstance(node, dict):
                if "uuid" in node:
                    found.append(node["uuid"])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(template)
        self.assertGreater(len(found), 30)
        self.assertEqual(len(found), len(set(found)))
        for u in found:
            # 32 lower-case hex digits with the UUIDv4 version and variant bits,
            # which Zabbix's API checks.
            self.assertRegex(u, r"^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$")

    def test_objects_that_need_a_uuid_have_one(self):
        owners = [i for i, _ in all_items()] + rules() + [t for t, _, _ in all_triggers()] \
            + tpl().get("valuemaps", []) + [tpl()] + template["zabbix_export"]["groups"]
        for o in owners:
            self.assertIn("uuid", o, o.get("name"))

    def test_item_keys_are_unique_on_a_host(self):
        """Items, item prototypes and discovery rules share one key space."""
        keys = [i["key"] for i, _ in all_items()] + [r["key"] for r in rules()]
        self.assertEqual(len(keys), len(set(keys)), sorted(keys))

    def test_prototype_keys_and_oids_use_the_row_index(self):
        for item, rule in all_items():
            if rule is not None:
                self.assertIn(SNMPINDEX, item["key"], item["name"])
                self.assertTrue(item["snmp_oid"].endswith("." + SNMPINDEX), item["name"])

    def test_snmp_items_are_polled_snmp_trap_items_are_snmptrap_keys(self):
        for item, _ in all_items():
            self.assertIn(item["type"], ("SNMP_AGENT", "SNMP_TRAP"), item["name"])
            if item["type"] == "SNMP_AGENT":
                self.assertRegex(item["snmp_oid"], r"^[0-9.]+(\.\{#SNMPINDEX\})?$")
            else:
                self.assertRegex(item["key"], r'^snmptrap\[".*"\]$')
                self.assertEqual(item["value_type"], "LOG")
        for rule in rules():
            self.assertEqual(rule["type"], "SNMP_AGENT")
            self.assertTrue(discovery_columns(rule))

    def test_every_trigger_references_items_of_its_own_template_and_rule(self):
        for trigger, item, rule in all_triggers():
            refs = item_refs(trigger["expression"])
            self.assertTrue(refs, trigger["expression"])
            keys = {i["key"] for i, r in all_items() if r is None or r is rule}
            for host, key in refs:
                self.assertEqual(host, tpl()["template"], trigger["name"])
                self.assertIn(key, keys, trigger["name"])
            if item is not None:   # nested under the one item it is about
                self.assertEqual({k for _, k in refs}, {item["key"]}, trigger["name"])
            self.assertIn(trigger["priority"], PRIORITIES)

    def test_user_macros_are_defined_in_the_template(self):
        text = yaml.safe_dump(tpl()["items"]) + yaml.safe_dump(rules())
        used = set(re.findall(r"\{\$[A-Z0-9_.]+\}", text))
        self.assertTrue(used)
        self.assertEqual(used - set(macros()), set())

    def test_lld_macros_come_from_the_rule(self):
        for rule in rules():
            known = {m for m, _ in discovery_columns(rule)} | {SNMPINDEX}
            text = yaml.safe_dump(rule.get("item_prototypes", [])) + \
                yaml.safe_dump(rule.get("trigger_prototypes", [])) + \
                yaml.safe_dump(rule.get("overrides", []))
            self.assertEqual(set(re.findall(r"\{#[A-Z0-9_.]+\}", text)) - known, set(),
                             rule["name"])

    def test_value_maps_named_by_items_exist_and_each_is_used(self):
        maps = {v["name"] for v in tpl()["valuemaps"]}
        used = {i["valuemap"]["name"] for i, _ in all_items() if "valuemap" in i}
        self.assertEqual(used, maps)


class TemplateAgainstMib(unittest.TestCase):
    """Each item as SMTP-MONITOR-MIB defines the object it reads."""

    def test_discovery_rules_cover_the_server_round_trip_and_domain_tables_by_display_name(self):
        names = {}
        for rule in rules():
            columns = [mib_object(o)["name"] for _, o in discovery_columns(rule)]
            names[rule["key"]] = columns[0]
        self.assertEqual(sorted(names.values()),
                         ["smtpMonDomainDisplayName", "smtpMonRoundTripDisplayName",
                          "smtpMonServerDisplayName"])

    def test_every_enumeration_has_a_value_map_with_every_value_and_its_name(self):
        maps = {v["name"]: v for v in tpl()["valuemaps"]}
        checked = set()
        for item, _ in snmp_items():
            obj = mib_object(column_oid(item))
            if not obj["enums"]:
                continue
            self.assertIn("valuemap", item, "%s (%s)" % (item["name"], obj["name"]))
            mapping = {int(m["value"]): m["newvalue"]
                       for m in maps[item["valuemap"]["name"]]["mappings"]
                       if m.get("type", "EQUAL") == "EQUAL"}
            for value, label in obj["enums"].items():
                self.assertIn(value, mapping, "%s: %s(%d)" % (obj["name"], label, value))
                self.assertRegex(mapping[value], r"\b%s\b" % re.escape(label), obj["name"])
            checked.add(obj["name"])
        # Status and LastResult of both tables, and the TLS mode at least.
        self.assertGreaterEqual(len(checked), 5, checked)

    def test_durations_are_seconds_through_the_multiplier_of_the_mib_units(self):
        seen = set()
        for item, _ in snmp_items():
            units = mib_object(column_oid(item))["units"]
            if units is None:
                continue
            self.assertIn(units, UNIT_RULES, "no rule for UNITS %r" % units)
            unit, factor = UNIT_RULES[units]
            self.assertEqual(item.get("units"), unit, item["name"])
            steps = [float(s["parameters"][0]) for s in item.get("preprocessing", [])
                     if s["type"] == "MULTIPLIER"]
            self.assertEqual(steps, [factor] if factor else [], item["name"])
            if factor:
                self.assertEqual(item.get("value_type"), "FLOAT", item["name"])
            seen.add(units)
        self.assertIn("microseconds", seen)

    def test_counters_are_turned_into_a_rate_or_a_change(self):
        counters = 0
        for item, _ in snmp_items():
            if re.match(r"Counter(32|64)\b", mib_object(column_oid(item))["syntax"]):
                counters += 1
                self.assertTrue({s["type"] for s in item.get("preprocessing", [])}
                                & set(CHANGE_STEPS), item["name"])
                self.assertEqual(item.get("value_type"), "FLOAT", item["name"])
        self.assertGreater(counters, 0)

    def test_value_types_fit_the_syntax(self):
        """Strings are CHAR or TEXT; a signed integer that may be negative
        needs FLOAT, since Zabbix refuses a negative unsigned value."""
        for item, _ in snmp_items():
            obj = mib_object(column_oid(item))
            vt = item.get("value_type", "UNSIGNED")
            if re.match(r"OCTET STRING|DisplayString|SnmpAdminString", obj["syntax"]):
                self.assertIn(vt, ("CHAR", "TEXT"), item["name"])
            else:
                self.assertIn(vt, ("UNSIGNED", "FLOAT"), item["name"])
            if obj["syntax"].startswith("Integer32") and not re.search(
                    r"\(\s*0\s*\.\.", obj["syntax"]):
                self.assertEqual(vt, "FLOAT", "%s may be negative" % obj["name"])

    def test_the_items_the_kit_promises_are_there(self):
        read = {mib_object(column_oid(i))["name"] for i, _ in snmp_items()}
        for name in ("Status", "LastResult", "LastError", "LastBanner", "Latency",
                     "ConnectTime", "BannerTime", "HeloTime", "TlsTime", "CertDaysLeft",
                     "Probes", "Failures", "DnsblListings", "DiscontinuityTime"):
            self.assertIn("smtpMonServer" + name, read)
        for name in ("Status", "LastResult", "LastError", "SendTime", "DeliveryTime"):
            self.assertIn("smtpMonRoundTrip" + name, read)
        for name in ("Status", "StatusReason", "MxSet", "AddressesUp"):
            self.assertIn("smtpMonDomain" + name, read)
        for name in ("smtpMonVersion", "smtpMonServerCount", "smtpMonServersDown"):
            self.assertIn(name, read)

    def test_status_triggers_have_the_designed_severities(self):
        def severities(column, label):
            out = []
            for t, item, rule in all_triggers():
                if item is None or item.get("type") != "SNMP_AGENT":
                    continue
                obj = mib_object(column_oid(item))
                value = {v: k for k, v in obj["enums"].items()}.get(label)
                if obj["name"] == column and value is not None and re.fullmatch(
                        r"last\(/[^)]*\)=%d" % value, t["expression"]):
                    out.append(t["priority"])
            return out
        self.assertEqual(severities("smtpMonServerStatus", "down"), ["HIGH"])
        self.assertEqual(severities("smtpMonServerStatus", "degraded"), ["WARNING"])
        self.assertEqual(severities("smtpMonRoundTripStatus", "down"), ["HIGH"])
        self.assertEqual(severities("smtpMonDomainStatus", "down"), ["HIGH"])
        self.assertEqual(severities("smtpMonDomainStatus", "degraded"), ["WARNING"])
        cert = [t["priority"] for t, item, _ in all_triggers() if item and item.get("snmp_oid")
                and mib_object(column_oid(item))["name"] == "smtpMonServerCertDaysLeft"]
        self.assertEqual(cert, ["WARNING"])
        self.assertEqual(macros()["{$SMTPMON.CERT.WARN}"], "14")

    def test_the_certificate_trigger_is_not_created_for_servers_without_tls(self):
        """The override's filter selects the TlsMode none(1) rows and its
        operation exactly the triggers on CertDaysLeft."""
        rule = [r for r in rules() if "{#SMTPTLS}" in dict(discovery_columns(r))][0]
        tls_oid = dict(discovery_columns(rule))["{#SMTPTLS}"]
        enums = mib_object(tls_oid)["enums"]
        self.assertEqual(mib_object(tls_oid)["name"], "smtpMonServerTlsMode")
        (override,) = rule["overrides"]
        (cond,) = override["filter"]["conditions"]
        self.assertEqual(cond["macro"], "{#SMTPTLS}")
        self.assertEqual(cond.get("operator", "MATCHES_REGEX"), "MATCHES_REGEX")
        cert_triggers = {t["name"] for t, item, r in all_triggers() if r is rule and item
                         and mib_object(column_oid(item))["name"]
                         == "smtpMonServerCertDaysLeft"}
        (op,) = override["operations"]
        self.assertEqual((op["operationobject"], op["discover"]),
                         ("TRIGGER_PROTOTYPE", "NO_DISCOVER"))
        # A row of each TLS mode: the triggers its override leaves out.
        for value, label in enums.items():
            left_out = {t["name"] for t, _, r in all_triggers()
                        if r is rule and not created(t, rule, {"{#SMTPTLS}": value})}
            self.assertEqual(left_out, cert_triggers if label == "none" else set(), label)
        self.assertTrue(cert_triggers)

    def test_one_trap_item_per_notification_in_every_way_snmptrapd_prints_it(self):
        """Numeric, iso.3..., enterprises..., netSnmpPlaypen..., MODULE::name,
        the full path and the bare name: what snmptrapd (and so the Zabbix
        trap receiver) writes depends on the MIBs it loaded and its -O options."""
        notes = notifications()
        self.assertEqual(len(notes), len(trap_items()))
        owner = {}
        for oid, name in notes.items():
            forms = {translate("-On", "." + oid).strip(), translate("-OS", "." + oid).strip(),
                     translate("-Of", "." + oid).strip(), translate("-Os", "." + oid).strip(),
                     translate("-OS", "." + oid, modules="NET-SNMP-MIB").strip(),
                     translate("-OS", "." + oid, modules="SNMPv2-SMI").strip(),
                     translate("-On", "." + oid).strip().lstrip(".")}
            r = subprocess.run(["snmptranslate", "-M", "/nonexistent", "-m", "", "." + oid],
                               env=procs.snmp_env(stack.mibconf), capture_output=True,
                               text=True, timeout=30)
            forms.add(r.stdout.strip())
            self.assertIn(name, " ".join(forms))
            for form in forms:
                hits = matching_trap_items("%s = OID: %s\t" % (TRAP_OID, form))
                self.assertEqual(len(hits), 1, "%s as %r: %s" % (name, form, hits))
                owner.setdefault(name, set()).update(hits)
        for name, keys in owner.items():
            self.assertEqual(len(keys), 1, name)
        self.assertEqual(len({k for ks in owner.values() for k in ks}), len(notes))


class TemplateAgainstAgent(unittest.TestCase):
    """What Zabbix would poll from the live agent."""

    @classmethod
    def setUpClass(cls):
        cls.walk = stack.walk(ROOT)

    def discovered(self, rule):
        """{SNMPINDEX: {macro: value}} as Zabbix's discovery[] builds it."""
        rows = {}
        for macro, oid in discovery_columns(rule):
            for full, value in stack.walk(oid).items():
                if full.startswith(oid + "."):
                    rows.setdefault(full[len(oid) + 1:], {})[macro] = value
        return rows

    def rule_of(self, column):
        return [r for r in rules() if mib_object(discovery_columns(r)[0][1])["name"] == column][0]

    def test_scalars_answer_a_get(self):
        for item, rule in snmp_items():
            if rule is None:
                r = stack.snmp("snmpget", item["snmp_oid"], check=False)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn("No Such", r.stdout, item["name"])
                self.assertIn(item["snmp_oid"], r.stdout)

    def test_server_discovery_finds_every_row_with_its_configuration(self):
        expect = {"smtpMonServerDisplayName": lambda n, c: n,
                  "smtpMonServerHost": lambda n, c: c[0],
                  "smtpMonServerPort": lambda n, c: c[1]}
        rule = self.rule_of("smtpMonServerDisplayName")
        rows = self.discovered(rule)
        self.assertEqual(sorted(rows), sorted(name_index(n) for n in stack.servers))
        tls_column = None
        for macro, oid in discovery_columns(rule):
            obj = mib_object(oid)
            for name, conf in stack.servers.items():
                got = rows[name_index(name)][macro]
                if obj["name"] in expect:
                    self.assertEqual(got, expect[obj["name"]](name, conf), macro)
                elif obj["name"] == "smtpMonServerTlsMode":
                    tls_column = macro
                    self.assertEqual(obj["enums"][got], conf[2], name)
                else:
                    self.fail("unexpected discovery column %s" % obj["name"])
        self.assertIsNotNone(tls_column)

    def test_round_trip_discovery_finds_the_check(self):
        expect = {"smtpMonRoundTripDisplayName": lambda n, c: n,
                  "smtpMonRoundTripServer": lambda n, c: c[0],
                  "smtpMonRoundTripMailbox": lambda n, c: c[1]}
        rule = self.rule_of("smtpMonRoundTripDisplayName")
        rows = self.discovered(rule)
        self.assertEqual(sorted(rows), sorted(name_index(n) for n in stack.checks))
        for macro, oid in discovery_columns(rule):
            name = mib_object(oid)["name"]
            self.assertIn(name, expect)
            for check, conf in stack.checks.items():
                self.assertEqual(rows[name_index(check)][macro], expect[name](check, conf))

    def test_every_item_prototype_answers_for_every_discovered_row(self):
        for rule in rules():
            for index in self.discovered(rule):
                for item in rule["item_prototypes"]:
                    oid = item["snmp_oid"].replace(SNMPINDEX, index)
                    self.assertIn(oid, self.walk, item["name"])

    def test_triggers_fire_for_the_down_server_and_the_failed_round_trip_only(self):
        """Every last() trigger prototype evaluated on the live values, with
        the override applied: exactly the down status triggers are problems."""
        problems, evaluated = set(), 0
        for rule in rules():
            rows = self.discovered(rule)
            (name_macro, _), = [(m, o) for m, o in discovery_columns(rule)
                                if mib_object(o)["name"].endswith("DisplayName")]
            for index, row in rows.items():
                for trigger, item, r in all_triggers():
                    if r is not rule:
                        continue
                    if not created(trigger, rule, row):
                        continue
                    m = re.fullmatch(r"last\(/[^/]+/(.+)\)(=|<>|<|>|<=|>=)(\{\$[A-Z.]+\}|-?\d+)",
                                     trigger["expression"])
                    if not m:
                        continue
                    key, op, bound = m.groups()
                    bound = float(macros().get(bound, bound))
                    item = [i for i in rule["item_prototypes"] if i["key"] == key][0]
                    value = preprocess(item, self.walk[item["snmp_oid"].replace(
                        SNMPINDEX, index)])
                    evaluated += 1
                    fires = {"=": value == bound, "<>": value != bound, "<": value < bound,
                             ">": value > bound, "<=": value <= bound,
                             ">=": value >= bound}[op]
                    if fires:
                        problems.add((row[name_macro], trigger["priority"]))
        self.assertGreater(evaluated, 8)
        self.assertEqual(problems, {("dead", "HIGH"), ("e2e", "HIGH")})

    def test_without_a_certificate_the_days_left_map_to_their_meaning(self):
        """The plain server's CertDaysLeft, what the agent answers with no
        certificate, is a mapped value, and is above any sane threshold."""
        (item,) = [i for i, _ in snmp_items()
                   if mib_object(column_oid(i))["name"] == "smtpMonServerCertDaysLeft"]
        raw = self.walk[item["snmp_oid"].replace(SNMPINDEX, name_index("up"))]
        maps = {v["name"]: v for v in tpl()["valuemaps"]}
        values = [int(m["value"]) for m in maps[item["valuemap"]["name"]]["mappings"]]
        self.assertIn(raw, values)
        self.assertGreater(raw, 10 * 365)
        tls = self.walk[item["snmp_oid"].replace(SNMPINDEX, name_index("tls"))]
        self.assertIn(tls, (29, 30))
        self.assertNotIn(tls, values)

    def test_durations_in_seconds_are_below_the_probe_timeout(self):
        """The TLS server's stage times after the multiplier: seconds, each
        under the 2 s timeout, the stages adding up to at most the latency."""
        times = {}
        for item, _ in snmp_items():
            obj = mib_object(column_oid(item))
            if obj["units"] == "microseconds" and obj["name"].startswith("smtpMonServer"):
                raw = self.walk[item["snmp_oid"].replace(SNMPINDEX, name_index("tls"))]
                times[obj["name"]] = preprocess(item, raw)
        self.assertGreater(times["smtpMonServerLatency"], 0)
        self.assertLess(times["smtpMonServerLatency"], 2)
        stages = sum(v for k, v in times.items() if k != "smtpMonServerLatency")
        self.assertLessEqual(stages, times["smtpMonServerLatency"] + 1e-9)
        self.assertGreater(times["smtpMonServerTlsTime"], 0)


class TrapItems(unittest.TestCase):
    """The snmptrap[] items against what snmptrapd logged from smtpmond."""

    def test_each_received_notification_lands_in_its_own_item_only(self):
        lines = trap_lines()
        names = notifications()
        seen = set()
        for line in lines:
            m = re.search(re.escape(TRAP_OID) + r" = OID: \.?([\d.]+)", line)
            self.assertIsNotNone(m, line)
            name = names[m.group(1)]
            hits = matching_trap_items(line)
            self.assertEqual(len(hits), 1, "%s: %s" % (name, hits))
            (item,) = [i for i in trap_items() if i["key"] == hits[0]]
            self.assertIn(name, item["name"])
            seen.add(name)
        self.assertEqual(seen, {"smtpMonServerDown", "smtpMonRoundTripFailed"})

    def test_the_server_down_problem_is_named_after_the_server(self):
        """The trap item's value is the whole notification, whose last object
        is the DisplayName; the trigger's event name cuts it out with regsub,
        which Zabbix runs in multi-line mode on the receiver's one line per
        varbind."""
        (line,) = [l for l in trap_lines() if re.search(r"\.25\.0\.1\t", l)]
        last = line.rstrip("\t").split("\t")[-1]
        oid, _, value = procs._parse_varbind(last)
        column = oid.lstrip(".")[:-len(name_index("dead")) - 1]
        self.assertEqual(mib_object(column)["name"], "smtpMonServerDisplayName")
        self.assertEqual(value.strip('"'), "dead")
        (trigger,) = [t for t, item, _ in all_triggers() if item in trap_items()]
        m = re.search(r'\{\{ITEM\.VALUE\}\.regsub\("((?:[^"\\]|\\.)*)", *"\\1"\)\}',
                      trigger["event_name"])
        self.assertIsNotNone(m, trigger["event_name"])
        pattern = m.group(1).replace('\\"', '"')
        text = "\n".join(line.split("\t")[2:]) + "\n"
        self.assertEqual(re.search(pattern, text, re.M).group(1), "dead")
        self.assertEqual(trigger.get("manual_close"), "YES")

if __name__ == "__main__":
    unittest.main()
