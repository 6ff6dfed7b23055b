#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Writes doc/mib-reference.md from mibs/SMTP-MONITOR-MIB.txt on standard
output: the OID tree, every object with its type, unit and access, the
enumerations, the notifications with their objects, and the index encoding.

  python3 tools/mib-reference.py [MIB-FILE] > doc/mib-reference.md

A small reader of this module's SMIv2, not a general MIB parser."""

import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT_NAME, ROOT_OID = "netSnmpPlaypen", "1.3.6.1.4.1.8072.9999.9999"


def strip_comments(text):
    return "\n".join(re.sub(r"--.*$", "", line) if '"' not in line else line
                     for line in text.splitlines())


def first_sentence(desc):
    text = " ".join(desc.split())
    m = re.match(r"(.+?\.)(\s|$)", text)
    return (m.group(1) if m else text).replace("|", "\\|")


def parse(text):
    text = strip_comments(text)
    parents = {}            # name -> (parent, number)
    objects, notifications, tcs = [], [], {}
    for m in re.finditer(r"^(\w+)\s+OBJECT IDENTIFIER\s*::=\s*\{\s*(\w+)\s+(\d+)\s*\}",
                         text, re.M):
        parents[m.group(1)] = (m.group(2), int(m.group(3)))
    m = re.search(r"^(\w+)[ \t]+MODULE-IDENTITY.*?::=\s*\{\s*(\w+)\s+(\d+)\s*\}", text, re.M | re.S)
    module = m.group(1)
    parents[module] = (m.group(2), int(m.group(3)))
    for m in re.finditer(r"^(\w+)\s+::=\s+TEXTUAL-CONVENTION(.*?)SYNTAX\s+(\w+(?:\s*\{[^}]*\})?)",
                         text, re.M | re.S):
        tcs[m.group(1)] = (m.group(3).strip(), re.search(r'DESCRIPTION\s+"(.*?)"', m.group(2),
                                                         re.S).group(1))
    for m in re.finditer(r"^(\w+)[ \t]+OBJECT-TYPE(.*?)::=\s*\{\s*(\w+)\s+(\d+)\s*\}",
                         text, re.M | re.S):
        name, body = m.group(1), m.group(2)
        parents[name] = (m.group(3), int(m.group(4)))
        syntax = re.search(r"SYNTAX\s+(.*?)\n\s+(UNITS|MAX-ACCESS)", body, re.S).group(1)
        units = re.search(r'UNITS\s+"([^"]*)"', body)
        access = re.search(r"MAX-ACCESS\s+([\w-]+)", body).group(1)
        desc = re.search(r'DESCRIPTION\s+"(.*?)"', body, re.S).group(1)
        index = re.search(r"INDEX\s+\{([^}]*)\}", body)
        objects.append({"name": name, "syntax": " ".join(syntax.split()),
                        "units": units.group(1) if units else "", "access": access,
                        "desc": desc, "index": index.group(1).split(",") if index else None})
    for m in re.finditer(r"^(\w+)[ \t]+NOTIFICATION-TYPE(.*?)::=\s*\{\s*(\w+)\s+(\d+)\s*\}",
                         text, re.M | re.S):
        body = m.group(2)
        parents[m.group(1)] = (m.group(3), int(m.group(4)))
        objs = re.search(r"OBJECTS\s*\{([^}]*)\}", body)
        notifications.append({"name": m.group(1),
                              "objects": [o.strip() for o in objs.group(1).split(",")]
                              if objs else [],
                              "desc": re.search(r'DESCRIPTION\s+"(.*?)"', body, re.S).group(1)})
    return module, parents, objects, notifications, tcs


def oid_of(name, parents):
    parts = []
    while name in parents:
        name, n = parents[name][0], parents[name][1]
        parts.append(str(n))
    assert name == ROOT_NAME, name
    return ROOT_OID + "." + ".".join(reversed(parts))


def enumeration(syntax, tcs):
    base = syntax.split("{")[0].strip()
    if "{" not in syntax and base in tcs:
        return enumeration(tcs[base][0], tcs)
    if "{" in syntax and not re.search(r"SIZE|\.\.", syntax):
        return re.findall(r"(\w+)\s*\((\d+)\)", syntax)
    return []


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "mibs", "SMTP-MONITOR-MIB.txt")
    with open(path) as f:
        module, parents, objects, notifications, tcs = parse(f.read())
    out = []
    w = out.append
    w("# SMTP-MONITOR-MIB reference")
    w("")
    w("Generated from `mibs/SMTP-MONITOR-MIB.txt` by `tools/mib-reference.py`; do not edit.")
    w("The MIB file's DESCRIPTION clauses are the full text; this page gives their first")
    w("sentence. Load the module with `-m SMTP-MONITOR-MIB` (see the")
    w("[administrator's guide](admin-guide.md#the-ietf-mib-modules)).")
    w("")
    w("## OID tree")
    w("")
    w("The module `%s` is `%s` = `%s`, in net-snmp's experimental subtree."
      % (module, " ".join(map(str, [ROOT_NAME, parents[module][1]])), oid_of(module, parents)))
    w("The OIDs will move when the project gets its own enterprise number; use the names.")
    w("")
    w("```")
    groups = sorted((n for n, (p, _) in parents.items()
                     if n not in [o["name"] for o in objects + notifications] and n != module),
                    key=lambda n: [int(x) for x in oid_of(n, parents).split(".")])
    for n in [module] + groups:
        w("%-28s %s" % (n, oid_of(n, parents)))
    for o in objects:
        if o["syntax"].startswith("SEQUENCE OF"):
            w("%-28s %s" % (o["name"], oid_of(o["name"], parents)))
    w("```")
    w("")
    w("## Index encoding")
    w("")
    w("Tables indexed by a name (a `SnmpAdminString` or `DisplayString`) encode it as its")
    w("length followed by one sub-identifier per octet: the row `mx1` is `.3.109.120.49`, so")
    w("its smtpMonServerStatus is `%s.3.109.120.49`."
      % oid_of("smtpMonServerStatus", parents))
    w("`smtpmond --oid NAME COLUMN` prints such an OID. An `Unsigned32` index, such as the")
    w("history's, is one sub-identifier.")
    w("")
    w("## Objects")
    w("")
    w("Access: `read-only`, `read-write`, `read-create` (a SET may create the row),")
    w("`accessible-for-notify` (only in notifications), `not-accessible` (an index).")
    table = None
    for o in objects:
        if o["syntax"].startswith("SEQUENCE OF"):
            continue
        if o["index"] is not None:
            table = o
            w("")
            w("### %s (`%s`)" % (parents[o["name"]][0], oid_of(parents[o["name"]][0], parents)))
            w("")
            w("Index: %s. %s" % (", ".join(i.strip() for i in o["index"]),
                                 first_sentence(
                                     [x for x in objects if x["name"] ==
                                      parents[o["name"]][0]][0]["desc"])))
            w("")
            w("| column | # | type | unit | access | meaning |")
            w("|---|---|---|---|---|---|")
            continue
        parent = parents[o["name"]][0]
        if table is None or parent != table["name"]:
            if table is not None or not out[-1].startswith("|"):
                table = None
                w("")
                w("### %s (`%s`)" % (parent, oid_of(parent, parents)))
                w("")
                w("| object | # | type | unit | access | meaning |")
                w("|---|---|---|---|---|---|")
        w("| %s | %d | %s | %s | %s | %s |" % (
            o["name"], parents[o["name"]][1],
            o["syntax"].split("{")[0].strip().replace("|", "\\|"), o["units"], o["access"],
            first_sentence(o["desc"])))
    w("")
    w("## Enumerations")
    seen = set()
    for name, (syntax, _) in sorted(tcs.items()):
        values = enumeration(syntax, tcs)
        if values:
            seen.add(name)
            w("")
            w("### %s" % name)
            w("")
            w(", ".join("%s(%s)" % v for v in values))
    for o in objects:
        base = o["syntax"].split("{")[0].strip()
        values = enumeration(o["syntax"], tcs) if base not in tcs else []
        if values:
            w("")
            w("### %s" % o["name"])
            w("")
            w(", ".join("%s(%s)" % v for v in values))
    w("")
    w("## Notifications")
    w("")
    w("Each is sent once per change; the rules are in the")
    w("[administrator's guide](admin-guide.md#when-they-are-sent).")
    w("")
    w("| notification | OID | objects | meaning |")
    w("|---|---|---|---|")
    for n in notifications:
        w("| %s | `%s` | %s | %s |" % (n["name"], oid_of(n["name"], parents),
                                      ", ".join(n["objects"]), first_sentence(n["desc"])))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
