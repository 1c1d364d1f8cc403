# Issue 7 (Control): `pstngw-ctl hangup` on a SIP -> PSTN call that still
# rings: the switch sees the DISCONNECT with the cause given, the SIP
# caller the final response RFC 3398 maps it to (21 -> 403).
. tests/integration/lib.sh
S=$T/ctl.sock
ctl() { "$B/pstngw-ctl" -s "$S" -t 5 "$@"; }
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --no-answer --timeout 30
start_gw
start c1 "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --exit-after 1 --timeout 20
wait_for "$T/c1.log" "event=progress call=1 code=180" 10
ctl show calls >"$T/calls.out" || fail "show calls"
grep -Eq "^call 1: sip->pstn [^ ]+ -> 2125551234 state alerting waiting [0-9]+ s call-id [^ -][^ ]* span/chan 1/[0-9]+ codec" \
	"$T/calls.out" || fail "show calls: $(cat "$T/calls.out")"
ctl hangup 1 21 || fail "hangup 1 21"
wait_exit c1 10
expect_line "$T/c1.log" "event=failed call=1 code=403 cause=21"
wait_for "$T/sim.log" "event=disconnect .*cause=21" 5
wait_for "$T/sim.log" "event=released" 5
ctl hangup 1 2>"$T/again.err" && fail "second hangup of a gone call accepted"
grep -q "no such call" "$T/again.err" || fail "second hangup: $(cat "$T/again.err")"
pass
