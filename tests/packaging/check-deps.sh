#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# What the README's two commands install covers what they run: every program
# that tools/demo starts comes from a package `tools/deps.sh --demo` lists
# (or one those depend on, or an Essential one), and the same for the whole
# suite and `tools/deps.sh` (a green run on a well-stocked machine once hid a
# missing snmptrapd). The programs are read from the sources: absolute
# paths and argv[0]s in the Python that the demo and the tests run, and the
# tools the shell checks call.
#   tests/packaging/check-deps.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"

# Quoted "/usr/sbin/x" paths (and monitoring-plugins' "/usr/lib/nagios/plugins/x"), the first word of an argv handed to
# subprocess (or assigned to argv), and the net-snmp tools run by name.
programs_in() {
	grep -ohE '"/usr/s?bin/[A-Za-z0-9_.+-]+"|"/usr/lib/nagios/plugins/[a-z_]+"|(run|Popen|check_output|check_call)\(\[ *"[a-z][a-z0-9_.+-]*"|argv *= *(list\(wrapper\) *\+ *)?\[ *"[a-z/][a-z0-9_./+-]*"|snmp_cmd\("[a-z]+"|snmp\("[a-z]+"' "$@" |
		grep -oE '[a-z][A-Za-z0-9_.+-]*"?$' | tr -d '"' | sort -u
}

# Where Debian puts PROG (a PATH may list another python3 first).
where() {
	local d
	for d in /usr/sbin /usr/bin /sbin /bin /usr/lib/nagios/plugins; do
		[ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	command -v "$1"
}

# A package and everything it depends on, recursively.
closure() {
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$@" 2>/dev/null |
		sed -n 's/^ *\(PreDepends\|Depends\): <*\([^>:]*\)>*.*/\2/p; /^[a-z]/p' | sort -u
}

owner() {   # PATH... : the package that installed the first of them dpkg knows
	local p
	for p in "$@"; do
		dpkg -S "$p" 2>/dev/null | grep -v "^diversion " | head -1 | cut -d: -f1 | grep . && return 0
	done
	return 1
}

covered() {   # LIST-OPTION PROGRAM...
	local opt=$1 prog path pkg missing=""
	shift
	local pkgs
	pkgs=$(closure $("$top/tools/deps.sh" --list $opt))
	for prog in "$@"; do
		path=$(where "$prog") || { missing="$missing $prog(not found)"; continue; }
		pkg=$(owner "$path" "$(readlink -f "$path")" "/bin/$prog" "/sbin/$prog")
		[ -n "$pkg" ] || { missing="$missing $prog(no package)"; continue; }
		grep -qx "$pkg" <<<"$pkgs" && continue
		# Essential or required: on every Debian system.
		case $(dpkg-query -W -f='${Essential} ${Priority}' "$pkg" 2>/dev/null) in
		yes*|*required) continue ;;
		esac
		missing="$missing $prog($pkg)"
	done
	[ -z "$missing" ] || { echo "not installed by tools/deps.sh --list $opt:$missing"; return 1; }
}

demo=$(programs_in "$top/tools/demo.py" "$top/tests/integration/harness.py" \
	"$top/tests/fixtures/procs.py" "$top/tests/fixtures/exim.py" \
	"$top/tests/fixtures/fakesmtp.py")
suite=$(programs_in "$top"/tests/integration/*.py "$top"/tests/fixtures/*.py "$top"/bench/*.py)
shell_tools="python3 smilint snmptranslate valgrind clang dpkg-buildpackage lintian
	systemd-analyze groff autoreconf make"

check "the demo's programs ($(echo $demo | tr '\n' ' ')) come with tools/deps.sh --demo" \
	covered --demo python3 $demo
check "the suite's programs come with tools/deps.sh" covered "" $suite $shell_tools
tap_done
