#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The manual pages: they render without groff warnings, and they document
# every directive smtpmond registers and every key smtpMonServer accepts.
set -u
top=${SMTPMON_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
failed=0
n=0

. "$top/tests/lib/tap.sh"

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

directives=$(grep -o 'register_app_config_handler("smtpMon[A-Za-z]*"' "$top/src/agent/directives.c" |
	sed 's/.*("//; s/"//' | grep -v Stored)
keys=$(grep -oE '\{ "[a-zA-Z]+", OPT_' "$top/src/core/target_config.c" | sed 's/{ "//; s/", OPT_//')
keys="$keys helo sni enabled verifyCert tls family"

every_key_has_default() {   # each key's paragraph names its default in parentheses
	local k para missing=""
	for k in $keys; do
		para=$(awk -v k="$k" '/^\.TP/ { on = 0 } on { print } $0 ~ "^\\.B[IR]? " k "=" { on = 1 }' \
			"$top/doc/smtpmond.conf.5")
		grep -qE '\((default: )?[^)]*\)' <<<"$para" || missing="$missing $k"
	done
	[ -z "$missing" ] || { echo "no default for:$missing"; return 1; }
}

check "smtpmond.8 renders without warnings" renders_cleanly "$top/doc/smtpmond.8"
check "smtpmond.conf.5 renders without warnings" renders_cleanly "$top/doc/smtpmond.conf.5"
check "smtpmond.conf.5 documents every directive" documents "$top/doc/smtpmond.conf.5" $directives
check "smtpmond.conf.5 documents every key" documents "$top/doc/smtpmond.conf.5" $keys
check "smtpmond.8 documents every option" documents "$top/doc/smtpmond.8" \
	'\\-f' '\\-C' '\\-x' '\\-L' '\\-D' '\\-p' '\\-u' '\\-V' '\\-\\-probe' '\\-\\-starttls' \
	'\\-\\-verify' '\\-\\-warning' '\\-\\-critical' '\\-\\-ca\\-path' SIGHUP
renders_with_man() {   # PAGE NAME-LINE: man(1) formats it, as `man smtpmond` will
	local text
	text=$(MANPAGER=cat MANWIDTH=80 man -l "$1" 2>&1 | tr -s " ") || { echo "$text"; return 1; }
	grep -qF -- "$2" <<<"$text" || { echo "no \"$2\" in:"; echo "$text" | head -20; return 1; }
}

has_sections() {   # PAGE SECTION...
	local page=$1 missing=""
	shift
	for sec in "$@"; do
		grep -qx "\.SH \"\?$sec\"\?" "$page" || missing="$missing [$sec]"
	done
	[ -z "$missing" ] || { echo "missing sections:$missing"; return 1; }
}

check "man renders smtpmond.8" renders_with_man "$top/doc/smtpmond.8" \
	"smtpmond - watch SMTP servers and report them over SNMP"
check "man renders smtpmond.conf.5" renders_with_man "$top/doc/smtpmond.conf.5" \
	"smtpmond.conf - the SMTP servers smtpmond watches"
check "smtpmond.8 has options, signals, exit status, environment, files, examples" \
	has_sections "$top/doc/smtpmond.8" OPTIONS SIGNALS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES
check "smtpmond.conf.5 has directives, keys, net-snmp directives, example, files" \
	has_sections "$top/doc/smtpmond.conf.5" DIRECTIVES KEYS "NET-SNMP DIRECTIVES" EXAMPLE FILES
check "smtpmond.conf.5 gives every key's default" every_key_has_default
tap_done
