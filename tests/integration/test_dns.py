# SPDX-License-Identifier: ISC
"""Names, addresses and blocklists (issue 8), against a real DNS server of
the test's own (dnsmasq on a loopback high port, smtpMonResolver): a name's
addresses are tried in order, resolution failures are dnsFailure, source=
sets the local address, and every server's address is checked in the
smtpMonDnsbl zones by the RFC 5782 rules, with one smtpMonServerListed."""

import os
import re
import unittest

from harness import RESULT, STATUS, new_stack

import dnsmasq  # noqa: E402 (tests/fixtures, on the path through harness)

ZONES = ("zone-a.test", "zone-b.test")
NIBBLES_OF_LOOPBACK6 = ".".join("1" + "0" * 31)     # ::1 reversed by nibble

stack = None
dns = None


def listing_records():
    return {
        "two.test": ["127.0.0.2", "127.0.0.3"],
        "only4.test": ["127.0.0.4"],
        "5.0.0.127.zone-a.test": ["127.0.0.2"],         # listed in zone-a
        "6.0.0.127.zone-a.test": ["127.255.255.254"],   # the list refuses to answer
        "7.0.0.127.zone-a.test": ["127.0.0.1"],         # RFC 5782's test answer
        NIBBLES_OF_LOOPBACK6 + ".zone-b.test": ["127.0.0.2"],
    }


def setUpModule():
    global stack, dns
    stack = new_stack()
    try:
        stack.start_trapd()
        stack.start_snmpd()
        dns = dnsmasq.start(os.path.join(stack.dir, "dns"), listing_records(), stack.group)
        p = stack.start_fake({"two": ("ok", "127.0.0.3"), "listed": ("ok", "127.0.0.5"),
                              "errlist": ("ok", "127.0.0.6"), "testans": ("ok", "127.0.0.7"),
                              "v6": ("ok", "[::1]")})
        stack.start_smtpmond([
            "smtpMonResolver 127.0.0.1:%d" % dns.port,
            "smtpMonDnsbl %s" % " ".join(ZONES),
            "smtpMonDefaults interval=1 timeout=3 dnsblInterval=1 failThreshold=1",
            "smtpMonServer two two.test:%d dnsbl=no" % p["two"],
            "smtpMonServer unknown nowhere.test:%d" % p["two"],
            "smtpMonServer v6only only4.test:%d family=ipv6" % p["two"],
            "smtpMonServer listed 127.0.0.5:%d" % p["listed"],
            "smtpMonServer errlist 127.0.0.6:%d" % p["errlist"],
            "smtpMonServer testans 127.0.0.7:%d" % p["testans"],
            "smtpMonServer v6 [::1]:%d" % p["v6"],
            "smtpMonServer fromsrc 127.0.0.5:%d source=127.0.0.9 dnsbl=no" % p["listed"],
            "smtpMonServer badsrc 127.0.0.5:%d source=192.0.2.1 dnsbl=no" % p["listed"],
            "smtpMonDnsbl good.test bad_zone.test",
            "smtpMonResolver 999.0.0.1:53",
            "smtpMonServer badkey 127.0.0.5:%d source=mail.example.org" % p["listed"],
        ])
        for name in ("two", "listed", "errlist", "testans", "v6", "unknown", "v6only"):
            stack.wait_probes(name, 3, 20)
    except BaseException:
        stack.close()
        raise


def tearDownModule():
    stack.close()


class Names(unittest.TestCase):
    def test_the_address_that_answers_is_used_and_shown(self):
        row = stack.row("two")
        self.assertEqual(row["LastResult"], RESULT["ok"])
        self.assertEqual(row["AddressType"], 1)
        self.assertEqual(row["Address"], b"\x7f\x00\x00\x03")

    def test_the_first_address_refusing_does_not_fail_the_probe(self):
        """dnsmasq rotates two.test's addresses from one query to the next,
        so about every other probe gets 127.0.0.2 (nothing listens) first."""
        orders = {tuple(dnsmasq.query_a(dns.port, "two.test")) for _ in range(4)}
        self.assertIn(("127.0.0.2", "127.0.0.3"), orders)
        row = stack.wait_probes("two", 6, 10)
        self.assertEqual(row["Failures"], 0)
        self.assertEqual(row["Address"], b"\x7f\x00\x00\x03")

    def test_an_unknown_name_is_a_dns_failure_within_the_deadline(self):
        row = stack.row("unknown")
        self.assertEqual(row["LastResult"], RESULT["dnsFailure"])
        self.assertIn("nowhere.test", row["LastError"])
        self.assertLess(row["Latency"], 3000000)
        self.assertEqual(row["Status"], STATUS["down"])

    def test_family_ipv6_of_a_name_with_only_an_a_record_is_a_dns_failure(self):
        row = stack.row("v6only")
        self.assertEqual(row["LastResult"], RESULT["dnsFailure"])
        self.assertIn("cannot resolve 'only4.test' to an IPv6 address (family=ipv6)",
                      row["LastError"])


class BadLines(unittest.TestCase):
    def test_each_bad_line_is_reported_with_its_line_and_the_rest_loads(self):
        log = stack.read_log()
        for text, why in (
                ("smtpMonDnsbl good.test bad_zone.test", "'bad_zone.test' is not a DNS zone"),
                ("smtpMonResolver 999.0.0.1:53", "expected an IP address"),
                ("smtpMonServer badkey 127.0.0.5:%d source=mail.example.org"
                 % stack.fake_ports["listed"], "source=mail.example.org: not an IPv4")):
            self.assertRegex(log, r"line %d: Error: .*%s" % (stack.conf_line(text),
                                                             re.escape(why)))
        self.assertNotIn("badkey", stack.table())
        self.assertEqual(stack.row("listed")["DnsblZones"], "zone-a.test")   # good.test not added


class Source(unittest.TestCase):
    def test_probes_leave_from_the_source_address(self):
        row = stack.wait_probes("fromsrc", 2, 10)
        self.assertEqual(row["LastResult"], RESULT["ok"])
        peers = {e["data"].rsplit(":", 1)[0] for e in stack.fake_events("listed", "accept")}
        self.assertIn("127.0.0.9", peers)

    def test_a_source_address_not_on_this_host_is_a_network_error(self):
        row = stack.wait_probes("badsrc", 1, 10)
        self.assertEqual(row["LastResult"], RESULT["networkError"])
        self.assertIn("source=192.0.2.1", row["LastError"])


class Blocklists(unittest.TestCase):
    def test_a_listing_in_one_zone_is_counted_named_and_degrades(self):
        row = stack.wait_for(lambda: stack.row("listed")["DnsblListings"] == 1 and
                             stack.row("listed"), 10, "the listing")
        self.assertEqual(row["DnsblZones"], "zone-a.test")
        self.assertEqual(row["Status"], STATUS["degraded"])
        self.assertEqual(row["LastResult"], RESULT["ok"])

    def test_a_listing_sends_one_smtp_mon_server_listed(self):
        stack.wait_for(lambda: stack.traps("listed"), 10, "smtpMonServerListed")
        listed = [t for t in stack.traps("listed") if t["name"] == "smtpMonServerListed"]
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed[0]["objects"]["DnsblListings"], 1)
        self.assertEqual(listed[0]["objects"]["DnsblZones"], "zone-a.test")
        self.assertEqual(listed[0]["order"], ["Host", "Port", "DnsblListings", "DnsblZones",
                                              "DisplayName"])
        self.assertEqual(listed[0]["objects"]["DisplayName"], "listed")
        self.assertEqual(stack.row("listed")["StatusReason"], "listed on zone-a.test")
        self.assertNotIn("smtpMonServerDegraded", [t["name"] for t in stack.traps("listed")])

    def test_the_lists_own_error_answer_is_logged_never_a_listing(self):
        row = stack.row("errlist")
        self.assertEqual((row["DnsblListings"], row["Status"]), (0, STATUS["up"]))
        self.assertRegex(stack.read_log(), r"blocklist check of errlist .*zone-a\.test answered "
                         r"127\.255\.255\.254")

    def test_the_rfc_5782_test_answer_is_no_listing(self):
        row = stack.row("testans")
        self.assertEqual((row["DnsblListings"], row["Status"]), (0, STATUS["up"]))
        self.assertEqual(stack.traps("testans"), [])

    def test_an_ipv6_server_is_checked_by_nibble(self):
        row = stack.wait_for(lambda: stack.row("v6")["DnsblListings"] == 1 and stack.row("v6"),
                             10, "the IPv6 listing")
        self.assertEqual(row["DnsblZones"], "zone-b.test")

    def test_zz_delisting_clears_it_and_the_server_is_up_again(self):
        stack.wait_for(lambda: stack.row("listed")["DnsblListings"] == 1, 10, "the listing")
        records = listing_records()
        del records["5.0.0.127.zone-a.test"]
        dns.set_records(records)
        row = stack.wait_for(lambda: stack.row("listed")["DnsblListings"] == 0 and
                             stack.row("listed"), 10, "the delisting")
        self.assertEqual((row["Status"], row["DnsblZones"]), (STATUS["up"], ""))
        names = [t["name"] for t in stack.traps("listed")]
        self.assertEqual(names.count("smtpMonServerListed"), 1)
        stack.wait_for(lambda: "smtpMonServerUp" in [t["name"] for t in stack.traps("listed")],
                       5, "smtpMonServerUp after the delisting")


if __name__ == "__main__":
    unittest.main()
