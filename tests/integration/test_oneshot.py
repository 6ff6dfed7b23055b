# SPDX-License-Identifier: ISC
"""smtpmond --probe: one probe with the same engine, no SNMP, printed in the
monitoring-plugins format (status line, perfdata, exit status)."""

import os
import re
import subprocess
import sys
import unittest

from harness import StackCase, TOP, only_for

sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))
import certs  # noqa: E402

# The monitoring-plugins development guidelines: 'label'=value[UOM];[warn];[crit];[min];[max]
PERFDATA = re.compile(r"^'?([^'=]+)'?=(-?[0-9.]+)(s|us|ms|%|B|KB|MB|TB|c)?"
                      r"(;(-?[0-9.]*)){0,4}$")


def perfdata(line):
    """{label: (value, uom, [warn, crit, min, max])} of a plugin output line."""
    text, sep, perf = line.partition("|")
    if not sep:
        return {}
    out = {}
    for item in perf.split():
        m = PERFDATA.match(item)
        if not m:
            raise AssertionError("perfdata item %r does not parse" % item)
        fields = item.split("=", 1)[1].split(";")[1:]
        out[m.group(1)] = (float(m.group(2)), m.group(3), fields)
    return out


@only_for("subagent", "smtpmond --probe")
class OneShot(StackCase):
    @classmethod
    def prepare(cls, stack):
        ca = certs.CA(os.path.join(stack.dir, "ca"))
        cls.ca = ca.cert
        cert = ca.issue("mta", "mta.smtpmon.test")
        cls.mta = stack.start_exim(tls=cert)
        cls.ports = stack.start_fake({"reject": ("greet554", "127.0.0.1"),
                                      "implicit": ("implicit", "127.0.0.1")}, tls=cert)

    def probe(self, *args):
        r = subprocess.run([self.stack.smtpmond_path(), "--probe"] + [str(a) for a in args],
                           capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout.splitlines()

    def test_real_mta_is_ok_with_parsable_perfdata(self):
        rc, lines = self.probe("127.0.0.1:%d" % self.mta.port)
        self.assertEqual(rc, 0, lines)
        self.assertRegex(lines[0], r"^SMTP OK - \d+\.\d ms, 220 mta\.smtpmon\.test ESMTP Exim ")
        perf = perfdata(lines[0])
        self.assertEqual(sorted(perf), ["banner", "connect", "helo", "time"])
        self.assertEqual(perf["time"][1], "s")
        self.assertGreater(perf["time"][0], 0)
        self.assertGreaterEqual(perf["time"][0], perf["connect"][0] + perf["banner"][0]
                                + perf["helo"][0] - 1e-6)
        self.assertEqual(len(lines), 1)

    def test_554_greeter_is_critical_and_shows_the_reply(self):
        rc, lines = self.probe("127.0.0.1:%d" % self.ports["reject"])
        self.assertEqual(rc, 2)
        self.assertRegex(lines[0], r"^SMTP CRITICAL - bannerRejected \(5\.7\.1\): greeting: .*"
                                   r"server said: 554 5\.7\.1 Service unavailable; client "
                                   r"\[127\.0\.0\.1\] blocked using bl\.fake\.test \| time=")
        perfdata(lines[0])

    def test_warning_and_critical_thresholds(self):
        rc, lines = self.probe("127.0.0.1:%d" % self.mta.port, "--warning", 0)
        self.assertEqual(rc, 1, lines)
        self.assertRegex(lines[0], r"^SMTP WARNING - \d+\.\d ms \(warning above 0 ms\)")
        self.assertEqual(perfdata(lines[0])["time"][2][:2], ["0.000000", ""])
        rc, lines = self.probe("127.0.0.1:%d" % self.mta.port, "--warning", 0, "--critical", 0)
        self.assertEqual(rc, 2, lines)
        rc, lines = self.probe("127.0.0.1:%d" % self.mta.port, "--warning", 60000)
        self.assertEqual(rc, 0, lines)

    def test_bad_arguments_exit_3_with_usage(self):
        for args in (["127.0.0.1:25", "--timeout", "0"], ["127.0.0.1:70000"],
                     ["127.0.0.1:25", "--frobnicate"], ["127.0.0.1:25", "extra"],
                     ["127.0.0.1:25", "--warning", "soon"]):
            rc, lines = self.probe(*args)
            self.assertEqual(rc, 3, args)
            self.assertTrue(any(l.startswith("usage: smtpmond --probe") for l in lines), lines)

    def test_starttls_with_verification_and_stages(self):
        rc, lines = self.probe("127.0.0.1:%d" % self.mta.port, "--starttls", "--verify",
                               "--sni", "mta.smtpmon.test", "--ca-file", self.ca, "-v")
        self.assertEqual(rc, 0, lines)
        self.assertIn("tls", perfdata(lines[0]))
        stages = "\n".join(lines[1:])
        for want in (r"address +127\.0\.0\.1 port %d" % self.mta.port,
                     r"connect +\d+\.\d{3} ms", r"greeting +\d+\.\d{3} ms +220 mta",
                     r"tls +\d+\.\d{3} ms +TLSv1\.3, O=smtpmon test,CN=mta\.smtpmon\.test",
                     r"ehlo/helo +\d+\.\d{3} ms +250 HELP", r"result +ok after"):
            self.assertRegex(stages, want)

    def test_trust_anchors_from_a_hashed_directory(self):
        cadir = os.path.join(self.stack.dir, "cadir")
        os.makedirs(cadir, exist_ok=True)
        subprocess.run(["cp", self.ca, cadir], check=True)
        subprocess.run(["openssl", "rehash", cadir], check=True, capture_output=True)
        common = ["127.0.0.1:%d" % self.mta.port, "--starttls", "--verify",
                  "--sni", "mta.smtpmon.test"]
        rc, lines = self.probe(*common, "--ca-path", cadir)
        self.assertEqual(rc, 0, lines)
        rc, lines = self.probe(*common, "--ca-path", os.path.join(self.stack.dir, "ca", "none"))
        self.assertEqual(rc, 2, lines)
        self.assertIn("certInvalid", lines[0])

    def test_trust_anchors_are_read_only_to_verify(self):
        """A CA file that cannot be read fails only the probe that verifies."""
        unreadable = os.path.join(self.stack.dir, "no-such-dir", "ca.pem")
        rc, lines = self.probe("127.0.0.1:%d" % self.mta.port, "--ca-file", unreadable)
        self.assertEqual(rc, 0, lines)
        self.assertRegex(lines[0], r"^SMTP OK - ")
        rc, lines = self.probe("127.0.0.1:%d" % self.mta.port, "--starttls",
                               "--ca-file", unreadable)
        self.assertEqual(rc, 0, lines)
        self.assertIn("tls", perfdata(lines[0]))
        rc, lines = self.probe("127.0.0.1:%d" % self.mta.port, "--starttls", "--verify",
                               "--sni", "mta.smtpmon.test", "--ca-file", unreadable)
        self.assertEqual(rc, 3, lines)
        self.assertEqual(lines[0], "SMTP UNKNOWN - cannot load trust anchors from %s"
                         % unreadable)

    def test_the_one_shot_needs_no_daemon_module(self):
        """smtpmond --probe is the program alone: net-snmp and the daemon are in
        smtpmond-agent.so, which it loads only to run as a daemon."""
        alone = os.path.join(self.stack.dir, "alone")
        os.makedirs(alone, exist_ok=True)
        exe = os.path.join(alone, "smtpmond")
        subprocess.run(["cp", self.stack.smtpmond_path(), exe], check=True)
        r = subprocess.run([exe, "--probe", "127.0.0.1:%d" % self.mta.port],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"^SMTP OK - ")
        r = subprocess.run([exe, "-V"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("smtpmond: cannot load the daemon: ", r.stderr)
        r = subprocess.run([self.stack.smtpmond_path(), "-V"], capture_output=True, text=True,
                           timeout=30)
        self.assertRegex(r.stdout, r"^smtpmond \(smtpmon\) \S+, net-snmp 5\.")

    def test_implicit_tls(self):
        rc, lines = self.probe("127.0.0.1:%d" % self.ports["implicit"], "--tls")
        self.assertEqual(rc, 0, lines)
        self.assertIn("220 implicit.fake.test", lines[0])


if __name__ == "__main__":
    unittest.main()
