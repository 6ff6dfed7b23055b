#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/mib/check-mib.sh: checks mibs/SMTP-MONITOR-MIB.txt against the contract of
# doc/DESIGN.md section 7, with smilint and net-snmp's snmptranslate.
#
# Output is TAP: one "ok - NAME" or "not ok - NAME" line per check, diagnostics
# prefixed with "# ", and the plan "1..N" at the end. Exits non-zero if any check fails.
#
# Environment:
#   SMTPMON_SRCDIR  the source tree (default: two directories above this script)
#   SMTPMON_MIBDIR  where tools/ietf-mibs.sh puts the IETF base modules
#                   (default: ${TMPDIR:-/tmp}/smtpmon-ietf-mibs)

set -u

here=$(cd "$(dirname "$0")" && pwd) || exit 1
srcdir=${SMTPMON_SRCDIR:-$here/../..}
srcdir=$(cd "$srcdir" && pwd) || { echo "Bail out! no source directory $srcdir"; exit 1; }
mibdir=${SMTPMON_MIBDIR:-${TMPDIR:-/tmp}/smtpmon-ietf-mibs}
netsnmp_mibdir=/usr/share/snmp/mibs
mib=$srcdir/mibs/SMTP-MONITOR-MIB.txt
module=SMTP-MONITOR-MIB
root=.1.3.6.1.4.1.8072.9999.9999.25

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-mib.XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf -- "$tmp"' EXIT
mkdir "$tmp/conf"   # empty: keeps the user's snmp.conf from changing output formats

tests=0
failures=0

pass() {
    tests=$((tests + 1))
    printf 'ok - %s\n' "$1"
}

# fail NAME [DIAGNOSTIC-FILE]
fail() {
    tests=$((tests + 1))
    failures=$((failures + 1))
    printf 'not ok - %s\n' "$1"
    if [ $# -ge 2 ] && [ -s "$2" ]; then
        sed 's/^/# /' "$2"
    fi
}

diag() {
    printf '# %s\n' "$*"
}

finish() {
    printf '1..%d\n' "$tests"
    [ "$failures" -eq 0 ] || diag "$failures of $tests checks failed"
    [ "$failures" -eq 0 ]
    exit $?
}

# snmptranslate with only our MIB directories and module, and no user configuration.
translate() {
    SNMPCONFPATH=$tmp/conf snmptranslate -M "$mibdir:$netsnmp_mibdir:$srcdir/mibs" -m "$module" "$@"
}

# net-snmp reports its own first-run housekeeping on stderr; anything else there is a
# problem with the MIB files.
mib_errors() {
    grep -v '^Created directory: ' "$1"
}

# --- the IETF base modules ----------------------------------------------------------------

if "$srcdir/tools/ietf-mibs.sh" "$mibdir" >"$tmp/out" 2>&1 \
        && [ -f "$mibdir/SNMPv2-SMI.txt" ]; then
    pass "ietf-mibs: IETF base modules in $mibdir"
else
    fail "ietf-mibs: IETF base modules in $mibdir" "$tmp/out"
    finish
fi

missing=""
for tool in smilint snmptranslate; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -z "$missing" ] && [ -f "$netsnmp_mibdir/NET-SNMP-MIB.txt" ] && [ -f "$mib" ]; then
    pass "tools and files present"
else
    [ -z "$missing" ] || diag "missing tools:$missing"
    [ -f "$netsnmp_mibdir/NET-SNMP-MIB.txt" ] || diag "missing $netsnmp_mibdir/NET-SNMP-MIB.txt (package libsnmp-base)"
    [ -f "$mib" ] || diag "missing $mib"
    fail "tools and files present"
    finish
fi

# --- smilint ------------------------------------------------------------------------------

SMIPATH="$mibdir:$netsnmp_mibdir" smilint -l 6 -s "$mib" >"$tmp/smilint" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/smilint" ]; then
    pass "smilint -l 6 prints nothing"
else
    echo "smilint exit status $rc" >>"$tmp/smilint"
    fail "smilint -l 6 prints nothing" "$tmp/smilint"
fi

# --- snmptranslate -Tp ----------------------------------------------------------------------

translate -Tp "$module::smtpMonitorMIB" >"$tmp/tree" 2>"$tmp/tree.err"
rc=$?
mib_errors "$tmp/tree.err" >"$tmp/tree.diag"
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/tree.diag" ] && grep -q 'smtpMonServerTable(2)' "$tmp/tree"; then
    pass "snmptranslate -Tp shows the tree with smtpMonServerTable"
else
    { echo "exit status $rc"; cat "$tmp/tree.diag"; head -n 20 "$tmp/tree"; } >"$tmp/d"
    fail "snmptranslate -Tp shows the tree with smtpMonServerTable" "$tmp/d"
fi

# --- numeric OIDs of a sample of objects -------------------------------------------------------

check_oid() {
    local name=$1 want=$2 got
    got=$(translate -On "$module::$name" 2>"$tmp/oid.err")
    if [ "$got" = "$want" ]; then
        pass "oid $name = $want"
    else
        { echo "expected $want"; echo "got      $got"; mib_errors "$tmp/oid.err"; } >"$tmp/d"
        fail "oid $name = $want" "$tmp/d"
    fi
}

check_oid smtpMonitorMIB            "$root"
check_oid smtpMonVersion            "$root.1.1.1"
check_oid smtpMonServerStatus       "$root.1.2.1.20"
check_oid smtpMonServerCertIssuer   "$root.1.2.1.44"
check_oid smtpMonHistoryDetail      "$root.1.3.1.6"
check_oid smtpMonRoundTripFailures  "$root.1.4.1.11"
check_oid smtpMonServerDown         "$root.0.1"
check_oid smtpMonRoundTripRecovered "$root.0.7"

# --- every object of doc/DESIGN.md section 7: OID, access, base type, TC, constraints -------
#
# Written from doc/DESIGN.md, not generated from the MIB. One line per object:
#   name|OID under the root|access as -Tp shows it|base type as -Tp shows it|TC|constraint
# Access: ---- not-accessible, -R-- read-only, -RW- read-write, CR-- read-create.
# TC and constraint are '-' when -Tp shows none; constraints implied by standard TCs
# (DisplayString, TruthValue, ...) are listed as -Tp shows them.

cat >"$tmp/expected" <<'EOF'
smtpMonVersion|1.1.1|-R--|String|DisplayString|Size: 0..255
smtpMonServerCount|1.1.2|-R--|Gauge|-|-
smtpMonServersDown|1.1.3|-R--|Gauge|-|-
smtpMonProbesTotal|1.1.4|-R--|Counter64|-|-
smtpMonProbeFailuresTotal|1.1.5|-R--|Counter64|-|-
smtpMonNotificationsEnabled|1.1.6|-RW-|EnumVal|TruthValue|Values: true(1), false(2)
smtpMonDefaultInterval|1.1.7|-RW-|Unsigned|-|-
smtpMonDefaultTimeout|1.1.8|-RW-|Unsigned|-|-
smtpMonHeloName|1.1.9|-RW-|String|DisplayString|Size: 0..255
smtpMonHistorySize|1.1.10|-RW-|Unsigned|-|-
smtpMonCounterDiscontinuityTime|1.1.11|-R--|TimeTicks|TimeStamp|-
smtpMonServerName|1.2.1.1|----|String|SnmpAdminString|Size: 1..32
smtpMonServerHost|1.2.1.2|CR--|String|DisplayString|Size: 1..255
smtpMonServerPort|1.2.1.3|CR--|Unsigned|InetPortNumber|Range: 0..65535
smtpMonServerTlsMode|1.2.1.4|CR--|EnumVal|-|Values: none(1), starttls(2), implicit(3)
smtpMonServerInterval|1.2.1.5|CR--|Unsigned|-|Range: 1..86400
smtpMonServerTimeout|1.2.1.6|CR--|Unsigned|-|Range: 1..3600
smtpMonServerHeloName|1.2.1.7|CR--|String|DisplayString|Size: 0..255
smtpMonServerFailThreshold|1.2.1.8|CR--|Unsigned|-|Range: 1..100
smtpMonServerLatencyThreshold|1.2.1.9|CR--|Unsigned|-|-
smtpMonServerVerifyCert|1.2.1.10|CR--|EnumVal|TruthValue|Values: true(1), false(2)
smtpMonServerAdminStatus|1.2.1.11|CR--|EnumVal|-|Values: enabled(1), disabled(2)
smtpMonServerStorageType|1.2.1.12|CR--|EnumVal|StorageType|Values: other(1), volatile(2), nonVolatile(3), permanent(4), readOnly(5)
smtpMonServerRowStatus|1.2.1.13|CR--|EnumVal|RowStatus|Values: active(1), notInService(2), notReady(3), createAndGo(4), createAndWait(5), destroy(6)
smtpMonServerRecoverThreshold|1.2.1.14|CR--|Unsigned|-|Range: 1..100
smtpMonServerStatus|1.2.1.20|-R--|EnumVal|-|Values: unknown(1), up(2), degraded(3), down(4), disabled(5)
smtpMonServerLastResult|1.2.1.21|-R--|EnumVal|SmtpMonProbeResult|Values: none(1), ok(2), dnsFailure(3), connectRefused(4), connectTimeout(5), networkError(6), bannerTimeout(7), bannerRejected(8), heloTimeout(9), heloRejected(10), tlsUnavailable(11), tlsFailure(12), certInvalid(13), protocolError(14), connectionClosed(15), internalError(16)
smtpMonServerLastReplyCode|1.2.1.22|-R--|Integer32|-|Range: 0..999
smtpMonServerLastError|1.2.1.23|-R--|String|DisplayString|Size: 0..255
smtpMonServerLastBanner|1.2.1.24|-R--|String|DisplayString|Size: 0..255
smtpMonServerLatency|1.2.1.25|-R--|Unsigned|SmtpMonMicroseconds|-
smtpMonServerConnectTime|1.2.1.26|-R--|Unsigned|SmtpMonMicroseconds|-
smtpMonServerBannerTime|1.2.1.27|-R--|Unsigned|SmtpMonMicroseconds|-
smtpMonServerHeloTime|1.2.1.28|-R--|Unsigned|SmtpMonMicroseconds|-
smtpMonServerTlsTime|1.2.1.29|-R--|Unsigned|SmtpMonMicroseconds|-
smtpMonServerAddressType|1.2.1.30|-R--|EnumVal|InetAddressType|Values: unknown(0), ipv4(1), ipv6(2), ipv4z(3), ipv6z(4), dns(16)
smtpMonServerAddress|1.2.1.31|-R--|String|InetAddress|Size: 0..255
smtpMonServerLastProbe|1.2.1.32|-R--|String|DateAndTime|Size: 8 | 11
smtpMonServerLastChange|1.2.1.33|-R--|String|DateAndTime|Size: 8 | 11
smtpMonServerConsecutiveFailures|1.2.1.34|-R--|Gauge|-|-
smtpMonServerProbes|1.2.1.35|-R--|Counter|-|-
smtpMonServerFailures|1.2.1.36|-R--|Counter|-|-
smtpMonServerEhloKeywords|1.2.1.37|-R--|String|DisplayString|Size: 0..255
smtpMonServerTlsVersion|1.2.1.38|-R--|String|DisplayString|Size: 0..255
smtpMonServerCertNotAfter|1.2.1.39|-R--|String|DateAndTime|Size: 8 | 11
smtpMonServerCertDaysLeft|1.2.1.40|-R--|Integer32|-|-
smtpMonServerDnsblListings|1.2.1.41|-R--|Gauge|-|-
smtpMonServerDnsblZones|1.2.1.42|-R--|String|DisplayString|Size: 0..255
smtpMonServerCertSubject|1.2.1.43|-R--|String|DisplayString|Size: 0..255
smtpMonServerCertIssuer|1.2.1.44|-R--|String|DisplayString|Size: 0..255
smtpMonServerDisplayName|1.2.1.45|-R--|String|SnmpAdminString|Size: 1..32
smtpMonServerDiscontinuityTime|1.2.1.46|-R--|TimeTicks|TimeStamp|-
smtpMonServerLastWarning|1.2.1.47|-R--|String|DisplayString|Size: 0..255
smtpMonServerStatusReason|1.2.1.48|-R--|String|DisplayString|Size: 0..255
smtpMonServerLastEnhancedCode|1.2.1.49|-R--|String|DisplayString|Size: 0..11
smtpMonHistoryIndex|1.3.1.1|----|Unsigned|-|-
smtpMonHistoryTime|1.3.1.2|-R--|String|DateAndTime|Size: 8 | 11
smtpMonHistoryResult|1.3.1.3|-R--|EnumVal|SmtpMonProbeResult|Values: none(1), ok(2), dnsFailure(3), connectRefused(4), connectTimeout(5), networkError(6), bannerTimeout(7), bannerRejected(8), heloTimeout(9), heloRejected(10), tlsUnavailable(11), tlsFailure(12), certInvalid(13), protocolError(14), connectionClosed(15), internalError(16)
smtpMonHistoryReplyCode|1.3.1.4|-R--|Integer32|-|Range: 0..999
smtpMonHistoryLatency|1.3.1.5|-R--|Unsigned|SmtpMonMicroseconds|-
smtpMonHistoryEnhancedCode|1.3.1.7|-R--|String|DisplayString|Size: 0..11
smtpMonHistoryDetail|1.3.1.6|-R--|String|DisplayString|Size: 0..255
smtpMonRoundTripName|1.4.1.1|----|String|SnmpAdminString|Size: 1..32
smtpMonRoundTripServer|1.4.1.2|-R--|String|SnmpAdminString|Size: 0..255
smtpMonRoundTripMailbox|1.4.1.3|-R--|String|DisplayString|Size: 0..255
smtpMonRoundTripStatus|1.4.1.4|-R--|EnumVal|-|Values: unknown(1), up(2), degraded(3), down(4), disabled(5)
smtpMonRoundTripLastResult|1.4.1.5|-R--|EnumVal|-|Values: none(1), ok(2), sendFailed(3), smtpAuthFailed(4), messageRejected(5), mailboxUnreachable(6), mailboxLoginFailed(7), deliveryTimeout(8), internalError(9), certInvalid(10)
smtpMonRoundTripLastError|1.4.1.6|-R--|String|DisplayString|Size: 0..255
smtpMonRoundTripSendTime|1.4.1.7|-R--|Unsigned|SmtpMonMicroseconds|-
smtpMonRoundTripDeliveryTime|1.4.1.8|-R--|Unsigned|SmtpMonMicroseconds|-
smtpMonRoundTripLastSuccess|1.4.1.9|-R--|String|DateAndTime|Size: 8 | 11
smtpMonRoundTripProbes|1.4.1.10|-R--|Counter|-|-
smtpMonRoundTripFailures|1.4.1.11|-R--|Counter|-|-
smtpMonRoundTripDisplayName|1.4.1.12|-R--|String|SnmpAdminString|Size: 1..32
smtpMonRoundTripDiscontinuityTime|1.4.1.13|-R--|TimeTicks|TimeStamp|-
smtpMonServerDown|0.1|notification|-|-|-
smtpMonServerUp|0.2|notification|-|-|-
smtpMonServerDegraded|0.3|notification|-|-|-
smtpMonCertExpiring|0.4|notification|-|-|-
smtpMonServerListed|0.5|notification|-|-|-
smtpMonRoundTripFailed|0.6|notification|-|-|-
smtpMonRoundTripRecovered|0.7|notification|-|-|-
smtpMonServerDomainWatch|1.2.1.50|-R--|String|SnmpAdminString|Size: 0..28
smtpMonServerMxHost|1.2.1.51|-R--|String|DisplayString|Size: 0..255
smtpMonServerMxPreference|1.2.1.52|-R--|Integer32|-|Range: -1..65535
smtpMonDomainWatchName|1.5.1.1|----|String|SnmpAdminString|Size: 1..28
smtpMonDomainName|1.5.1.2|-R--|String|DisplayString|Size: 1..255
smtpMonDomainFamily|1.5.1.3|-R--|EnumVal|-|Values: any(1), ipv4(2), ipv6(3), both(4)
smtpMonDomainStatus|1.5.1.4|-R--|EnumVal|-|Values: unknown(1), up(2), degraded(3), down(4), noMail(5)
smtpMonDomainStatusReason|1.5.1.5|-R--|String|DisplayString|Size: 0..255
smtpMonDomainMxCount|1.5.1.6|-R--|Gauge|-|-
smtpMonDomainAddressCount|1.5.1.7|-R--|Gauge|-|-
smtpMonDomainAddressesUp|1.5.1.8|-R--|Gauge|-|-
smtpMonDomainMxSet|1.5.1.9|-R--|String|DisplayString|Size: 0..255
smtpMonDomainLastLookup|1.5.1.10|-R--|String|DateAndTime|Size: 8 | 11
smtpMonDomainLastMxChange|1.5.1.11|-R--|String|DateAndTime|Size: 8 | 11
smtpMonDomainMxChange|1.5.1.12|-R--|String|DisplayString|Size: 0..255
smtpMonDomainLastDnsError|1.5.1.13|-R--|String|DisplayString|Size: 0..255
smtpMonDomainDnsInterval|1.5.1.14|-R--|Unsigned|-|Range: 5..86400
smtpMonDomainDisplayName|1.5.1.15|-R--|String|SnmpAdminString|Size: 1..28
smtpMonDomainDown|0.8|notification|-|-|-
smtpMonDomainDegraded|0.9|notification|-|-|-
smtpMonDomainUp|0.10|notification|-|-|-
smtpMonDomainMxChanged|0.11|notification|-|-|-
smtpMonDomainMtaStsFailed|0.12|notification|-|-|-
smtpMonDomainMtaStsFetched|1.5.1.20|-R--|String|DateAndTime|Size: 8 | 11
smtpMonDomainMtaStsId|1.5.1.18|-R--|String|DisplayString|Size: 0..32
smtpMonDomainMtaStsMaxAge|1.5.1.19|-R--|Unsigned|-|Range: 0..31557600
smtpMonDomainMtaStsMode|1.5.1.17|-R--|EnumVal|-|Values: noPolicy(1), none(2), testing(3), enforce(4)
smtpMonDomainMtaStsMx|1.5.1.21|-R--|String|DisplayString|Size: 0..255
smtpMonDomainMtaStsOk|0.13|notification|-|-|-
smtpMonDomainMtaStsReason|1.5.1.22|-R--|String|DisplayString|Size: 0..255
smtpMonDomainMtaStsState|1.5.1.16|-R--|EnumVal|-|Values: unknown(1), disabled(2), none(3), ok(4), dnsError(5), invalidRecord(6), fetchFailed(7), redirected(8), tooLarge(9), invalidPolicy(10), mxNotCovered(11), certInvalid(12)
smtpMonServerDaneFailed|0.14|notification|-|-|-
smtpMonServerDaneOk|0.15|notification|-|-|-
smtpMonServerDaneReason|1.2.1.55|-R--|String|DisplayString|Size: 0..255
smtpMonServerDaneRecord|1.2.1.54|-R--|String|DisplayString|Size: 0..255
smtpMonServerDaneState|1.2.1.53|-R--|EnumVal|-|Values: unknown(1), disabled(2), none(3), valid(4), unsigned(5), noTrustAnchor(6), unreachable(7), expiring(8), mismatch(9), bogus(10), dnsError(11), noTls(12)
EOF

# What the MIB has, in the same form: OIDs from -Tz, the rest from the -Tp tree.
translate -Tz >"$tmp/tz" 2>/dev/null
awk -v root="${root#.}" '
    # -Tz lines: "label"<TAB>...<TAB>"oid"
    FNR == NR {
        gsub(/"/, "")
        if (index($2, root ".") == 1) oid[$1] = substr($2, length(root) + 2)
        next
    }
    function flush() {
        if (cur != "") {
            if (!(cur in oid)) oid[cur] = "?"
            printf "%s|%s|%s|%s|%s|%s\n", cur, oid[cur], acc, typ, tc, (con == "" ? "-" : con)
        }
        cur = ""
    }
    /\+--/ {
        flush()
        line = $0
        sub(/^[ |]*\+--/, "", line)
        # an object: " ACCESS TYPE name(N)"; a notification: "name(N)" under smtpMonNotifications
        if (match(line, /^ [-CRW][-CRW][-CRW][-CRW] [A-Za-z0-9]+ +[A-Za-z0-9]+\([0-9]+\)$/)) {
            split(substr(line, 2), f, / +/)
            acc = f[1]; typ = f[2]; cur = f[3]; sub(/\(.*/, "", cur)
            tc = "-"; con = ""
        } else if (line ~ /^[A-Za-z0-9]+\([0-9]+\)$/) {
            name = line; sub(/\(.*/, "", name)
            if ((name in oid) && oid[name] ~ /^0\.[0-9]+$/) {
                cur = name; acc = "notification"; typ = "-"; tc = "-"; con = ""
            }
        }
        next
    }
    cur != "" {
        line = $0
        sub(/^[ |]*/, "", line)
        if (line ~ /^Textual Convention: /) { tc = substr(line, 21) }
        else if (line ~ /^(Size|Range|Values): /) { con = (con == "" ? line : con "; " line) }
        else if (line != "") { flush() }
    }
    END { flush() }
' "$tmp/tz" "$tmp/tree" | sort >"$tmp/actual"
sort "$tmp/expected" >"$tmp/expected.sorted"

if diff -u "$tmp/expected.sorted" "$tmp/actual" >"$tmp/d"; then
    pass "every doc/DESIGN.md section 7 object: OID, access, type, TC, constraints ($(wc -l <"$tmp/actual") objects)"
else
    echo "(- as doc/DESIGN.md says, + as the MIB has it)" >>"$tmp/d"
    fail "every doc/DESIGN.md section 7 object: OID, access, type, TC, constraints" "$tmp/d"
fi

# --- DEFVALs of the read-create columns (doc/DESIGN.md section 2 defaults) ----------------------

defval_ok=yes
: >"$tmp/d"
while IFS='|' read -r name want; do
    # net-snmp prints a string DEFVAL with its quotes escaped: { \"\" }
    got=$(translate -Td "$module::$name" 2>/dev/null | sed -n 's/^[[:space:]]*DEFVAL[[:space:]]*//p' | sed 's/\\"/"/g')
    if [ "$got" != "$want" ]; then
        defval_ok=no
        echo "$name: expected DEFVAL $want, got ${got:-none}" >>"$tmp/d"
    fi
done <<'EOF'
smtpMonServerPort|{ 25 }
smtpMonServerTlsMode|{ none }
smtpMonServerInterval|{ 60 }
smtpMonServerTimeout|{ 10 }
smtpMonServerHeloName|{ "" }
smtpMonServerFailThreshold|{ 2 }
smtpMonServerLatencyThreshold|{ 0 }
smtpMonServerVerifyCert|{ false }
smtpMonServerAdminStatus|{ enabled }
smtpMonServerStorageType|{ nonVolatile }
smtpMonServerRecoverThreshold|{ 1 }
EOF
if [ "$defval_ok" = yes ]; then
    pass "DEFVALs of the read-create columns match the configuration defaults"
else
    fail "DEFVALs of the read-create columns match the configuration defaults" "$tmp/d"
fi

# --- the OBJECTS of each notification ---------------------------------------------------------

check_objects() {
    local name=$1 want=$2 got
    got=$(translate -Td "$module::$name" 2>"$tmp/td.err" \
        | sed -n 's/^[[:space:]]*OBJECTS[[:space:]]*{[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*}[[:space:]]*$/\1/p')
    if [ "$got" = "$want" ]; then
        pass "notification $name OBJECTS"
    else
        { echo "expected { $want }"; echo "got      { $got }"; mib_errors "$tmp/td.err"; } >"$tmp/d"
        fail "notification $name OBJECTS" "$tmp/d"
    fi
}

s=smtpMonServer
check_objects smtpMonServerDown \
    "${s}Host, ${s}Port, ${s}LastResult, ${s}LastReplyCode, ${s}LastError, ${s}LastBanner, ${s}ConsecutiveFailures, ${s}LastEnhancedCode, ${s}DisplayName"
check_objects smtpMonServerUp \
    "${s}Host, ${s}Port, ${s}Latency, ${s}LastBanner, ${s}DisplayName"
check_objects smtpMonServerDegraded \
    "${s}Host, ${s}Port, ${s}Latency, ${s}LatencyThreshold, ${s}StatusReason, ${s}DisplayName"
check_objects smtpMonCertExpiring \
    "${s}Host, ${s}Port, ${s}CertNotAfter, ${s}CertDaysLeft, ${s}DisplayName"
check_objects smtpMonServerListed \
    "${s}Host, ${s}Port, ${s}DnsblListings, ${s}DnsblZones, ${s}DisplayName"
check_objects smtpMonRoundTripFailed \
    "smtpMonRoundTripServer, smtpMonRoundTripLastResult, smtpMonRoundTripLastError, smtpMonRoundTripDisplayName"
check_objects smtpMonRoundTripRecovered \
    "smtpMonRoundTripServer, smtpMonRoundTripDeliveryTime, smtpMonRoundTripDisplayName"
d=smtpMonDomain
check_objects smtpMonDomainDown "${d}Name, ${d}StatusReason, ${d}MxSet, ${d}AddressCount, ${d}DisplayName"
check_objects smtpMonDomainDegraded \
    "${d}Name, ${d}StatusReason, ${d}AddressCount, ${d}AddressesUp, ${d}DisplayName"
check_objects smtpMonDomainUp "${d}Name, ${d}AddressCount, ${d}DisplayName"
check_objects smtpMonDomainMxChanged "${d}Name, ${d}MxSet, ${d}MxChange, ${d}DisplayName"
check_objects smtpMonDomainMtaStsFailed \
    "${d}Name, ${d}MtaStsState, ${d}MtaStsMode, ${d}MtaStsReason, ${d}DisplayName"
check_objects smtpMonDomainMtaStsOk \
    "${d}Name, ${d}MtaStsState, ${d}MtaStsMode, ${d}MtaStsReason, ${d}DisplayName"
s=smtpMonServer
check_objects smtpMonServerDaneFailed \
    "${s}Host, ${s}Port, ${s}MxHost, ${s}DaneState, ${s}DaneRecord, ${s}DaneReason, ${s}DisplayName"
check_objects smtpMonServerDaneOk \
    "${s}Host, ${s}Port, ${s}MxHost, ${s}DaneState, ${s}DaneRecord, ${s}DaneReason, ${s}DisplayName"

finish
