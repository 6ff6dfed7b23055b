#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# smtpmon runs no shell and executes no program (issue 9): neither smtpmond
# nor the plugin imports a function that would, and no source calls one.
#   tests/security/check-no-exec.sh BUILD_DIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: check-no-exec.sh BUILD_DIR}
forbidden='^(system|popen|execl|execle|execlp|execv|execve|execvp|execvpe|fexecve|posix_spawn|posix_spawnp|wordexp)(@|$)'
n=0
failed=0

check() {   # NAME FILE
	n=$((n + 1))
	local found
	if [ ! -f "$2" ]; then
		echo "not ok $n - $1: $2 is missing"
		failed=1
		return
	fi
	found=$(nm -D --undefined-only "$2" | awk '{print $NF}' | grep -E "$forbidden")
	if [ -z "$found" ]; then
		echo "ok $n - $1 imports no exec, system or popen"
	else
		echo "not ok $n - $1 imports: $found"
		failed=1
	fi
}

check smtpmond "$build/subagent/smtpmond"
check smtpmon.so "$build/src/.libs/smtpmon.so"
n=$((n + 1))
calls=$(grep -nE '\b(system|popen|exec[lv]p?e?|posix_spawnp?)\s*\(' "$top"/src/*.c "$top"/subagent/*.c)
if [ -z "$calls" ]; then
	echo "ok $n - no source calls exec, system or popen"
else
	echo "not ok $n - sources call: $calls"
	failed=1
fi
echo "1..$n"
exit $failed
