#!/usr/bin/env bash
# The manual pages: they render without groff warnings, and they document
# every directive smtpmond registers and every key smtpMonServer accepts.
set -u
top=${SMTPMON_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
failed=0
n=0

check() {   # NAME, then a command that succeeds when the check passes
	local name=$1
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=1
	fi
}

renders_cleanly() {
	local warnings
	warnings=$(groff -man -Tutf8 -ww -z "$1" 2>&1)
	[ -z "$warnings" ] || { echo "$warnings"; return 1; }
}

documents() {   # PAGE WORD...
	local page=$1 missing=""
	shift
	for w in "$@"; do
		grep -q -- "$w" "$page" || missing="$missing $w"
	done
	[ -z "$missing" ] || { echo "not documented:$missing"; return 1; }
}

directives=$(grep -o 'register_app_config_handler("smtpMon[A-Za-z]*"' "$top/src/directives.c" |
	sed 's/.*("//; s/"//' | grep -v Stored)
keys=$(grep -oE '\{ "[a-zA-Z]+", OPT_' "$top/src/target_config.c" | sed 's/{ "//; s/", OPT_//')
keys="$keys helo sni enabled verifyCert tls family"

check "smtpmond.8 renders without warnings" renders_cleanly "$top/doc/smtpmond.8"
check "smtpmond.conf.5 renders without warnings" renders_cleanly "$top/doc/smtpmond.conf.5"
check "smtpmond.conf.5 documents every directive" documents "$top/doc/smtpmond.conf.5" $directives
check "smtpmond.conf.5 documents every key" documents "$top/doc/smtpmond.conf.5" $keys
check "smtpmond.8 documents every option" documents "$top/doc/smtpmond.8" \
	'\\-f' '\\-C' '\\-x' '\\-L' '\\-D' '\\-p' '\\-u' '\\-V' '\\-\\-probe' '\\-\\-starttls' \
	'\\-\\-verify' '\\-\\-warning' '\\-\\-critical' '\\-\\-ca\\-path' SIGHUP
echo "1..$n"
exit $failed
