#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Installs what building and testing smtpmon needs on Debian 12, only what is
# missing, so a second run costs nothing. Needs root when something is missing.
set -euo pipefail

packages=(
	build-essential autoconf automake libtool pkg-config
	libsnmp-dev libevent-dev libssl-dev libcurl4-openssl-dev libunbound-dev libcmocka-dev
	snmp snmpd snmptrapd smitools
	exim4-daemon-light openssl python3 valgrind procps groff-base dnsmasq-base
	clang libclang-rt-14-dev
	systemd man-db dpkg-dev debhelper lintian
	dovecot-imapd dovecot-pop3d
	snmptt monitoring-plugins-standard python3-yaml
	nsd bind9-utils
)
if [ "${1:-}" = "--demo" ] || [ "${2:-}" = "--demo" ]; then
	packages=(build-essential autoconf automake libtool pkg-config
		libsnmp-dev libevent-dev libssl-dev libcurl4-openssl-dev libunbound-dev snmp snmpd snmptrapd smitools
		exim4-daemon-light python3 procps)
fi

# --list [--demo]: print the packages, install nothing (tests/packaging/check-deps.sh).
if [ "${1:-}" = "--list" ]; then
	printf '%s\n' "${packages[@]}"
	exit 0
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}; run as root or install them" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# No service starts on install: nsd's would take port 53 on every address
# (and fail the install where something holds it). A policy-rc.d of our own
# for the install only, where the machine has none.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
