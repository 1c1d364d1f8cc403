#!/bin/bash
# Load and soak (issue 8): calls both ways at a steady rate with media,
# then a drain, then checks that nothing failed, leaked or stayed stuck.
#
#   SIPp uac (built-in scenario, -rtp_echo)  -> pstngw -> span 2 -> pstnsim B
#   pstnsim A (tone, hangs up) -> span 1 -> pstngw -> SIPp uas (uas.xml, -rtp_echo)
#
# pstnsim plays a 1000 Hz tone into every call and SIPp echoes the RTP it
# gets, so media flows both ways and each pstnsim call hears its tone back.
# Two E1 spans (30 B-channels each), one per direction, so no glare.
#
# Checks, one summary line each, then `SOAK ok` or `SOAK FAILED: reason`:
#   calls   every call answered: SIPp uac and uas failed counts 0, every
#           call pstnsim placed connected, no CDR or metric failure
#   media   every pstnsim call heard its tone back (1000 Hz +-15)
#   rss     pstngw's VmRSS at the end of the load <= (1 + RSS_PCT %) of
#           its value at the end of the warm-up (first WARMUP_PCT %)
#   drain   after the load: live calls, SIP transactions and dialogs, busy
#           B-channels, media sessions, RTP sockets and SIP TCP
#           connections all 0 (metrics endpoint), within DRAIN_S seconds
#   fds     pstngw's open descriptors back to the count before the load
#
# Environment (defaults for `make soak`):
#   SOAK_SECONDS=600  how long calls are placed (the run takes about
#                     HOLD + the drain longer)
#   SOAK_CPS=2        new calls per second each way
#   SOAK_HOLD_MS=6000 call duration (CPS * HOLD s * 2 calls are up)
#   SOAK_WARMUP_PCT=20, SOAK_RSS_PCT=2, SOAK_DRAIN_S=60
#   SOAK_SAMPLE_S     seconds between samples (default SECONDS/30, >= 1)
#   SOAK_T1_MS=500    the gateway's SIP T1 (Timer J = 64*T1 bounds the
#                     drain of the last BYE transactions)
# Usage: tests/soak/soak.sh [BUILD_DIR]. It enters a private network
# namespace itself (unshare -n) unless SOAK_NS=1 says it is in one.
set -u
cd "$(dirname "$0")/../.."
if [ "${SOAK_NS:-0}" != 1 ]; then
	unshare -n true 2>/dev/null || {
		echo "SOAK FAILED: 'unshare -n' is not permitted here"
		exit 1
	}
	SOAK_NS=1 exec unshare -n bash -c 'ip link set lo up && exec bash "$0" "$@"' \
		"$0" "$@"
fi
export B=${1:-${B:-build}}
. tests/integration/lib.sh
NAME=soak

SECS=${SOAK_SECONDS:-600}
CPS=${SOAK_CPS:-2}
HOLD=${SOAK_HOLD_MS:-6000}
WARM=${SOAK_WARMUP_PCT:-20}
RSS_PCT=${SOAK_RSS_PCT:-2}
DRAIN_S=${SOAK_DRAIN_S:-60}
SAMPLE_S=${SOAK_SAMPLE_S:-$((SECS / 30))}
[ "$SAMPLE_S" -ge 1 ] || SAMPLE_S=1
T1=${SOAK_T1_MS:-500}
NCALLS=$((SECS * CPS))
MPORT=9464

# lib.sh's fail() prints FAIL; the soak's verdict line is its own
fail() {
	echo "SOAK FAILED: $*"
	FAILED=1
	exit 1
}
check() {
	local n=$1
	shift
	printf 'SOAK check %-6s %s\n' "$n" "$*"
}
# count FILE REGEX: matching lines (0 if none)
count() { grep -Ec -- "$2" "$1" 2>/dev/null || true; }

command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
for b in pstngw pstnsim; do
	[ -x "$B/$b" ] || fail "$B/$b not built"
done

cat >"$T/gw.conf" <<CONF
[general]
log_level = notice
control_socket = $T/ctl.sock
cdr_file = $T/cdr.csv
metrics_listen = 127.0.0.1:$MPORT
[sip]
listen = 127.0.0.1:5060
t1_ms = $T1
[media]
rtp_port_min = 30000
rtp_port_max = 31999
[span 1]
type = e1
role = cpe
switchtype = euroisdn
path = $T/span1.sock
group = in
[span 2]
type = e1
role = cpe
switchtype = euroisdn
path = $T/span2.sock
group = out
[trunk uas]
address = 127.0.0.1:5070
[route pstn-to-sip]
from = pstn
prefix = 555
target = trunk uas
[route sip-to-pstn]
from = sip
prefix = 212
target = group out
CONF

# scrape: the metrics body (bash /dev/tcp, bounded by timeout)
scrape() {
	timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$0 &&
		printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' "$MPORT" |
		tr -d '\r' | sed '1,/^$/d'
}
# metric FILE NAME-REGEX: the sum of the matching samples' values
metric() {
	awk -v re="^$2( |\\{)" '$0 ~ re { s += $NF; n++ }
		END { if (n) printf "%d\n", s; else print "missing" }' "$1"
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$PID_gw/status" 2>/dev/null; }
nfds() { ls "/proc/$PID_gw/fd" 2>/dev/null | wc -l; }
alive() { kill -0 "$PID_gw" 2>/dev/null || fail "pstngw died"; }
# the load's processes run to its end: one gone early fails the soak now
load_alive() {
	local n p
	for n in simin simout uas uac; do
		eval "p=\$PID_$n"
		kill -0 "$p" 2>/dev/null ||
			fail "$n exited early: $(tail -n 1 "$T/$n.log")"
	done
}

# the far ends first, so the gateway's spans come up at once; both
# pstnsims stay up to the end (a span going down changes descriptors)
start simin "$B/pstnsim" --span "1:$T/span1.sock:e1:euroisdn" \
	--ctl "$T/simin.ctl" --hangup-after "$HOLD" --cause 16 \
	--play tone:1000 --timeout $((SECS + HOLD / 1000 + 120))
start simout "$B/pstnsim" --span "2:$T/span2.sock:e1:euroisdn" \
	--answer-delay 200 --play tone:1000 \
	--timeout $((SECS + HOLD / 1000 + 120))
start uas sipp -sf tests/soak/uas.xml -i 127.0.0.1 -p 5070 -mp 42000 -rtp_echo \
	-m "$NCALLS" -nostdin -timeout $((SECS + HOLD / 1000 + 90))s \
	-trace_stat -stf "$T/uas_stat.csv" -fd 1 -trace_err \
	-error_file "$T/uas_err.log"
start gw "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw.log" "span 1: span_up" 15
wait_for "$T/gw.log" "span 2: span_up" 15
sleep 1
scrape >"$T/m0.txt" || fail "metrics endpoint did not answer"
FD0=$(nfds)
ls -l "/proc/$PID_gw/fd" >"$T/fd0.txt" 2>&1
RSS0=$(rss_kb)
echo "SOAK start: ${SECS}s, $CPS calls/s each way, hold ${HOLD} ms," \
	"$NCALLS calls each way; idle rss ${RSS0} kB, fds $FD0"

# pstnsim A's calls, through its command socket once the idle state is
# known; the reply comes after the last call is placed
start simcmd perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
	print $s "call 5551000 from=2125550100 count=$ARGV[1] interval=$ARGV[2]ms\n";
	$SIG{ALRM} = sub { print "TIMEOUT\n"; exit 1 }; alarm $ARGV[3];
	while (defined(my $r = <$s>)) { print $r; exit($1 eq "ok" ? 0 : 1) if $r =~ /^(ok|error) /; }
	exit 1;' "$T/simin.ctl" "$NCALLS" $((1000 / CPS)) $((SECS + 60))
start uac sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 -p 5071 \
	-mp 40000 -rtp_echo -m "$NCALLS" -r "$CPS" -d "$HOLD" -nostdin \
	-timeout $((SECS + HOLD / 1000 + 90))s -trace_stat \
	-stf "$T/uac_stat.csv" -fd 1 -trace_err -error_file "$T/uac_err.log"

# samples through the load: rss, fds, live calls
t0=$(date +%s)
# the warm-up lasts until calls have reached their steady number at least
WARM_AT=$((SECS * WARM / 100))
[ "$WARM_AT" -ge $((HOLD / 1000 + 2)) ] || WARM_AT=$((HOLD / 1000 + 2))
RSS_W="" RSS_E="" RSS_MAX=0 MAXCALLS=0
next=0
while :; do
	now=$(($(date +%s) - t0))
	[ "$now" -ge "$SECS" ] && break
	if [ "$now" -ge "$next" ]; then
		alive
		load_alive
		r=$(rss_kb)
		scrape >"$T/ms.txt"
		c=$(metric "$T/ms.txt" pstngw_calls_active)
		echo "SOAK sample t=${now}s rss_kb=$r fds=$(nfds) calls=$c"
		[ "$now" -ge "$WARM_AT" ] && [ -z "$RSS_W" ] && RSS_W=$r
		RSS_E=$r
		[ "$r" -gt "$RSS_MAX" ] && RSS_MAX=$r
		[ "$c" != missing ] && [ "$c" -gt "$MAXCALLS" ] && MAXCALLS=$c
		next=$((next + SAMPLE_S))
	fi
	sleep 0.2
done
# the last sample: calls still up, after the last placed call
alive
RSS_E=$(rss_kb)
[ -n "$RSS_W" ] || RSS_W=$RSS_E
echo "SOAK sample t=$(($(date +%s) - t0))s rss_kb=$RSS_E fds=$(nfds) (end of load)"

# the load ends: SIPp and pstnsim A finish their last calls
wait_exit uac $((HOLD / 1000 + 60))
wait_exit uas $((HOLD / 1000 + 60))
for i in $(seq $((HOLD / 50 + 600))); do
	[ "$(count "$T/simin.log" 'event=released')" -ge "$NCALLS" ] && break
	sleep 0.05
done

# drain: every live gauge back to 0
GAUGES="pstngw_calls_active pstngw_sip_transactions pstngw_sip_dialogs
pstngw_channels\{[^}]*state=\"in_use\"[^}]*\} pstngw_media_sessions
pstngw_rtp_sockets pstngw_sip_tcp_connections"
td=$(date +%s)
while :; do
	alive
	scrape >"$T/m1.txt"
	left=""
	for g in $GAUGES; do
		v=$(metric "$T/m1.txt" "$g")
		[ "$v" = 0 ] || left="$left ${g%%\\*}=$v"
	done
	[ -z "$left" ] && break
	[ $(($(date +%s) - td)) -ge "$DRAIN_S" ] && break
	sleep 1
done
drain_s=$(($(date +%s) - td))
FD1=$(nfds)
ls -l "/proc/$PID_gw/fd" >"$T/fd1.txt" 2>&1

# ---- verdicts --------------------------------------------------------
bad=""
# SIPp's cumulative counters: the last line of its statistics file
sipp_count() {
	awk -F';' -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++)
		if ($i == col) c = i; next } c { v = $c } END { print v + 0 }' "$1"
}
uac_ok=$(sipp_count "$T/uac_stat.csv" "SuccessfulCall(C)")
uac_bad=$(sipp_count "$T/uac_stat.csv" "FailedCall(C)")
uas_ok=$(sipp_count "$T/uas_stat.csv" "SuccessfulCall(C)")
uas_bad=$(sipp_count "$T/uas_stat.csv" "FailedCall(C)")
in_setup=$(count "$T/simin.log" 'event=setup .*dir=out')
in_conn=$(count "$T/simin.log" 'event=connect')
in_fail=$(count "$T/simin.log" 'event=place_failed')
out_setup=$(count "$T/simout.log" 'event=setup .*dir=in')
out_conn=$(count "$T/simout.log" 'event=connect')
cdr_lines=$(($(wc -l <"$T/cdr.csv") - 1))
# a CDR without an answer time is a failed or abandoned call
cdr_bad=$(awk -F, 'NR > 1 && $3 == ""' "$T/cdr.csv" | wc -l)
m_failed=$(metric "$T/m1.txt" 'pstngw_calls_ended_total\{[^}]*result="(failed|abandoned)"\}')
m_ans=$(metric "$T/m1.txt" 'pstngw_calls_ended_total\{[^}]*result="answered"\}')
total=$((2 * NCALLS))
msg="sip->pstn uac ok=$uac_ok failed=$uac_bad (pstnsim B setups=$out_setup connects=$out_conn);"
msg="$msg pstn->sip placed=$in_setup connects=$in_conn place_failed=$in_fail uas ok=$uas_ok failed=$uas_bad;"
msg="$msg gw answered=$m_ans failed=$m_failed cdr=$cdr_lines unanswered=$cdr_bad"
check calls "$msg"
[ "$uac_bad" = 0 ] && [ "$uas_bad" = 0 ] && [ "$in_fail" = 0 ] &&
	[ "$uac_ok" = "$NCALLS" ] && [ "$uas_ok" = "$NCALLS" ] &&
	[ "$in_conn" = "$NCALLS" ] && [ "$out_conn" = "$NCALLS" ] &&
	[ "$m_failed" = 0 ] && [ "$m_ans" = "$total" ] &&
	[ "$cdr_lines" = "$total" ] && [ "$cdr_bad" = 0 ] ||
	bad="$bad calls"

heard=$(grep -E 'event=heard' "$T/simin.log" "$T/simout.log" |
	sed -n 's/.* freq=\([0-9]*\).*/\1/p' |
	awk '$1 >= 985 && $1 <= 1015' | wc -l)
check media "$heard of $total pstnsim calls heard their 1000 Hz tone echoed"
[ "$heard" = "$total" ] || bad="$bad media"

# integer percent with one decimal: growth = (E - W) * 1000 / W
g10=$(((RSS_E - RSS_W) * 1000 / RSS_W))
check rss "warm-up end ${RSS_W} kB, load end ${RSS_E} kB, max ${RSS_MAX} kB," \
	"growth $((g10 / 10)).$(((g10 < 0 ? -g10 : g10) % 10)) % (limit ${RSS_PCT} %); most calls up $MAXCALLS"
[ "$g10" -le $((RSS_PCT * 10)) ] || bad="$bad rss"

if [ -z "$left" ]; then
	check drain "all live gauges 0 after ${drain_s}s: $(echo $GAUGES |
		sed 's/\\{[^ ]*//g')"
else
	check drain "after ${drain_s}s still:$left"
	bad="$bad drain"
fi
check fds "idle $FD0, after drain $FD1"
if [ "$FD1" != "$FD0" ]; then
	bad="$bad fds"
	diff <(awk '{ print $(NF-2), $NF }' "$T/fd0.txt") \
		<(awk '{ print $(NF-2), $NF }' "$T/fd1.txt")
fi

if [ -n "$bad" ]; then
	grep -h . "$T/uac_err.log" "$T/uas_err.log" 2>/dev/null | head -n 20
	fail "checks failed:$bad"
fi
echo "SOAK ok"
exit 0
