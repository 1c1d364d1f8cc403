# No answer: the gateway's no-answer timer clears with cause 19 / 480 in
# both directions; a SIP 480 reaches the PSTN as cause 19.
. tests/integration/lib.sh
NO_ANSWER_S=2 gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --no-answer --timeout 30
start_gw
start c1 "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --exit-after 1 --timeout 20
wait_exit c1 20
expect_line "$T/c1.log" "event=progress call=1 code=180"
expect_line "$T/c1.log" "event=failed call=1 code=480 cause=19"
wait_for "$T/sim.log" "event=disconnect .*cause=19" 5
wait_for "$T/sim.log" "event=released" 5

start phone "$B/sipua" --listen 127.0.0.1:5070 --no-answer --timeout 20
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --exit-after 1 --timeout 30
wait_exit sim2 30
expect_line "$T/sim2.log" "event=disconnect .*cause=19"
wait_for "$T/phone.log" "event=cancelled call=1" 5
pass
