# SPDX-License-Identifier: ISC
# smtpmon's servers and round trips as Nagios-style checks, with
# monitoring-plugins' check_snmp (Nagios, Icinga, Naemon, or a cron job).
#
# Source the file and call a function:
#
#   . ./check_snmp.sh
#   smtpmon_status    mon.example.net public mx1
#   smtpmon_latency   mon.example.net public mx1 -w 500000     # warn above 0.5 s
#   smtpmon_cert_days mon.example.net public mx1
#   smtpmon_roundtrip mon.example.net public mx1-imap
#
# or run it as a plugin of its own, e.g. in a Nagios command_line:
#
#   sh check_snmp.sh status mon.example.net public mx1
#
# HOST is the snmpd that serves SMTP-MONITOR-MIB, COMMUNITY its read-only
# community, NAME the row's name in smtpmond.conf (smtpMonServer or
# smtpMonRoundTrip). Options after NAME go to check_snmp after this file's
# own, so they win: -p PORT when snmpd does not listen on 161, -w and -c for
# other thresholds, -m SMTP-MONITOR-MIB to have snmpget read through the MIB
# (the numbers do not change). The output is check_snmp's one line, with
# "NAME what" as its label; the exit status is the plugin's: 0 OK,
# 1 WARNING, 2 CRITICAL, 3 UNKNOWN (no such row, no answer, bad options).
#
# check_snmp has no option for a MIB directory, so every check asks for a
# numeric OID, which `smtpmond --oid NAME COLUMN` prints. It is the same on
# every host: on a monitoring host without smtpmond, point SMTPMOND at a copy
# of it, or paste the numbers into your configuration.

CHECK_SNMP=${CHECK_SNMP:-/usr/lib/nagios/plugins/check_snmp}
SMTPMOND=${SMTPMOND:-/usr/sbin/smtpmond}

# smtpmon_check COLUMN WHAT WARN CRIT HOST COMMUNITY NAME [check_snmp options]
# The agent answers from what smtpmond has stored and never waits on a
# probe: 5 s and one retry are plenty, where check_snmp's defaults would let
# a lost answer hold the check for most of a minute.
smtpmon_check() {
	if [ $# -lt 7 ]; then
		echo "usage: smtpmon_$2 HOST COMMUNITY NAME [check_snmp options]" >&2
		return 3
	fi
	smtpmon_oid=$("$SMTPMOND" --oid "$7" "$1") || return 3
	smtpmon_what=$2 smtpmon_warn=$3 smtpmon_crit=$4 smtpmon_host=$5 smtpmon_community=$6
	smtpmon_name=$7
	shift 7
	"$CHECK_SNMP" -H "$smtpmon_host" -C "$smtpmon_community" -P 2c -t 5 -e 1 \
		-o "$smtpmon_oid" -l "$smtpmon_name $smtpmon_what" \
		-w "$smtpmon_warn" -c "$smtpmon_crit" "$@"
}

# smtpMonServerStatus: up(2) OK, degraded(3) WARNING, down(4) CRITICAL.
# "@3:3" is Nagios range syntax for "alert when the value is 3". unknown(1)
# is no verdict yet (the first probe after a start or a change has not
# ended) and disabled(5) is a row an administrator switched off: neither
# pages, and a down server is CRITICAL at its first verdict anyway.
smtpmon_status() {
	smtpmon_check smtpMonServerStatus status @3:3 @4:4 "$@"
}

# smtpMonServerLatency, in microseconds as in the MIB: connect to the EHLO
# reply. Warn above 2 s, critical above 5 s (a postscreen greeting pause
# counts). A failed probe leaves 0, so a down server is smtpmon_status's
# business, not this one's.
smtpmon_latency() {
	smtpmon_check smtpMonServerLatency latency_us 2000000 5000000 "$@"
}

# smtpMonServerCertDaysLeft: warn under 14 days, critical under 7; negative
# once expired. A server without TLS (or before its first handshake) reads
# 2147483647, so these thresholds never fire on it. smtpmond's certWarnDays
# (14 by default) makes the server degraded too; this check names the cause.
smtpmon_cert_days() {
	smtpmon_check smtpMonServerCertDaysLeft cert_days 14: 7: "$@"
}

# smtpMonRoundTripStatus: up(2) OK, down(4) CRITICAL; a round trip is never
# degraded. As for servers, unknown(1) (no check has ended yet) and
# disabled(5) (its sending server row is missing or disabled) do not page.
smtpmon_roundtrip() {
	smtpmon_check smtpMonRoundTripStatus roundtrip @3:3 @4:4 "$@"
}

# Run as a program rather than sourced: the first word picks the check.
case ${0##*/} in
check_snmp.sh)
	case ${1-} in
	status | latency | cert_days | roundtrip)
		smtpmon_fn=smtpmon_$1
		shift
		"$smtpmon_fn" "$@"
		exit
		;;
	*)
		echo "usage: $0 status|latency|cert_days|roundtrip HOST COMMUNITY NAME" \
			"[check_snmp options]" >&2
		exit 3
		;;
	esac
	;;
esac
