# SIGTERM with calls up in both directions: the PSTN sides get DISCONNECT
# cause 16, the SIP sides a BYE, and pstngw exits 0. A SIGHUP before it
# changes nothing.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --answer-delay 100 --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --timeout 30
start_gw
start caller "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --timeout 30
wait_for "$T/phone.log" "event=answer call=1" 15
wait_for "$T/caller.log" "event=answered call=1" 15
# SIGHUP reloads the (unchanged) configuration: the calls stay up
kill -HUP "$PID_gw"
wait_for "$T/gw.log" "reload: reloaded .*: no change; calls in progress: 2" 5
sleep 0.5
expect_no_line "$T/phone.log" "event=bye"
expect_no_line "$T/sim.log" "event=disconnect"
kill -TERM "$PID_gw"
wait_exit gw 10
[ "$RC_gw" -eq 0 ] || fail "pstngw exited $RC_gw"
wait_for "$T/phone.log" "event=bye call=1 cause=16" 5
wait_for "$T/caller.log" "event=bye call=1 cause=16" 5
[ "$(grep -Ec 'event=disconnect .*cause=16' "$T/sim.log")" -eq 2 ] ||
	fail "pstnsim did not see two DISCONNECTs with cause 16"
pass
