# SPDX-License-Identifier: ISC
"""TLS: STARTTLS against a real Exim and the fake server, implicit TLS,
certificate facts, verification against a test CA, expiry warnings and the
ways TLS fails. Certificates are made at test time (tests/fixtures/certs.py)."""

import os
import sys
import unittest

from harness import RESULT, STATUS, TOP, new_stack

sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))
import certs  # noqa: E402

stack = None


def setUpModule():
    global stack
    stack = new_stack()
    try:
        ca = stack.ca = certs.CA(os.path.join(stack.dir, "ca"))
        good = ca.issue("mta", "mta.smtpmon.test", days=30)
        soon = ca.issue("soon", "soon.smtpmon.test", days=5)
        old = ca.issue("old", "old.smtpmon.test", start=-40, days=-10)
        stack.start_trapd()
        stack.start_snmpd()
        mta = stack.start_exim(tls=good)
        stack.start_fake({"implicit": ("implicit", "127.0.0.1"),
                          "plain": ("ok", "127.0.0.1"),
                          "refuses": ("starttls_454", "127.0.0.1"),
                          "garbled": ("starttls_garbage", "127.0.0.1"),
                          "garbled465": ("implicit_garbage", "127.0.0.1"),
                          "stalls": ("starttls_stall", "127.0.0.1"),
                          "injected": ("starttls_injected", "127.0.0.1")}, tls=good)
        stack.start_fake({"soon": ("starttls", "127.0.0.1")}, tls=soon)
        stack.start_fake({"old": ("starttls", "127.0.0.1")}, tls=old)
        p = stack.fake_ports
        stack.start_smtpmond([
            "smtpMonCaFile %s" % ca.cert,
            "smtpMonDefaults interval=2 timeout=2",
            "smtpMonServer exim 127.0.0.1:%d tls=starttls sni=mta.smtpmon.test verifyCert=yes"
            % mta.port,
            "smtpMonServer wrongname 127.0.0.1:%d tls=starttls sni=other.smtpmon.test "
            "verifyCert=yes" % mta.port,
            "smtpMonServer implicit 127.0.0.1:%d tls=implicit sni=mta.smtpmon.test "
            "verifyCert=yes" % p["implicit"],
            "smtpMonServer plain 127.0.0.1:%d tls=starttls" % p["plain"],
            "smtpMonServer refuses 127.0.0.1:%d tls=starttls" % p["refuses"],
            "smtpMonServer garbled 127.0.0.1:%d tls=starttls" % p["garbled"],
            "smtpMonServer garbled465 127.0.0.1:%d tls=implicit" % p["garbled465"],
            "smtpMonServer stalls 127.0.0.1:%d tls=starttls" % p["stalls"],
            "smtpMonServer injected 127.0.0.1:%d tls=starttls" % p["injected"],
            "smtpMonServer soon 127.0.0.1:%d tls=starttls certWarnDays=14" % p["soon"],
            "smtpMonServer oldverified 127.0.0.1:%d tls=starttls verifyCert=yes "
            "sni=old.smtpmon.test" % p["old"],
            "smtpMonServer oldunverified 127.0.0.1:%d tls=starttls" % p["old"],
            "smtpMonServer cleartext 127.0.0.1:%d" % p["plain"],
        ])
        stack.wait_for(lambda: all(r.get("Probes", 0) >= 3 for r in stack.table().values()),
                       30, "three probes of every server")
    except BaseException:
        stack.close()
        raise


def tearDownModule():
    stack.close()


class Tls(unittest.TestCase):
    def row(self, name):
        return stack.row(name)

    def assertResult(self, name, result, status=None):
        row = self.row(name)
        self.assertEqual(row["LastResult"], RESULT[result], row)
        if status:
            self.assertEqual(row["Status"], STATUS[status], row)
        return row

    def test_starttls_with_a_real_mta_and_a_verified_certificate(self):
        row = self.assertResult("exim", "ok", "up")
        self.assertEqual(row["TlsVersion"], "TLSv1.3")
        self.assertIn(row["CertDaysLeft"], (29, 30))
        self.assertEqual(row["CertSubject"], "O=smtpmon test,CN=mta.smtpmon.test")
        self.assertEqual(row["CertIssuer"], "CN=smtpmon test CA,O=smtpmon test")
        self.assertEqual(len(row["CertNotAfter"]), 11)
        self.assertGreater(row["TlsTime"], 0)
        self.assertLessEqual(row["ConnectTime"] + row["BannerTime"] + row["HeloTime"]
                             + row["TlsTime"], row["Latency"])
        self.assertEqual(row["LastReplyCode"], 250)

    def test_ehlo_keywords_come_from_the_ehlo_after_tls(self):
        row = self.row("exim")
        self.assertNotIn("STARTTLS", row["EhloKeywords"].split())
        self.assertIn("SIZE", row["EhloKeywords"].split())

    def test_implicit_tls(self):
        row = self.assertResult("implicit", "ok", "up")
        self.assertEqual(row["TlsVersion"], "TLSv1.3")
        self.assertEqual(row["LastBanner"], "220 implicit.fake.test ESMTP smtpmon-fake")
        self.assertGreater(row["TlsTime"], 0)

    def test_sni_is_sent_when_there_is_a_name(self):
        self.assertEqual({e["data"] for e in stack.fake_events("implicit", "sni")},
                         {"mta.smtpmon.test"})
        # An address literal with no sni= sends none (RFC 6066 allows only names).
        self.assertEqual({e["data"] for e in stack.fake_events("soon", "sni")}, {""})

    def test_wrong_host_name_is_cert_invalid(self):
        row = self.assertResult("wrongname", "certInvalid")
        self.assertIn("hostname mismatch", row["LastError"])
        self.assertEqual(row["CertSubject"], "O=smtpmon test,CN=mta.smtpmon.test")

    def test_expired_certificate_with_verification_is_cert_invalid(self):
        row = self.assertResult("oldverified", "certInvalid", "down")
        self.assertIn("certificate has expired", row["LastError"])
        self.assertLess(row["CertDaysLeft"], 0)

    def test_expired_certificate_without_verification_is_degraded_not_down(self):
        row = self.assertResult("oldunverified", "ok", "degraded")
        self.assertIn(row["CertDaysLeft"], (-10, -11))

    def test_expiring_certificate_is_degraded_with_one_notification(self):
        row = self.assertResult("soon", "ok", "degraded")
        self.assertIn(row["CertDaysLeft"], (4, 5))
        self.assertRegex(row["StatusReason"], r"^certificate expires in [45] days$")
        stack.wait_probes("soon", row["Probes"] + 2, 10)
        traps = stack.traps("soon")
        self.assertEqual([t["name"] for t in traps], ["smtpMonCertExpiring"])
        self.assertEqual(traps[0]["order"], ["Host", "Port", "CertNotAfter", "CertDaysLeft",
                                             "DisplayName"])
        self.assertEqual(traps[0]["objects"]["DisplayName"], "soon")
        self.assertIn(traps[0]["objects"]["CertDaysLeft"], (4, 5))
        self.assertRegex(stack.read_log(), r"smtpMonCertExpiring: server soon \(127\.0\.0\.1:\d+\): "
                         r"certificate O=smtpmon test,CN=soon.smtpmon.test expires in [45] days")

    def test_expired_unverified_certificate_is_announced_as_expiring(self):
        self.assertEqual([t["name"] for t in stack.traps("oldunverified")],
                         ["smtpMonCertExpiring"])

    def test_starttls_not_offered_is_tls_unavailable(self):
        row = self.assertResult("plain", "tlsUnavailable")
        self.assertIn("does not offer STARTTLS", row["LastError"])
        verbs = [e["data"].split()[0] for e in stack.fake_events("plain", "recv")
                 if e["data"].split()]
        self.assertNotIn("STARTTLS", verbs)
        self.assertIn("QUIT", verbs)

    def test_starttls_refused_with_454_is_tls_unavailable(self):
        row = self.assertResult("refuses", "tlsUnavailable")
        self.assertEqual(row["LastReplyCode"], 454)
        self.assertIn("454 4.7.0", row["LastError"])

    def test_garbage_instead_of_server_hello_is_tls_failure_at_once(self):
        for name in ("garbled", "garbled465"):
            row = self.assertResult(name, "tlsFailure")
            self.assertIn("TLS handshake", row["LastError"])
            self.assertRegex(row["LastError"], "wrong version number|before the TLS handshake")
        for close in stack.fake_events("garbled", "close"):
            accept = [a for a in stack.fake_events("garbled", "accept")
                      if a["conn"] == close["conn"]][0]
            self.assertLess(close["t"] - accept["t"], 1.0)

    def test_plaintext_after_the_starttls_220_is_refused_not_fed_to_tls(self):
        row = self.assertResult("injected", "tlsFailure")
        self.assertIn("before the TLS handshake began", row["LastError"])
        self.assertEqual(stack.fake_events("injected", "sni"), [])

    def test_stalled_handshake_is_tls_failure_within_the_deadline(self):
        self.assertResult("stalls", "tlsFailure")
        for close in stack.fake_events("stalls", "close"):
            accept = [a for a in stack.fake_events("stalls", "accept")
                      if a["conn"] == close["conn"]][0]
            self.assertLess(close["t"] - accept["t"], 2.5)
            self.assertGreater(close["t"] - accept["t"], 1.9)

    def test_plain_rows_show_no_tls(self):
        row = self.assertResult("cleartext", "ok", "up")
        self.assertEqual(row["TlsMode"], 1)
        self.assertEqual(row["TlsVersion"], "")
        self.assertEqual(row["TlsTime"], 0)
        self.assertEqual(row["CertNotAfter"], bytes(8))
        self.assertEqual(row["CertDaysLeft"], 2147483647)   # never "fewer than N days"
        self.assertEqual(row["CertSubject"], "")
        self.assertEqual(self.row("implicit")["TlsMode"], 3)
        self.assertEqual(self.row("exim")["VerifyCert"], 1)


if __name__ == "__main__":
    unittest.main()
