# SIGTERM while calls still ring: the SIP phone being rung gets a CANCEL,
# the SIP caller a final 503, and both PSTN sides DISCONNECT cause 16.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --no-answer --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --no-answer --timeout 30
start_gw
start caller "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --timeout 30
wait_for "$T/phone.log" "event=incoming call=1" 15
wait_for "$T/caller.log" "event=progress call=1 code=180" 15
kill -TERM "$PID_gw"
wait_exit gw 10
[ "$RC_gw" -eq 0 ] || fail "pstngw exited $RC_gw"
wait_for "$T/phone.log" "event=cancelled call=1 cause=16" 5
wait_for "$T/caller.log" "event=failed call=1 code=503 cause=16" 5
[ "$(grep -Ec 'event=disconnect .*cause=16' "$T/sim.log")" -eq 2 ] ||
	fail "pstnsim did not see two DISCONNECTs with cause 16"
pass
