# Routing, failover on 503: the route file sends 555XXXX from the span
# group to trunk phone, which answers 503; failover = 503 tries the
# alternative trunk backup, which answers. The called number is rewritten
# with a capture, the PSTN caller gets connected, and the CDR names the
# trunk that took the call.
. tests/integration/lib.sh
. tests/integration/route_lib.sh
route_conf "$T/gw.conf" "[trunk backup]
address = 127.0.0.1:5071" <<'ROUTES'
[route in]
from = group pri
called = ~^555([0-9]{4})$
called_out = +1555\1
target = trunk phone
alternative = trunk backup
failover = 503
ROUTES
start busy "$B/sipua" --listen 127.0.0.1:5070 --reject 503 --timeout 30
start good "$B/sipua" --listen 127.0.0.1:5071 --exit-after 1 --timeout 30
wait_for "$T/busy.log" "event=ready" 5
wait_for "$T/good.log" "event=ready" 5
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --hangup-after 500 --exit-after 1 --timeout 30
start_gw
wait_exit sim 30
expect_line "$T/busy.log" "event=reject call=1 code=503"
expect_line "$T/good.log" "event=incoming call=1 .*to=[^ ]*\+15551000"
expect_line "$T/sim.log" "event=connect "
expect_line "$T/gw.log" "route in: trunk phone failed \(SIP 503\): trying trunk backup"
wait_exit good 10
for i in $(seq 50); do [ -s "$T/cdr.csv" ] && break; sleep 0.1; done
expect_line "$T/cdr.csv" ",2125550100,5551000,2125550100,\+15551000,.*,backup,"
[ "$(grep -c 'route in: INVITE sip:' "$T/gw.log")" -eq 2 ] ||
	fail "expected exactly two INVITEs (no loop over the alternatives)"
pass
