# Routing failover with SIPp as the failing trunk: SIPp (uas_503.xml)
# answers the INVITE with 503; the route's failover = 503,34 sends the
# call on to trunk backup (sipua), which answers; SIPp sees its ACK and
# exactly one call, and the PSTN caller is connected.
. tests/integration/lib.sh
. tests/integration/route_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
route_conf "$T/gw.conf" "[trunk backup]
address = 127.0.0.1:5071" <<'ROUTES'
[route in]
called = 555
target = trunk phone
alternative = trunk backup
failover = 503,34
ROUTES
start uas sipp -sf "$S/uas_503.xml" -i 127.0.0.1 -p 5070 -m 1 -nostdin \
	-timeout 25s
start good "$B/sipua" --listen 127.0.0.1:5071 --exit-after 1 --timeout 30
wait_for "$T/good.log" "event=ready" 5
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --hangup-after 500 --exit-after 1 --timeout 30
start_gw
wait_exit sim 30
expect_line "$T/sim.log" "event=connect "
expect_line "$T/good.log" "event=incoming call=1"
expect_line "$T/gw.log" "route in: trunk phone failed \(SIP 503\): trying trunk backup"
wait_exit uas 10
[ "$RC_uas" -eq 0 ] || fail "sipp exited $RC_uas (no ACK, or not one call)"
pass
