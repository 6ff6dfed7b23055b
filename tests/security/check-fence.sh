#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The threads' boundary is the build's (doc/DESIGN.md section 1): src/core/,
# src/probe/ and src/shared/ compile behind src/fence, so a net-snmp header
# there is an error, while src/agent/ still builds with net-snmp. Every file
# of the fenced folders is compiled here with the fence and an added
# net-snmp include, and must fail; as it is, it must build.
#   tests/security/check-fence.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
cc=${CC:-cc}
flags=(-std=c11 -D_GNU_SOURCE -fsyntax-only -I"$top/src/fence" -I"$top/src"
	$(pkg-config --cflags libevent openssl libcurl 2>/dev/null))

builds() { "$cc" "${flags[@]}" "$1"; }

refuses_netsnmp() {   # FILE HEADER
	local out
	if out=$(sed "1i #include <$2>" "$1" | "$cc" "${flags[@]}" -x c - 2>&1); then
		echo "$1 built with <$2> included"
		return 1
	fi
	grep -q 'net-snmp is for the agent thread' <<<"$out" || { echo "$out"; return 1; }
}

for f in "$top"/src/core/*.c "$top"/src/probe/*.c "$top"/src/shared/*.c; do
	rel=${f#"$top"/}
	check "$rel builds behind the fence" builds "$f"
	check "$rel with <net-snmp/net-snmp-config.h> does not build" \
		refuses_netsnmp "$f" net-snmp/net-snmp-config.h
done
check "a net-snmp library header alone is refused too" \
	refuses_netsnmp "$top/src/core/text.c" net-snmp/library/snmp_api.h
check "src/agent/ builds with net-snmp" "$cc" -std=c11 -D_GNU_SOURCE -fsyntax-only -I"$top/src" \
	"$top/src/agent/smtpmon.c"
tap_done
