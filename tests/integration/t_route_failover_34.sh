# Routing, failover on cause 34: SIP calls to 212* go to span group pri,
# whose switch rejects them with cause 34 (no circuit available); the
# route fails over to group pri2 on the second span, which answers. The
# first channel is cleared properly and the SIP caller sees one answer.
. tests/integration/lib.sh
. tests/integration/route_lib.sh
route_conf "$T/gw.conf" "[span 2]
type = t1
role = cpe
switchtype = ni2
path = $T/span2.sock
group = pri2" <<'ROUTES'
[route out]
from = sip
called = 212
target = group pri
alternative = group pri2
failover = 34
ROUTES
start sim1 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --reject 34 \
	--timeout 30
start sim2 "$B/pstnsim" --span "2:$T/span2.sock:t1:ni2" --exit-after 1 \
	--timeout 30
start_gw
wait_for "$T/gw.log" "span 2: span_up" 15
start phone "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 500 \
	--exit-after 1 --timeout 20
wait_exit phone 20
expect_line "$T/sim1.log" "event=setup .*dir=in called=2125551234"
expect_line "$T/sim1.log" "event=hangup .*cause=34"
wait_for "$T/sim1.log" "event=released .*cause=34" 5
expect_line "$T/sim2.log" "event=setup .*dir=in called=2125551234"
expect_line "$T/phone.log" "event=answered call=1"
expect_line "$T/gw.log" "route out: group pri failed \(cause 34\): trying group pri2"
wait_exit sim2 10
for i in $(seq 50); do [ -s "$T/cdr.csv" ] && break; sleep 0.1; done
expect_line "$T/cdr.csv" ",pri2,"
pass
