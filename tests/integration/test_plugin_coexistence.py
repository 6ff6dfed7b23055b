# SPDX-License-Identifier: ISC
"""smtpmond and the plugin exclude each other, and no order of events hurts
snmpd (issue 21): whichever comes second says in one line that another
agent serves SMTP-MONITOR-MIB (smtpmond exits 78 at once), and after every
step, reloads included, snmpd is alive and answers for the module."""

import os
import re
import shutil
import signal
import subprocess
import time
import unittest

from harness import ROOT, new_stack, only_for
from test_plugin_lifecycle import valgrind_records

import procs  # noqa: E402 (tests/fixtures, on the path through harness)

SERVERS = ROOT + ".1.1.2.0"         # smtpMonGlobalServers
REFUSED = ("snmpd refused to let smtpmond serve SMTP-MONITOR-MIB "
           "(1.3.6.1.4.1.8072.9999.9999.25): another agent serves it")
PLUGIN_REFUSED = "smtpmon: another agent already serves SMTP-MONITOR-MIB"


@only_for("plugin", "snmpd with the plugin, and smtpmond beside it")
class Coexistence(unittest.TestCase):
    def snmpd_wrapper(self, stack):
        return ()

    def setUp(self):
        self.stack = stack = new_stack()
        self.addCleanup(stack.close)
        self.ports = stack.start_fake({"ok": ("ok", "127.0.0.1")})
        wrapper = self.snmpd_wrapper(stack)
        self.snmpd = procs.start_snmpd(os.path.join(stack.dir, "master"), group=stack.group,
                                       wrapper=wrapper, timeout=60 if wrapper else 15)
        self.dlmod = "dlmod smtpmon %s\nsmtpMonServer p 127.0.0.1:%d interval=1" % (
            stack.plugin_path(), self.ports["ok"])

    def log(self):
        with open(self.snmpd.log, errors="replace") as f:
            return f.read()

    def servers(self):
        """smtpMonGlobalServers as snmpd answers it, or None."""
        r = procs.snmp_cmd("snmpget", SERVERS, port=self.snmpd.port, confdir=self.snmpd.dir,
                           check=False)
        out = r.stdout.strip()
        return int(out.rsplit(" ", 1)[1]) if "Gauge32" in out else None

    def assert_alive_and_serving(self, count, why):
        self.assertIsNone(self.snmpd.proc.poll(), "snmpd died " + why + ":\n" + self.log()[-2000:])
        self.stack.wait_for(lambda: self.servers() == count, 10,
                            "snmpd to answer for %d server(s) %s" % (count, why))

    def reload(self, dlmod=True):
        with open(self.snmpd.conf) as f:
            lines = [l for l in f.read().splitlines() if not l.startswith(("dlmod", "smtpMon"))]
        with open(self.snmpd.conf, "w") as f:
            f.write("\n".join(lines + ([self.dlmod] if dlmod else [])) + "\n")
        n = self.log().count("Reconfiguring daemon")
        self.snmpd.proc.send_signal(signal.SIGHUP)
        self.stack.wait_for(lambda: self.log().count("Reconfiguring daemon") > n, 10,
                            "snmpd to reload")
        time.sleep(0.5)

    def smtpmond(self, servers=2):
        conf = os.path.join(self.stack.dir, "smtpmond.conf")
        with open(conf, "w") as f:
            f.write("".join("smtpMonServer s%d 127.0.0.1:%d interval=1\n" % (i, self.ports["ok"])
                            for i in range(servers)))
        log = os.path.join(self.stack.dir, "smtpmond-%d.log" % time.monotonic_ns())
        env = procs.snmp_env(os.path.join(self.stack.dir, "sub"))
        argv = [self.stack.smtpmond_path(), "-f", "-C", "-c", conf, "-x",
                self.snmpd.agentx_socket, "-Lf", log]
        return self.stack.group.start(argv, env=env, stdout=log + ".out",
                                      stderr=subprocess.STDOUT, name="smtpmond"), log

    def test_smtpmond_beside_the_plugin_exits_at_once_and_the_plugin_serves_on(self):
        self.reload()
        self.assert_alive_and_serving(1, "with the plugin")
        sub, log = self.smtpmond()
        started = time.monotonic()
        rc = sub.wait(timeout=5)
        self.assertEqual(rc, 78)
        self.assertLess(time.monotonic() - started, 5)
        with open(log) as f:
            self.assertEqual(f.read().count(REFUSED), 1)
        self.assert_alive_and_serving(1, "after smtpmond gave up")
        self.reload()
        self.assert_alive_and_serving(1, "after a reload")

    def test_the_plugin_after_smtpmond_says_why_and_serves_once_smtpmond_is_gone(self):
        sub, _ = self.smtpmond(servers=2)
        self.assert_alive_and_serving(2, "with smtpmond")
        self.reload()                       # the plugin comes second: refused
        self.stack.wait_for(lambda: PLUGIN_REFUSED in self.log(), 10, "the plugin to say why")
        self.assertEqual(self.log().count(PLUGIN_REFUSED), 1)
        self.assert_alive_and_serving(2, "with smtpmond and a refused plugin")
        self.reload()
        self.assert_alive_and_serving(2, "after reloading the refused plugin")
        sub.terminate()
        self.assertEqual(sub.wait(timeout=20), 0)
        self.reload()
        self.assert_alive_and_serving(1, "after smtpmond stopped and snmpd reloaded")
        self.reload(dlmod=False)
        self.assertIsNone(self.snmpd.proc.poll())
        self.assertIsNone(self.servers())

    def test_a_module_that_cannot_start_leaves_snmpd_serving_through_reloads(self):
        bad_ca = os.path.join(self.stack.dir, "not-a-certificate.pem")
        with open(bad_ca, "w") as f:
            f.write("this is no PEM\n")       # the probe thread's TLS context fails
        self.dlmod += "\nsmtpMonCaFile " + bad_ca
        self.reload()
        self.stack.wait_for(lambda: "cannot start the MIB module" in self.log(), 10,
                            "the module to fail to start")
        self.assertIsNone(self.snmpd.proc.poll())
        self.assertIsNone(self.servers())
        self.reload()                       # unloads what never started
        self.assertIsNone(self.snmpd.proc.poll())
        self.dlmod = self.dlmod.rsplit("\n", 1)[0]
        self.reload()
        self.assert_alive_and_serving(1, "once the configuration was mended")


@only_for("plugin", "snmpd's own log, filtered as Debian's snmpd -LOw filters it")
class LogKeptAtWarning(unittest.TestCase):
    def test_a_server_going_down_is_there_and_staying_down_does_not_fill_it(self):
        stack = new_stack()
        self.addCleanup(stack.close)
        closed = procs.free_port()
        snmpd = procs.start_snmpd(os.path.join(stack.dir, "master"), group=stack.group,
                                  log_level="w", extra_conf="dlmod smtpmon %s\n"
                                  "smtpMonServer gone 127.0.0.1:%d interval=1 failThreshold=2"
                                  % (stack.plugin_path(), closed))

        def log():
            with open(snmpd.log, errors="replace") as f:
                return f.read()

        stack.wait_for(lambda: "server gone" in log() and "is now down" in log(), 15,
                       "the down line in a log kept at warning")
        time.sleep(5)           # five more failed probes, one a second
        text = log()
        self.assertEqual(text.count("is now down"), 1, text)
        self.assertEqual(text.count("smtpMonServerDown: server gone"), 1, text)
        self.assertLessEqual(text.count("probe of gone"), 2, text)   # the ones before down


@unittest.skipUnless(os.environ.get("SMTPMON_VARIANT", "plain") == "plain" and
                     shutil.which("valgrind"), "valgrind runs the plain build")
class CoexistenceUnderValgrind(Coexistence):
    """The same sequences with snmpd under valgrind: no invalid access."""

    def snmpd_wrapper(self, stack):
        self.vglog = os.path.join(stack.dir, "valgrind.log")
        return ("valgrind", "--log-file=" + self.vglog, "--num-callers=30")

    def tearDown(self):
        self.snmpd.proc.terminate()
        self.snmpd.proc.wait(timeout=60)
        with open(self.vglog, errors="replace") as f:
            errors = [r for r in valgrind_records(f.read())
                      if re.match(r"(Invalid|Conditional|Use of uninit|Mismatched)", r)]
        self.assertEqual(errors, [])


if __name__ == "__main__":
    unittest.main()
