# SPDX-License-Identifier: ISC
# TAP for the shell checks: `check NAME COMMAND...` runs COMMAND and prints
# "ok N - NAME" or "not ok N - NAME" with its output as comments;
# `tap_done` prints the plan and exits 1 if any check failed.
n=0
failed=0

check() {
	local name=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $name"
		[ -z "${TAP_VERBOSE:-}" ] || [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
	else
		echo "not ok $n - $name"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=1
	fi
}

tap_done() {
	echo "1..$n"
	exit $failed
}
