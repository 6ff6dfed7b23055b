# SPDX-License-Identifier: ISC
"""The fixtures the MTA-STS and DANE checks are tested with, checked on
their own: tests/fixtures/signedzone.py (nsd serving zones signed at test
time) validated by our DNS client through tests/tools/dnsq with the
zones' trust anchor: a signed zone's answers are secure, an unsigned zone's
are not, a record altered after signing is bogus, and set_zones() changes
what is served; tests/fixtures/policyweb.py (the HTTPS policy server)
serves a policy over TLS verified against the test CA, redirects, answers
late, and logs what it was asked."""

import http.client
import os
import socket
import ssl
import subprocess
import time
import unittest

from harness import SANITIZER_REPORT, new_stack, only_for

PLAIN = os.environ.get("SMTPMON_VARIANT", "plain") == "plain"

import certs  # noqa: E402 (tests/fixtures, on the path through harness)
import policyweb  # noqa: E402
import signedzone  # noqa: E402

# An address no other test uses (the MTA-STS and DANE tests have the rest
# of 127.0.25.0/24): runners side by side may run them at the same time.
WEB_ADDR = "127.0.25.250"
POLICY = "version: STSv1\nmode: enforce\nmx: mx1.dane.test\nmax_age: 86400\n"

stack = None
ca = None
mx_cert = None


def zones(mx_tlsa, plain_a="127.0.25.2", txt_id="20261207"):
    return {"dane.test": {"signed": True, "records": [
                "@ 1 IN MX 10 mx1", "mx1 1 IN A 127.0.25.1",
                "_25._tcp.mx1 1 IN TLSA 3 1 1 " + mx_tlsa,
                '_mta-sts 1 IN TXT "v=STSv1; id=%s"' % txt_id,
                "mta-sts 1 IN A " + WEB_ADDR]},
            "plain.test": {"signed": False, "records": [
                "@ 1 IN MX 10 mx1", "mx1 1 IN A " + plain_a,
                "_25._tcp.mx1 1 IN TLSA 3 1 1 " + mx_tlsa]}}


def setUpModule():
    global stack, ca, mx_cert
    stack = new_stack()
    try:
        ca = certs.CA(os.path.join(stack.dir, "ca"))
        mx_cert, _ = ca.issue("mx1", "mx1.dane.test")
    except BaseException:
        stack.close()
        raise


def tearDownModule():
    stack.close()


def dnsq(port, anchor, *questions):
    """dnsq's answers as {"outcome", "flags", "records", "text"} per question."""
    argv = [os.path.join(stack.build, "tests", "tools", "dnsq"), "-r", "127.0.0.1:%d" % port]
    if anchor:
        argv += ["-a", anchor]
    argv += list(questions)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    if p.returncode != 0 or SANITIZER_REPORT.search(p.stderr):
        raise AssertionError("%s: exit %d\n%s\n%s" % (" ".join(argv), p.returncode,
                                                      p.stdout, p.stderr))
    answers = []
    for line in p.stdout.splitlines():
        if line.startswith("= "):
            answers.append({"outcome": line.split(" ", 3)[3], "records": []})
        elif answers and line.split(" ", 1)[0] in ("flags", "text"):
            answers[-1][line.split(" ", 1)[0]] = line.split(" ", 1)[1]
        elif answers and line.split(" ", 1)[0] in ("tlsa", "a", "mx", "txt"):
            answers[-1]["records"].append(line)
    return answers


@only_for("subagent", "the fixtures are the same under either front end")
@unittest.skipUnless(PLAIN, "checks the fixtures, not the C code: the plain build only")
class SignedZone(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tlsa = signedzone.tlsa_3_1_1(mx_cert)
        cls.zone = signedzone.start(os.path.join(stack.dir, "nsd"), zones(cls.tlsa),
                                    stack.group)

    def tearDown(self):
        self.zone.set_zones(zones(self.tlsa))     # undoes set_zones() and tamper()

    def ask(self, *questions):
        return dnsq(self.zone.port, self.zone.trust_anchor, *questions)

    def test_tlsa_data_is_the_certificates_public_key_digest(self):
        out = subprocess.run("openssl x509 -in %s -pubkey -noout | openssl pkey -pubin "
                             "-outform DER | openssl dgst -sha256 -r" % mx_cert, shell=True,
                             capture_output=True, text=True, check=True).stdout
        self.assertEqual(self.tlsa, out.split()[0])
        self.assertEqual(len(signedzone.tlsa_2_0_1(ca.cert)), 64)
        self.assertNotEqual(signedzone.tlsa_2_0_1(ca.cert), signedzone.tlsa_2_1_1(ca.cert))

    def test_a_signed_zone_is_secure(self):
        tlsa, mx, txt, a = self.ask("TLSA", "_25._tcp.mx1.dane.test", "MX", "dane.test",
                                    "TXT", "_mta-sts.dane.test", "A", "mta-sts.dane.test")
        self.assertEqual((tlsa["outcome"], tlsa["flags"]), ("answer", "secure"), tlsa)
        self.assertEqual(tlsa["records"], ["tlsa 3 1 1 32 " + self.tlsa])
        self.assertEqual((mx["flags"], mx["records"]), ("secure", ["mx 10 mx1.dane.test"]))
        self.assertEqual((txt["flags"], txt["records"]),
                         ("secure", ["txt v=STSv1; id=20261207"]))
        self.assertEqual((a["flags"], a["records"]), ("secure", ["a " + WEB_ADDR]))

    def test_nodata_and_nxdomain_in_a_signed_zone_are_secure(self):
        no_tlsa, nx = self.ask("TLSA", "_25._tcp.mta-sts.dane.test", "A", "gone.dane.test")
        self.assertEqual((no_tlsa["outcome"], no_tlsa["flags"]), ("nxdomain", "secure"), no_tlsa)
        self.assertEqual((nx["outcome"], nx["flags"]), ("nxdomain", "secure"), nx)
        empty, = self.ask("AAAA", "mx1.dane.test")
        self.assertEqual((empty["outcome"], empty["flags"]), ("nodata", "secure"), empty)

    def test_an_unsigned_zone_is_not_secure(self):
        tlsa, a = self.ask("TLSA", "_25._tcp.mx1.plain.test", "A", "mx1.plain.test")
        self.assertEqual((tlsa["outcome"], tlsa["flags"]), ("answer", "-"), tlsa)
        self.assertEqual(tlsa["records"], ["tlsa 3 1 1 32 " + self.tlsa])
        self.assertEqual((a["flags"], a["records"]), ("-", ["a 127.0.25.2"]))

    def test_without_the_trust_anchor_nothing_is_secure(self):
        tlsa, = dnsq(self.zone.port, None, "TLSA", "_25._tcp.mx1.dane.test")
        self.assertEqual((tlsa["outcome"], tlsa["flags"]), ("answer", "-"), tlsa)

    def test_a_record_altered_after_signing_is_bogus(self):
        self.zone.tamper("dane.test", "3 1 1 " + self.tlsa[:8], "3 1 1 00000000")
        served = signedzone.query(self.zone.port, "_25._tcp.mx1.dane.test", "TLSA")
        self.assertEqual(served, (0, ["3 1 1 00000000" + self.tlsa[8:]]))
        tlsa, mx = self.ask("TLSA", "_25._tcp.mx1.dane.test", "MX", "dane.test")
        self.assertEqual(tlsa["flags"], "bogus", tlsa)
        self.assertIn("validation failure", tlsa["text"])
        self.assertEqual(mx["flags"], "secure", mx)   # the other RRsets stay secure

    def test_set_zones_changes_the_answers_and_keeps_the_keys(self):
        anchor = open(self.zone.trust_anchor).read()
        port = self.zone.port
        other = "ab" * 32
        self.zone.set_zones(zones(other, plain_a="127.0.25.3", txt_id="20261208"))
        self.assertEqual((self.zone.port, open(self.zone.trust_anchor).read()), (port, anchor))
        tlsa, txt, a = self.ask("TLSA", "_25._tcp.mx1.dane.test", "TXT", "_mta-sts.dane.test",
                                "A", "mx1.plain.test")
        self.assertEqual((tlsa["flags"], tlsa["records"]), ("secure", ["tlsa 3 1 1 32 " + other]))
        self.assertEqual(txt["records"], ["txt v=STSv1; id=20261208"])
        self.assertEqual(a["records"], ["a 127.0.25.3"])

    def test_a_zone_added_and_one_turned_unsigned(self):
        """A new zone name restarts nsd on the same port; a signed zone
        served unsigned while its trust anchor stands is bogus."""
        old_anchor = self.zone.trust_anchor + ".old"
        with open(self.zone.trust_anchor) as f, open(old_anchor, "w") as g:
            g.write(f.read())
        z = zones(self.tlsa)
        z["dane.test"]["signed"] = False
        z["new.test"] = {"signed": True, "records": ["@ 1 IN MX 10 mx.dane.test."]}
        self.zone.set_zones(z)
        self.assertIn("new.test.", open(self.zone.trust_anchor).read())
        self.assertNotIn("dane.test.", open(self.zone.trust_anchor).read())
        mx, = self.ask("MX", "new.test")
        self.assertEqual((mx["flags"], mx["records"]), ("secure", ["mx 10 mx.dane.test"]))
        tlsa, = dnsq(self.zone.port, old_anchor, "TLSA", "_25._tcp.mx1.dane.test")
        self.assertEqual(tlsa["flags"], "bogus", tlsa)


@only_for("subagent", "the fixtures are the same under either front end")
@unittest.skipUnless(PLAIN, "checks the fixtures, not the C code: the plain build only")
class PolicyWeb(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cert, cls.key = ca.issue("mta-sts", "mta-sts.dane.test")
        cls.web = policyweb.start(os.path.join(stack.dir, "web"), stack.group, addr=WEB_ADDR,
                                  cert=cls.cert, key=cls.key, routes={})

    def setUp(self):
        self.web.set({"/.well-known/mta-sts.txt": {"body": POLICY}})

    def get(self, path="/.well-known/mta-sts.txt", host="mta-sts.dane.test", timeout=5):
        """(status, headers, body) over TLS verified against the test CA for HOST."""
        ctx = ssl.create_default_context(cafile=ca.cert)
        raw = socket.create_connection((WEB_ADDR, 443), timeout=timeout)
        conn = http.client.HTTPSConnection(host, 443, timeout=timeout, context=ctx)
        conn.sock = ctx.wrap_socket(raw, server_hostname=host)
        try:
            conn.request("GET", path, headers={"Host": host})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()

    def test_a_policy_over_verified_tls(self):
        status, headers, body = self.get()
        self.assertEqual((status, headers["Content-Type"], body.decode()),
                         (200, "text/plain", POLICY))
        last = self.web.requests()[-1]
        self.assertEqual((last["method"], last["path"], last["host"], last["sni"]),
                         ("GET", "/.well-known/mta-sts.txt", "mta-sts.dane.test",
                          "mta-sts.dane.test"))

    def test_a_certificate_for_another_name_fails_verification(self):
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.get(host="mta-sts.other.test")

    def test_a_redirect_a_404_a_wrong_type_and_routes_by_host(self):
        self.web.set({"/.well-known/mta-sts.txt": {"status": 301,
                                                    "location": "https://elsewhere.test/p"},
                      "mta-sts.dane.test/html": {"body": "<p>", "ctype": "text/html"}})
        status, headers, _ = self.get()
        self.assertEqual((status, headers["Location"]), (301, "https://elsewhere.test/p"))
        self.assertEqual(self.get("/html")[:2][0], 200)
        self.assertEqual(self.get("/html")[1]["Content-Type"], "text/html")
        self.assertEqual(self.get("/nothing")[0], 404)

    def test_an_oversized_body(self):
        self.web.set({"/.well-known/mta-sts.txt": {"size": 100 * 1024}})
        status, headers, body = self.get()
        self.assertEqual((status, headers["Content-Length"], len(body)),
                         (200, str(100 * 1024), 100 * 1024))
        self.web.set({"/.well-known/mta-sts.txt": {"size": 100 * 1024, "chunked": True}})
        status, headers, body = self.get()
        self.assertNotIn("Content-Length", headers)
        self.assertEqual(len(body), 100 * 1024)

    def test_a_slow_answer_and_a_slow_body(self):
        self.web.set({"/.well-known/mta-sts.txt": {"body": POLICY, "delay": 1.5}})
        t0 = time.monotonic()
        self.assertEqual(self.get()[2].decode(), POLICY)
        self.assertGreaterEqual(time.monotonic() - t0, 1.5)
        with self.assertRaises(socket.timeout):
            self.get(timeout=0.5)
        self.web.set({"/.well-known/mta-sts.txt": {"size": 256, "drip": 0.3,
                                                    "drip_size": 64}})
        t0 = time.monotonic()
        self.assertEqual(len(self.get()[2]), 256)
        self.assertGreaterEqual(time.monotonic() - t0, 0.9)

    def test_a_connection_closed_without_an_answer(self):
        self.web.set({"/.well-known/mta-sts.txt": {"close": True}})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.get()

    def test_a_failed_handshake_is_logged(self):
        with socket.create_connection((WEB_ADDR, 443), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            try:
                s.recv(100)     # an alert, or a reset
            except ConnectionResetError:
                pass
        deadline = time.monotonic() + 5
        while not [r for r in self.web.requests() if r["event"] == "tls-error"]:
            self.assertLess(time.monotonic(), deadline, self.web.requests())
            time.sleep(0.05)


if __name__ == "__main__":
    unittest.main()
