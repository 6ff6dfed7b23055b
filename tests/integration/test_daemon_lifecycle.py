# SPDX-License-Identifier: ISC
"""smtpmond's command line and life cycle: -V, -h, bad options, -x, and
running as a daemon with a pidfile until SIGTERM."""

import pwd
import tempfile

import os
import signal
import subprocess
import time
import unittest

from harness import RESULT, new_stack, only_for

import procs  # noqa: E402  (harness puts tests/fixtures on the path)

BUILD = os.environ.get("SMTPMON_BUILD", ".")
SMTPMOND = os.path.join(BUILD, "subagent", "smtpmond")


@only_for("subagent", "smtpmond's command line")
class CommandLine(unittest.TestCase):
    def run_smtpmond(self, *args):
        return subprocess.run([SMTPMOND] + list(args), capture_output=True, text=True,
                              timeout=30, env=dict(os.environ, MIBS=""))

    def test_version(self):
        r = self.run_smtpmond("-V")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^smtpmond \(smtpmon\) \d+\.\d+\.\d+, net-snmp 5\.9")

    def test_help_lists_every_option(self):
        r = self.run_smtpmond("-h")
        self.assertEqual(r.returncode, 0)
        for opt in ("-f", "-c FILE", "-C", "-x ADDRESS", "-L LOGOPTS", "-D", "-p PIDFILE",
                    "-u USER", "-V", "-h", "--oid NAME [COLUMN]", "--probe HOST[:PORT]",
                    "--sni NAME", "--ca-file PATH", "--ca-path DIR", "--strict", "--help"):
            self.assertIn(opt, r.stdout)

    def test_long_help_is_the_same_help(self):
        """--help is not an invalid option: it prints -h's text and exits 0."""
        r = self.run_smtpmond("--help")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(r.stdout, self.run_smtpmond("-h").stdout)

    def test_probe_that_cannot_run_is_unknown_3(self):
        """Exit status 3 is also an internal error of --probe, not only a
        usage error: trust anchors that cannot be loaded."""
        r = self.run_smtpmond("--probe", "127.0.0.1:1", "--starttls", "--verify",
                              "--ca-file", "/nonexistent/ca.pem")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("SMTP UNKNOWN - cannot load trust anchors", r.stdout)
        self.assertNotIn("usage:", r.stdout)

    def test_manual_page_example_loads_no_mib_modules(self):
        """smtpmond(8)'s `smtpmond -f -Le -C -c FILE` on a host whose MIB
        directories hold none of net-snmp's default modules: smtpmond loads
        no MIB, so it prints no "Cannot find module" line."""
        with tempfile.TemporaryDirectory(prefix="smtpmon-mibs-") as d:
            conf = os.path.join(d, "smtpmond.conf")
            with open(conf, "w") as f:
                f.write("agentxSocket unix:%s/none\nsmtpMonServer a 127.0.0.1:1\n" % d)
            env = dict(os.environ, MIBDIRS=d, SNMPCONFPATH=d, SNMP_PERSISTENT_DIR=d)
            env.pop("MIBS", None)
            p = subprocess.Popen([SMTPMOND, "-f", "-Le", "-C", "-c", conf], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(1.5)
            p.send_signal(signal.SIGTERM)
            out = p.communicate(timeout=20)[0]
        self.assertIn("started", out)
        self.assertNotIn("Cannot find module", out)
        self.assertNotIn("MIB search path", out)

    def test_oid_prints_a_columns_numeric_oid_for_tools_without_the_mib(self):
        r = self.run_smtpmond("--oid", "mx1", "Status")
        self.assertEqual((r.returncode, r.stdout),
                         (0, ".1.3.6.1.4.1.8072.9999.9999.25.1.2.1.20.3.109.120.49\n"))
        r = self.run_smtpmond("--oid", "mx1", "NoSuchColumn")
        self.assertEqual(r.returncode, 3)
        self.assertIn("no column 'NoSuchColumn'", r.stderr)
        r = self.run_smtpmond("--oid", "not a name", "Status")
        self.assertEqual(r.returncode, 3)

    def test_bad_option_is_a_usage_error(self):
        r = self.run_smtpmond("-Q")
        self.assertEqual(r.returncode, 3)
        self.assertIn("usage:", r.stderr)
        r = self.run_smtpmond("-f", "stray")
        self.assertEqual(r.returncode, 3)


@only_for("subagent", "smtpmond's life as a daemon; snmpd runs the plugin")
class Daemon(unittest.TestCase):
    def test_daemonizes_writes_pidfile_uses_x_and_stops_on_sigterm(self):
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_snmpd()
        ports = stack.start_fake({"ok": ("ok", "127.0.0.1")})
        conf = os.path.join(stack.dir, "daemon.conf")
        pidfile = os.path.join(stack.dir, "smtpmond.pid")
        log = os.path.join(stack.dir, "daemon.log")
        with open(conf, "w") as f:
            f.write("smtpMonServer ok 127.0.0.1:%d interval=1\n" % ports["ok"])
        # The daemon leaves our process group: found by its command line
        # whatever happens to the pidfile.
        self.addCleanup(_kill_running, conf)
        r = subprocess.run([SMTPMOND, "-C", "-c", conf, "-x", "unix:" + stack.snmpd.agentx_socket,
                            "-p", pidfile, "-Lf", log],
                           env=dict(stack.snmpd.env), timeout=30, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)   # the parent returns at once
        try:
            # The parent returned; the daemon writes the file a moment later.
            pid = int(stack.wait_for(lambda: os.path.exists(pidfile) and
                                     open(pidfile).read().strip(), 20, "pidfile"))
        except AssertionError:
            self.fail("no pidfile; the daemon's log:\n%s" % (
                open(log).read() if os.path.exists(log) else "(none)"))
        self.addCleanup(lambda: _kill(pid))
        row = stack.wait_probes("ok", 2, 15)
        self.assertEqual(row["LastResult"], RESULT["ok"])
        os.kill(pid, signal.SIGTERM)
        stack.wait_for(lambda: not os.path.exists(pidfile), 10, "pidfile removed at exit")
        stack.wait_for(lambda: not _alive(pid), 10, "daemon gone")
        with open(log) as f:
            self.assertIn("smtpmond stopping", f.read())


@only_for("subagent", "smtpmond's -x; the plugin has no AgentX")
class AgentXAddress(unittest.TestCase):
    def test_x_wins_over_agentxsocket_in_the_file(self):
        """-x is read before the files and an agentxSocket line in them would
        set the address again; -x wins, at start and after SIGHUP."""
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_snmpd()
        ports = stack.start_fake({"ok": ("ok", "127.0.0.1")})
        nowhere = os.path.join(stack.dir, "no-master-here")
        stack.start_smtpmond(["agentxSocket unix:%s" % nowhere,
                              "smtpMonServer ok 127.0.0.1:%d interval=1" % ports["ok"]],
                             args=["-x", "unix:" + stack.snmpd.agentx_socket])
        stack.wait_probes("ok", 2, 15)
        self.assertNotIn(nowhere, stack.read_log() + stack.read_stderr())
        # SIGHUP reads the file's agentxSocket again; a reconnection after
        # the master's restart must still go to -x's address.
        stack.smtpmond.send_signal(signal.SIGHUP)
        stack.wait_for(lambda: "SIGHUP" in stack.read_log(), 10, "SIGHUP logged")
        snmpd = stack.snmpd
        stack.group.stop(snmpd.proc)
        stack.wait_for(lambda: "AgentX master gone" in stack.read_log(), 10,
                       "smtpmond to notice the master is gone")
        stack.snmpd = procs.start_snmpd(snmpd.dir, agentx_socket=snmpd.agentx_socket,
                                        udp_port=snmpd.port, group=stack.group)
        before = stack.read_log().count("AgentX master gone")
        stack.wait_probes("ok", 4, 30)
        self.assertEqual(stack.read_log().count("AgentX master gone"), before)
        self.assertNotIn(nowhere, stack.read_log() + stack.read_stderr())


@only_for("subagent", "smtpmond's -u; snmpd drops the plugin's privileges")
class DropPrivileges(unittest.TestCase):
    def test_u_runs_as_the_user_after_connecting(self):
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_snmpd()
        ports = stack.start_fake({"ok": ("ok", "127.0.0.1")})
        proc = stack.start_smtpmond(["smtpMonServer ok 127.0.0.1:%d interval=1" % ports["ok"]],
                                    args=["-u", "nobody"])
        row = stack.wait_probes("ok", 2, 15)
        self.assertEqual(row["LastResult"], RESULT["ok"])
        with open("/proc/%d/status" % proc.pid) as f:
            uid = [l.split()[1:] for l in f if l.startswith("Uid:")][0]
        self.assertEqual(set(uid), {"65534"})
        self.assertEqual(stack.stop_smtpmond(), 0)

    def _pidfile_run(self, directory_owner):
        """smtpmond -u nobody -p DIR/smtpmond.pid, DIR owned by DIRECTORY_OWNER;
        returns the pidfile's path and the log once smtpmond has stopped."""
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_snmpd()
        ports = stack.start_fake({"ok": ("ok", "127.0.0.1")})
        os.chmod(stack.dir, 0o711)        # nobody reaches run/ through it
        run = os.path.join(stack.dir, "run")
        os.mkdir(run, 0o755)
        nobody = pwd.getpwnam(directory_owner)
        os.chown(run, nobody.pw_uid, nobody.pw_gid)
        pidfile = os.path.join(run, "smtpmond.pid")
        proc = stack.start_smtpmond(["smtpMonServer ok 127.0.0.1:%d interval=1" % ports["ok"]],
                                    args=["-u", "nobody", "-p", pidfile])
        stack.wait_probes("ok", 1, 15)
        with open(pidfile) as f:
            self.assertEqual(int(f.read()), proc.pid)
        self.assertEqual(stack.stop_smtpmond(), 0)
        return pidfile, stack.read_log()

    def test_pidfile_in_a_directory_of_the_user_is_removed_at_exit(self):
        """smtpmond(8): with -u the pidfile is removed as USER, from a
        directory USER may write."""
        pidfile, log = self._pidfile_run("nobody")
        self.assertFalse(os.path.exists(pidfile))
        self.assertNotIn("pidfile", log)

    def test_pidfile_in_a_directory_of_root_is_announced_and_emptied(self):
        """A directory USER cannot write: said at start, with the fix, and
        the file is emptied at exit, so that no stale process id stays."""
        pidfile, log = self._pidfile_run("root")
        self.assertIn("the pidfile %s cannot be removed at exit" % pidfile, log)
        self.assertIn("not writable by the user nobody", log)
        with open(pidfile) as f:
            self.assertEqual(f.read(), "")


@only_for("subagent", "smtpmond's own process; the plugin's is test_roundtrip's")
class NoCoreDumps(unittest.TestCase):
    def test_smtpmond_makes_no_core_dump(self):
        """Round trips hold passwords: smtpmond is not dumpable and its core
        size limit is 0, soft and hard, whatever its configuration. It runs
        as nobody from the start (setpriv), as a unit's User= does: the files
        of a process that is not dumpable belong to root in /proc."""
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_snmpd()
        os.chmod(stack.dir, 0o777)        # nobody writes its log there
        stack.start_smtpmond(["smtpMonServer mx 127.0.0.1:25"], wait_connected=False,
                             wrapper=["setpriv", "--reuid=65534", "--regid=65534",
                                      "--clear-groups"])
        stack.wait_for(lambda: "monitoring 1 server" in stack.read_log(), 10,
                       "smtpmond to start")
        pid = stack.smtpmond.pid
        with open("/proc/%d/limits" % pid) as f:
            self.assertRegex(f.read(), r"Max core file size +0 +0 ")
        with open("/proc/%d/status" % pid) as f:
            uid = [l.split()[1:] for l in f if l.startswith("Uid:")][0]
        self.assertEqual(set(uid), {"65534"})
        self.assertEqual(os.stat("/proc/%d/status" % pid).st_uid, 0)
        self.assertEqual(os.stat("/proc/%d/fd" % pid).st_uid, 0)


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def _kill_running(conf):
    """Kills any smtpmond whose command line names CONF."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"smtpmond") and conf.encode() in argv:
            _kill(int(pid))


def _kill(pid):
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)


if __name__ == "__main__":
    unittest.main()
