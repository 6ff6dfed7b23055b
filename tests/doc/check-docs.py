#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The documents against the code, as TAP:

  tests/doc/check-docs.py [BUILD_DIR]

- every option `smtpmond -h` prints is in smtpmond(8), and the other way
  round (needs BUILD_DIR/subagent/smtpmond, or $SMTPMON_BUILD; skipped
  without); every option that takes a value gives its default;
- every directive and every key the parsers accept (read from their key
  tables and comparisons in src/) is in smtpmond.conf(5) with its default;
- every NOTIFICATION-TYPE of the MIB is in the README's and the guide's
  lists, the guide's with the MIB's objects;
- smtpmond(8) says which directives SIGHUP does not apply (the code logs
  them), that exit status 3 also means an internal error of --probe, and
  examples directories that the packages make;
- the MIB says what the code does: smtpMonServerUp also follows degraded;
- every agentXPerms line in the documents is the Debian package's;
- doc/mib-reference.md is what tools/mib-reference.py makes of the MIB;
- no project-internal words and no measured figures in user documents;
- the README starts with tools/demo and tools/check and is under 10 KB.
Each failure says what is missing, and where."""

import glob
import os
import re
import subprocess
import sys

TOP = os.environ.get("SMTPMON_SRCDIR") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SMTPMON_BUILD", "")
MAN8 = os.path.join(TOP, "doc", "smtpmond.8")
MAN5 = os.path.join(TOP, "doc", "smtpmond.conf.5")
README = os.path.join(TOP, "README.md")
GUIDE = os.path.join(TOP, "doc", "admin-guide.md")
MIB = os.path.join(TOP, "mibs", "SMTP-MONITOR-MIB.txt")

results = []


def check(name, fn):
    try:
        problems = fn()
    except SkipTest as e:
        results.append((name, None, str(e)))
        return
    except Exception as e:     # a broken check is a failed one
        problems = ["%s: %s" % (type(e).__name__, e)]
    results.append((name, not problems, problems))


class SkipTest(Exception):
    pass


def read(path):
    with open(os.path.join(TOP, path)) as f:
        return f.read()


def roff_text(line):
    """A man page line as text: no font escapes, \\- as -, no macro."""
    line = re.sub(r"\\f[BIRP]|\\f\(..", "", line)
    line = line.replace("\\-", "-").replace("\\(en", "-").replace('"', "")
    return re.sub(r"^\.[A-Z]+\s*", "", line)


def man_sections(path):
    sections, name = {}, None
    for line in read(path).splitlines():
        m = re.match(r'^\.SH\s+"?([^"]+)"?', line)
        if m:
            name = m.group(1)
            sections[name] = []
        elif name:
            sections[name].append(line)
    return sections


def tp_entries(lines):
    """(header text, paragraph text) of every .TP/.TQ entry in LINES."""
    entries, i = [], 0
    while i < len(lines):
        if lines[i].startswith((".TP", ".TQ")) and i + 1 < len(lines):
            header = roff_text(lines[i + 1])
            body, j = [], i + 2
            while j < len(lines) and not lines[j].startswith((".TP", ".TQ", ".SH", ".RE", ".PP")):
                body.append(roff_text(lines[j]))
                j += 1
            entries.append((header, " ".join(body)))
            i = j
        else:
            i += 1
    for k in range(len(entries) - 2, -1, -1):     # .TP A .TQ B: A shares B's text
        if not entries[k][1].strip():
            entries[k] = (entries[k][0], entries[k + 1][1])
    return entries


OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[A-Za-z])(?![\w-])")


# -- options ------------------------------------------------------------------

def help_text():
    smtpmond = os.path.join(BUILD, "subagent", "smtpmond") if BUILD else ""
    if not smtpmond or not os.access(smtpmond, os.X_OK):
        raise SkipTest("no built smtpmond (give BUILD_DIR)")
    r = subprocess.run([smtpmond, "-h"], capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, MIBS=""))
    if r.returncode != 0:
        raise AssertionError("smtpmond -h exited %d" % r.returncode)
    return r.stdout


def man_options():
    s = man_sections(MAN8)
    synopsis = set(OPTION.findall(" ".join(roff_text(l) for l in s["SYNOPSIS"])))
    entries = []
    for sec in ("OPTIONS", "ONE-SHOT PROBE", "ONE-SHOT MTA-STS AND DANE CHECK", "NUMERIC OIDS"):
        entries += tp_entries(s.get(sec, []))
    tp = set()
    for header, _ in entries:
        tp |= set(OPTION.findall(header))
    return synopsis, tp, entries


def options_match():
    printed = set(OPTION.findall(help_text()))
    synopsis, tp, _ = man_options()
    documented = synopsis | tp
    problems = ["smtpmond -h prints %s, which doc/smtpmond.8 does not document "
                "(add it to SYNOPSIS and a .TP entry)" % o for o in sorted(printed - documented)]
    problems += ["doc/smtpmond.8 documents %s, which smtpmond -h does not print "
                 "(subagent/smtpmond.c usage())" % o for o in sorted(documented - printed)]
    problems += ["doc/smtpmond.8 has %s in SYNOPSIS but no .TP entry explaining it" % o
                 for o in sorted(synopsis - tp - {"--oid"})]
    return problems


def options_give_defaults():
    problems = []
    for header, body in man_options()[2]:
        opts = OPTION.findall(header)
        takes_value = re.search(r"(-[A-Za-z]|--[a-z-]+)\s+[A-Z]", header)
        if opts and takes_value and "default" not in body.lower():
            problems.append("doc/smtpmond.8: option %s gives no default "
                            "(say \"(default: ...)\")" % opts[0])
    return problems


# -- directives and keys ------------------------------------------------------

def code_directives():
    names = set()
    for path in glob.glob(os.path.join(TOP, "src", "agent", "*.c")):
        with open(path) as f:
            names |= set(re.findall(r'register_app_config_handler\("(smtpMon\w+)"', f.read()))
    return sorted(n for n in names if not n.startswith("smtpMonStored"))


def code_keys():
    """key -> the source file that accepts it."""
    keys = {}
    for rel, patterns in (
            ("src/core/target_config.c", [r'\{ "(\w+)", OPT_', r'strcmp\(key, "(\w+)"\)']),
            ("src/core/roundtrip_config.c", [r'strcmp\(key, "(\w+)"\)']),
            ("src/core/domain_config.c", [r'strncmp\(tok, "(\w+)=", \d+\) == 0\)\s*\n\s*return parse']),
            ("src/core/limits.c", [r'\{ "(\w+)", \d+, \w+, offsetof']),
            ("src/agent/directives.c", [r'"(ports)=']),
    ):
        text = read(rel)
        for p in patterns:
            for k in re.findall(p, text):
                keys.setdefault(k, rel)
    return keys


def directives_documented():
    entries = tp_entries(read("doc/smtpmond.conf.5").splitlines())
    problems = []
    for d in code_directives():
        paras = [body for header, body in entries if header.split()[:1] == [d]]
        if not paras:
            problems.append("doc/smtpmond.conf.5 has no .TP entry for the directive %s "
                            "(src/agent registers it)" % d)
        elif not any(re.search(r"\(default: [^)]+\)|\bno default\b|\bBy default\b", p)
                     for p in paras):
            problems.append("doc/smtpmond.conf.5: the directive %s gives no default "
                            "(say \"(default: ...)\")" % d)
    return problems


def keys_documented():
    entries = tp_entries(read("doc/smtpmond.conf.5").splitlines())
    problems = []
    for k, src in sorted(code_keys().items()):
        paras = [body for header, body in entries
                 if re.search(r"(^|[\s|])%s=" % re.escape(k), header)]
        if not paras:
            problems.append("doc/smtpmond.conf.5 has no .TP entry for the key %s= "
                            "(%s accepts it)" % (k, src))
            continue
        if not any(re.search(r"\(default: [^)]+\)|\bno default\b|\(default:", body)
                   for body in paras):
            problems.append("doc/smtpmond.conf.5: the key %s= gives no default "
                            "(say \"(default: ...)\"; %s accepts it)" % (k, src))
    return problems


# -- notifications --------------------------------------------------------------

def mib_notifications():
    text = read("mibs/SMTP-MONITOR-MIB.txt")
    out = {}
    for m in re.finditer(r"^(\w+)[ \t]+NOTIFICATION-TYPE\s+OBJECTS\s*\{([^}]*)\}(.*?)::=",
                         text, re.M | re.S):
        out[m.group(1)] = ([o.strip() for o in m.group(2).split(",")], m.group(3))
    return out


def table_rows(path, first_column):
    """The cells of the markdown table rows whose first cell is a name."""
    rows = {}
    for line in read(path).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells and re.fullmatch(first_column, cells[0]):
            rows[cells[0]] = cells
    return rows


def notifications_listed():
    problems = []
    prefix = re.compile(r"^smtpMon(Server|RoundTrip|Domain)")
    for path in ("README.md", "doc/admin-guide.md"):
        rows = table_rows(path, r"smtpMon\w+")
        for name, (objects, _) in mib_notifications().items():
            if name not in rows:
                problems.append("%s: the notification table lacks %s (the MIB defines it)"
                                % (path, name))
            elif path.endswith("admin-guide.md"):
                listed = re.findall(r"\b[A-Z]\w+", rows[name][2])
                wanted = [prefix.sub("", o) for o in objects]
                if listed != wanted:
                    problems.append("%s: %s's objects are %s; the MIB's are %s"
                                    % (path, name, ", ".join(listed), ", ".join(wanted)))
    return problems


def server_up_follows_degraded():
    """src/core/server_status.c sends smtpMonServerUp on degraded -> up."""
    code = read("src/core/server_status.c")
    sends = re.search(r"from == STATUS_DEGRADED && to == STATUS_UP\)+\s*\n\s*out\[n\+\+\] = "
                      r"NOTIFY_SERVER_UP", code)
    if not sends:
        return ["src/core/server_status.c: no longer found how smtpMonServerUp follows "
                "degraded; update this check (tests/doc/check-docs.py)"]
    desc = " ".join(mib_notifications()["smtpMonServerUp"][1].split())
    if "degraded" not in desc:
        return ["mibs/SMTP-MONITOR-MIB.txt: smtpMonServerUp's DESCRIPTION does not say it "
                "follows degraded(3) too, which src/core/server_status.c sends"]
    return []


# -- smtpmond(8) against the code ----------------------------------------------

def sighup_names_restart_only_directives():
    said = set()
    for path in glob.glob(os.path.join(TOP, "src", "agent", "*.c")):
        with open(path) as f:
            for lit in re.findall(r'"smtpmon: (?:a )?new ([^"]*)"', f.read()):
                said |= set(re.findall(r"smtpMon\w+", lit))
    sighup = " ".join(roff_text(l) for l in man_sections(MAN8)["SIGNALS"])
    sighup = sighup[sighup.index("SIGHUP"):]
    return ["doc/smtpmond.8 SIGNALS: SIGHUP does not say that %s takes effect only at the "
            "next start (src/agent/smtpmon.c logs so at a reload)" % d
            for d in sorted(said) if d not in sighup]


def exit_3_includes_internal_errors():
    problems = []
    if "cannot run the probe" in read("subagent/oneshot.c"):
        man = " ".join(roff_text(l) for l in read("doc/smtpmond.8").splitlines())
        for where, text in (("doc/smtpmond.8", man),
                            ("smtpmond -h (subagent/smtpmond.c)", read("subagent/smtpmond.c"))):
            if not re.search(r"3 UNKNOWN[^.]*internal error|UNKNOWN: a usage error, or the "
                             r"probe could not be run", text):
                problems.append("%s does not say that --probe exits 3 on an internal error "
                                "(subagent/oneshot.c: 'cannot run the probe')" % where)
    return problems


def example_paths_exist():
    """Every .../examples/ directory a manual page names is one the packages
    (debian/*.examples) or make install ($(docdir)/examples) fill."""
    made = {"/usr/local/share/doc/smtpmon/examples"}
    for path in glob.glob(os.path.join(TOP, "debian", "*.examples")):
        made.add("/usr/share/doc/%s/examples" % os.path.basename(path)[:-len(".examples")])
    problems = []
    for page in glob.glob(os.path.join(TOP, "doc", "*.[158]")):
        with open(page) as f:
            text = roff_text(f.read().replace("\n", " "))
        for p in re.findall(r"(/usr/\S*/examples)/?", text):
            if p.rstrip("/") not in made:
                problems.append("%s names %s, which neither the packages nor make install "
                                "create" % (os.path.relpath(page, TOP), p))
    return problems


# -- consistency and words --------------------------------------------------------

def user_documents():
    docs = ["README.md"] + [os.path.relpath(p, TOP) for p in
                            glob.glob(os.path.join(TOP, "doc", "*.md")) +
                            glob.glob(os.path.join(TOP, "doc", "*.[158]")) +
                            glob.glob(os.path.join(TOP, "doc", "nms", "*")) +
                            glob.glob(os.path.join(TOP, "doc", "examples", "*")) +
                            glob.glob(os.path.join(TOP, "debian", "*README.Debian"))]
    return sorted(d for d in docs if not d.endswith("DESIGN.md"))


def agentxperms_agree():
    wanted = re.search(r"^agentXPerms (.*)$", read("debian/snmpd.conf.d/smtpmon.conf"),
                       re.M).group(1).split()
    problems = []
    for doc in user_documents():
        for m in re.finditer(r"agentXPerms\W[^\n]{0,30}?([0-7]{4} +[0-7]{4} +[\w-]+ +[\w-]+)",
                             read(doc)):
            if m.group(1).split() != wanted:
                problems.append("%s says agentXPerms %s; the package "
                                "(debian/snmpd.conf.d/smtpmon.conf) says agentXPerms %s"
                                % (doc, m.group(1), " ".join(wanted)))
    return problems


INTERNAL = [r"\bissue \d+", r"\bthe issue's\b", r"\bsession \d+", r"\bthe seed\b",
            r"\bfloor prober\b", r"DESIGN(\.md)?,? section", r"DESIGN section"]
FIGURES = [r"µs\b", r"\bp99\b", r"\bmedian\b", r"% of one core"]


def no_words(patterns, what):
    problems = []
    for doc in user_documents():
        for n, line in enumerate(read(doc).splitlines(), 1):
            for p in patterns:
                m = re.search(p, line, re.I if what == "project-internal words" else 0)
                if m:
                    problems.append("%s:%d: %s %r" % (doc, n, what, m.group(0)))
    return problems


def x_wins_over_agentxsocket():
    """smtpmond's -x wins over an agentxSocket line (test_daemon_lifecycle
    shows it); no document may say the line overrides -x."""
    return ["%s:%d: says the agentxSocket line overrides -x; -x wins" % (doc, n)
            for doc in user_documents()
            for n, line in enumerate(read(doc).splitlines(), 1)
            if re.search(r"(would )?overrides? -x\b", line)]


def mib_reference_current():
    r = subprocess.run([sys.executable, os.path.join(TOP, "tools", "mib-reference.py"), MIB],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return ["tools/mib-reference.py failed: " + r.stderr[-500:]]
    if r.stdout != read("doc/mib-reference.md"):
        return ["doc/mib-reference.md is out of date: "
                "python3 tools/mib-reference.py > doc/mib-reference.md"]
    return []


def readme_first_screen():
    text = read("README.md")
    problems = []
    size = len(text.encode())
    if size >= 10240:
        problems.append("README.md is %d bytes; keep it under 10 KB (10240)" % size)
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    lines = block.group(1).splitlines() if block else []
    if [l.split()[0] for l in lines if l.strip()][:2] != ["tools/demo", "tools/check"]:
        problems.append("README.md's first code block must be tools/demo, then tools/check")
    headings = re.findall(r"^## (.+)$", text, re.M)
    for want in ("What it is", "Try it", "Install", "Add a server", "Poll it", "Get an alert",
                 "Known limits", "Documentation", "Licence"):
        if want not in headings:
            problems.append("README.md lacks the heading '## %s'" % want)
    for link in re.findall(r"\]\(([^)#]+)", text):
        if not link.startswith("http") and not os.path.exists(os.path.join(TOP, link)):
            problems.append("README.md links to %s, which does not exist" % link)
    return problems


check("every option smtpmond -h prints is in smtpmond(8), and the other way round",
      options_match)
check("every option of smtpmond(8) that takes a value gives its default", options_give_defaults)
check("every directive is in smtpmond.conf(5) with its default", directives_documented)
check("every key the parsers accept is in smtpmond.conf(5) with its default", keys_documented)
check("every notification of the MIB is in the README's and the guide's lists",
      notifications_listed)
check("smtpMonServerUp's DESCRIPTION follows the code (degraded -> up)",
      server_up_follows_degraded)
check("smtpmond(8) SIGHUP names the directives that need a restart",
      sighup_names_restart_only_directives)
check("exit status 3 of --probe is documented as usage or internal error",
      exit_3_includes_internal_errors)
check("the examples directories of the manual pages exist in the packages", example_paths_exist)
check("every agentXPerms line is the Debian package's", agentxperms_agree)
check("no document says agentxSocket overrides -x", x_wins_over_agentxsocket)
check("doc/mib-reference.md is generated from the MIB", mib_reference_current)
check("no project-internal words in user documents",
      lambda: no_words(INTERNAL, "project-internal words"))
check("no measured figures in user documents (they belong in bench/RESULTS.md)",
      lambda: no_words(FIGURES, "a measured figure"))
check("README.md: the two commands first, the headings, under 10 KB, links that resolve",
      readme_first_screen)

failed = 0
for n, (name, ok, detail) in enumerate(results, 1):
    if ok is None:
        print("ok %d - %s # SKIP %s" % (n, name, detail))
    elif ok:
        print("ok %d - %s" % (n, name))
    else:
        failed = 1
        print("not ok %d - %s" % (n, name))
        for p in detail:
            print("# " + p)
print("1..%d" % len(results))
sys.exit(failed)
