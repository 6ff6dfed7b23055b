#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The systemd unit as `make install` installs it: systemd-analyze verify
# accepts it (its ExecStart binary and its man pages included), it starts
# smtpmond the way smtpmond(8) says, after snmpd, as its own user, and it is
# hardened (systemd-analyze security, offline).
#   tests/packaging/check-systemd.sh BUILD_DIR    (a built tree: subagent/smtpmond)
# No systemd needs to run: systemd-analyze reads the files only.
set -u
top=${SMTPMON_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=$(cd "${1:?usage: check-systemd.sh BUILD_DIR}" && pwd)

. "$top/tests/lib/tap.sh"

tmp=$(mktemp -d /tmp/smtpmon-unit.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
unit=$prefix/lib/systemd/system/smtpmond.service

# A configuration of its own for a prefix in $tmp, so that the unit's
# ExecStart names a binary that exists; only the unit and the man pages are
# installed, the binary is the one already built.
install_unit() {
	mkdir -p "$tmp/build" "$prefix/sbin" &&
		(cd "$tmp/build" && "$top/configure" --prefix="$prefix" \
			--with-systemdsystemunitdir="$prefix/lib/systemd/system" \
			--with-mibdir="$prefix/share/snmp/mibs" >configure.log 2>&1 ||
			{ tail -20 configure.log; exit 1; }) &&
		make -C "$tmp/build" install-systemdsystemunitDATA install-man >"$tmp/make.log" 2>&1 ||
		{ tail -20 "$tmp/make.log"; return 1; }
	install -m 0755 "$build/subagent/smtpmond" "$prefix/sbin/smtpmond" && [ -f "$unit" ]
}

verify() {
	local out
	out=$(MANPATH=$prefix/share/man systemd-analyze verify "$unit" 2>&1) ||
		{ echo "$out"; return 1; }
	[ -z "$out" ] || { echo "$out"; return 1; }
}

directive() {   # KEY=VALUE must be a line of the unit, exactly
	grep -qxF -- "$1" "$unit" || { echo "missing: $1"; grep -n "^${1%%=*}=" "$unit"; return 1; }
}

hardened() {
	local d
	for d in "ExecStart=$prefix/sbin/smtpmond -f" "Restart=on-failure" \
		"After=network-online.target snmpd.service" "User=smtpmon" "Group=smtpmon" \
		"StateDirectory=smtpmon" "Environment=SNMP_PERSISTENT_DIR=/var/lib/smtpmon" \
		"NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
		"CapabilityBoundingSet=" "AmbientCapabilities=" "LimitCORE=0" \
		"RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"; do
		directive "$d" || return 1
	done
}

exposure() {   # systemd's own score, 0 (locked down) to 10 (unprotected)
	local out score
	out=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1)
	score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for smtpmond.service: \([0-9.]*\).*/\1/p')
	echo "exposure level: ${score:-none}"
	[ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' ||
		{ printf '%s\n' "$out" | grep '✗'; return 1; }
}

check "make install installs the unit with its sbindir, and the man pages" install_unit
check "systemd-analyze verify accepts smtpmond.service (binary, man pages)" verify
check "the unit runs smtpmond -f as smtpmon after snmpd, restarts it, and is hardened" hardened
check "systemd-analyze security rates the unit's exposure 2.0 or lower" exposure
tap_done
