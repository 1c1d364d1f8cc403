# Unknown numbers both ways: no route -> 404 / cause 1; and a PSTN
# rejection with cause 1 reaches SIP as 404.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --reject 1 --timeout 30
start_gw
start c1 "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:9995551234@127.0.0.1:5060 --exit-after 1 --timeout 20
wait_exit c1 20
expect_line "$T/c1.log" "event=failed call=1 code=404"
start c2 "$B/sipua" --listen 127.0.0.1:5073 \
	--call sip:2125551234@127.0.0.1:5060 --exit-after 1 --timeout 20
wait_exit c2 20
expect_line "$T/c2.log" "event=failed call=1 code=404 cause=1"

kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 4441000 \
	--from 2125550100 --exit-after 1 --timeout 30
wait_exit sim2 30
expect_line "$T/sim2.log" "event=disconnect .*cause=1( |$)"
wait_for "$T/gw.log" "no route for 4441000" 2
pass
