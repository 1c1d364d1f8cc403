#!/bin/bash
# Call setup rate and overload benches (issue 8), in a private network
# namespace on loopback:
#   BENCH call_setup_cps <cps> cps vs=kamailio ratio=<ours/kamailio>
#     the highest rate with < 0.1 % failed calls for SIPp uac -> pstngw ->
#     loop spans -> pstnsim (answers at once; SIPp sends BYE at once),
#     against SIPp uac -> kamailio (tm, t_relay, record-routing) -> SIPp
#     uas, in the same run on the same cores. Rates double from
#     BENCH_CPS_START until a step fails, then bisect; each step offers
#     BENCH_STEP_S seconds of calls and is bounded in time.
#   BENCH overload_goodput_ratio <x> ratio
#     calls completed per second (pstngw's answered-calls counter) while
#     offered twice the capacity found above, over that capacity.
#   BENCH overload_reject_ms <p99> ms
#     INVITE to 503 under that load (SIPp's response times).
# Usage: tests/bench/call_cps.sh [BUILD_DIR]
set -u
if [ -z "${CPS_IN_NS:-}" ]; then
	exec unshare -n env CPS_IN_NS=1 bash -c \
		'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
fi
cd "$(dirname "$0")/../.."
B=${1:-build}
STEP_S=${BENCH_STEP_S:-5}
START=${BENCH_CPS_START:-100}
MAX=${BENCH_CPS_MAX:-6400}
NSPANS=${BENCH_SPANS:-16} # two pstnsims of up to 8 spans each
T=$(mktemp -d /tmp/pstngw-bench.XXXXXX)
PROCS_LOGDIR=$T
. tools/procs.sh
trap 'procs_stop; rm -rf "$T"' EXIT
ulimit -n 65536 2>/dev/null || true

for p in sipp kamailio; do
	command -v $p >/dev/null || { echo "call_cps: $p missing" >&2; exit 1; }
done

# ---- pstngw on NSPANS loop spans, pstnsim serving them -----------------
{
	cat <<CONF
[general]
log_level = notice
control_socket = $T/ctl.sock
metrics_listen = 127.0.0.1:9464
[sip]
listen = 127.0.0.1:5060
[media]
rtp_port_min = 10000
rtp_port_max = 59999
rtcp_interval_ms = 0
; SIPp, pstnsim and kamailio share the two cores with us: SCHED_FIFO
; threads (the production default, for the TDM clock) would take them
; from the load generator, whose late BYEs then hold our B-channels
; (measured: goodput 0.06 instead of 0.53 under the same load)
realtime_priority = 0
${BENCH_MEDIA_EXTRA:-}
[trunk sipp]
; SIPp's address: only trunk peers may reach the PSTN ([sip]
; unknown_sources = refuse), and a single-host trunk is not rate limited
address = 127.0.0.1:5071
[route sip-to-pstn]
from = sip
prefix = 212
target = group pri
CONF
	for i in $(seq 1 "$NSPANS"); do
		printf '[span %d]\ntype = t1\nrole = cpe\nswitchtype = ni2\npath = %s\ngroup = pri\n' \
			"$i" "$T/span$i.sock"
	done
} >"$T/gw.conf"
sim_args() { # spans $1..$2
	for i in $(seq "$1" "$2"); do printf -- '--span %d:%s:t1:ni2 ' "$i" "$T/span$i.sock"; done
}
procs_start sim1 "$B/pstnsim" $(sim_args 1 $((NSPANS < 8 ? NSPANS : 8)))
[ "$NSPANS" -gt 8 ] && procs_start sim2 "$B/pstnsim" $(sim_args 9 "$NSPANS")
procs_start gw "$B/pstngw" -f -c "$T/gw.conf"
procs_wait_for "$T/gw.log" "span $NSPANS: span_up" 30 ||
	{ echo "call_cps: spans not up" >&2; tail "$T/gw.log" >&2; exit 1; }
procs_start kam kamailio -f tests/bench/kamailio_proxy.cfg -DD -E -m 256 -M 32 \
	-Y "$T/kam"
procs_start uas sipp -sn uas -i 127.0.0.1 -p 5090 -nostdin
sleep 1

scrape() {
	timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
		printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3'
}
metric() { # metric NAME-REGEX: its value, 0 if absent
	scrape | awk -v re="$1" '$0 ~ "^" re " " { print $NF; f = 1 } END { if (!f) print 0 }'
}
answered() { metric 'pstngw_calls_ended_total\{direction="sip-pstn",result="answered"\}'; }
# until pstngw has no call left (bounded)
wait_idle() {
	local i
	for i in $(seq 100); do
		[ "$(metric pstngw_calls_active)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# step TARGET RATE [SCENARIO-ARGS...]: STEP_S seconds of calls at RATE;
# prints "ok failed" from SIPp's statistics.
step() {
	local target=$1 rate=$2 n stf
	shift 2
	n=$((rate * STEP_S))
	stf=$T/step_$$_$RANDOM.csv
	( cd "$T" && timeout $((STEP_S + 40)) sipp "$@" "$target" -s 2125551234 \
		-i 127.0.0.1 -p 5071 -r "$rate" -m "$n" -nostdin \
		-timeout $((STEP_S + 30))s -max_socket 60000 -l $((rate * 4 + 100)) \
		-trace_stat -stf "$stf" -fd 1 >"$T/sipp_step.log" 2>&1 )
	awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ ok = $col["SuccessfulCall(C)"]; bad = $col["FailedCall(C)"] }
		END { print ok + 0, bad + 0 }' "$stf"
}

# search TARGET SCENARIO-ARGS...: the highest passing rate (< 0.1 % failed,
# every call offered accounted for).
search() {
	local target=$1 lo=0 hi=0 rate=$START r ok bad
	shift
	while :; do
		read -r ok bad < <(step "$target" "$rate" "$@")
		wait_idle
		echo "call_cps: $target $rate cps: $ok ok, $bad failed" >&2
		if [ $((ok + bad)) -ge $((rate * STEP_S)) ] &&
			[ $((bad * 1000)) -lt $((ok + bad)) ]; then
			lo=$rate
			[ "$rate" -ge "$MAX" ] && break
			rate=$((rate * 2))
		else
			hi=$rate
			break
		fi
	done
	for r in 1 2 3; do
		[ "$hi" -gt 0 ] && [ $((hi - lo)) -gt $((lo / 10 + 1)) ] || break
		rate=$(((lo + hi) / 2))
		read -r ok bad < <(step "$target" "$rate" "$@")
		wait_idle
		echo "call_cps: $target $rate cps: $ok ok, $bad failed" >&2
		if [ $((ok + bad)) -ge $((rate * STEP_S)) ] &&
			[ $((bad * 1000)) -lt $((ok + bad)) ]; then
			lo=$rate
		else
			hi=$rate
		fi
	done
	echo "$lo"
}

# BENCH_PERF=FILE: a perf profile of pstngw during its search (or, with
# BENCH_CAP, during the overload run)
if [ -n "${BENCH_PERF:-}" ]; then
	perf record -g -o "$BENCH_PERF" -p "$PID_gw" >"$T/perf.log" 2>&1 &
	perf_pid=$!
fi
# BENCH_CAP=N: no search, N is taken as the capacity (to study overload)
if [ -n "${BENCH_CAP:-}" ]; then
	ours=$BENCH_CAP kam=0
	[ -n "${perf_pid:-}" ] && trap 'kill -INT "$perf_pid"; wait "$perf_pid"; procs_stop; rm -rf "$T"' EXIT
else
	ours=$(search 127.0.0.1:5060 -sn uac)
	[ -n "${perf_pid:-}" ] && kill -INT "$perf_pid" && wait "$perf_pid"
	kam=$(search 127.0.0.1:5062 -sn uac)
	ratio=$(awk -v a="$ours" -v b="$kam" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
	echo "BENCH call_setup_cps $ours cps vs=kamailio ratio=$ratio"
fi

# ---- twice the capacity ------------------------------------------------
cap=$ours
[ "$cap" -gt 0 ] || cap=$START
offer=$((cap * ${BENCH_OFFER_X:-2}))
dur=$((STEP_S * 2))
scen=$PWD/tests/bench/sipp/uac_ovl.xml
# CPU seconds of a process so far (utime + stime)
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
udp_drops() { awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RcvbufErrors"] }' /proc/net/snmp; }
# machine-wide busy CPU seconds (all but idle and iowait)
busy_s() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8) / hz }' /proc/stat; }
g0=$(cpu_s "$PID_gw") s0=$(cpu_s "$PID_sim1") d0=$(udp_drops) m0=$(busy_s)
a0=$(answered)
t0=$(date +%s.%N)
( cd "$T" && exec timeout $((dur + 40)) sipp -sf "$scen" \
	127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 -p 5071 -r "$offer" \
	-m $((offer * dur)) -nostdin -timeout $((dur + 30))s -max_socket 60000 \
	-l $((offer * 4 + 100)) -trace_rtt -rtt_freq 1 >"$T/sipp_ovl.log" 2>&1 ) &
ovl_pid=$!
sipp_pid=
for _ in 1 2 3 4 5; do # timeout's child, once started
	sleep 0.1
	sipp_pid=$(pgrep -P "$ovl_pid" | head -n 1)
	[ -n "$sipp_pid" ] && break
done
p0=$(cpu_s "$sipp_pid") s20=$(cpu_s "${PID_sim2:-0}")
# completed calls during the offered window: answered from t0 to t0 + dur
if [ -n "${BENCH_DEBUG:-}" ]; then
	for _ in $(seq $((dur * 2))); do
		sleep 0.5
		scrape | awk '/^pstngw_(overload_admit_ratio|signalling_busy_ratio|calls_active|media_worker_load) / { printf "%s=%s ", substr($1, 8), $2 } END { print "" }' >&2
	done
	"$B/pstngw-ctl" -s "$T/ctl.sock" show calls >"$T/calls.txt" 2>&1
	head -3 "$T/calls.txt" >&2
	ss -uanmp 2>/dev/null | awk '/^UNCONN/ { sock = $4 " " $5 " " $6 } /skmem/ { if (match($0, /d[0-9]+/)) { d = substr($0, RSTART + 1, RLENGTH - 1); if (d > 0) print "call_cps: drops", d, sock } }' | sort -k3 -n | tail -5 >&2
	ss -uanm 2>/dev/null | awk '/^UNCONN/ { q = $2 " " $4 } /skmem/ { if ((q + 0) > 0) print "call_cps: recv-q", q }' | sort -k3 -n | tail -5 >&2
	awk 'NR > 1 { n[$4 " " $5]++ } END { for (k in n) print "call_cps: calls in state", k, n[k] }' "$T/calls.txt" | sort -k6 -n | tail -8 >&2
else
	sleep "$dur"
fi
a1=$(answered)
t1=$(date +%s.%N)
p1=$(cpu_s "$sipp_pid") s21=$(cpu_s "${PID_sim2:-0}")
g1=$(cpu_s "$PID_gw") s1=$(cpu_s "$PID_sim1") d1=$(udp_drops) m1=$(busy_s)
if [ -n "${BENCH_DEBUG:-}" ]; then
	for t in /proc/"$PID_gw"/task/*; do
		echo "call_cps: thread ${t##*/} $(cat "$t/comm") cpu $(cpu_s "$PID_gw/task/${t##*/}") s" >&2
	done
	scrape | grep -E '^pstngw_(overload|signalling|sip_refused|calls_|sip_udp|media_worker)' >&2
fi
wait "$ovl_pid"
wait_idle
# over the time between the two counts (a scrape can take a while)
el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
good=$(awk -v n=$((a1 - a0)) -v s="$el" -v c="$cap" 'BEGIN { printf "%.2f", n / s / c }')
echo "BENCH overload_goodput_ratio $good ratio"
# p99 of INVITE -> 503 (ms) in SIPp's newest response-time file
p99_rej() {
	local rtt
	rtt=$(ls -t "$T"/uac_ovl_*_rtt.csv 2>/dev/null | head -n 1)
	[ -n "$rtt" ] || { echo nan; return; }
	awk -F';' 'NR > 1 && $3 ~ /rej/ { print $2 }' "$rtt" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.1f", v[i] } else print "nan" }'
}
echo "BENCH overload_reject_ms $(p99_rej) ms"
echo "call_cps: overload: CPU in $el s: pstngw $(awk -v a="$g0" -v b="$g1" 'BEGIN { print b - a }') s, pstnsim1 $(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }') s, pstnsim2 $(awk -v a="$s20" -v b="$s21" 'BEGIN { print b - a }') s, sipp $(awk -v a="$p0" -v b="$p1" 'BEGIN { print b - a }') s (0 or less: it ended first), machine $(awk -v a="$m0" -v b="$m1" 'BEGIN { print b - a }') s; UDP receive-buffer drops $((d1 - d0)); refused $(metric 'pstngw_overload_refused_total\{reason="signalling"\}') (signalling)" >&2
echo "call_cps: overload: offered $offer cps for $dur s, $((a1 - a0)) answered in $el s (capacity $cap, kamailio $kam; load $(cut -d' ' -f1-3 /proc/loadavg))" >&2

# ---- no idle B-channel: the refusal itself -------------------------------
#   BENCH overload_reject_full_ms <p99> ms
#     INVITE to 503 (overload: channels) while every B-channel is taken
#     (blocked here), offered at the capacity for 3 s: the issue's "within
#     50 ms" when channels are saturated.
f0=$(metric 'pstngw_overload_refused_total\{reason="channels"\}')
for i in $(seq 1 "$NSPANS"); do
	for c in $(seq 1 23); do
		"$B/pstngw-ctl" -s "$T/ctl.sock" block "$i" "$c" >/dev/null 2>&1
	done
done
( cd "$T" && exec timeout 60 sipp -sf "$scen" 127.0.0.1:5060 -s 2125551234 \
	-i 127.0.0.1 -p 5071 -r "$cap" -m $((cap * 3)) -nostdin -timeout 30s \
	-max_socket 60000 -l $((cap * 4 + 100)) -trace_rtt -rtt_freq 1 \
	>"$T/sipp_full.log" 2>&1 )
echo "BENCH overload_reject_full_ms $(p99_rej) ms"
f1=$(metric 'pstngw_overload_refused_total\{reason="channels"\}')
echo "call_cps: channels full: $((f1 - f0)) refused (channels) of $((cap * 3)) offered at $cap cps" >&2
