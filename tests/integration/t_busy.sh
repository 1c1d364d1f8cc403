# Busy both ways: cause 17 <-> 486.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --reject 17 --timeout 30
start_gw
start caller "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --exit-after 1 --timeout 20
wait_exit caller 20
expect_line "$T/caller.log" "event=failed call=1 code=486 cause=17"

start phone "$B/sipua" --listen 127.0.0.1:5070 --reject 486 --exit-after 1 \
	--timeout 20
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --exit-after 1 --timeout 30
wait_exit sim2 30
expect_line "$T/sim2.log" "event=disconnect .*cause=17"
expect_line "$T/sim2.log" "event=released"
pass
