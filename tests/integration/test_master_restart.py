# SPDX-License-Identifier: ISC
"""The master goes away and comes back: smtpmond keeps probing, holds the
notification that fell due meanwhile and sends it once re-registered, and
the table returns with its counters intact."""

import os
import time
import unittest

from harness import GLOBAL, STATUS, new_stack, only_for
import procs  # noqa: E402  (on the path harness sets up)


@only_for("subagent", "the plugin lives in the master")
class MasterRestart(unittest.TestCase):
    def test_down_while_snmpd_is_stopped_arrives_after_reconnection(self):
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_trapd()
        snmpd = stack.start_snmpd()
        behaviour = os.path.join(stack.dir, "mx.scenario")
        with open(behaviour, "w") as f:
            f.write("ok")
        ports = stack.start_fake({"mx": ("file:" + behaviour, "127.0.0.1")})
        stack.start_smtpmond(["smtpMonServer mx 127.0.0.1:%d interval=1 failThreshold=2"
                              % ports["mx"]])
        before = stack.wait_probes("mx", 2, 10)
        self.assertEqual(before["Status"], STATUS["up"])

        stack.group.stop(snmpd.proc)
        stopped = time.monotonic()
        with open(behaviour + ".tmp", "w") as f:
            f.write("greet421")
        os.rename(behaviour + ".tmp", behaviour)
        stack.wait_for(lambda: "AgentX master gone" in stack.read_log(), 5,
                       "smtpmond to notice the master is gone")
        time.sleep(max(0.0, 10 - (time.monotonic() - stopped)))
        self.assertEqual(stack.traps("mx"), [])

        stack.snmpd = procs.start_snmpd(snmpd.dir, agentx_socket=snmpd.agentx_socket,
                                        udp_port=snmpd.port, trap_port=stack.trapd.port,
                                        group=stack.group)
        stack.wait_for(lambda: stack.traps("mx"), 10, "the held smtpMonServerDown")
        time.sleep(1.5)
        traps = stack.traps("mx")
        self.assertEqual([t["name"] for t in traps], ["smtpMonServerDown"])
        self.assertEqual(traps[0]["objects"]["ConsecutiveFailures"], 2)
        self.assertEqual(traps[0]["objects"]["LastReplyCode"], 421)

        after = stack.row("mx")
        self.assertEqual(after["Status"], STATUS["down"])
        self.assertGreaterEqual(after["Probes"], before["Probes"] + 9)
        self.assertEqual(after["Failures"], after["ConsecutiveFailures"])
        self.assertGreaterEqual(after["Failures"], 9)
        # The counters went on across the master's restart, but snmpd's
        # sysUpTime started again: they started before it, which a TimeStamp
        # says with 0 (the NMS sees no discontinuity of its own making).
        self.assertEqual(after["DiscontinuityTime"], 0)
        self.assertEqual(stack.get(GLOBAL + ".11.0")[GLOBAL + ".11.0"], 0)


@only_for("subagent", "the plugin lives in the master")
class MasterAbsentAtStart(unittest.TestCase):
    def test_probes_meanwhile_and_attaches_when_snmpd_appears(self):
        stack = new_stack()
        self.addCleanup(stack.close)
        snmpd_dir = os.path.join(stack.dir, "snmpd")
        os.makedirs(snmpd_dir)
        socket_path = os.path.join(snmpd_dir, "agentx.sock")
        stack.snmpd = type("NotYet", (), {"agentx_socket": socket_path})()
        ports = stack.start_fake({"mx": ("ok", "127.0.0.1")})
        stack.start_smtpmond(["smtpMonServer mx 127.0.0.1:%d interval=1" % ports["mx"]],
                             wait_connected=False)
        stack.wait_for(lambda: len(stack.fake_events("mx", "accept")) >= 2, 10,
                       "probes while no master runs")
        self.assertIn("Failed to connect to the agentx master agent", stack.read_log())
        self.assertIn("there is no AgentX socket %s: is snmpd running with 'master agentx'"
                      % socket_path, stack.read_log())
        stack.snmpd = procs.start_snmpd(snmpd_dir, agentx_socket=socket_path, group=stack.group)
        row = stack.wait_for(lambda: stack.row("mx"), 10, "the row through the new master")
        self.assertGreaterEqual(row["Probes"], 2)
        self.assertEqual(row["Status"], STATUS["up"])


@only_for("subagent", "the plugin lives in the master")
class SocketPermissions(unittest.TestCase):
    def test_a_socket_smtpmonds_user_may_not_use_is_explained(self):
        """snmpd's socket is root's, mode 0660; smtpmond runs as nobody."""
        stack = new_stack()
        self.addCleanup(stack.close)
        stack.start_snmpd()
        os.chmod(stack.dir, 0o777)        # nobody writes its log there
        os.chmod(stack.snmpd.dir, 0o755)  # and may reach the socket, if it may use it
        stack.start_smtpmond(["smtpMonServer mx 127.0.0.1:25"], wait_connected=False,
                             wrapper=["setpriv", "--reuid=65534", "--regid=65534",
                                      "--clear-groups"])
        stack.wait_for(lambda: "does not let uid 65534 gid 65534 connect" in stack.read_log(),
                       10, "the explanation in smtpmond's log")
        self.assertIn("agentXPerms", stack.read_log())
        self.assertEqual(stack.read_log().count("does not let uid"), 1)   # said once


if __name__ == "__main__":
    unittest.main()
