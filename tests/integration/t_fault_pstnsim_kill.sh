# The switch dies (pstnsim SIGKILLed) with calls up both ways: the
# gateway sees the span go down, clears the calls toward SIP with a BYE,
# frees the channels, and takes calls again once a new switch listens on
# the same span socket. The calls end with cause 38 (network out of order).
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
fault_start
sip_calls c1 5072 2 30000
sim_cmd "$T/sim.sock" "call 5551000 from=2125550100" || fail "call refused"
wait_count "$T/c1.log" "event=answered" 2 5
wait_for "$T/sim.log" "event=connect .*call=3" 5
kill -KILL "$PID_sim"
wait_exit sim 5
wait_for "$T/gw.log" "span 1: span_down" 5
wait_exit c1 10
[ "$(grep -c 'event=bye call=[0-9]* cause=38' "$T/c1.log")" -eq 2 ] ||
	fail "the 2 SIP calls were not cleared with a BYE"
wait_for "$T/phone.log" "event=bye call=1 cause=38" 5
expect_idle 10
# a call meanwhile is refused at once
sip_call_fails c2 5073 "code=503"
# a new switch on the same socket: the span comes back, calls both ways
rm -f "$T/span1.sock" "$T/sim.sock"
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --ctl "$T/sim.sock" \
	--answer-delay 100 --timeout 60
wait_count "$T/gw.log" "span 1: span_up" 2 15
both_ways_work c3 5074
pass
