# busy_out on a span without SERVICE messages (service_messages = no): the
# channels are left in service (the switch would not be told), and PRI
# calls for the route are only refused, with the route's cause.
. tests/integration/lib.sh
. tests/integration/route_lib.sh
route_conf "$T/gw.conf" <<'ROUTES'
[route in]
from = group pri
target = trunk phone
busy_out = yes
refuse_cause = 38
ROUTES
sed -i 's/^\[trunk phone\]$/[trunk phone]\nkeepalive_s = 1/' "$T/gw.conf"
sed -i '/^group = pri$/a service_messages = no' "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --timeout 60
start_gw
wait_for "$T/gw.log" "trunk phone: unreachable" 12
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --exit-after 1 --timeout 30
wait_exit sim2 30
expect_line "$T/sim2.log" "event=disconnect .*cause=38( |$)"
expect_no_line "$T/gw.log" "out of service"
expect_no_line "$T/sim.log" "state=maint"
expect_no_line "$T/sim2.log" "state=maint"
pass
