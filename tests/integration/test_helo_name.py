# SPDX-License-Identifier: ISC
"""The default EHLO name is found without ever blocking: the host's name at
once (gethostname), its fully qualified form looked up on the probe
thread's resolver and taken when (if) the answer comes.

The host here has a name with no dot that /etc/hosts does not hold, and its
resolver never answers: smtpmond (or snmpd with the plugin) runs in a mount
and UTS namespace of its own (unshare), with its own host name and an
/etc/resolv.conf bound over the real one that names a loopback address
where a UDP socket reads nothing, with a search domain. Before, the
blocking lookup held the agent thread 10 s at start, after a SET of
smtpMonHeloName to "", and in `smtpmond --probe`."""

import os
import random
import re
import socket
import subprocess
import time
import unittest

from harness import GLOBAL, closed_port, new_stack, only_for, parse_walk

import dnsmasq  # noqa: E402 (tests/fixtures, on the path through harness)

HOST = "smtpmon-nofqdn"
SEARCH = "helo.smtpmon.test"
HELO = GLOBAL + ".9.0"


class SilentResolver:
    """A UDP socket on port 53 of a loopback address of its own that never
    reads: queries to it are never answered."""

    def __init__(self):
        for _ in range(20):
            addr = "127.53.%d.%d" % (random.randint(0, 255), random.randint(1, 254))
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.bind((addr, 53))
            except OSError:
                s.close()
                continue
            self.sock, self.addr = s, addr
            return
        raise RuntimeError("no loopback address with port 53 free")

    def close(self):
        self.sock.close()


def namespace(stack, dns):
    """The wrapper: HOST as the host name, DNS.addr as the only nameserver
    and SEARCH as the search domain, for the wrapped command only."""
    resolv = os.path.join(stack.dir, "resolv.conf")
    with open(resolv, "w") as f:
        f.write("nameserver %s\nsearch %s\n" % (dns.addr, SEARCH))
    script = 'mount --bind "$0" /etc/resolv.conf && hostname %s && exec "$@"' % HOST
    return ["unshare", "--mount", "--uts", "sh", "-c", script, resolv]


def get_helo(stack, timeout=0.3):
    """smtpMonHeloName, or None while there is no such object (no answer,
    or not registered yet)."""
    r = stack.snmp("snmpget", HELO, check=False, timeout=timeout)
    line = r.stdout.strip()
    if r.returncode != 0 or not re.match(r'^\.%s = (STRING: |"")' % re.escape(HELO), line):
        return None
    return parse_walk(line)[HELO]


def wait_helo(stack, until):
    """Polls smtpMonHeloName until it answers; (value, when)."""
    while time.monotonic() < until:
        value = get_helo(stack)
        if value is not None:
            return value, time.monotonic()
        time.sleep(0.02)
    return None, time.monotonic()


class DeadResolver(unittest.TestCase):
    """No answer ever: the short name, at once, and it stays."""

    @classmethod
    def setUpClass(cls):
        cls.stack = stack = new_stack()
        cls.dns = SilentResolver()
        try:
            stack.start_snmpd()
            cls.ports = stack.start_fake({"ok": ("ok", "127.0.0.1")})
            cls.t0 = time.monotonic()
            stack.start_smtpmond(["smtpMonServer ok 127.0.0.1:%d interval=1" % cls.ports["ok"]],
                                 wrapper=namespace(stack, cls.dns), wait_connected=False)
            cls.first, cls.t_first = wait_helo(stack, cls.t0 + 30)
        except BaseException:
            stack.close()
            cls.dns.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()
        cls.dns.close()

    def test_1_attaches_within_a_second_with_the_hosts_own_name(self):
        self.assertEqual(self.first, HOST)
        self.assertLess(self.t_first - self.t0, 1.0)
        # net-snmp answers requests while it waits for its own registrations
        # to be acknowledged, so a GET can be answered before the start-up
        # line is written; the line must follow.
        self.stack.wait_for(lambda: "EHLO name %s," % HOST in self.stack.read_log(), 10,
                            "the start-up line with the EHLO name")

    def test_2_a_set_to_empty_is_answered_at_once_and_so_are_gets(self):
        st = self.stack
        r = st.snmp("snmpset", HELO, "s", "probe.example.org", community="private")
        self.assertIn("probe.example.org", r.stdout)
        t = time.monotonic()
        r = st.snmp("snmpset", HELO, "s", "", community="private", check=False, timeout=2)
        set_s = time.monotonic() - t
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(set_s, 1.0)
        for _ in range(5):
            t = time.monotonic()
            value = get_helo(st, timeout=2)
            self.assertLess(time.monotonic() - t, 0.5)
            self.assertEqual(value, HOST)

    def test_3_probes_say_the_hosts_name(self):
        st = self.stack
        st.wait_for(lambda: any(e["data"] == "EHLO " + HOST
                                for e in st.fake_events("ok", "recv")), 10, "EHLO " + HOST)

    def test_4_stops_cleanly_with_the_lookup_unanswered(self):
        self.assertEqual(self.stack.stop_smtpmond(), 0, self.stack.read_stderr()[-3000:])


class AnsweringResolver(unittest.TestCase):
    """smtpMonResolver answers for HOST.SEARCH: the name becomes the fully
    qualified one, for the scalar and for the probes."""

    @classmethod
    def setUpClass(cls):
        cls.stack = stack = new_stack()
        cls.silent = SilentResolver()
        try:
            stack.start_snmpd()
            cls.dns = dnsmasq.start(os.path.join(stack.dir, "dns"),
                                    {"%s.%s" % (HOST, SEARCH): ["127.0.0.1"]}, stack.group)
            cls.ports = stack.start_fake({"ok": ("ok", "127.0.0.1")})
            stack.start_smtpmond(["smtpMonResolver 127.0.0.1:%d" % cls.dns.port,
                                  "smtpMonServer ok 127.0.0.1:%d interval=1" % cls.ports["ok"]],
                                 wrapper=namespace(stack, cls.silent))
        except BaseException:
            stack.close()
            cls.silent.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()
        cls.silent.close()

    def test_the_name_becomes_fully_qualified(self):
        st, fqdn = self.stack, "%s.%s" % (HOST, SEARCH)
        st.wait_for(lambda: get_helo(st) == fqdn, 10, "smtpMonHeloName %s" % fqdn)
        st.wait_for(lambda: any(e["data"] == "EHLO " + fqdn
                                for e in st.fake_events("ok", "recv")), 10, "EHLO " + fqdn)
        self.assertIn("smtpmon: EHLO name %s (the host's fully qualified name)" % fqdn,
                      st.read_log())
        # A SET to "" finds it again.
        st.snmp("snmpset", HELO, "s", "probe.example.org", community="private")
        st.snmp("snmpset", HELO, "s", "", community="private")
        st.wait_for(lambda: get_helo(st) == fqdn, 10, "smtpMonHeloName %s again" % fqdn)


@only_for("subagent", "smtpmond --probe")
class OneShot(unittest.TestCase):
    """--probe: the lookup never holds the probe past its --timeout."""

    @classmethod
    def setUpClass(cls):
        cls.stack = stack = new_stack()
        cls.dns = SilentResolver()
        try:
            cls.ports = stack.start_fake({"ok": ("ok", "127.0.0.1")})
            cls.wrapper = namespace(stack, cls.dns)
        except BaseException:
            stack.close()
            cls.dns.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()
        cls.dns.close()

    def probe(self, *args):
        t = time.monotonic()
        r = subprocess.run(self.wrapper + [self.stack.smtpmond_path(), "--probe"] + list(args),
                           capture_output=True, text=True, timeout=60)
        return r.returncode, r.stdout, time.monotonic() - t

    def test_a_closed_port_within_the_timeout(self):
        rc, out, took = self.probe("127.0.0.1:%d" % closed_port(), "--timeout", "2")
        self.assertEqual(rc, 2, out)
        self.assertIn("connectRefused", out)
        self.assertLess(took, 2.1)

    def test_a_server_that_answers_is_ok_within_the_timeout(self):
        rc, out, took = self.probe("127.0.0.1:%d" % self.ports["ok"], "--timeout", "2")
        self.assertEqual(rc, 0, out)
        self.assertLess(took, 2.1)
        self.assertTrue(any(e["data"] == "EHLO " + HOST
                            for e in self.stack.fake_events("ok", "recv")))

    def test_an_explicit_name_skips_the_lookup(self):
        rc, out, took = self.probe("127.0.0.1:%d" % self.ports["ok"], "--timeout", "4",
                                   "--helo", "probe.example.org")
        self.assertEqual(rc, 0, out)
        self.assertLess(took, 1.5)


if __name__ == "__main__":
    unittest.main()
