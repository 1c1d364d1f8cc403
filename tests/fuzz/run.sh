#!/bin/bash
# Runs the fuzz harnesses (make fuzz) or replays their seeds (make
# fuzz-replay).
#   tests/fuzz/run.sh BUILD SECONDS NAME...            libFuzzer, each NAME
#   tests/fuzz/run.sh --replay BUILD 0 NAME...         seeds once, no libFuzzer
# Fails if any harness crashes, leaks or times out, naming the reproducer.
set -u
cd "$(dirname "$0")/../.."
replay=0
if [ "${1:-}" = --replay ]; then
	replay=1
	shift
fi
B=$1 SECS=$2
shift 2
FZ=tests/fuzz

# Input directories of one harness: its seeds, and the shared torture
# corpora (RFC 4475, RFC 5118: read in place) for the SIP ones, the
# config fixtures for the config parser. Directories only: libFuzzer runs
# a file argument once and stops.
inputs() {
	local t=$1 d=()
	[ -d "$FZ/seeds/$t" ] && d+=("$FZ/seeds/$t")
	case $t in
	sip_msg | sip_stack)
		for c in ../shared/corpus/rfc4475 ../shared/corpus/rfc5118; do
			[ -d "$c" ] && d+=("$c")
		done
		;;
	cfg) d+=(tests/fixtures/cfg) ;; # the config tests' fixtures
	esac
	echo "${d[@]}"
}

fail=0
for t in "$@"; do
	if [ $replay = 1 ]; then
		# shellcheck disable=SC2046
		if ! "$B/tests/fuzz/replay_$t" $(inputs "$t") >/dev/null; then
			echo "fuzz-replay $t: FAILED ($B/tests/fuzz/replay_$t $(inputs "$t"))"
			fail=1
		fi
		continue
	fi
	corpus=$B/corpus/$t crashes=$B/crashes/$t/ log=$B/log/$t.log
	mkdir -p "$corpus" "$crashes" "$B/log"
	dict=()
	[ -f "$FZ/$t.dict" ] && dict=(-dict="$FZ/$t.dict")
	echo "== fuzz $t (${SECS}s)"
	# shellcheck disable=SC2046
	"$B/tests/fuzz/fuzz_$t" -max_total_time="$SECS" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashes" "${dict[@]}" \
		"$corpus" $(inputs "$t") >"$log" 2>&1
	rc=$?
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added):' "$log" |
		sed 's/^stat::/   /' | tr '\n' ' '
	echo
	if [ $rc -ne 0 ]; then
		fail=1
		echo "fuzz $t: FAILED (exit $rc), log $log"
		grep -E 'ERROR: |SUMMARY: |runtime error:' "$log" | head -5
		grep -E 'Test unit written to|artifact_prefix' "$log" | head -3
		echo "   reproduce: $B/tests/fuzz/fuzz_$t <file above>"
	fi
done
exit $fail
