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
# Faxes (one each way for every SOAK_FAX_EVERY calls each way), on two more
# E1 spans, with the fax tools the t_fax_* tests use:
#   pstnsim C (--send-fax) -> span 3 -> pstngw (pstn-detect, re-INVITE to
#       T.38) -> sipfax recv (the T.38 fax server)
#   sipfax send (T.38 from the start) -> pstngw -> span 4 -> pstnsim D
#       (--receive-fax)
#
# Checks, one summary line each, then `SOAK ok` or `SOAK FAILED: reason`:
#   calls   every call answered: SIPp uac and uas failed counts 0, every
#           call pstnsim placed connected, no CDR or metric failure
#   fax     every fax each way completed: both ends report it OK with
#           every page, its CDR says OK with T.38, the fax metrics count
#           no failure
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
#   SOAK_CPS=2        new calls per second each way; fractions too (0.5,
#                     1.5: at most 3 decimals)
#   SOAK_HOLD_MS=6000 call duration (CPS * HOLD s * 2 calls are up)
#   SOAK_FAX_EVERY=40 one fax each way for every this many calls each way
#                     (20 s apart at 2 calls/s: 30 each way in 600 s);
#                     0: no faxes. SOAK_FAX_PAGES=1 pages a fax
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

# lib.sh's fail() prints FAIL; the soak's verdict line is its own
fail() {
	echo "SOAK FAILED: $*"
	FAILED=1
	exit 1
}

# uint VAR VALUE MIN MAX: UINT = VALUE, a decimal integer in MIN..MAX
uint() {
	case "$2" in
	'' | *[!0-9]*) fail "$1='$2': not a whole number ($3..$4)" ;;
	esac
	[ "${#2}" -le 9 ] && [ "$((10#$2))" -ge "$3" ] && [ "$((10#$2))" -le "$4" ] ||
		fail "$1=$2: out of range ($3..$4)"
	UINT=$((10#$2))
}
# milli VAR VALUE: MILLI = VALUE (a decimal number, at most 3 decimals)
# * 1000
milli() {
	local i f
	case "$2" in
	'' | .* | *. | *.*.* | *[!0-9.]*)
		fail "$1='$2': not a number of calls per second (e.g. 2, 0.5, 1.5)"
		;;
	esac
	i=${2%%.*} f=
	case "$2" in *.*) f=${2#*.} ;; esac
	[ "${#f}" -le 3 ] || fail "$1=$2: at most 3 decimals"
	[ "${#i}" -le 6 ] || fail "$1=$2: too large"
	f=${f}000
	MILLI=$((10#$i * 1000 + 10#${f:0:3}))
}

# opt VAR ENV DEFAULT MIN MAX: VAR = $ENV (or DEFAULT), checked by uint
opt() {
	uint "$2" "${!2:-$3}" "$4" "$5"
	printf -v "$1" %s "$UINT"
}
opt SECS SOAK_SECONDS 600 1 86400
opt HOLD SOAK_HOLD_MS 6000 100 600000
opt WARM SOAK_WARMUP_PCT 20 0 100
opt RSS_PCT SOAK_RSS_PCT 2 0 1000000
opt DRAIN_S SOAK_DRAIN_S 60 1 3600
opt SAMPLE_S SOAK_SAMPLE_S $((SECS / 30)) 0 86400
[ "$SAMPLE_S" -ge 1 ] || SAMPLE_S=1
opt T1 SOAK_T1_MS 500 10 5000
opt FAX_EVERY SOAK_FAX_EVERY 40 0 1000000
opt FAX_PAGES SOAK_FAX_PAGES 1 1 20
CPS=${SOAK_CPS:-2}
milli SOAK_CPS "$CPS"
CPS_M=$MILLI
[ "$CPS_M" -ge 1 ] || fail "SOAK_CPS=$CPS: must be above 0"
# calls up on a span: CPS * (hold + setup); an E1 has 30 B-channels
[ $((CPS_M * (HOLD + 1000))) -le 30000000 ] ||
	fail "SOAK_CPS=$CPS with SOAK_HOLD_MS=$HOLD: $((CPS_M * (HOLD + 1000) / 1000000)) calls up a span, more than its 30 B-channels"
NCALLS=$((SECS * CPS_M / 1000))
[ "$NCALLS" -ge 1 ] || fail "SOAK_SECONDS=$SECS at SOAK_CPS=$CPS: not one call"
# pstnsim places calls this far apart (SIPp gets CPS_M calls per 1000 s)
CALL_MS=$((1000000 / CPS_M))
NFAX=0 FAX_MS=0
if [ "$FAX_EVERY" -gt 0 ]; then
	NFAX=$((NCALLS / FAX_EVERY))
	FAX_MS=$((CALL_MS * FAX_EVERY))
fi
# the last fax's re-INVITE back to audio, refused by sipfax send, holds
# its transaction for Timer D (32 s over UDP, RFC 3261 17.1.1.2)
[ "$NFAX" = 0 ] || [ "$DRAIN_S" -ge 40 ] ||
	fail "SOAK_DRAIN_S=$DRAIN_S: at least 40 with faxes (Timer D is 32 s)"
MPORT=9464
check() {
	local n=$1
	shift
	printf 'SOAK check %-6s %s\n' "$n" "$*"
}
# count FILE REGEX: matching lines (0 if none)
count() { grep -Ec -- "$2" "$1" 2>/dev/null || true; }

command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
bins="pstngw pstnsim"
if [ "$NFAX" -gt 0 ]; then
	bins="$bins sipfax pstnsim-mktiff"
	command -v tiffcmp >/dev/null ||
		fail "tiffcmp (libtiff-tools) is not installed"
fi
for b in $bins; do
	[ -x "$B/$b" ] || fail "$B/$b not built"
done

# legs_conf IN OUT TRUNK PORT PSTN SIP: E1 spans IN (calls from the PSTN)
# and OUT (to it), SIP trunk TRUNK at 127.0.0.1:PORT, and the routes:
# PSTN prefix PSTN to the trunk, SIP prefix SIP to span OUT
legs_conf() {
	local s
	for s in "$1" "$2"; do
		printf '[span %s]\ntype = e1\nrole = cpe\nswitchtype = euroisdn\n' "$s"
		printf 'path = %s\ngroup = %s\n' "$T/span$s.sock" "$3-$s"
	done
	cat <<CONF
[trunk $3]
address = 127.0.0.1:$4
[route $3-from-pstn]
from = pstn
prefix = $5
target = trunk $3
[route $3-from-sip]
from = sip
prefix = $6
target = group $3-$2
CONF
}
{
	cat <<CONF
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
CONF
	legs_conf 1 2 uas 5070 555 212
	# the faxes: PSTN 556* to the fax server, SIP 213* to span 4
	if [ "$NFAX" -gt 0 ]; then
		printf '[fax]\nwait_ms = 500\n'
		legs_conf 3 4 faxsrv 5080 556 213
	fi
} >"$T/gw.conf"

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
	for n in simin simout uas uac $FAX_PROCS; do
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
FAX_PROCS=""
if [ "$NFAX" -gt 0 ]; then
	"$B/pstnsim-mktiff" "$T/doc.tif" "$FAX_PAGES" 300 ||
		fail "cannot make the fax document"
	mkdir "$T/spool"
	# both fax machines play the gateway's audio 100 ms late, so a late
	# tick of a loaded machine costs the modems nothing (t_fax_sip_to_pstn)
	start faxin "$B/pstnsim" --span "3:$T/span3.sock:e1:euroisdn" \
		--ctl "$T/faxin.ctl" --send-fax "$T/doc.tif" --line-buffer 100 \
		--timeout $((SECS + 300))
	start faxout "$B/pstnsim" --span "4:$T/span4.sock:e1:euroisdn" \
		--answer-delay 300 --receive-fax "$T/got%u.tif" --line-buffer 100 \
		--timeout $((SECS + 300))
	start faxsrv "$B/sipfax" recv --listen 127.0.0.1:5080 \
		--media-port 44000 --spool "$T/spool" --count "$NFAX" \
		--timeout $((SECS + 240))
	wait_for "$T/faxsrv.log" "event=ready"
	FAX_PROCS="faxin faxout"
fi
start gw "$B/pstngw" -f -c "$T/gw.conf"
for s in 1 2 ${FAX_PROCS:+3 4}; do
	wait_for "$T/gw.log" "span $s: span_up" 15
done
sleep 1
scrape >"$T/m0.txt" || fail "metrics endpoint did not answer"
FD0=$(nfds)
ls -l "/proc/$PID_gw/fd" >"$T/fd0.txt" 2>&1
RSS0=$(rss_kb)
echo "SOAK start: ${SECS}s, $CPS calls/s each way, hold ${HOLD} ms," \
	"$NCALLS calls each way, $NFAX faxes each way; idle rss ${RSS0} kB, fds $FD0"

# sim_calls NAME CTL LINE: a pstnsim `call` LINE through its command
# socket (held open: the reply comes after the last call is placed)
sim_calls() {
	start "$1" perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
	print $s "$ARGV[1]\n";
	$SIG{ALRM} = sub { print "TIMEOUT\n"; exit 1 }; alarm $ARGV[2];
	while (defined(my $r = <$s>)) { print $r; exit($1 eq "ok" ? 0 : 1) if $r =~ /^(ok|error) /; }
	exit 1;' "$2" "$3" $((SECS + 60))
}
# pstnsim A's calls and C's faxes, once the idle state is known
sim_calls simcmd "$T/simin.ctl" \
	"call 5551000 from=2125550100 count=$NCALLS interval=${CALL_MS}ms"
[ "$NFAX" -gt 0 ] && sim_calls faxcmd "$T/faxin.ctl" \
	"call 5569000 from=2125550200 count=$NFAX interval=${FAX_MS}ms"
start uac sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 -p 5071 \
	-mp 40000 -rtp_echo -m "$NCALLS" -r "$CPS_M" -rp 1000000 -d "$HOLD" -nostdin \
	-timeout $((SECS + HOLD / 1000 + 90))s -trace_stat \
	-stf "$T/uac_stat.csv" -fd 1 -trace_err -error_file "$T/uac_err.log"

# samples through the load: rss, fds, live calls
t0=$(date +%s)
# the warm-up lasts until calls have reached their steady number at least
WARM_AT=$((SECS * WARM / 100))
[ "$WARM_AT" -ge $((HOLD / 1000 + 2)) ] || WARM_AT=$((HOLD / 1000 + 2))
RSS_W="" RSS_E="" RSS_MAX=0 MAXCALLS=0
next=0
# sipfax senders, one a fax, half a fax interval after pstnsim C's faxes;
# 8 slots of SIP and media ports (a fax takes far less than 8 intervals)
t0ms=$(date +%s%3N) nsent=0
fax_send() {
	local k=$nsent
	start "fxs$k" "$B/sipfax" send --offer t38 --from 3035550199 \
		--listen "127.0.0.1:$((5100 + k % 8))" \
		--media-port $((46000 + k % 8 * 1000)) --timeout 200 \
		"$T/doc.tif" "sip:$((2139000 + k))@127.0.0.1:5060"
	nsent=$((nsent + 1))
}
while :; do
	while [ "$nsent" -lt "$NFAX" ] &&
		[ $(($(date +%s%3N) - t0ms)) -ge $((FAX_MS / 2 + nsent * FAX_MS)) ]; do
		fax_send
	done
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
# and the faxes theirs (a late one, if any, was due: rounding)
while [ "$nsent" -lt "$NFAX" ]; do fax_send; done
for ((k = 0; k < NFAX; k++)); do
	wait_exit "fxs$k" 210
done
if [ "$NFAX" -gt 0 ]; then
	wait_exit faxsrv 240
	for i in $(seq 3000); do
		[ "$(count "$T/faxin.log" 'event=released')" -ge "$NFAX" ] &&
			[ "$(count "$T/faxout.log" 'event=released')" -ge "$NFAX" ] &&
			break
		sleep 0.05
	done
fi

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
total=$((2 * NCALLS + 2 * NFAX))
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

# faxes: both ends of each, its CDR (by column name) and the metrics
P=$FAX_PAGES
fx_c=$(count "$T/faxin.log" "event=fax .*dir=send result=0 .* pages=$P pages_in_file=$P ")
fx_srv=$(count "$T/faxsrv.log" "event=fax .*result=ok dir=recv mode=t38 .* pages=$P ")
fx_d=$(count "$T/faxout.log" "event=fax .*dir=receive result=0 .* pages=$P ")
fx_snd=0
for ((k = 0; k < NFAX; k++)); do
	eval "rc=\$RC_fxs$k"
	[ "$rc" = 0 ] && grep -Eq "event=fax .*result=ok dir=send mode=t38 .* pages=$P " \
		"$T/fxs$k.log" && fx_snd=$((fx_snd + 1))
done
# the pages as sent, decoded (tiffcmp -t), at the receiving ends
fx_same=0
for f in "$T"/spool/*.tif "$T"/got*.tif; do
	[ -f "$f" ] && tiffcmp -t "$T/doc.tif" "$f" >/dev/null 2>&1 &&
		fx_same=$((fx_same + 1))
done
read -r cdr_fax cdr_fax_bad < <(awk -F, -v p="$P" 'NR == 1 {
		for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["fax_result"] == "OK" && $c["fax_mode"] == "t38" &&
		$c["fax_pages"] == p { ok++; next }
	$c["fax_result"] != "" { bad++ }
	END { print ok + 0, bad + 0 }' "$T/cdr.csv")
m_fax_ok=$(metric "$T/m1.txt" 'pstngw_faxes_total\{result="ok"\}')
m_fax_bad=$(metric "$T/m1.txt" 'pstngw_faxes_total\{result="(failed|g711)"\}')
if [ "$NFAX" = 0 ]; then
	# none placed: none may have been detected in the tone calls either
	check fax "none (SOAK_FAX_EVERY=$FAX_EVERY, $NCALLS calls each way):" \
		"gw ok=$m_fax_ok failed=$m_fax_bad"
	[ "$m_fax_ok" = 0 ] && [ "$m_fax_bad" = 0 ] || bad="$bad fax"
else
	check fax "pstn->sip $NFAX: pstnsim C ok=$fx_c sipfax recv" \
		"ok=$fx_srv exit=${RC_faxsrv:-none}; sip->pstn $NFAX: sipfax" \
		"send ok=$fx_snd pstnsim D ok=$fx_d; pages as sent=$fx_same;" \
		"cdr ok=$cdr_fax other=$cdr_fax_bad; gw ok=$m_fax_ok failed=$m_fax_bad"
	[ "${RC_faxsrv:-0}" = 0 ] && [ "$fx_c" = "$NFAX" ] &&
		[ "$fx_srv" = "$NFAX" ] && [ "$fx_snd" = "$NFAX" ] &&
		[ "$fx_d" = "$NFAX" ] && [ "$fx_same" = $((2 * NFAX)) ] &&
		[ "$cdr_fax" = $((2 * NFAX)) ] && [ "$cdr_fax_bad" = 0 ] &&
		[ "$m_fax_ok" = $((2 * NFAX)) ] && [ "$m_fax_bad" = 0 ] ||
		bad="$bad fax"
fi

heard=$(grep -E 'event=heard' "$T/simin.log" "$T/simout.log" |
	sed -n 's/.* freq=\([0-9]*\).*/\1/p' |
	awk '$1 >= 985 && $1 <= 1015' | wc -l)
check media "$heard of $((2 * NCALLS)) pstnsim calls heard their 1000 Hz tone echoed"
[ "$heard" = $((2 * NCALLS)) ] || bad="$bad media"

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
