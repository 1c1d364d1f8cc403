# Health drives the PSTN side: trunk phone is watched with OPTIONS
# (keepalive_s) and nothing answers them; once it is seen down, a PRI call
# for the route is refused with cause 34 without an INVITE being sent.
# When the trunk comes back, calls go through again.
. tests/integration/lib.sh
. tests/integration/route_lib.sh
scrape() {
	timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
		printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3'
}
route_conf "$T/gw.conf" "[general]
metrics_listen = 127.0.0.1:9464" <<'ROUTES'
[route in]
from = group pri
called = 555
target = trunk phone
ROUTES
sed -i 's/^\[trunk phone\]$/[trunk phone]\nkeepalive_s = 1/' "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --timeout 60
start_gw
wait_for "$T/gw.log" "trunk phone: unreachable" 12
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --exit-after 1 --timeout 30
wait_exit sim2 30
expect_line "$T/sim2.log" "event=disconnect .*cause=34( |$)"
expect_line "$T/gw.log" "route in: every trunk is down; refused with cause 34"
expect_no_line "$T/gw.log" "route in: INVITE"
scrape >"$T/metrics.log"
expect_line "$T/metrics.log" '^pstngw_calls_refused_total\{reason="route_down"\} 1'

start phone "$B/sipua" --listen 127.0.0.1:5070 --exit-after 1 --timeout 30
wait_for "$T/gw.log" "trunk phone: reachable" 5
start sim3 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --hangup-after 300 --exit-after 1 --timeout 30
wait_exit sim3 30
expect_line "$T/sim3.log" "event=connect "
expect_line "$T/phone.log" "event=incoming call=1"
pass
