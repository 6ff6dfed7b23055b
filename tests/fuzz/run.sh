#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for
# SECONDS (default 15) from the committed seed corpus, printing one TAP line
# per target with the number of inputs it ran.
#   tests/fuzz/run.sh [SECONDS] [BUILD_DIR]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-15}
out=${2:-$top/build/fuzz}
mkdir -p "$out"
cflags="-g -O1 -std=c11 -D_GNU_SOURCE -I$top/src -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
n=0
failed=0

target() {   # NAME SOURCES...
	local name=$1 runs
	shift
	n=$((n + 1))
	if ! clang $cflags -o "$out/fuzz_$name" "$top/tests/fuzz/fuzz_$name.c" "$@" \
		>"$out/$name.build" 2>&1; then
		echo "not ok $n - fuzz $name: does not build"
		sed 's/^/# /' "$out/$name.build" | tail -20
		failed=1
		return
	fi
	rm -rf "$out/$name.corpus"
	mkdir -p "$out/$name.corpus"
	if (cd "$out" && "./fuzz_$name" -max_total_time="$seconds" -print_final_stats=1 \
		-max_len=4096 "$name.corpus" "$top/tests/fuzz/corpus/$name" >"$name.log" 2>&1); then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
		echo "ok $n - fuzz $name: ${runs:-?} inputs in ${seconds}s, no crash"
	else
		echo "not ok $n - fuzz $name: crash (input kept in $out)"
		grep -E 'ERROR|SUMMARY|Assertion|runtime error' "$out/$name.log" | head -10 | sed 's/^/# /'
		failed=1
	fi
}

target smtp_reply "$top/src/core/smtp_reply.c"
target directives "$top/src/core/target_config.c" "$top/src/core/hostport.c" \
	"$top/src/core/domain_config.c" "$top/src/core/text.c"
target mailbox_proto "$top/src/core/mailbox_proto.c"
target dns_packet "$top/src/core/dns_packet.c" "$top/src/core/text.c" -lresolv
target mta_sts "$top/src/core/mta_sts.c" "$top/src/core/text.c"
echo "1..$n"
exit $failed
