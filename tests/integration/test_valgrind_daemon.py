# SPDX-License-Identifier: ISC
"""A short smtpmond run under valgrind: probes of healthy, rejecting, refused
and silent servers, STARTTLS and implicit TLS (good and failing handshakes),
served over AgentX, then SIGTERM. No errors, no leaks.
(Plain build only: sanitizer builds cannot run under valgrind.)"""

import os
import re
import shutil
import subprocess
import sys
import time
import unittest

from harness import GLOBAL, RESULT, TABLE, TOP, closed_port, name_index, new_stack, only_for

sys.path.insert(0, os.path.join(TOP, "tests", "fixtures"))
import certs  # noqa: E402

VARIANT = os.environ.get("SMTPMON_VARIANT", "plain")


@unittest.skipUnless(VARIANT == "plain" and shutil.which("valgrind"),
                     "valgrind runs on the plain build only")
@only_for("subagent", "smtpmond under valgrind; test_plugin_lifecycle runs snmpd with the plugin under it")
class ValgrindDaemon(unittest.TestCase):
    def test_short_run_has_no_errors_and_no_leaks(self):
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_snmpd()
        ca = certs.CA(os.path.join(stack.dir, "ca"))
        ports = stack.start_fake({"ok": ("ok", "127.0.0.1"), "busy": ("greet421", "127.0.0.1"),
                                  "silent": ("silent", "127.0.0.1"), "v6": ("ok", "[::1]"),
                                  "starttls": ("starttls", "127.0.0.1"),
                                  "implicit": ("implicit", "127.0.0.1"),
                                  "garbled": ("starttls_garbage", "127.0.0.1")},
                                 tls=ca.issue("mx", "mx.smtpmon.test"))
        vglog = os.path.join(stack.dir, "valgrind.log")
        conf = [
            "smtpMonLimits setMinInterval=1",     # the row created by SET below too
            "smtpMonDefaults interval=1 timeout=1",
            "smtpMonServer ok 127.0.0.1:%d" % ports["ok"],
            "smtpMonServer busy 127.0.0.1:%d" % ports["busy"],
            "smtpMonServer silent 127.0.0.1:%d" % ports["silent"],
            "smtpMonServer v6 [::1]:%d" % ports["v6"],
            "smtpMonServer refused 127.0.0.1:%d" % closed_port(),
            "smtpMonCaFile %s" % ca.cert,
            "smtpMonServer starttls 127.0.0.1:%d tls=starttls verifyCert=yes "
            "sni=mx.smtpmon.test" % ports["starttls"],
            "smtpMonServer implicit 127.0.0.1:%d tls=implicit" % ports["implicit"],
            "smtpMonServer garbled 127.0.0.1:%d tls=starttls" % ports["garbled"],
            "smtpMonServer wrongname 127.0.0.1:%d tls=starttls verifyCert=yes"
            % ports["starttls"],
        ]
        stack.start_smtpmond(conf, wrapper=["valgrind", "--log-file=" + vglog, "--leak-check=full",
                    "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99"])
        stack.wait_for(lambda: all(r.get("Probes", 0) >= 3 for r in stack.table().values()),
                       40, "three probes of every server under valgrind")
        self.assertEqual(stack.row("ok")["LastResult"], RESULT["ok"])
        self.assertEqual(stack.row("silent")["LastResult"], RESULT["bannerTimeout"])
        self.assertEqual(stack.row("starttls")["LastResult"], RESULT["ok"])
        self.assertEqual(stack.row("implicit")["LastResult"], RESULT["ok"])
        self.assertEqual(stack.row("garbled")["LastResult"], RESULT["tlsFailure"])
        self.assertEqual(stack.row("wrongname")["LastResult"], RESULT["certInvalid"])
        # A reload that removes, changes and adds rows while probes run.
        stack.reload_smtpmond([l for l in conf if "refused" not in l and "busy" not in l] +
                              ["smtpMonServer busy 127.0.0.1:%d" % ports["ok"],
                               "smtpMonServer extra [::1]:%d" % ports["v6"]])
        stack.wait_probes("extra", 2, 20)
        # Rows created, changed and destroyed by SET; a scalar set.
        idx = "%s.%%d.%s" % (TABLE, name_index("byset"))
        for args in ([idx % 13, "i", 4, idx % 2, "s", "127.0.0.1", idx % 3, "u", ports["ok"],
                      idx % 5, "u", 1],
                     [idx % 3, "u", ports["v6"], idx % 2, "s", "[::1]"],
                     [GLOBAL + ".8.0", "u", 2],
                     [idx % 13, "i", 6]):
            r = stack.snmp("snmpset", *args, community="private", check=False)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            time.sleep(1.5)
        rc = stack.stop_smtpmond(timeout=60)
        with open(vglog) as f:
            report = f.read()
        self.assertEqual(rc, 0, report[-6000:])
        self.assertRegex(report, r"ERROR SUMMARY: 0 errors")
        self.assertIsNone(re.search(r"definitely lost: [1-9]", report), report[-6000:])
        self.assertIsNone(re.search(r"indirectly lost: [1-9]", report), report[-6000:])


if __name__ == "__main__":
    unittest.main()


@unittest.skipUnless(VARIANT == "plain" and shutil.which("valgrind"),
                     "valgrind runs on the plain build only")
@only_for("subagent", "smtpmond --probe")
class ValgrindOneShot(unittest.TestCase):
    def test_probe_mode_has_no_errors_and_no_leaks(self):
        stack = new_stack()
        self.addCleanup(stack.close)
        ca = certs.CA(os.path.join(stack.dir, "ca"))
        ports = stack.start_fake({"tls": ("starttls", "127.0.0.1"),
                                  "busy": ("greet421", "127.0.0.1")},
                                 tls=ca.issue("mx", "mx.smtpmon.test"))
        for args, code in ((["127.0.0.1:%d" % ports["tls"], "--starttls", "-v"], 0),
                           (["127.0.0.1:%d" % ports["busy"]], 2)):
            r = subprocess.run(["valgrind", "-q", "--leak-check=full", "--error-exitcode=99",
                                "--errors-for-leak-kinds=definite,indirect",
                                stack.smtpmond_path(), "--probe"] + args,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, code, r.stdout + r.stderr)
            self.assertEqual(r.stderr, "")
