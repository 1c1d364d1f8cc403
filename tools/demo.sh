#!/bin/bash
# make demo: pstngw with conf/demo.conf as the ingress of a fax server.
# A fax machine on a simulated PSTN span (pstnsim) sends a three-page
# document to 7771000; the gateway switches the call to T.38 and the fax
# server (sipfax) stores it as a TIFF in its spool: the demo prints its
# path, page count and the fax result. Beside it, one voice call each way
# between two more simulated spans and SIP test phones (sipua), a
# different tone at each end, checked on arrival. Exits 0 only when the
# fax arrived whole and both calls succeeded. Every process it starts is
# stopped by PID, also when it fails.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
D=/tmp/pstngw-demo
# the fax server's spool outlives the demo, so the fax can be looked at
SPOOL=/tmp/pstngw-demo-spool
LOGS=$(mktemp -d /tmp/pstngw-demo-logs.XXXXXX)
PROCS_LOGDIR=$LOGS
OK=1
. tools/procs.sh

cleanup() {
	procs_stop
	rm -rf "$D"
	if [ "$OK" -eq 1 ]; then rm -rf "$LOGS"; else echo "logs kept in $LOGS"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

start() { procs_start "$@"; }
wait_for() { procs_wait_for "$@"; }

die() {
	OK=0
	echo "demo FAILED: $*"
	exit 1
}

if ss -Hlun 2>/dev/null | grep -Eq '(127\.0\.0\.1|0\.0\.0\.0|\*):5060 '; then
	die "UDP port 5060 on 127.0.0.1 is in use (another SIP server?); stop it and run make demo again"
fi
rm -rf "$D"; mkdir -p "$D"

echo "== pstngw demo: conf/demo.conf, SIP on 127.0.0.1:5060, three simulated T1 spans"
# The fax server (trunk 'faxserver'): receives into its spool over T.38.
rm -rf "$SPOOL"; mkdir -p "$SPOOL"
"$B/pstnsim-mktiff" "$D/doc.tif" 3 || die "cannot make the fax document"
start faxsrv "$B/sipfax" recv --listen 127.0.0.1:5074 --spool "$SPOOL" \
	--media-port 17000 --count 1 --timeout 120
# The PSTN behind span 3: a fax machine calling the fax server's number.
start faxm "$B/pstnsim" --span "3:$D/span3.sock:t1:ni2" --call 7771000 \
	--from 2125550300 --send-fax "$D/doc.tif" --exit-after 1 --timeout 120
# The PSTN behind span 1 calls 5551000 and plays 1000 Hz; behind span 2
# it answers after a second and plays 1800 Hz.
start sim1 "$B/pstnsim" --span "1:$D/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --hangup-after 3000 --cause 16 \
	--exit-after 1 --timeout 30
start sim2 "$B/pstnsim" --span "2:$D/span2.sock:t1:ni2" --answer-delay 1000 \
	--play tone:1800 --exit-after 1 --timeout 30
# The SIP phone the gateway rings (trunk 'phone'): answers after a second, 440 Hz.
start phone "$B/sipua" --listen 127.0.0.1:5070 --answer-delay 1000 --tone 440 \
	--exit-after 1 --timeout 30
start gw "$B/pstngw" -f -c conf/demo.conf
wait_for "$LOGS/gw.log" "span 2: span_up" 15 ||
	die "span 2 did not come up"
# A SIP caller dials a PSTN number through the gateway: 600 Hz, 3 s talk.
start caller "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --from 3035550199 --tone 600 \
	--hangup-after 3000 --exit-after 1 --timeout 30

for n in sim1 caller sim2 phone faxm faxsrv; do
	eval "pid=\$PID_$n"
	for _ in $(seq 2400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
done

# field FILE EVENT KEY: the value of KEY on the first EVENT line
field() { grep -E "event=$2( |$)" "$1" | head -n 1 | sed -n "s/.* $3=\([^ ]*\).*/\1/p"; }
near() { [ -n "$1" ] && [ "$1" -ge $(($2 - 15)) ] && [ "$1" -le $(($2 + 15)) ]; }
events() { sed -n 's/.* event=\([a-z0-9_]*\).*/\1/p' "$1" | grep -Ev '^(ready|heard|exit|l1_up|span_up|restart|chan_state)$' | paste -sd' ' | sed 's/ / -> /g'; }
talk_ms() { # FILE START_EVENT END_EVENTS (a regex)
	local a b
	a=$(grep -E "event=($2)( |$)" "$1" | head -n1 | sed -n 's/.* t=\([0-9]*\).*/\1/p')
	b=$(grep -E "event=($3)( |$)" "$1" | head -n1 | sed -n 's/.* t=\([0-9]*\).*/\1/p')
	[ -n "$a" ] && [ -n "$b" ] && echo $((b - a)) || echo "?"
}

echo
echo "call 1: PSTN 2125550100 -> 5551000 (span 1) -> SIP phone 127.0.0.1:5070"
echo "  PSTN side: $(events "$LOGS/sim1.log")"
echo "  SIP side:  $(events "$LOGS/phone.log")"
h1=$(field "$LOGS/phone.log" heard freq); p1=$(field "$LOGS/sim1.log" heard freq)
echo "  SIP phone heard ${h1:-nothing} Hz (PSTN played 1000); PSTN heard ${p1:-nothing} Hz (phone played 440)"
echo "  talk time $(talk_ms "$LOGS/sim1.log" connect "hangup|disconnect") ms"
near "$h1" 1000 && near "$p1" 440 || OK=0

echo "call 2: SIP 3035550199 -> 2125551234 via 127.0.0.1:5060 -> PSTN (span 2)"
echo "  SIP side:  $(events "$LOGS/caller.log")"
echo "  PSTN side: $(events "$LOGS/sim2.log")"
h2=$(field "$LOGS/sim2.log" heard freq); p2=$(field "$LOGS/caller.log" heard freq)
echo "  PSTN heard ${h2:-nothing} Hz (caller played 600); SIP caller heard ${p2:-nothing} Hz (PSTN played 1800)"
echo "  talk time $(talk_ms "$LOGS/caller.log" answered "hangup|bye") ms"
near "$h2" 600 && near "$p2" 1800 || OK=0
grep -q "event=released" "$LOGS/sim2.log" || OK=0

echo "fax: PSTN fax machine 2125550300 -> 7771000 (span 3) -> fax server 127.0.0.1:5074"
echo "  fax server: $(events "$LOGS/faxsrv.log")"
fl=$(grep -E "event=fax " "$LOGS/faxsrv.log" | head -n 1)
ff=$(printf '%s\n' "$fl" | sed -n 's/.* file=\([^ ]*\).*/\1/p')
fp=$(printf '%s\n' "$fl" | sed -n 's/.* pages=\([0-9]*\).*/\1/p')
fr=$(printf '%s\n' "$fl" | sed -n 's/.* result=\([a-z]*\).*/\1/p')
fm=$(printf '%s\n' "$fl" | sed -n 's/.* mode=\([a-z0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$fl" | sed -n 's/.* t30_code=\([0-9]*\).*t30_text="\([^"]*\)".*/T.30 \1 (\2)/p')
echo "  received ${ff:-nothing}"
echo "  ${fp:-0} of 3 pages over ${fm:-?}, result ${fr:-none}, ${ft:-no T.30 result}"
[ "$fr" = ok ] && [ "$fp" = 3 ] && [ -f "$ff" ] || OK=0
if [ -f "$ff" ] && ! tiffcmp -t "$D/doc.tif" "$ff" >/dev/null 2>&1; then
	echo "  the pages differ from the ones sent"
	OK=0
fi

echo
echo "gateway:"
grep -E "call [0-9]+.*(ended|from SIP|from span|fax ok|fax failed|T.38 v)" "$LOGS/gw.log" | sed 's/^[0-9.]* pstngw /  /'
if [ "$OK" -eq 1 ]; then
	echo
	echo "demo OK: the fax arrived whole in the fax server's spool ($SPOOL);"
	echo "both calls connected, audio verified both ways"
	exit 0
fi
die "the fax or a call did not complete, or a tone was not heard"
