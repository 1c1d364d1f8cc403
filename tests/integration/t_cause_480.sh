# Cause 19 <-> 480 as rejections (not the gateway's own timer): a PSTN
# rejection with cause 19 reaches SIP as 480 with Reason: Q.850;cause=19,
# and a SIP 480 reaches the PSTN as DISCONNECT cause 19.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --reject 19 --timeout 30
start_gw
start c1 "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --exit-after 1 --timeout 20
wait_exit c1 20
expect_line "$T/c1.log" "event=failed call=1 code=480 cause=19"

start phone "$B/sipua" --listen 127.0.0.1:5070 --reject 480 --exit-after 1 \
	--timeout 20
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --exit-after 1 --timeout 30
wait_exit sim2 30
expect_line "$T/sim2.log" "event=disconnect .*cause=19( |$)"
wait_for "$T/gw.log" "cause 19 \(no answer from user\), sip 480" 3
pass
