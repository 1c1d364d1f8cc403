#!/bin/bash
# Runs every tests/integration/t_*.sh (or those named) in its own network
# namespace, three at a time (IT_JOBS), each bounded in time; prints one
# PASS/FAIL line per test with its wall time (to spot the slow ones: make
# test has a budget) and a closing "N passed, N failed".
# Usage: tests/integration/run.sh [BUILD_DIR] [test names...]
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}; shift || true
export B
# Most of a test's time is real time (a fax page, a timer): the whole
# suite used under a third of two cores with two at a time.
JOBS=${IT_JOBS:-3}
LIMIT=${IT_TIMEOUT:-120}

if ! unshare -n true 2>/dev/null; then
	echo "integration: 'unshare -n' is not permitted here (needs root or user namespaces)" >&2
	exit 1
fi

tests=()
if [ $# -gt 0 ]; then
	for t in "$@"; do tests+=("tests/integration/${t%.sh}.sh"); done
else
	for t in tests/integration/t_*.sh; do tests+=("$t"); done
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run_one() {
	local t=$1 n start=$SECONDS
	n=$(basename "$t" .sh)
	timeout -k 5 "$LIMIT" unshare -n bash -c 'ip link set lo up && exec bash "$0"' "$t" \
		>"$out/$n.out" 2>&1
	echo $? >"$out/$n.rc"
	echo $((SECONDS - start)) >"$out/$n.time"
}

running=0
for t in "${tests[@]}"; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

pass=0 failn=0
for t in "${tests[@]}"; do
	n=$(basename "$t" .sh)
	rc=$(cat "$out/$n.rc" 2>/dev/null || echo 99)
	secs=$(cat "$out/$n.time" 2>/dev/null || echo "?")
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1)); echo "PASS $n ($secs s)"
	else
		failn=$((failn + 1)); echo "FAIL $n (exit $rc, $secs s)"; sed 's/^/    /' "$out/$n.out"
	fi
done
echo "integration: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
