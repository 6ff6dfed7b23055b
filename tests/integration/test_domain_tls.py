# SPDX-License-Identifier: ISC
"""MTA-STS and DANE on the domain watches: after each MX lookup a watch
checks what senders that apply MTA-STS (RFC 8461) or DANE (RFC 7672) make of
the domain, and says so in smtpMonDomainTable (MtaSts* columns), in each
row's Dane* columns, in the log and in one notification per change.

DNS is nsd serving zones of the test's own, some DNSSEC-signed with keys the
test makes (tests/fixtures/signedzone.py); smtpMonTrustAnchor is their DS
records. The policies come from an HTTPS server on port 443 of a loopback
address of the run's own (127.A.B.80, its MX hosts on 127.A.B.0/24) with a
certificate from the test CA (tests/fixtures/policyweb.py), given to smtpmon
as smtpMonCaFile. Every MX is a fake SMTP server offering STARTTLS with a
certificate the test issued, on one port, the domains' :PORT (so the TLSA
records are at _PORT._tcp.MXHOST)."""

import os
import random
import re
import socket
import subprocess
import time
import unittest

from harness import (COLUMNS, DOMAIN_COLUMNS, DOMAIN_TABLE, ROOT, name_index, new_stack,
                     only_for,
                     parse_trap)

import certs  # noqa: E402 (tests/fixtures, on the path through harness)
import mailzone  # noqa: E402
import policyweb  # noqa: E402
import signedzone  # noqa: E402

STS_STATE = {"unknown": 1, "disabled": 2, "none": 3, "ok": 4, "dnsError": 5,
             "invalidRecord": 6, "fetchFailed": 7, "redirected": 8, "tooLarge": 9,
             "invalidPolicy": 10, "mxNotCovered": 11, "certInvalid": 12}
STS_MODE = {"noPolicy": 1, "none": 2, "testing": 3, "enforce": 4}
DANE = {"unknown": 1, "disabled": 2, "none": 3, "valid": 4, "unsigned": 5, "noTrustAnchor": 6,
        "unreachable": 7, "expiring": 8, "mismatch": 9, "bogus": 10, "dnsError": 11, "noTls": 12}
ROW_KEYS = "interval=2 timeout=3 failThreshold=1"

def free_net():
    """127.A.B.0/24 with port 443 free on .80: a run of its own, so that the
    plain passes of both front ends, side by side, never share an address."""
    rng = random.SystemRandom()
    for _ in range(50):
        net = "127.%d.%d." % (rng.randint(100, 199), rng.randint(0, 255))
        try:
            with socket.socket() as s:
                s.bind((net + "80", 443))
            return net
        except OSError:
            continue
    raise RuntimeError("no 127.A.B.80:443 free")


NET = free_net()
WEB = NET + "80"
# MX host -> its address; every MX its own fake and certificate.
LAST_OCTET = {
    "mx1.dane.test": 11, "mx1.ta.test": 21, "mx1.exp.test": 31, "mx1.bogus.test": 41,
    "mx1.plain.test": 51, "mx1.nodane.test": 61,
    "mx1.sts.test": 71, "mx2.sts.test": 72, "mx3.sts.test": 73,
    "mx1.testing.test": 74, "mx2.testing.test": 75,
    "mx1.redir.test": 76, "mx1.big.test": 77, "mx1.bad.test": 78, "mx1.down.test": 79,
    "mx1.badcert.test": 82, "mx1.html.test": 83,
}
MX = {mx: NET + str(n) for mx, n in LAST_OCTET.items()}
POLICY_DOMAINS = ["sts.test", "testing.test", "redir.test", "big.test", "bad.test",
                  "down.test", "badcert.test", "html.test"]


def policy(mode, *mx, max_age=86400):
    return "version: STSv1\r\nmode: %s\r\n%smax_age: %d\r\n" % (
        mode, "".join("mx: %s\r\n" % m for m in mx), max_age)


ROUTES = {
    "mta-sts.sts.test/.well-known/mta-sts.txt":
        {"body": policy("enforce", "mx1.sts.test", "mx2.sts.test")},
    "mta-sts.testing.test/.well-known/mta-sts.txt":
        {"body": policy("testing", "mx1.testing.test")},
    "mta-sts.redir.test/.well-known/mta-sts.txt":
        {"status": 301, "location": "https://elsewhere.test/policy.txt"},
    "mta-sts.big.test/.well-known/mta-sts.txt": {"size": 100000},
    "mta-sts.bad.test/.well-known/mta-sts.txt":
        {"body": "version: STSv2\r\nmode: enforce\r\nmx: mx1.bad.test\r\nmax_age: 60\r\n"},
    "mta-sts.badcert.test/.well-known/mta-sts.txt":
        {"body": policy("enforce", "mx1.badcert.test")},
    "mta-sts.html.test/.well-known/mta-sts.txt":
        {"body": policy("enforce", "mx1.html.test"), "ctype": "text/html"},
}


def host_record(mx):
    return "%s 1 IN A %s" % (mx.split(".")[0], MX[mx])


def zones(stack_certs, port, sts_changed=False):
    """Every zone; STS_CHANGED: sts.test has a third MX its policy lacks."""
    c = stack_certs
    tlsa = "_%d._tcp.mx1 1 IN TLSA " % port

    def mx_zone(domain, signed, extra=()):
        mxs = [m for m in MX if m.endswith("." + domain)]
        recs = ["@ 1 IN MX %d %s" % (10 * (i + 1), m.split(".")[0])
                for i, m in enumerate(sorted(mxs)) if m != "mx3.sts.test" or sts_changed]
        recs += [host_record(m) for m in mxs]
        return {"signed": signed, "records": recs + list(extra)}

    sts_extra = ['_mta-sts 1 IN TXT "v=STSv1; id=20261207"', "mta-sts 1 IN A %s" % WEB]
    out = {
        "dane.test": mx_zone("dane.test", True, [tlsa + "3 1 1 " + c["dane_a"]]),
        "ta.test": mx_zone("ta.test", True, [tlsa + "2 0 1 " + c["ca_tlsa"]]),
        "exp.test": mx_zone("exp.test", True, [tlsa + "3 1 1 " + c["exp"]]),
        "bogus.test": mx_zone("bogus.test", True, [tlsa + "3 1 1 " + c["bogus"]]),
        "plain.test": mx_zone("plain.test", False, [tlsa + "3 1 1 " + c["plain"]]),
        "nodane.test": mx_zone("nodane.test", False),
    }
    for d in POLICY_DOMAINS:
        extra = list(sts_extra)
        if d == "down.test":
            extra[1] = "mta-sts 1 IN A %s81" % NET      # nothing listens there
        out[d] = mx_zone(d, False, extra)
    return out


# --- the stack -------------------------------------------------------------------

stack = None
dns = None
web = None
ca = None
port = None
fake_procs = {}
cert_files = {}
initial = {}
conf = []


def tamper():
    """bogus.test's TLSA record altered after signing: its RRset is bogus."""
    dns.tamper("bogus.test", "3 1 1 " + zone_certs["bogus"], "3 1 1 " + "ab" * 32)


def set_zones(**kw):
    """The zones changed, bogus.test's record tampered with again."""
    dns.set_zones(zones(zone_certs, port, **kw))
    tamper()


def start_fake(mx, cert, key):
    """A fake MX offering STARTTLS with CERT on MX's address and PORT."""
    _, fake_procs[mx] = stack.start_fake_process(
        {mx.replace(".", "_"): ("starttls", MX[mx])}, tls=(cert, key), port=port)


def issue_certs():
    """A certificate per MX for its name (exp.test's expires in 5 days,
    badcert.test's is for another name), a second key for mx1.dane.test,
    and the policy server's for every mta-sts name."""
    files = {}
    for mx in MX:
        cn = "elsewhere.test" if mx == "mx1.badcert.test" else mx
        files[mx] = ca.issue(mx, cn, days=5 if mx == "mx1.exp.test" else 300, key_type="ec")
    # DANE-TA(2) with a digest of the CA: the MX presents the CA in its chain
    # (RFC 7672 section 3.1.2).
    chain = os.path.join(ca.dir, "mx1.ta.test-chain.pem")
    with open(chain, "w") as out:
        for part in (files["mx1.ta.test"][0], ca.cert):
            with open(part) as f:
                out.write(f.read())
    files["mx1.ta.test"] = (chain, files["mx1.ta.test"][1])
    files["dane_b"] = ca.issue("mx1.dane.test-b", "mx1.dane.test", days=300, key_type="ec")
    files["web"] = ca.issue("web", "mta-sts.sts.test", key_type="ec",
                            sans=["mta-sts.%s" % d for d in POLICY_DOMAINS])
    return files


def watch_lines():
    lines = []
    for d in ["dane.test", "ta.test", "exp.test", "bogus.test", "plain.test", "nodane.test"] + \
            POLICY_DOMAINS:
        w = d.split(".")[0]
        lines.append("smtpMonDomain %s %s:%d dnsInterval=5 certWarnDays=10 %s"
                     % (w, d, port, ROW_KEYS))
    lines.append("smtpMonDomain off nodane.test:%d mtaSts=no dane=no %s" % (port, ROW_KEYS))
    return lines


def settled():
    d = domains()
    return all(d.get(w, {}).get("MtaStsState", 1) != STS_STATE["unknown"]
               for w in ("sts", "testing", "redir", "big", "bad", "down", "badcert", "html")) \
        and all(r.get("DaneState", 1) != DANE["unknown"] for r in rows().values())


def setUpModule():
    global stack, dns, web, ca, port, zone_certs
    stack = new_stack()
    try:
        stack.start_trapd()
        stack.start_snmpd()
        ca = certs.CA(os.path.join(stack.dir, "ca"))
        cert_files.update(issue_certs())
        port = mailzone.pick_port()
        zone_certs = {"dane_a": signedzone.tlsa_3_1_1(cert_files["mx1.dane.test"][0]),
                      "ca_tlsa": signedzone.tlsa_2_0_1(ca.cert),
                      "exp": signedzone.tlsa_3_1_1(cert_files["mx1.exp.test"][0]),
                      "bogus": signedzone.tlsa_3_1_1(cert_files["mx1.bogus.test"][0]),
                      "plain": signedzone.tlsa_3_1_1(cert_files["mx1.plain.test"][0])}
        dns = signedzone.start(os.path.join(stack.dir, "dns"), zones(zone_certs, port),
                               stack.group)
        tamper()
        web = policyweb.start(os.path.join(stack.dir, "web"), stack.group, addr=WEB,
                              cert=cert_files["web"][0], key=cert_files["web"][1], routes=ROUTES)
        for mx in MX:
            start_fake(mx, *cert_files[mx])
        conf[:] = ["smtpMonResolver 127.0.0.1:%d" % dns.port, "smtpMonCaFile %s" % ca.cert,
                "smtpMonTrustAnchor %s" % dns.trust_anchor] + watch_lines()
        stack.start_smtpmond(conf)
        try:
            stack.wait_for(settled, 30, "every watch checked")
        except AssertionError:
            pass
        time.sleep(1.0)
        initial.update(rows=rows(), domains=domains(), traps=tls_traps())
    except BaseException:
        stack.close()
        raise


def tearDownModule():
    stack.close()


# --- reading ------------------------------------------------------------------------

def rows():
    """{row name: row} of the watches' rows, with MxHost and the Dane columns."""
    return {n: r for n, r in stack.table().items() if r.get("DomainWatch")}


def row_of(mx, table=None):
    """The row of MX made by the watch named after its domain."""
    watch = mx.split(".")[1]
    got = [r for r in (table or rows()).values()
           if r.get("MxHost") == mx and r.get("DomainWatch") == watch]
    return got[0] if got else {}


def domains():
    out = {}
    for oid, value in stack.walk(ROOT + ".1.5").items():
        if not oid.startswith(DOMAIN_TABLE + "."):
            continue
        parts = [int(x) for x in oid[len(DOMAIN_TABLE) + 1:].split(".")]
        col, name = parts[0], bytes(parts[2:]).decode()
        out.setdefault(name, {})[DOMAIN_COLUMNS.get(col, col)] = value
    return out


def tls_traps(row=None):
    out = []
    for t, line in list(stack.trap_watch.lines):
        trap = parse_trap(line)
        if trap and ("MtaSts" in trap["name"] or "Dane" in trap["name"]) and \
                (row is None or trap.get("row") == row):
            out.append(dict(trap, t=t))
    return out


def names(traps):
    return [t["name"] for t in traps]


# --- MTA-STS ----------------------------------------------------------------------------

class MtaSts(unittest.TestCase):

    def test_an_enforce_policy_covering_every_mx_with_valid_certificates_is_ok(self):
        d = initial["domains"]["sts"]
        self.assertEqual(d["MtaStsState"], STS_STATE["ok"], d.get("MtaStsReason"))
        self.assertEqual((d["MtaStsMode"], d["MtaStsId"], d["MtaStsMaxAge"], d["MtaStsMx"]),
                         (STS_MODE["enforce"], "20261207", 86400, "mx1.sts.test, mx2.sts.test"))
        self.assertEqual(d["MtaStsReason"], "mode enforce, id 20261207: every MX is covered "
                         "and presents a valid certificate")
        self.assertTrue(any(d["MtaStsFetched"]), d["MtaStsFetched"])
        got = [r for r in web.requests() if r.get("host") == "mta-sts.sts.test"]
        self.assertTrue(got, web.requests())
        self.assertEqual((got[0]["method"], got[0]["path"], got[0]["sni"]),
                         ("GET", "/.well-known/mta-sts.txt", "mta-sts.sts.test"))

    def test_ok_at_start_is_no_news(self):
        self.assertEqual(names(t for t in initial["traps"] if t.get("row") == "sts"), [])

    def test_a_domain_without_the_record_has_no_policy_and_no_notification(self):
        d = initial["domains"]["nodane"]
        self.assertEqual((d["MtaStsState"], d["MtaStsMode"], d["MtaStsId"]),
                         (STS_STATE["none"], STS_MODE["noPolicy"], ""))
        self.assertIn("no _mta-sts TXT record", d["MtaStsReason"])
        self.assertEqual(names(t for t in initial["traps"] if t.get("row") == "nodane"), [])

    def test_mtaSts_no_turns_the_check_off(self):
        d = initial["domains"]["off"]
        self.assertEqual(d["MtaStsState"], STS_STATE["disabled"], d["MtaStsReason"])
        off = [r for r in initial["rows"].values() if r["DomainWatch"] == "off"]
        self.assertEqual([r["DaneState"] for r in off], [DANE["disabled"]])

    def test_each_way_a_policy_cannot_be_had_has_its_own_state_and_one_notification(self):
        cases = {
            "down": ("fetchFailed", "the policy could not be fetched: "),
            "redir": ("redirected", "the policy URL redirects (HTTP 301 to "
                      "https://elsewhere.test/policy.txt); senders follow no redirect"),
            "big": ("tooLarge", "the policy is larger than 65536 bytes"),
            "bad": ("invalidPolicy", "the policy is not valid: version: STSv2: expected STSv1"),
            "html": ("invalidPolicy", "the policy is served as text/html, not text/plain"),
        }
        for watch, (state, reason) in cases.items():
            with self.subTest(watch=watch):
                d = initial["domains"][watch]
                self.assertEqual(d["MtaStsState"], STS_STATE[state], d["MtaStsReason"])
                self.assertTrue(d["MtaStsReason"].startswith(reason), d["MtaStsReason"])
                traps = [t for t in initial["traps"] if t.get("row") == watch]
                self.assertEqual(names(traps), ["smtpMonDomainMtaStsFailed"])
                self.assertEqual(traps[0]["objects"]["MtaStsState"], STS_STATE[state])
                self.assertEqual(traps[0]["order"], ["Name", "MtaStsState", "MtaStsMode",
                                                     "MtaStsReason", "DisplayName"])

    def test_a_policy_is_fetched_once_a_round(self):
        """dnsInterval=5: the fetches of one domain's policy come 5 s apart."""
        def fetches():
            return [r["t"] for r in web.requests() if r.get("host") == "mta-sts.redir.test"]
        times = stack.wait_for(lambda: len(fetches()) >= 3 and fetches(), 15, "three fetches")
        gaps = [b - a for a, b in zip(times, times[1:])]
        self.assertGreaterEqual(min(gaps), 4.0, gaps)
        self.assertLessEqual(max(gaps), 8.0, gaps)

    def test_an_mx_whose_certificate_is_for_another_name_fails_an_enforce_policy(self):
        d = initial["domains"]["badcert"]
        self.assertEqual(d["MtaStsState"], STS_STATE["certInvalid"], d["MtaStsReason"])
        self.assertEqual(d["MtaStsReason"], "MX mx1.badcert.test: the certificate is not valid "
                         "for it (hostname mismatch): senders that apply the policy will not "
                         "deliver to it")

    def test_testing_mode_is_a_warning_that_names_the_mx_not_covered(self):
        d = initial["domains"]["testing"]
        self.assertEqual((d["MtaStsState"], d["MtaStsMode"]),
                         (STS_STATE["mxNotCovered"], STS_MODE["testing"]), d["MtaStsReason"])
        self.assertEqual(d["MtaStsReason"], "MX mx2.testing.test matches none of the policy's "
                         "mx patterns (mx1.testing.test): senders in testing mode deliver and "
                         "report it")
        traps = [t for t in initial["traps"] if t.get("row") == "testing"]
        self.assertEqual(names(traps), ["smtpMonDomainMtaStsFailed"])
        self.assertEqual(traps[0]["objects"]["MtaStsMode"], STS_MODE["testing"])

    def test_zz_an_mx_added_in_dns_but_not_in_the_policy_is_one_notification(self):
        """Runs last in its class: it changes sts.test's zone (and back)."""
        self.assertEqual(names(tls_traps("sts")), [])
        set_zones(sts_changed=True)
        d = stack.wait_for(lambda: domains()["sts"]["MtaStsState"] == STS_STATE["mxNotCovered"]
                           and domains()["sts"], 20, "sts mxNotCovered")
        self.assertEqual(d["MtaStsReason"], "MX mx3.sts.test matches none of the policy's mx "
                         "patterns (mx1.sts.test, mx2.sts.test): senders that apply the policy "
                         "will not deliver to it")
        time.sleep(6)                                  # another round: nothing new
        traps = tls_traps("sts")
        self.assertEqual(names(traps), ["smtpMonDomainMtaStsFailed"])
        self.assertEqual(traps[0]["objects"], {
            "Name": "sts.test", "MtaStsState": STS_STATE["mxNotCovered"],
            "MtaStsMode": STS_MODE["enforce"], "MtaStsReason": d["MtaStsReason"],
            "DisplayName": "sts"})
        self.assertIn("MTA-STS is now mxNotCovered, was ok", stack.read_log())
        set_zones()
        stack.wait_for(lambda: domains()["sts"]["MtaStsState"] == STS_STATE["ok"], 20, "sts ok")
        self.assertEqual(names(stack.wait_for(lambda: len(tls_traps("sts")) == 2 and
                                              tls_traps("sts"), 5, "MtaStsOk")),
                         ["smtpMonDomainMtaStsFailed", "smtpMonDomainMtaStsOk"])


# --- DANE ------------------------------------------------------------------------------------

class Dane(unittest.TestCase):

    def test_tlsa_3_1_1_matching_the_mx_key_is_valid(self):
        r = row_of("mx1.dane.test", initial["rows"])
        self.assertEqual(r["DaneState"], DANE["valid"], r.get("DaneReason"))
        self.assertEqual(r["DaneRecord"], "3 1 1 %s..." % zone_certs["dane_a"][:32])
        self.assertRegex(r["DaneReason"], r"^3 1 1 [0-9a-f]{32}\.\.\. matches the certificate "
                         r"presented \(0 records for a next key; it expires in 29\d days\)$")

    def test_dane_ta_matching_the_issuing_ca_is_valid(self):
        r = row_of("mx1.ta.test", initial["rows"])
        self.assertEqual(r["DaneState"], DANE["valid"], r.get("DaneReason"))
        self.assertEqual(r["DaneRecord"], "2 0 1 %s..." % zone_certs["ca_tlsa"][:32])

    def test_a_record_matching_only_a_certificate_that_expires_soon_warns_ahead(self):
        r = row_of("mx1.exp.test", initial["rows"])
        self.assertEqual(r["DaneState"], DANE["expiring"], r.get("DaneReason"))
        self.assertRegex(r["DaneReason"], r"^3 1 1 [0-9a-f]{32}\.\.\. matches, but the "
                         r"certificate expires in [45] days and no record for a next key is "
                         r"published: publish it before the certificate is replaced$")
        traps = [t for t in initial["traps"] if t["objects"].get("MxHost") == "mx1.exp.test"]
        self.assertEqual(names(traps), ["smtpMonServerDaneFailed"])

    def test_the_same_records_unsigned_are_never_valid(self):
        r = row_of("mx1.plain.test", initial["rows"])
        self.assertEqual(r["DaneState"], DANE["unsigned"], r.get("DaneReason"))
        self.assertEqual(r["DaneRecord"], "")

    def test_a_record_with_a_bad_signature_is_bogus_never_valid(self):
        r = row_of("mx1.bogus.test", initial["rows"])
        self.assertEqual(r["DaneState"], DANE["bogus"], r.get("DaneReason"))
        self.assertIn("fail DNSSEC validation", r["DaneReason"])

    def test_no_tlsa_record_is_none(self):
        r = row_of("mx1.nodane.test", initial["rows"])
        self.assertEqual(r["DaneState"], DANE["none"], r.get("DaneReason"))

    def test_a_row_from_a_server_line_has_no_dane_state(self):
        self.assertEqual(COLUMNS.get("DaneState"), 53)

    def test_zz_the_mx_certificate_replaced_with_a_new_key_is_a_mismatch_and_one_notification(self):
        row = [n for n, r in rows().items() if r["DomainWatch"] == "dane"][0]
        self.assertEqual(names(tls_traps(row)), [])
        stack.group.stop(fake_procs["mx1.dane.test"], 2)
        start_fake("mx1.dane.test", *cert_files["dane_b"])
        r = stack.wait_for(lambda: rows()[row]["DaneState"] == DANE["mismatch"] and rows()[row],
                           20, "mismatch")
        self.assertTrue(r["DaneReason"].startswith("no TLSA record matches the certificate "
                                                   "presented"), r["DaneReason"])
        self.assertEqual(r["DaneRecord"], "")
        time.sleep(6)                                  # another round: nothing new
        traps = tls_traps(row)
        self.assertEqual(names(traps), ["smtpMonServerDaneFailed"])
        self.assertEqual(traps[0]["order"], ["Host", "Port", "MxHost", "DaneState", "DaneRecord",
                                             "DaneReason", "DisplayName"])
        self.assertEqual((traps[0]["objects"]["DaneState"], traps[0]["objects"]["MxHost"],
                          traps[0]["objects"]["DisplayName"]),
                         (DANE["mismatch"], "mx1.dane.test", row))
        self.assertRegex(stack.read_log(), r"smtpMonServerDaneFailed: DANE of server %s \(MX "
                         r"mx1.dane.test of dane.test\) is mismatch" % re.escape(row))


if __name__ == "__main__":
    unittest.main()


# --- reloads ---------------------------------------------------------------------------------

class Reload(unittest.TestCase):
    """Runs after Dane and MtaSts (alphabetical): the states they left stay."""

    def test_a_reload_keeps_the_states_and_sends_nothing_again(self):
        before_rows, before_domains = rows(), domains()
        before = len(tls_traps())
        stack.reload_smtpmond(conf)           # the plugin rebuilds the module at SIGHUP
        time.sleep(8)                         # a round of checks at dnsInterval=5, and more
        self.assertEqual(names(tls_traps()[before:]), [])
        after = domains()
        for w in ("sts", "testing", "redir", "badcert"):
            self.assertEqual(after[w]["MtaStsState"], before_domains[w]["MtaStsState"], w)
        now = rows()
        for name in ("mx1.exp.test", "mx1.bogus.test", "mx1.ta.test"):
            self.assertEqual(row_of(name, now)["DaneState"], row_of(name, before_rows)["DaneState"],
                             name)


# --- smtpmond --probe ------------------------------------------------------------------------

@only_for("subagent", "a command of its own: once is enough")
class OneShot(unittest.TestCase):
    """smtpmond --probe DOMAIN --domain and --probe MXHOST --dane: the same
    checks once, printed as a monitoring plugin prints."""

    def probe(self, *args):
        argv = [stack.smtpmond_path(), "--probe"] + list(args) + [
            "--resolver", "127.0.0.1:%d" % dns.port, "--ca-file", ca.cert,
            "--trust-anchor", dns.trust_anchor, "--timeout", "5", "--cert-warn-days", "10"]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout

    def test_a_domain_whose_policy_and_records_hold_is_ok(self):
        rc, out = self.probe("ta.test:%d" % port, "--domain")
        lines = out.splitlines()
        self.assertEqual(rc, 0, out)
        self.assertEqual(lines[0], "SMTP OK - ta.test: 10 mx1.ta.test; MTA-STS none; "
                         "DANE valid for 1 of 1")
        self.assertTrue(lines[2].startswith("MX 10 mx1.ta.test: DANE valid: 2 0 1 "), out)

    def test_an_enforced_policy_an_mx_fails_is_critical(self):
        rc, out = self.probe("badcert.test:%d" % port, "--domain")
        self.assertEqual(rc, 2, out)
        self.assertTrue(out.startswith("SMTP CRITICAL - badcert.test: 10 mx1.badcert.test; "
                                       "MTA-STS certInvalid; DANE valid for 0 of 1\n"), out)
        self.assertIn("MTA-STS: MX mx1.badcert.test: the certificate is not valid", out)

    def test_a_testing_policy_an_mx_fails_is_a_warning(self):
        rc, out = self.probe("testing.test:%d" % port, "--domain")
        self.assertEqual(rc, 1, out)
        self.assertIn("MTA-STS mxNotCovered", out.splitlines()[0])

    def test_dane_for_one_mx_host(self):
        for host, rc_want, state in (("mx1.bogus.test", 2, "bogus"),
                                     ("mx1.exp.test", 1, "expiring"),
                                     ("mx1.plain.test", 0, "unsigned")):
            with self.subTest(host=host):
                rc, out = self.probe("%s:%d" % (host, port), "--dane")
                self.assertEqual(rc, rc_want, out)
                self.assertIn("MTA-STS not checked", out.splitlines()[0])
                self.assertIn("MX 0 %s: DANE %s: " % (host, state), out)

    def test_a_domain_that_does_not_exist_is_critical(self):
        rc, out = self.probe("gone.sts.test", "--domain")
        self.assertEqual((rc, out), (2, "SMTP CRITICAL - gone.sts.test: no such domain "
                                        "(NXDOMAIN)\n"))

    def test_usage_is_unknown(self):
        rc, out = self.probe("--domain")
        self.assertEqual(rc, 3, out)
        self.assertIn("usage: smtpmond --probe DOMAIN[:PORT] --domain", out)
