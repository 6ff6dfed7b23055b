#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The Debian packages: dpkg-buildpackage -us -uc -b builds them from a copy
# of the sources (the working tree stays clean), each holds what it should
# (daemon and unit, plugin, MIB, alert script), the daemon in the package
# runs, and lintian finds no error.
#   tests/packaging/check-deb.sh
set -u
top=${SMTPMON_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

TAP_VERBOSE=1   # the package checks show what they found
. "$top/tests/lib/tap.sh"

tmp=$(mktemp -d /tmp/smtpmon-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

copy_sources() {   # what git tracks or would track, without tools/check's build/
	mkdir -p "$tmp/src"
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top" && git ls-files -co --exclude-standard | grep -v '^build/' | tar -T - -cf -) |
			tar -xf - -C "$tmp/src"
	else
		(cd "$top" && tar --exclude=./build --exclude='./build-*' -cf - .) | tar -xf - -C "$tmp/src"
	fi
}

build() {
	copy_sources &&
		(cd "$tmp/src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
			dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1) ||
		{ tail -40 "$tmp/build.log"; return 1; }
	grep -E '(^|: )warning: ' "$tmp/build.log" | grep -v "libtool: warning: remember to run 'libtool --finish" |
		{ ! grep . ; } || return 1
}

deb() { echo "$tmp/${1}_${version}_${2:-$arch}.deb"; }

holds() {   # PACKAGE ARCH PATH... : the package holds each path
	local pkg=$1 a=$2 list missing=""
	shift 2
	list=$(dpkg-deb -c "$(deb "$pkg" "$a")" | awk '{ print $1 " " $6 }') || return 1
	for p in "$@"; do
		grep -qE "^${p%% *} \./${p#* }\$" <<<"$list" || missing="$missing ${p#* }"
	done
	[ -z "$missing" ] || { echo "$pkg lacks:$missing"; echo "$list"; return 1; }
}

daemon_package() {
	holds smtpmond "$arch" "-rwxr-xr-x usr/sbin/smtpmond" \
		"-rw-r--r-- usr/lib/$multiarch/smtpmon/smtpmond-agent.so" \
		"-rw-r--r-- lib/systemd/system/smtpmond.service" \
		"-rw-r--r-- usr/share/man/man8/smtpmond.8.gz" \
		"-rw-r--r-- usr/share/man/man5/smtpmond.conf.5.gz" \
		"-rw-r--r-- etc/snmp/smtpmond.conf" \
		"-rw-r--r-- etc/snmp/snmpd.conf.d/smtpmon.conf" \
		"-rw-r--r-- usr/share/doc/smtpmond/examples/snmpd.conf"
}

daemon_control() {   # conffiles, the user, the unit started, the libraries
	local ctl=$tmp/ctl
	dpkg-deb -e "$(deb smtpmond)" "$ctl" || return 1
	grep -qx /etc/snmp/smtpmond.conf "$ctl/conffiles" &&
		grep -qx /etc/snmp/snmpd.conf.d/smtpmon.conf "$ctl/conffiles" ||
		{ echo "conffiles:"; cat "$ctl/conffiles"; return 1; }
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$ctl/postinst" |
		grep -q 'adduser --system --group .* smtpmon$' ||
		{ echo "postinst creates no smtpmon user"; return 1; }
	grep -q "deb-systemd-invoke \$_dh_action 'smtpmond.service'" "$ctl/postinst" ||
		{ echo "postinst does not start smtpmond.service"; return 1; }
	dpkg-deb -f "$(deb smtpmond)" Depends | grep -q 'libsnmp[0-9]' ||
		{ echo "no dependency on libsnmp"; return 1; }
}

packaged_unit() {
	local root=$tmp/root-smtpmond
	dpkg-deb -x "$(deb smtpmond)" "$root" &&
		grep -qx 'ExecStart=/usr/sbin/smtpmond -f' "$root/lib/systemd/system/smtpmond.service" &&
		grep -qx 'User=smtpmon' "$root/lib/systemd/system/smtpmond.service" &&
		grep -qx 'agentXPerms 0660 0755 Debian-snmp smtpmon' \
			"$root/etc/snmp/snmpd.conf.d/smtpmon.conf" &&
		! grep -q '^agentxSocket' "$root/etc/snmp/smtpmond.conf" &&   # -x wins
		grep -q 'install -d -o smtpmon -g smtpmon -m 0750 /var/lib/smtpmon' \
			"$tmp/ctl/postinst" &&
		[ -f "$root/usr/share/doc/smtpmond/README.Debian" ] &&
		grep -qx 'License: ISC' "$root/usr/share/doc/smtpmond/copyright" &&
		cmp -s <(sed -n '/^ Permission/,$p' "$root/usr/share/doc/smtpmond/copyright" |
			 sed 's/^ //; s/^\.$//') <(sed -n '/^Permission/,$p' "$top/LICENSE")
}

packaged_daemon_runs() {
	local out
	out=$("$tmp/root-smtpmond/usr/sbin/smtpmond" -V) || return 1
	grep -q "^smtpmond (smtpmon) ${version%-*}," <<<"$out" || { echo "$out"; return 1; }
}

lintian_clean() {
	local out
	out=$(lintian --tag-display-limit 0 "$tmp"/smtpmon_"${version}"_"$arch".changes 2>&1)
	printf '%s\n' "$out" | grep -v '^running with root privileges' | grep -E '^[EW]: '
	! grep -qE '^E: ' <<<"$out"
}

check "dpkg-buildpackage -us -uc -b builds the packages without warnings" build
check "smtpmond holds the daemon, its unit, man pages, configuration and examples" daemon_package
check "smtpmond's conffiles, user, started unit and library dependencies" daemon_control
check "the packaged unit starts /usr/sbin/smtpmond -f as smtpmon; snmpd admits the group" packaged_unit
check "the packaged smtpmond runs and reports version ${version%-*}" packaged_daemon_runs
check "snmpd-smtpmon holds the plugin in snmpd's dlmod directory" \
	holds snmpd-smtpmon "$arch" "-rw-r--r-- usr/lib/$multiarch/snmp/dlmod/smtpmon.so"
check "smtpmon-mib holds SMTP-MONITOR-MIB in net-snmp's MIB directory" \
	holds smtpmon-mib all "-rw-r--r-- usr/share/snmp/mibs/SMTP-MONITOR-MIB.txt"
check "smtpmon-mib holds smtpmon-ietf-mibs, which puts the IETF modules on net-snmp's path" \
	holds smtpmon-mib all "-rwxr-xr-x usr/sbin/smtpmon-ietf-mibs"
check "smtpmon-mib holds the NMS kit" \
	holds smtpmon-mib all "-rw-r--r-- usr/share/smtpmon/nms/zabbix_template_smtpmon.yaml" \
	"-rw-r--r-- usr/share/smtpmon/nms/snmptt.conf" "-rw-r--r-- usr/share/smtpmon/nms/snmptt.ini" \
	"-rw-r--r-- usr/share/smtpmon/nms/check_snmp.sh" \
	"-rw-r--r-- usr/share/smtpmon/nms/icinga2-smtpmon.conf"
check "smtpmon-alert holds the alert script, its manual page and the snmptrapd.conf example" \
	holds smtpmon-alert all "-rwxr-xr-x usr/share/smtpmon/smtpmon-alert" \
	"-rw-r--r-- usr/share/man/man1/smtpmon-alert.1.gz" \
	"-rw-r--r-- usr/share/doc/smtpmon-alert/examples/snmptrapd.conf"
check "lintian reports no error (warnings listed)" lintian_clean
tap_done
