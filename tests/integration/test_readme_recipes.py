# SPDX-License-Identifier: ISC
"""The README's and the administrator's guide's recipes, run as written:
the snmpd.conf and snmptrapd.conf lines of the guide's "Setting it up" and
"Notifications and trap sinks", the README's smtpmond.conf lines ("Add a
server"), its trap sink ("Get an alert") and every command of its "Poll it"
are read from the documents' code blocks, so a recipe that stops working (or
an edit that breaks one) fails here.

Only these changes are made to what the README says, each for a reason:
  - `localhost` (the agent) -> this test's snmpd, udp:127.0.0.1:PORT;
  - `nms.example.com` -> a private snmptrapd on 127.0.0.1:PORT, one per
    notification line, so that every line is shown to deliver on its own;
  - `/var/agentx/master` -> a path in the test's temporary directory;
  - the group `smtpmon` in agentXPerms -> Debian-snmp's group, only where the
    group does not exist (it comes with the smtpmond package; a test must
    not create system groups);
  - `smtpmon-ietf-mibs` is not run (it writes /usr/share/snmp/mibs/ietf as
    root): the client's snmp.conf names $SMTPMON_MIBDIR and the tree's mibs/
    with `mibdirs +DIR`, the other way the README documents;
  - the fixtures' snmpd.conf and snmptrapd.conf come first (ports, state,
    log format); snmptrapd's fixture turns authorization off, which is
    turned on again so that the README's authCommunity/authUser lines decide;
  - in the README's smtpmond.conf lines, each smtpMonServer's host is the
    test's own (mx1: a fake SMTP server that answers, every other: a closed
    port), and interval=60 is interval=1, so that the test need not wait
    minutes; `smtpmond` in a command is this build's.
Probing the documents' example hosts would leave loopback."""

import grp
import os
import pwd
import re
import shlex
import stat
import subprocess
import unittest

from harness import (FRONTEND, NOTIFICATIONS, STATUS, TABLE, TOP, closed_port, name_index,
                     new_stack)

import procs  # noqa: E402  (harness puts tests/fixtures on the path)

README = os.path.join(TOP, "README.md")
GUIDE = os.path.join(TOP, "doc", "admin-guide.md")
SMTPMOND = os.path.join(os.environ.get("SMTPMON_BUILD", "."), "subagent", "smtpmond")
AGENTX_SOCKET = "/var/agentx/master"
NMS = "nms.example.com"
SINK_TOKENS = ("trap2sink", "informsink", "trapsess")
ENGINE_ID_OID = "1.3.6.1.6.3.10.2.1.1.0"      # SNMP-FRAMEWORK-MIB::snmpEngineID.0
MIBDIR = os.environ.get("SMTPMON_MIBDIR", "")

stack = None
recipe = None


def code_blocks(text):
    """The fenced code blocks of TEXT, each as a list of lines without the
    list item's indentation."""
    blocks, current, indent = [], None, 0
    for line in text.splitlines():
        fence = re.match(r"^(\s*)```", line)
        if fence and current is None:
            current, indent = [], len(fence.group(1))
        elif fence:
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line[indent:] if line[:indent].isspace() else line.strip())
    return blocks


def section(path, heading):
    """The text under HEADING (a "## " line) of PATH, up to the next "## "."""
    with open(path) as f:
        text = f.read()
    start = text.index(heading + "\n")
    rest = text[start + len(heading):]
    end = re.search(r"^## ", rest, re.M)
    return rest[:end.start()] if end else rest


def the_block(blocks, test, what, where):
    found = [b for b in blocks if any(test(line) for line in b)]
    if len(found) != 1:
        raise AssertionError("%s has %d code blocks with %s, expected one" % (where, len(found), what))
    return found[0]


class Recipe:
    """The documents' lines, found by what they contain rather than where."""

    def __init__(self):
        setup = code_blocks(section(GUIDE, "## Setting it up"))
        sinks = code_blocks(section(GUIDE, "## Notifications and trap sinks"))
        where = "doc/admin-guide.md's %r"
        self.agentx = the_block(setup, lambda l: l.startswith("agentXPerms"), "agentXPerms",
                                where % "Setting it up")
        where %= "Notifications and trap sinks"
        self.sinks_v2c = the_block(sinks, lambda l: l.startswith("trap2sink"), "trap2sink", where)
        self.sinks_v3 = the_block(sinks, lambda l: l.startswith("trapsess -v 3"),
                                  "trapsess -v 3", where)
        self.trapd = the_block(sinks, lambda l: l.startswith("authUser"), "authUser", where)
        self.readme_sink = the_block(code_blocks(section(README, "## Get an alert")),
                                     lambda l: l.startswith("trap2sink"), "trap2sink",
                                     "README.md's 'Get an alert'")
        self.conf = the_block(code_blocks(section(README, "## Add a server")),
                              lambda l: l.startswith("smtpMonServer"), "smtpMonServer",
                              "README.md's 'Add a server'")
        self.poll = [l for b in code_blocks(section(README, "## Poll it")) for l in b
                     if l.strip() and not l.startswith("#")]
        commands = [l for l in self.poll if l.startswith("snmptable")]
        self.snmptable = commands[0] if commands else None
        self.snmpget = [l for l in self.poll if l.startswith("snmpget")][0]
        self.sink_lines = [l for l in self.sinks_v2c + self.sinks_v3 + self.readme_sink
                           if l.split()[:1] and l.split()[0] in SINK_TOKENS]
        self.perms = [l for l in self.agentx if l.startswith("agentXPerms")][0].split()


def sink_identity(line):
    """Who a sink line says it is: the community of trap2sink/informsink
    (snmptrapd logs it), the -u user of trapsess (logged in its place)."""
    words = shlex.split(line)
    if words[0] == "trapsess":
        return words[words.index("-u") + 1]
    return words[2]


def existing_group(name):
    """NAME if the group exists here, else Debian-snmp's own group."""
    try:
        grp.getgrnam(name)
        return name
    except KeyError:
        return grp.getgrgid(pwd.getpwnam("Debian-snmp").pw_gid).gr_name


def setUpModule():
    global stack, recipe
    if os.environ.get("SMTPMON_VARIANT", "plain") != "plain" or FRONTEND != "subagent":
        raise unittest.SkipTest("the README's recipe is checked once, on the plain build "
                                "with smtpmond (its AgentX lines do not apply to the plugin)")
    if not os.path.exists(os.path.join(MIBDIR, "SNMPv2-SMI.txt")):
        raise unittest.SkipTest("SMTPMON_MIBDIR does not name the IETF MIB modules "
                                "(tools/ietf-mibs.sh DIR makes them)")
    try:
        pwd.getpwnam("Debian-snmp")
    except KeyError:
        raise unittest.SkipTest("no Debian-snmp user: agentXPerms in the README is Debian's")
    recipe = Recipe()
    stack = new_stack()
    try:
        _start(stack, recipe)
    except BaseException:
        stack.close()
        raise


def _start(stack, recipe):
    stack.trapds = []
    for n, line in enumerate(recipe.sink_lines):
        conf = recipe.trapd + ["disableAuthorization no"]
        stack.trapds.append((line, procs.start_snmptrapd(
            os.path.join(stack.dir, "trapd-%d" % n), group=stack.group,
            extra_conf="\n".join(conf))))
    stack.agentx_socket = os.path.join(stack.dir, "var", "agentx", "master")
    stack.perms_group = existing_group(recipe.perms[4])
    snmpd_conf = []
    for line in recipe.agentx:
        line = line.replace(AGENTX_SOCKET, stack.agentx_socket)
        if line.startswith("agentXPerms"):
            words = line.split()
            words[4] = stack.perms_group
            line = " ".join(words)
        snmpd_conf.append(line)
    sinks = iter(trapd for _, trapd in stack.trapds)
    for line in recipe.sinks_v2c + recipe.sinks_v3 + recipe.readme_sink:
        if line.split()[:1] and line.split()[0] in SINK_TOKENS:
            line = line.replace(NMS, "127.0.0.1:%d" % next(sinks).port)
        snmpd_conf.append(line)
    stack.start_snmpd(agentx_socket=stack.agentx_socket, extra_conf="\n".join(snmpd_conf))
    ports = stack.start_fake({"mx1": ("ok", "127.0.0.1")})
    stack.mx2_port = closed_port()
    stack.start_smtpmond(readme_conf(recipe.conf, ports["mx1"], stack.mx2_port))
    stack.wait_probes("mx1", 1, 10)
    try:
        stack.wait_for(lambda: all(_downs(trapd) for _, trapd in stack.trapds), 15,
                       "smtpMonServerDown for mx2 at every snmptrapd")
    except AssertionError:
        pass    # the test of the notification lines names the ones that failed


def readme_conf(lines, mx1_port, closed):
    """The README's smtpmond.conf lines with the test's hosts and a short interval."""
    conf = []
    for line in lines:
        words = line.split()
        if words[:1] == ["smtpMonServer"]:
            words[2] = "127.0.0.1:%d" % (mx1_port if words[1] == "mx1" else closed)
        conf.append(" ".join(words).replace("interval=60", "interval=1"))
    return conf


def tearDownModule():
    if stack:
        stack.close()


def _downs(trapd):
    """The community (or user) of each smtpMonServerDown for mx2 in TRAPD's
    log: snmpTrapOID.0 is smtpmon's .0.1 and a varbind is mx2's row."""
    down = "." + [oid for oid, name in NOTIFICATIONS.items() if name == "smtpMonServerDown"][0]
    row = "." + name_index("mx2")
    return [t["community"] for t in procs.read_traps(trapd.log)
            if t["trap_oid"] == down and any(oid.startswith("." + TABLE + ".") and
                                             oid.endswith(row) for oid, _, _ in t["varbinds"])]


def run_readme_command(line):
    """LINE from the README with `localhost` made this test's snmpd, in a
    client environment whose snmp.conf names the MIB directories."""
    client = os.path.join(stack.dir, "client")
    os.makedirs(client, exist_ok=True)
    with open(os.path.join(client, "snmp.conf"), "w") as f:
        # "mibs :" as Debian's /etc/snmp/snmp.conf says it
        f.write("mibs :\nmibdirs +%s\nmibdirs +%s\n" % (MIBDIR, os.path.join(TOP, "mibs")))
    env = procs.snmp_env(client)
    del env["MIBS"]
    argv = ["127.0.0.1:%d" % stack.snmpd.port if w == "localhost" else w
            for w in shlex.split(line)]
    if argv[0] == "smtpmond":
        argv[0] = SMTPMOND
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)


def table_cell(header, row, column):
    """A one-word cell of snmptable's output, which right-aligns each value
    under the end of its column's heading."""
    end = re.search(r"\s%s(\s|$)" % column, header).start() + 1 + len(column)
    return row[:end].split()[-1]


class ReadmeRecipes(unittest.TestCase):
    def test_readme_configuration_loads_without_a_refused_line(self):
        """Every line of "Add a server" is taken: no line refused, one row
        per smtpMonServer line."""
        log = stack.read_log()
        self.assertNotRegex(log, r"line \d+", log)
        names = [l.split()[1] for l in recipe.conf if l.startswith("smtpMonServer ")]
        self.assertGreaterEqual(len(names), 2)
        self.assertEqual(sorted(stack.table()), sorted(names))

    def test_every_poll_command_of_the_readme_runs(self):
        """Every command of "Poll it" exits 0 and prints something, without
        an error from net-snmp."""
        self.assertGreaterEqual(len(recipe.poll), 4, recipe.poll)
        for line in recipe.poll:
            with self.subTest(command=line):
                r = run_readme_command(line)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertTrue(r.stdout.strip(), r.stderr)
                for bad in ("Unknown Object Identifier", "No Such", "Cannot find module",
                            "Timeout: No Response"):
                    self.assertNotIn(bad, r.stdout + r.stderr)

    def test_snmptable_line_prints_every_configured_server_with_its_host(self):
        """Step 4's snmptable finds the MIB where the README says it may be
        and prints one row per server, with its Host and Port."""
        r = run_readme_command(recipe.snmptable)
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        self.assertNotIn("Unknown Object Identifier", out)
        lines = r.stdout.splitlines()
        header = [l for l in lines if l.split()[:1] == ["index"]]
        self.assertEqual(len(header), 1, out)
        rows = {l.split()[0]: l for l in lines if l.split()[:1] and l.split()[0][:1] == '"'}
        names = [l.split()[1] for l in recipe.conf if l.startswith("smtpMonServer ")]
        self.assertEqual(sorted(rows), sorted('"%s"' % n for n in names), out)
        for name in names:
            row = rows['"%s"' % name]
            self.assertEqual(table_cell(header[0], row, "Host"), "127.0.0.1", out)
            self.assertEqual(table_cell(header[0], row, "Port"),
                             str(stack.fake_ports["mx1"] if name == "mx1" else stack.mx2_port),
                             out)

    def test_snmpget_line_prints_the_status_of_mx1(self):
        """Step 4's snmpget names the row by its name and reads its Status."""
        r = run_readme_command(recipe.snmpget)
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        self.assertRegex(r.stdout, r'smtpMonServerStatus\."mx1" = INTEGER: up\(%d\)'
                         % STATUS["up"])

    def test_every_notification_line_reaches_snmptrapd_configured_as_the_readme_says(self):
        """Each line's snmptrapd logged smtpMonServerDown (smtpmon's OID, .0.1)
        for the server that went down, sent with that line's community or user."""
        self.assertGreaterEqual(len(recipe.sink_lines), 4, recipe.sink_lines)
        for line, trapd in stack.trapds:
            with self.subTest(line=line):
                self.assertEqual(set(_downs(trapd)), {sink_identity(line)})

    def test_the_engine_id_given_to_snmptrapd_is_the_one_engineID_gives_snmpd(self):
        """The hex after `createUser -e` is what snmpd makes of the README's
        `engineID` line, read back as snmpEngineID.0."""
        wanted = [l.split()[2] for l in recipe.trapd if l.startswith("createUser -e ")]
        self.assertEqual(len(wanted), 1, recipe.trapd)
        got = stack.get(ENGINE_ID_OID)[ENGINE_ID_OID]
        self.assertEqual("0x" + got.hex(), wanted[0].lower())

    def test_agentxperms_line_gives_the_socket_its_owner_group_and_mode(self):
        """snmpd applied the line: owner, group and mode of the socket, mode
        of the directory it made for it."""
        mode, dirmode, user = recipe.perms[1], recipe.perms[2], recipe.perms[3]
        st = os.stat(stack.agentx_socket)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), int(mode, 8))
        self.assertEqual(st.st_uid, pwd.getpwnam(user).pw_uid)
        self.assertEqual(st.st_gid, grp.getgrnam(stack.perms_group).gr_gid)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(stack.agentx_socket)).st_mode),
                         int(dirmode, 8))

    def test_snmpd_logs_no_complaint_about_the_readme_lines(self):
        """No unknown user in agentXPerms, no sink it could not create, no
        configuration line refused, no notification it could not sign."""
        with open(stack.snmpd.log, errors="replace") as f:
            log = f.read()
        for complaint in ("Can't identify", "cannot create sink", "snmpd.conf: line",
                          "send_trap:", "USM"):
            self.assertNotIn(complaint, log)


if __name__ == "__main__":
    unittest.main()
