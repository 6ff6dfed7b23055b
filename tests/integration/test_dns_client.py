# SPDX-License-Identifier: ISC
"""The DNS client (src/probe/dns_client.c: libunbound on the loop's
event_base) against a real DNS server, dnsmasq on loopback, through
tests/tools/dnsq: MX sets with their preferences, A, AAAA, TXT, TLSA, a
null MX, NODATA, NXDOMAIN, a CNAME followed, a changed record seen once its
TTL of 1 s passed, a server that never answers timing out on time, many
questions in flight at once, an answer from the cache, and a client freed
with questions in flight."""

import os
import socket
import subprocess
import time
import unittest

from harness import SANITIZER_REPORT, new_stack, only_for

import dnsmasq  # noqa: E402 (tests/fixtures, on the path through harness)

TLSA_DATA = bytes(range(32)).hex()
SERVED = [
    "local-ttl=1",
    "mx-host=mail.test,mx1.mail.test,10",
    "mx-host=mail.test,mx2.mail.test,20",
    "mx-host=mail.test,mx3.other.test,5",
    "mx-host=nomail.test,.,0",
    "mx-host=change.test,old.change.test,10",
    "host-record=mx1.mail.test,127.0.0.31,2001:db8::31",
    "host-record=v4only.mail.test,127.0.0.32",
    "cname=www.mail.test,mx1.mail.test",
    'txt-record=mail.test,"v=spf1 -all"',
    'txt-record=_mta-sts.mail.test,"v=STSv1; ","id=20240101"',
    "dns-rr=_25._tcp.mx1.mail.test,52,030101%s" % TLSA_DATA,
] + ["host-record=h%d.mail.test,127.0.1.%d" % (i, i) for i in range(1, 17)]

stack = None
dns = None


def setUpModule():
    global stack, dns
    stack = new_stack()
    try:
        dns = dnsmasq.start(os.path.join(stack.dir, "dns"), {}, stack.group, extra=SERVED)
    except BaseException:
        stack.close()
        raise


def tearDownModule():
    stack.close()


def dnsq_path():
    return os.path.join(stack.build, "tests", "tools", "dnsq")


def parse(out):
    """dnsq's blocks: [{"name", "type", "outcome", "rcode", "ttl", "ms", "text",
    "records": [...]}], rounds flattened."""
    answers = []
    for line in out.splitlines():
        if line.startswith("= "):
            name, qtype, outcome = line[2:].split(" ", 2)
            answers.append({"name": name, "type": qtype, "outcome": outcome, "records": []})
        elif line == "+" or not answers:
            continue
        else:
            key, _, value = line.partition(" ")
            if key in ("rcode", "ttl", "ms"):
                answers[-1][key] = int(value)
            elif key in ("text", "flags", "count"):
                answers[-1][key] = value
            else:
                answers[-1]["records"].append(line)
    return answers


def run_dnsq(args, resolver=None, stdin="", timeout=30):
    """Runs dnsq (forwarding to dnsmasq unless RESOLVER is given); returns
    its answers and the seconds it took. It must exit 0 (DONE once, never
    inside dns_query()) with nothing from a sanitizer."""
    resolver = resolver or "127.0.0.1:%d" % dns.port
    argv = [dnsq_path(), "-r", resolver] + list(args)
    started = time.monotonic()
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout)
    took = time.monotonic() - started
    if p.returncode != 0 or SANITIZER_REPORT.search(p.stderr):
        raise AssertionError("%s: exit %d\n%s\n%s" % (" ".join(argv), p.returncode,
                                                      p.stdout, p.stderr))
    return parse(p.stdout), took


def ask(qtype, name):
    answers, _ = run_dnsq([qtype, name])
    return answers[0]


@only_for("subagent", "the DNS client is the same under either front end")
class Answers(unittest.TestCase):
    def test_an_mx_set_comes_with_its_preferences(self):
        a = ask("MX", "mail.test")
        self.assertEqual(a["outcome"], "answer")
        self.assertEqual(sorted(a["records"]), ["mx 10 mx1.mail.test", "mx 20 mx2.mail.test",
                                                "mx 5 mx3.other.test"])
        self.assertEqual(a["ttl"], 1)
        self.assertEqual(a["text"], "3 MX records")

    def test_a_and_aaaa(self):
        self.assertEqual(ask("A", "mx1.mail.test")["records"], ["a 127.0.0.31"])
        self.assertEqual(ask("AAAA", "mx1.mail.test")["records"], ["aaaa 2001:db8::31"])

    def test_a_cname_is_followed(self):
        a = ask("A", "www.mail.test")
        self.assertEqual(a["outcome"], "answer")
        self.assertEqual(a["records"], ["a 127.0.0.31"])

    def test_txt_strings_joined_and_tlsa(self):
        self.assertEqual(ask("TXT", "mail.test")["records"], ["txt v=spf1 -all"])
        self.assertEqual(ask("TXT", "_mta-sts.mail.test")["records"],
                         ["txt v=STSv1; id=20240101"])
        self.assertEqual(ask("TLSA", "_25._tcp.mx1.mail.test")["records"],
                         ["tlsa 3 1 1 32 " + TLSA_DATA])

    def test_a_null_mx(self):
        a = ask("MX", "nomail.test")
        self.assertEqual(a["outcome"], "answer")
        self.assertEqual(a["records"], ["mx 0 ."])

    def test_nodata_when_the_name_has_no_record_of_the_type(self):
        a = ask("AAAA", "v4only.mail.test")
        self.assertEqual((a["outcome"], a["rcode"], a["records"]), ("nodata", 0, []))
        self.assertEqual(a["text"], "no AAAA record")

    def test_nxdomain_when_the_name_does_not_exist(self):
        a = ask("MX", "nowhere.mail.test")
        self.assertEqual((a["outcome"], a["rcode"], a["text"]), ("nxdomain", 3, "NXDOMAIN"))

    def test_an_answer_inside_the_loop_library_waits_for_the_loop(self):
        """localhost is answered by libunbound itself, within
        ub_resolve_event(): DONE still runs later, from the loop (dnsq
        exits 3 otherwise)."""
        a = ask("A", "localhost")
        self.assertEqual(a["records"], ["a 127.0.0.1"])


@only_for("subagent", "the DNS client is the same under either front end")
class Behaviour(unittest.TestCase):
    def test_many_questions_in_flight_at_once(self):
        args = []
        for i in range(1, 17):
            args += ["A", "h%d.mail.test" % i]
        args += ["MX", "mail.test", "MX", "nowhere.mail.test", "AAAA", "v4only.mail.test"]
        answers, _ = run_dnsq(args)
        self.assertEqual(len(answers), 19)
        for i in range(1, 17):
            self.assertEqual(answers[i - 1]["name"], "h%d.mail.test" % i)
            self.assertEqual(answers[i - 1]["records"], ["a 127.0.1.%d" % i])
        self.assertEqual([a["outcome"] for a in answers[16:]], ["answer", "nxdomain", "nodata"])

    def test_a_second_question_within_the_ttl_comes_from_the_cache(self):
        """Round two asks again at once: answered from libunbound's cache,
        inside ub_resolve_event(); dnsmasq saw the question once."""
        log = os.path.join(dns.dir, "dnsmasq.log")
        before = _count(log, "query[A] h7.mail.test ")
        answers, _ = run_dnsq(["A", "h7.mail.test", "+", "A", "h7.mail.test"], stdin="\n")
        self.assertEqual([a["records"] for a in answers], [["a 127.0.1.7"]] * 2)
        time.sleep(0.2)
        self.assertEqual(_count(log, "query[A] h7.mail.test ") - before, 1)

    def test_a_changed_record_is_seen_once_its_ttl_passed(self):
        p = subprocess.Popen([dnsq_path(), "-r", "127.0.0.1:%d" % dns.port, "MX", "change.test",
                              "+", "MX", "change.test"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self.assertEqual(p.stdout.readline().strip(), "= change.test MX answer")
            while p.stdout.readline().strip() != "+":
                pass
            dns.restart(extra=[l.replace("old.change.test", "new.change.test") for l in SERVED])
            time.sleep(2.5)     # unbound counts in whole seconds: TTL 1 lasts up to 2 s
            out, err = p.communicate("\n", timeout=20)
        finally:
            if p.poll() is None:
                p.kill()
            dns.restart(extra=SERVED)
        self.assertEqual(p.returncode, 0, err)
        self.assertIsNone(SANITIZER_REPORT.search(err), err)
        self.assertEqual(parse(out)[0]["records"], ["mx 10 new.change.test"])

    def test_a_server_that_never_answers_times_out_on_time(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
            silent.bind(("127.0.0.1", 0))
            answers, took = run_dnsq(["-t", "1500", "MX", "mail.test", "A", "h1.mail.test"],
                                     resolver="127.0.0.1:%d" % silent.getsockname()[1])
            self.assertIsNotNone(silent.recv(4096, socket.MSG_DONTWAIT))  # it was asked
        for a in answers:
            self.assertEqual((a["outcome"], a["text"], a["rcode"]), ("failed", "timed out", -1))
            self.assertGreaterEqual(a["ms"], 1490)
            self.assertLess(a["ms"], 1500 + 300)
        self.assertLess(took, 1.5 + 2.0)

    def test_freeing_the_client_with_questions_in_flight(self):
        """dns_client_free() cancels them: no DONE, no crash, no leak
        reported (under ASan)."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
            silent.bind(("127.0.0.1", 0))
            answers, took = run_dnsq(["-k", "300", "-t", "5000", "MX", "mail.test", "A",
                                      "h1.mail.test"],
                                     resolver="127.0.0.1:%d" % silent.getsockname()[1])
        self.assertEqual([a["outcome"] for a in answers], ["pending", "pending"])
        self.assertLess(took, 3.0)

    def test_forwarders_in_every_form_smtpmonresolver_takes(self):
        """"ADDR:PORT" above; a bare address means port 53, where nothing
        listens on 127.0.0.2: that one times out, the next server answers."""
        answers, _ = run_dnsq(["-r", "127.0.0.1:%d" % dns.port, "-t", "4000",
                               "A", "h2.mail.test"], resolver="127.0.0.2")
        self.assertEqual(answers[0]["records"], ["a 127.0.1.2"])


@only_for("subagent", "the DNS client is the same under either front end")
class Setup(unittest.TestCase):
    def test_a_trust_anchor_file_that_cannot_be_read_fails_the_client_at_once(self):
        missing = os.path.join(stack.dir, "no-such-anchor")
        p = subprocess.run([dnsq_path(), "-a", missing, "A", "h1.mail.test"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 1)
        self.assertIn("dnsq: DNS client: trust anchors %s: " % missing, p.stderr)
        self.assertNotIn("= h1.mail.test", p.stdout)

    def test_a_resolver_unbound_refuses_fails_the_client(self):
        p = subprocess.run([dnsq_path(), "-r", "mail.test:53", "A", "h1.mail.test"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 1)
        self.assertIn("smtpMonResolver mail.test:53: cannot use it", p.stderr)


def _count(path, text):
    try:
        with open(path) as f:
            return sum(1 for line in f if text in line)
    except FileNotFoundError:
        return 0


if __name__ == "__main__":
    unittest.main()
