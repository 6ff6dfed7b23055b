#!/bin/bash
# SPDX-License-Identifier: ISC
# tools/ietf-mibs.sh [DIR]   (installed as smtpmon-ietf-mibs by the smtpmon-mib package)
#
# DIR defaults to /usr/share/snmp/mibs/ietf, which is on net-snmp's default MIB search
# path on Debian, so that `snmptable -m +SMTP-MONITOR-MIB ...` works without -M or mibdirs.
#
# Makes the IETF base MIB modules (SNMPv2-SMI, SNMPv2-TC, SNMPv2-CONF, SNMPv2-MIB,
# SNMP-FRAMEWORK-MIB, INET-ADDRESS-MIB, ...) available in DIR as DIR/<MODULE>.txt, where
# both net-snmp (-M DIR) and smilint (SMIPATH=DIR) find them.
#
# Debian ships net-snmp without these modules (their package, snmp-mibs-downloader, is in
# non-free and downloads from the internet). The package erlang-snmp in Debian main carries
# their texts; this script downloads that package (without installing it), unpacks it in a
# temporary directory and copies the IETF modules out of it.
#
# Also installs smilint (smitools) and snmptranslate (snmp) when they are missing.
#
# Idempotent: when DIR already holds SNMPv2-SMI.txt, nothing is downloaded or copied.
# SNMPv2-SMI.txt is written last, so an interrupted run is simply redone.
#
# Exit status: 0 on success, 1 on any failure (with a message on stderr), 2 on usage error.

set -euo pipefail

prog=${0##*/}

die() {
    printf '%s: error: %s\n' "$prog" "$*" >&2
    exit 1
}

note() {
    printf '%s: %s\n' "$prog" "$*" >&2
}

usage() {
    printf 'usage: %s [DIR]\n' "$prog" >&2
    printf '  puts the IETF base MIB modules into DIR as DIR/<MODULE>.txt\n' >&2
    printf '  (default: /usr/share/snmp/mibs/ietf, on net-snmp'"'"'s search path)\n' >&2
    exit 2
}

[ $# -le 1 ] || usage
case ${1:-} in
    -h|--help) usage ;;
esac
dest=${1:-/usr/share/snmp/mibs/ietf}

# Modules that must come out of the package, or the run fails.
required="SNMPv2-SMI SNMPv2-TC SNMPv2-CONF SNMPv2-MIB SNMP-FRAMEWORK-MIB INET-ADDRESS-MIB"

# Modules the package carries that are not IETF modules (Erlang/OTP's own); not copied.
is_skipped_module() {
    case $1 in
        OTP-*|STANDARD-MIB) return 0 ;;
    esac
    return 1
}

apt_updated=no
apt_update() {
    [ "$apt_updated" = yes ] && return 0
    note "running apt-get update"
    if ! apt-get update >&2; then
        die "apt-get update failed (are Debian's apt repositories reachable?)"
    fi
    apt_updated=yes
}

# --- tools ------------------------------------------------------------------------------

missing_pkgs=""
command -v smilint >/dev/null 2>&1 || missing_pkgs="$missing_pkgs smitools"
command -v snmptranslate >/dev/null 2>&1 || missing_pkgs="$missing_pkgs snmp"
if [ -n "$missing_pkgs" ]; then
    [ "$(id -u)" -eq 0 ] || die "missing packages:$missing_pkgs; install them as root (apt-get install -y$missing_pkgs)"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install$missing_pkgs by hand"
    note "installing$missing_pkgs"
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y $missing_pkgs >&2; then
        apt_update
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y $missing_pkgs >&2 \
            || die "apt-get install -y$missing_pkgs failed"
    fi
    command -v smilint >/dev/null 2>&1 || die "smilint still missing after installing smitools"
    command -v snmptranslate >/dev/null 2>&1 || die "snmptranslate still missing after installing snmp"
fi

# --- already done? ----------------------------------------------------------------------

if [ -f "$dest/SNMPv2-SMI.txt" ]; then
    exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found (this script needs Debian's apt)"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found (this script needs Debian's dpkg)"

mkdir -p -- "$dest" || die "cannot create directory $dest"
[ -w "$dest" ] || die "directory $dest is not writable"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ietf-mibs.XXXXXX") || die "mktemp failed"
trap 'rm -rf -- "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

mkdir "$tmp/dl" "$tmp/pkg" "$tmp/out"
# apt downloads as the unprivileged user _apt when that user can write the directory;
# otherwise it warns and downloads as root. Hand it the download directory if we can
# (nothing secret lives in $tmp).
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
    chmod 0755 "$tmp" 2>/dev/null || true
    chown _apt "$tmp/dl" 2>/dev/null || true
fi

# --- download and unpack erlang-snmp ------------------------------------------------------

download() {
    (cd "$tmp/dl" && apt-get download erlang-snmp >&2)
}
if ! download; then
    [ "$(id -u)" -eq 0 ] || die "apt-get download erlang-snmp failed; as root, run apt-get update and try again"
    note "apt-get download erlang-snmp failed; updating the package lists and retrying"
    apt_update
    download || die "apt-get download erlang-snmp failed (is Debian main reachable?)"
fi

set -- "$tmp"/dl/erlang-snmp_*.deb
[ -f "$1" ] || die "apt-get download did not leave an erlang-snmp .deb in $tmp/dl"
dpkg-deb -x "$1" "$tmp/pkg" || die "dpkg-deb -x $1 failed"

# --- copy the modules, named by the module name in the text -------------------------------

found=0
names=""
while IFS= read -r -d '' f; do
    # The module name is the word before DEFINITIONS on the first line that has it.
    mod=$(sed -n 's/^[[:space:]]*\([A-Za-z][A-Za-z0-9-]*\)[[:space:]][[:space:]]*DEFINITIONS[[:space:]]*::=.*/\1/p' "$f" | head -n 1)
    if [ -z "$mod" ]; then
        note "skipping ${f#"$tmp"/pkg/}: no module header found"
        continue
    fi
    if is_skipped_module "$mod"; then
        continue
    fi
    if [ -e "$tmp/out/$mod.txt" ]; then
        continue
    fi
    # Strip carriage returns, should a text have any.
    tr -d '\r' <"$f" >"$tmp/out/$mod.txt" || die "cannot copy $f"
    found=$((found + 1))
    names="$names $mod"
done < <(find "$tmp/pkg/usr/lib/erlang/lib" -path '*/snmp-*/mibs/*' -type f -name '*.mib' -print0 2>/dev/null | sort -z)

[ "$found" -gt 0 ] || die "no *.mib files under usr/lib/erlang/lib/snmp-*/mibs in the erlang-snmp package"

for mod in $required; do
    [ -s "$tmp/out/$mod.txt" ] || die "module $mod is not in the erlang-snmp package"
done

# Install into DEST; SNMPv2-SMI.txt last, as it marks a complete directory.
for f in "$tmp"/out/*.txt; do
    [ "${f##*/}" = SNMPv2-SMI.txt ] && continue
    cp -- "$f" "$dest/" || die "cannot copy ${f##*/} to $dest"
done
cp -- "$tmp/out/SNMPv2-SMI.txt" "$dest/SNMPv2-SMI.txt.part" || die "cannot copy SNMPv2-SMI.txt to $dest"
mv -f -- "$dest/SNMPv2-SMI.txt.part" "$dest/SNMPv2-SMI.txt" || die "cannot rename SNMPv2-SMI.txt in $dest"

note "installed $found IETF MIB modules in $dest:$names"
exit 0
