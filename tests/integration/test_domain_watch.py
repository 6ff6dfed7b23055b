# SPDX-License-Identifier: ISC
"""Domain watches (issue 24): `smtpMonDomain NAME DOMAIN[:PORT]` looks up the
domain's MX set as a sending MTA does and keeps one row of smtpMonServerTable
per MX host (per address with family=both), named NAME.1, NAME.2, ...; the
domain's row in smtpMonDomainTable says whether mail to it gets through, and
the domain notifications say when that, or the MX set, changes.

DNS is a mail zone of the test's own (dnsmasq, TTL 1 s, tests/fixtures/
mailzone.py) that the test changes while smtpmon runs; every MX host's
address is on 127.0.24.0/24 or ::1, where fake SMTP servers listen on one
port, the domains' :PORT. One stack serves every watch; the reload runs on a
stack of its own."""

import os
import re
import socket
import time
import unittest

from harness import (COLUMNS, DOMAIN_COLUMNS, DOMAIN_TABLE, RESULT, ROOT, STATUS, TABLE,
                     name_index, new_stack, parse_trap)

import mailzone  # noqa: E402 (tests/fixtures, on the path through harness)

DOMAIN_STATUS = {"unknown": 1, "up": 2, "degraded": 3, "down": 4, "noMail": 5}
FAMILY = {"any": 1, "ipv4": 2, "ipv6": 3, "both": 4}
# The server table's columns that tie a row to its watch (harness knows up to 49).
WATCH_COLUMNS = {50: "DomainWatch", 51: "MxHost", 52: "MxPreference"}
SET_REFUSED = ("notWritable", "inconsistentValue")

ADDR = {"dom1": "127.0.24.1", "dom2": "127.0.24.2", "dom6": "::1",
        "four1": "127.0.24.11", "four2": "127.0.24.12",
        "chg1": "127.0.24.21", "chg2": "127.0.24.22", "chg1b": "127.0.24.23", "chg3": "127.0.24.24",
        "nomx": "127.0.24.31", "ghost1": "127.0.24.41", "plain": "127.0.24.51"}
ROW_KEYS = "interval=1 timeout=2 failThreshold=1"
HELO = "watch.smtpmon.test"


def zone(changed=False):
    """The mail zone; CHANGED: chg.test's MX set with mx3 added and mx2
    removed, and a second address for mx1.chg.test."""
    mx = {
        "dom.test": [(10, "mx1.dom.test"), (20, "mx2.dom.test")],
        "four.test": [(10, "mx1.four.test"), (20, "mx2.four.test")],
        "chg.test": [(10, "mx1.chg.test"), (20, "mx2.chg.test")],
        "null.test": [(0, ".")],                                     # RFC 7505
        "ghost.test": [(10, "mx1.ghost.test"), (20, "nowhere.ghost.test")],
        "lost.test": [(10, "nx1.lost.test")],
        # nomx.test: an address and no MX; gone.test: nothing (NXDOMAIN)
    }
    hosts = {
        "mx1.dom.test": [ADDR["dom1"]], "mx2.dom.test": [ADDR["dom2"], ADDR["dom6"]],
        "mx1.four.test": [ADDR["four1"]], "mx2.four.test": [ADDR["four2"], "::1"],
        "mx1.chg.test": [ADDR["chg1"]], "mx2.chg.test": [ADDR["chg2"]],
        "mx3.chg.test": [ADDR["chg3"]],
        "nomx.test": [ADDR["nomx"]], "mx1.ghost.test": [ADDR["ghost1"]],
    }
    if changed:
        mx["chg.test"] = [(10, "mx1.chg.test"), (30, "mx3.chg.test")]
        hosts["mx1.chg.test"] = [ADDR["chg1"], ADDR["chg1b"]]
    return {"mx": mx, "hosts": hosts}


# --- fakes on one shared port -------------------------------------------------

class Fakes:
    """Fake SMTP servers all on PORT (a domain has one port), one process
    per group of listeners, so that one address can be stopped alone."""

    def __init__(self, stack, port):
        self.stack, self.port, self.procs = stack, port, {}

    def start(self, group, listeners):
        """listeners: {name: address}, each answering "ok"."""
        _, proc = self.stack.start_fake_process(
            {name: ("ok", "[%s]" % addr if ":" in addr else addr)
             for name, addr in listeners.items()}, port=self.port)
        self.procs[group] = (proc, listeners)

    def stop(self, *groups):
        for g in groups:
            self.stack.group.stop(self.procs[g][0], 2)

    def restart(self, *groups):
        for g in groups:
            self.start(g, self.procs[g][1])


def start_fakes(stack, groups):
    """Fakes for GROUPS ({group: {listener: address}}) on a port below the
    ephemeral range that every address has free."""
    addrs = [a for listeners in groups.values() for a in listeners.values()]
    for _ in range(10):
        port = mailzone.pick_port()
        if not mailzone.port_free(port, addrs):
            continue
        fakes = Fakes(stack, port)
        try:
            for g, listeners in groups.items():
                fakes.start(g, listeners)
            return fakes
        except RuntimeError:
            for g in list(fakes.procs):
                fakes.stop(g)
    raise RuntimeError("no port free on %s" % addrs)


# --- reading --------------------------------------------------------------------

def rows(stack):
    """The server table with the watch columns by name."""
    out = stack.table()
    for row in out.values():
        for col, name in WATCH_COLUMNS.items():
            if col in row:
                row[name] = row.pop(col)
    return out


def watch_rows(stack, watch):
    """{row name: row} of the rows watch WATCH made (DomainWatch column)."""
    return {n: r for n, r in rows(stack).items() if r.get("DomainWatch") == watch}


def domains(stack):
    """{watch name: {column: value}} from a walk of smtpMonDomainTable."""
    out = {}
    for oid, value in stack.walk(ROOT + ".1.5").items():
        if not oid.startswith(DOMAIN_TABLE + "."):
            continue
        parts = [int(x) for x in oid[len(DOMAIN_TABLE) + 1:].split(".")]
        col, name = parts[0], bytes(parts[2:]).decode()
        out.setdefault(name, {})[DOMAIN_COLUMNS.get(col, col)] = value
    return out


def domain_traps(stack, watch=None):
    """The domain notifications received so far, as parse_trap gives them
    ("row" is the watch) with "t", when the line came."""
    out = []
    for t, line in list(stack.trap_watch.lines):
        trap = parse_trap(line)
        if trap and trap["name"].startswith("smtpMonDomain") and \
                (watch is None or trap.get("row") == watch):
            out.append(dict(trap, t=t, watch=trap.get("row")))
    return out


def names(traps):
    return [t["name"] for t in traps]


def is_zero_date(value):
    """DateAndTime's all-zero value ('not yet'), as -On prints it."""
    return isinstance(value, bytes) and not any(value)


def domain_col(column, watch):
    number = {v: k for k, v in DOMAIN_COLUMNS.items()}[column]
    return "%s.%d.%s" % (DOMAIN_TABLE, number, name_index(watch))


def server_col(column, row):
    return "%s.%d.%s" % (TABLE, COLUMNS[column], name_index(row))


# --- the shared stack -----------------------------------------------------------

stack = None
dns = None
fakes = None
initial = {}


def watch_lines(port):
    return [
        "smtpMonDomain dom dom.test:%d family=both %s" % (port, ROW_KEYS),
        "smtpMonDomain four four.test:%d family=ipv4 helo=%s %s" % (port, HELO, ROW_KEYS),
        "smtpMonDomain chg chg.test:%d family=both dnsInterval=5 %s" % (port, ROW_KEYS),
        "smtpMonDomain null null.test:%d %s" % (port, ROW_KEYS),
        # nomx and ghost are probed by name: failThreshold=2 rides out
        # MxSetChange's restart of dnsmasq (it cannot reload MX records),
        # which a probe may fall into.
        "smtpMonDomain nomx nomx.test:%d interval=1 timeout=2 failThreshold=2" % port,
        "smtpMonDomain ghost ghost.test:%d interval=1 timeout=2 failThreshold=2" % port,
        "smtpMonDomain lost lost.test:%d %s" % (port, ROW_KEYS),
        "smtpMonDomain gone gone.test:%d %s" % (port, ROW_KEYS),
    ]


BAD_LINES = [
    ("smtpMonDomain badsni dom.test sni=mx1.dom.test",
     "a domain's rows verify each MX host's own name"),
    ("smtpMonDomain badint dom.test dnsInterval=4", "dnsInterval=4: expected 5 to 86400 seconds"),
    ("smtpMonDomain badfam dom.test family=ipv5",
     "family=ipv5: expected any, ipv4, ipv6 or both"),
]

SETTLED = {"dom": "up", "four": "up", "chg": "up", "nomx": "up", "null": "noMail",
           "ghost": "degraded", "lost": "down", "gone": "down"}


def settled():
    d = domains(stack)
    return all(d.get(w, {}).get("Status") == DOMAIN_STATUS[s] for w, s in SETTLED.items()) and \
        all(r.get("Probes", 0) >= 2 for r in rows(stack).values())


def setUpModule():
    global stack, dns, fakes, conf
    stack = new_stack()
    try:
        stack.start_trapd()
        stack.start_snmpd()
        dns = mailzone.start(os.path.join(stack.dir, "dns"), zone(), stack.group)
        fakes = start_fakes(stack, {
            "dom1": {"dom1": ADDR["dom1"]}, "dom2": {"dom2": ADDR["dom2"]},
            "dom6": {"dom6": ADDR["dom6"]},
            "rest": {n: ADDR[n] for n in ("four1", "four2", "chg1", "chg2", "chg1b", "chg3",
                                         "nomx", "ghost1", "plain")}})
        conf = (["smtpMonResolver 127.0.0.1:%d" % dns.port] + watch_lines(fakes.port) +
                ["smtpMonServer plain %s:%d %s" % (ADDR["plain"], fakes.port, ROW_KEYS)] +
                [line for line, _ in BAD_LINES])
        stack.start_smtpmond(conf)
        # Each test says what it found if this does not come: no failing here.
        try:
            stack.wait_for(settled, 15, "every watch looked up and its rows probed twice")
        except AssertionError:
            pass
        time.sleep(1.0)         # a notification for the settled state has had time to come
        initial.update(rows=rows(stack), domains=domains(stack),
                       traps=domain_traps(stack), t=time.monotonic())
    except BaseException:
        stack.close()
        raise


def tearDownModule():
    stack.close()


class FamilyBoth(unittest.TestCase):
    """dom.test: mx1 with one IPv4 address, mx2 with an IPv4 and an IPv6
    address, family=both: a row per address."""

    def test_two_mx_hosts_with_three_addresses_make_three_rows_named_after_the_watch(self):
        got = {n: r for n, r in initial["rows"].items() if r.get("DomainWatch") == "dom"}
        self.assertEqual(sorted(got), ["dom.1", "dom.2", "dom.3"])
        self.assertEqual(sorted((r["Host"], r["MxHost"], r["MxPreference"]) for r in got.values()),
                         [("127.0.24.1", "mx1.dom.test", 10), ("127.0.24.2", "mx2.dom.test", 20),
                          ("[::1]", "mx2.dom.test", 20)])
        self.assertEqual(got["dom.1"]["Host"], "127.0.24.1")     # numbered by preference

    def test_the_rows_carry_the_watch_settings_and_are_read_only(self):
        got = {n: r for n, r in initial["rows"].items() if r.get("DomainWatch") == "dom"}
        self.assertEqual(len(got), 3, sorted(initial["rows"]))
        for name, r in got.items():
            with self.subTest(row=name):
                self.assertEqual((r["Port"], r["Interval"], r["Timeout"], r["FailThreshold"]),
                                 (fakes.port, 1, 2, 1))
                self.assertEqual(r["StorageType"], 5)            # readOnly
                self.assertEqual(r["Status"], STATUS["up"])
                self.assertEqual(r["LastResult"], RESULT["ok"])
                self.assertEqual(r["AddressType"], 2 if ":" in r["Host"] else 1)
                self.assertEqual(r["MxHost"], "mx1.dom.test" if name == "dom.1" else "mx2.dom.test")

    def test_every_address_is_probed(self):
        for listener in ("dom1", "dom2", "dom6"):
            self.assertTrue(stack.fake_events(listener, "accept"), listener)

    def test_the_domain_row_counts_hosts_and_addresses_and_is_up(self):
        d = initial["domains"]["dom"]
        self.assertEqual((d["Name"], d["Family"], d["DisplayName"]),
                         ("dom.test", FAMILY["both"], "dom"))
        self.assertEqual(d["Status"], DOMAIN_STATUS["up"], d["StatusReason"])
        self.assertEqual((d["MxCount"], d["AddressCount"], d["AddressesUp"]), (2, 3, 3))
        self.assertEqual(d["MxSet"], "10 mx1.dom.test, 20 mx2.dom.test")
        self.assertEqual(d["DnsInterval"], 300)                  # the default
        self.assertEqual((d["MxChange"], d["LastDnsError"]), ("", ""))
        self.assertFalse(is_zero_date(d["LastLookup"]), d["LastLookup"])
        self.assertTrue(is_zero_date(d["LastMxChange"]), d["LastMxChange"])

    def test_up_at_start_is_no_news(self):
        self.assertEqual(initial["domains"]["dom"]["Status"], DOMAIN_STATUS["up"])
        self.assertEqual(names(t for t in initial["traps"] if t.get("watch") == "dom"), [])

    def test_one_address_down_degrades_all_down_is_down_restored_is_up_once_each(self):
        """Stopping the fake behind ::1, then the other two, then starting
        all three again. Rows come back at their own probe times, so the way
        back from down may pass through degraded; nothing else is sent."""
        before = len(domain_traps(stack, "dom"))
        self.assertEqual(before, 0, names(domain_traps(stack, "dom")))

        fakes.stop("dom6")
        d = stack.wait_for(lambda: domains(stack)["dom"]["Status"] == DOMAIN_STATUS["degraded"]
                           and domains(stack)["dom"], 6, "dom degraded")
        reason = "mx2.dom.test ::1 is down (connectRefused)"
        self.assertEqual(d["StatusReason"], reason)
        self.assertEqual((d["AddressCount"], d["AddressesUp"]), (3, 2))
        v6 = [r for r in watch_rows(stack, "dom").values() if r["Host"] == "[::1]"][0]
        self.assertEqual((v6["Status"], v6["LastResult"]),
                         (STATUS["down"], RESULT["connectRefused"]))
        degraded = stack.wait_for(lambda: domain_traps(stack, "dom"), 3, "smtpMonDomainDegraded")
        time.sleep(2.2)                                          # two more probes of each row
        self.assertEqual(names(domain_traps(stack, "dom")), ["smtpMonDomainDegraded"])
        t = degraded[0]
        self.assertEqual(t["order"], ["Name", "StatusReason", "AddressCount", "AddressesUp",
                                      "DisplayName"])
        self.assertEqual(t["objects"], {"Name": "dom.test", "StatusReason": reason,
                                        "AddressCount": 3, "AddressesUp": 2,
                                        "DisplayName": "dom"})

        fakes.stop("dom1", "dom2")
        d = stack.wait_for(lambda: domains(stack)["dom"]["Status"] == DOMAIN_STATUS["down"]
                           and domains(stack)["dom"], 6, "dom down")
        self.assertTrue(d["StatusReason"].startswith("no address takes mail: "), d)
        for fault in ("mx1.dom.test 127.0.24.1 is down (connectRefused)",
                      "mx2.dom.test 127.0.24.2 is down (connectRefused)", reason):
            self.assertIn(fault, d["StatusReason"])
        self.assertEqual(d["AddressesUp"], 0)
        stack.wait_for(lambda: len(domain_traps(stack, "dom")) >= 2, 3, "smtpMonDomainDown")
        time.sleep(2.2)
        traps = domain_traps(stack, "dom")
        self.assertEqual(names(traps), ["smtpMonDomainDegraded", "smtpMonDomainDown"])
        self.assertEqual(traps[1]["order"], ["Name", "StatusReason", "MxSet", "AddressCount",
                                             "DisplayName"])
        o = traps[1]["objects"]
        self.assertEqual((o["Name"], o["MxSet"], o["AddressCount"], o["DisplayName"]),
                         ("dom.test", "10 mx1.dom.test, 20 mx2.dom.test", 3, "dom"))
        self.assertEqual(o["StatusReason"], d["StatusReason"])

        fakes.restart("dom1", "dom2", "dom6")
        d = stack.wait_for(lambda: domains(stack)["dom"]["Status"] == DOMAIN_STATUS["up"]
                           and domains(stack)["dom"], 6, "dom up again")
        self.assertEqual(d["AddressesUp"], 3)
        stack.wait_for(lambda: "smtpMonDomainUp" in names(domain_traps(stack, "dom")), 3,
                       "smtpMonDomainUp")
        time.sleep(2.2)
        traps = domain_traps(stack, "dom")
        got = names(traps)
        # Rows come back at their own probe times, and one that fails a probe
        # on a loaded machine (failThreshold=1) is a change of its own: the
        # way back may pass through degraded, but every notification is a
        # change (never the same twice in a row) and it ends up.
        back = got[2:]
        self.assertEqual(back[-1], "smtpMonDomainUp", got)
        self.assertLessEqual(set(back), {"smtpMonDomainDegraded", "smtpMonDomainUp"}, got)
        self.assertTrue(all(a != b for a, b in zip(got, got[1:])), got)
        self.assertLessEqual(len(back), 4, got)
        self.assertEqual(traps[-1]["order"], ["Name", "AddressCount", "DisplayName"])
        self.assertEqual(traps[-1]["objects"], {"Name": "dom.test", "AddressCount": 3,
                                                "DisplayName": "dom"})
        # The rows are the same three, their counters never reset.
        now = watch_rows(stack, "dom")
        self.assertEqual(sorted(now), ["dom.1", "dom.2", "dom.3"])
        for name, r in now.items():
            self.assertGreater(r["Probes"], initial["rows"][name]["Probes"], name)


class FamilyIpv4(unittest.TestCase):
    """four.test with family=ipv4: a row per MX host, by name, over IPv4."""

    def test_a_row_per_mx_host_by_name(self):
        got = watch_rows(stack, "four")
        self.assertEqual(sorted(got), ["four.1", "four.2"])
        self.assertEqual([(got[n]["Host"], got[n]["MxHost"], got[n]["MxPreference"])
                          for n in ("four.1", "four.2")],
                         [("mx1.four.test", "mx1.four.test", 10),
                          ("mx2.four.test", "mx2.four.test", 20)])

    def test_each_row_probes_the_ipv4_address_of_its_host(self):
        got = watch_rows(stack, "four")
        self.assertEqual(got["four.1"]["Address"], socket.inet_aton(ADDR["four1"]))
        self.assertEqual(got["four.2"]["Address"], socket.inet_aton(ADDR["four2"]))
        for r in got.values():
            self.assertEqual((r["AddressType"], r["Status"]), (1, STATUS["up"]))

    def test_the_domain_counts_the_ipv4_addresses_only(self):
        d = domains(stack)["four"]
        self.assertEqual((d["Family"], d["MxCount"], d["AddressCount"], d["AddressesUp"]),
                         (FAMILY["ipv4"], 2, 2, 2))
        self.assertEqual(d["Status"], DOMAIN_STATUS["up"])

    def test_server_keys_apply_to_the_rows(self):
        self.assertEqual({r["HeloName"] for r in watch_rows(stack, "four").values()}, {HELO})
        sent = {e["data"] for e in stack.fake_events("four1", "recv")}
        self.assertIn("EHLO " + HELO, sent)

    def test_short_ttls_bring_lookups_sooner_but_never_within_5_s(self):
        """TTL 1 s: four.test (dnsInterval 300) is looked up again within
        seconds, but never twice in less than 5 s."""
        stack.wait_for(lambda: len(dns.mx_queries("four.test")) >= 3, 15,
                       "three MX lookups of four.test")
        # A resolver that has no answer within its retransmission timeout
        # (a busy machine) asks again in the same second: one lookup.
        times = sorted(set(dns.mx_queries("four.test")))
        gaps = [b - a for a, b in zip(times, times[1:])]
        self.assertGreaterEqual(min(gaps), 4, times)      # the log counts whole seconds
        self.assertLessEqual(max(gaps), 12, times)


class OtherRows(unittest.TestCase):
    def test_a_server_row_is_tied_to_no_watch(self):
        r = rows(stack)["plain"]
        self.assertEqual((r["DomainWatch"], r["MxHost"], r["MxPreference"]), ("", "", -1))


class SpecialMxSets(unittest.TestCase):
    def test_a_null_mx_is_no_mail_with_no_rows_and_no_notification(self):
        d = domains(stack)["null"]
        self.assertEqual(d["Status"], DOMAIN_STATUS["noMail"], d)
        self.assertIn("null.test publishes a null MX", d["StatusReason"])
        self.assertEqual((d["MxCount"], d["AddressCount"], d["MxSet"]),
                         (0, 0, "null MX: takes no mail"))
        self.assertEqual([n for n in rows(stack) if n.startswith("null.")], [])
        self.assertEqual(watch_rows(stack, "null"), {})
        self.assertEqual(domain_traps(stack, "null"), [])

    def test_no_mx_probes_the_domain_itself_as_an_implicit_mx(self):
        got = watch_rows(stack, "nomx")
        self.assertEqual(sorted(got), ["nomx.1"])
        r = got["nomx.1"]
        self.assertEqual((r["Host"], r["MxHost"], r["MxPreference"]), ("nomx.test", "nomx.test", 0))
        self.assertEqual((r["Status"], r["Address"]),
                         (STATUS["up"], socket.inet_aton(ADDR["nomx"])))
        self.assertTrue(stack.fake_events("nomx", "accept"))
        d = domains(stack)["nomx"]
        self.assertEqual((d["Status"], d["MxCount"], d["AddressCount"], d["MxSet"]),
                         (DOMAIN_STATUS["up"], 1, 1, "no MX: nomx.test itself"))
        self.assertEqual(domain_traps(stack, "nomx"), [])

    def test_an_mx_that_does_not_resolve_degrades_the_domain_once(self):
        d = domains(stack)["ghost"]
        self.assertEqual(d["Status"], DOMAIN_STATUS["degraded"], d)
        self.assertEqual(d["StatusReason"], "nowhere.ghost.test does not resolve (NXDOMAIN)")
        self.assertEqual((d["MxCount"], d["AddressCount"], d["AddressesUp"]), (2, 1, 1))
        self.assertEqual(sorted(watch_rows(stack, "ghost")), ["ghost.1"])
        self.assertEqual(watch_rows(stack, "ghost")["ghost.1"]["MxHost"], "mx1.ghost.test")
        traps = domain_traps(stack, "ghost")
        self.assertEqual(names(traps), ["smtpMonDomainDegraded"])
        self.assertEqual(traps[0]["objects"]["StatusReason"],
                         "nowhere.ghost.test does not resolve (NXDOMAIN)")

    def test_no_mx_host_resolving_is_down_once(self):
        d = domains(stack)["lost"]
        self.assertEqual(d["Status"], DOMAIN_STATUS["down"], d)
        self.assertEqual(d["StatusReason"],
                         "no MX host resolves: nx1.lost.test does not resolve (NXDOMAIN)")
        self.assertEqual(watch_rows(stack, "lost"), {})
        self.assertEqual(names(domain_traps(stack, "lost")), ["smtpMonDomainDown"])

    def test_a_domain_that_does_not_exist_is_down_once(self):
        d = domains(stack)["gone"]
        self.assertEqual(d["Status"], DOMAIN_STATUS["down"], d)
        self.assertEqual(d["StatusReason"], "gone.test does not exist (NXDOMAIN)")
        self.assertEqual(d["MxSet"], "no such domain (NXDOMAIN)")
        self.assertEqual(watch_rows(stack, "gone"), {})
        traps = domain_traps(stack, "gone")
        self.assertEqual(names(traps), ["smtpMonDomainDown"])
        self.assertEqual(traps[0]["objects"]["StatusReason"], "gone.test does not exist (NXDOMAIN)")


class MxSetChange(unittest.TestCase):
    """chg.test (family=both, dnsInterval=5): mx3 added, mx2 removed, and
    mx1 given a second address, in one change of the zone."""

    def test_rows_follow_the_mx_set_within_dns_interval_and_counters_go_on(self):
        self.assertEqual(sorted(watch_rows(stack, "chg")), ["chg.1", "chg.2"])
        kept = watch_rows(stack, "chg")["chg.1"]
        self.assertEqual(kept["Host"], ADDR["chg1"])
        log_from = len(stack.read_log())

        dns.set_zone(zone(changed=True))
        changed = time.monotonic()
        samples = []                                  # chg.1's Probes while the rows change

        def followed():
            got = watch_rows(stack, "chg")
            samples.append(got["chg.1"]["Probes"])
            # A walk goes column by column: a row added during it shows only
            # its later columns, so wait for a walk with whole rows.
            return sorted(got) == ["chg.1", "chg.3", "chg.4"] and \
                all("Host" in r for r in got.values()) and got
        got = stack.wait_for(followed, 8, "chg's rows to follow DNS (dnsInterval 5)")
        gone = time.monotonic()
        self.assertLess(gone - changed, 7.0)

        # A new row takes a number that no row holds now or held just before.
        def where(r):
            return r["Host"], r["MxHost"], r["MxPreference"]
        self.assertEqual(where(got["chg.3"]), (ADDR["chg1b"], "mx1.chg.test", 10))
        self.assertEqual(where(got["chg.4"]), (ADDR["chg3"], "mx3.chg.test", 30))
        # The row that stays keeps counting (sysUpTime is read in whole
        # hundredths at two moments: the discontinuity time may step by one).
        stack.wait_for(lambda: watch_rows(stack, "chg")["chg.1"]["Probes"] > max(samples), 3,
                       "chg.1 probed after the change")
        samples.append(watch_rows(stack, "chg")["chg.1"]["Probes"])
        self.assertEqual(samples, sorted(samples), "chg.1's Probes went back")
        self.assertGreater(samples[-1], kept["Probes"])
        self.assertAlmostEqual(got["chg.1"]["DiscontinuityTime"], kept["DiscontinuityTime"],
                               delta=2)
        new = stack.wait_for(lambda: all(r["Probes"] >= 1 and r["Status"] != STATUS["unknown"]
                                         for r in watch_rows(stack, "chg").values())
                             and watch_rows(stack, "chg"), 3, "the new rows probed")
        self.assertEqual({r["Status"] for r in new.values()}, {STATUS["up"]})
        self.assertTrue(stack.fake_events("chg3", "accept"))

        d = domains(stack)["chg"]
        self.assertEqual(d["MxSet"], "10 mx1.chg.test, 30 mx3.chg.test")
        self.assertEqual(d["MxChange"], "added 30 mx3.chg.test; removed 20 mx2.chg.test")
        self.assertEqual((d["MxCount"], d["AddressCount"], d["DnsInterval"]), (2, 3, 5))
        self.assertFalse(is_zero_date(d["LastMxChange"]))

        # Each row added and removed is logged.
        log = stack.read_log()[log_from:]
        for row in ("chg.2", "chg.3", "chg.4"):
            self.assertRegex(log, r"\b%s\b" % re.escape(row))

        # One MxChanged, and no more at the next lookup (5 s later).
        stack.wait_for(lambda: domain_traps(stack, "chg"), 3, "smtpMonDomainMxChanged")
        lookups = len(dns.mx_queries("chg.test"))
        stack.wait_for(lambda: len(dns.mx_queries("chg.test")) > lookups, 7,
                       "the next lookup of chg.test")
        time.sleep(0.5)
        traps = domain_traps(stack, "chg")
        self.assertEqual(names(traps), ["smtpMonDomainMxChanged"])
        self.assertEqual(traps[0]["order"], ["Name", "MxSet", "MxChange", "DisplayName"])
        self.assertEqual(traps[0]["objects"], {
            "Name": "chg.test", "MxSet": "10 mx1.chg.test, 30 mx3.chg.test",
            "MxChange": "added 30 mx3.chg.test; removed 20 mx2.chg.test", "DisplayName": "chg"})
        # The removed row is probed no more.
        self.assertEqual([e for e in stack.fake_events("chg2", "accept") if e["t"] > gone + 1.5],
                         [])

        # A reload keeps the rows under the numbers they came to (the plugin
        # makes them again from what it carried), and their counters.
        before = watch_rows(stack, "chg")
        stack.reload_smtpmond(conf)
        after = stack.wait_for(lambda: sorted(watch_rows(stack, "chg")) == sorted(before) and
                               all("Probes" in r for r in watch_rows(stack, "chg").values())
                               and watch_rows(stack, "chg"), 5, "chg's rows after the reload")
        for name, row in before.items():
            self.assertEqual(where(after[name]), where(row), name)
            self.assertGreaterEqual(after[name]["Probes"], row["Probes"], name)


class SetRefused(unittest.TestCase):
    """A watch's rows belong to it: a SET to them or to smtpMonDomainTable
    is refused and changes nothing."""

    def assertRefused(self, *args):
        before, before_domains = rows(stack), domains(stack)
        r = stack.snmp("snmpset", *args, community="private", check=False)
        out = r.stdout + r.stderr
        self.assertNotEqual(r.returncode, 0, out)
        self.assertTrue(any("Reason: " + why in out for why in SET_REFUSED), out)
        after, after_domains = rows(stack), domains(stack)
        self.assertEqual(sorted(after), sorted(before))
        for name in before:
            for key in ("Host", "Port", "Interval", "Timeout", "RowStatus", "AdminStatus",
                        "DomainWatch"):
                self.assertEqual(after[name].get(key), before[name].get(key), (name, key))
        for w in before_domains:
            for key in ("Name", "Family", "DnsInterval", "DisplayName"):
                self.assertEqual(after_domains[w][key], before_domains[w][key], (w, key))
        self.assertIsNone(stack.smtpmond.poll(), "smtpmond died")

    def test_a_set_to_a_watch_row_is_refused(self):
        self.assertRefused(server_col("Interval", "four.1"), "u", 30)
        self.assertRefused(server_col("Port", "four.1"), "u", 2525)
        self.assertRefused(server_col("AdminStatus", "four.1"), "i", 2)

    def test_a_watch_row_cannot_be_destroyed(self):
        self.assertRefused(server_col("RowStatus", "four.2"), "i", 6)
        self.assertIn("four.2", rows(stack))
        count = rows(stack)["four.2"]["Probes"]
        stack.wait_for(lambda: rows(stack)["four.2"]["Probes"] > count, 3, "four.2 probed on")

    def test_the_domain_table_is_not_writable(self):
        for column, kind, value in (("Status", "i", 2), ("DnsInterval", "u", 60),
                                    ("Name", "s", "other.test")):
            r = stack.snmp("snmpset", domain_col(column, "four"), kind, str(value),
                           community="private", check=False)
            self.assertIn("Reason: notWritable", r.stdout + r.stderr, column)
        self.assertEqual((domains(stack)["four"]["DnsInterval"], domains(stack)["four"]["Name"]),
                         (300, "four.test"))


class BadLines(unittest.TestCase):
    def test_each_bad_domain_line_is_reported_with_its_line_and_the_rest_loads(self):
        log = stack.read_log()
        for text, why in BAD_LINES:
            self.assertRegex(log, r"line %d: Error: .*%s" % (stack.conf_line(text),
                                                             re.escape(why)))
        self.assertEqual(sorted(w for w in domains(stack) if w.startswith("bad")), [])
        self.assertEqual(sorted(n for n in rows(stack) if n.startswith("bad")), [])


class Reload(unittest.TestCase):
    """A reload with the watch unchanged keeps its rows' state (the plugin
    rebuilds the module at snmpd's SIGHUP): counters go on, the domain's
    status stays, nothing is sent. A stack of its own, on the same zone."""

    def test_a_reload_keeps_the_watch_rows_and_their_counters(self):
        s = new_stack()
        try:
            s.start_trapd()
            s.start_snmpd()
            lines = ["smtpMonResolver 127.0.0.1:%d" % dns.port,
                     "smtpMonDomain four four.test:%d family=ipv4 %s" % (fakes.port, ROW_KEYS)]
            s.start_smtpmond(lines)
            up = DOMAIN_STATUS["up"]
            s.wait_for(lambda: domains(s)["four"]["Status"] == up and
                       all(r["Probes"] >= 3 for r in watch_rows(s, "four").values()), 15,
                       "four up, its rows probed three times")
            before = watch_rows(s, "four")
            self.assertEqual(sorted(before), ["four.1", "four.2"])

            s.reload_smtpmond(lines + ["smtpMonServer plain %s:%d %s"
                                       % (ADDR["plain"], fakes.port, ROW_KEYS)])
            s.wait_for(lambda: "plain" in rows(s), 5, "the reloaded configuration's new row")
            after = watch_rows(s, "four")
            self.assertEqual(sorted(after), ["four.1", "four.2"])
            self.assertEqual(domains(s)["four"]["Status"], up)
            for name in before:
                self.assertGreaterEqual(after[name]["Probes"], before[name]["Probes"], name)
                self.assertAlmostEqual(after[name]["DiscontinuityTime"],    # read in whole
                                       before[name]["DiscontinuityTime"],   # hundredths
                                       delta=2, msg=name)
                self.assertEqual(after[name]["Status"], STATUS["up"], name)
            later = s.wait_for(lambda: all(watch_rows(s, "four")[n]["Probes"] >
                                           after[n]["Probes"] for n in after)
                               and watch_rows(s, "four"), 4, "the rows probed on")
            self.assertEqual(sorted(later), ["four.1", "four.2"])
            time.sleep(1.0)
            self.assertEqual(domain_traps(s), [], "a reload is no news")
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
