"""The master goes away and comes back: smtpmond keeps probing, holds the
notification that fell due meanwhile and sends it once re-registered, and
the table returns with its counters intact."""

import os
import time
import unittest

import procs
from harness import STATUS, new_stack


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


if __name__ == "__main__":
    unittest.main()
