# busy_out: while every trunk of a route is down (OPTIONS unanswered), the
# B-channels of the route's source group are taken out of service with
# SERVICE messages, which the switch (pstnsim) sees; once the trunk
# answers again they come back into service.
. tests/integration/lib.sh
. tests/integration/route_lib.sh
route_conf "$T/gw.conf" <<'ROUTES'
[route in]
from = group pri
target = trunk phone
busy_out = yes
ROUTES
sed -i 's/^\[trunk phone\]$/[trunk phone]\nkeepalive_s = 1/' "$T/gw.conf"
sed -i '/^group = pri$/a service_messages = yes' "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --timeout 60
start_gw
wait_for "$T/gw.log" "trunk phone: unreachable" 12
wait_for "$T/gw.log" "span 1: 23 B-channel\(s\) out of service" 5
wait_for "$T/sim.log" "event=chan_state span=1 chan=23 state=maint" 5
n=$(grep -c "event=chan_state span=1 chan=[0-9]* state=maint" "$T/sim.log")
[ "$n" -eq 23 ] || fail "switch saw $n channels out of service, expected 23"

start phone "$B/sipua" --listen 127.0.0.1:5070 --timeout 30
wait_for "$T/gw.log" "trunk phone: reachable" 5
wait_for "$T/gw.log" "span 1: 23 B-channel\(s\) back in service" 5
wait_for "$T/sim.log" "event=chan_state span=1 chan=23 state=idle" 5
pass
