# OPTIONS keep-alives towards a trunk (keepalive_s): the gateway logs the
# trunk reachable while it answers, unreachable once its OPTIONS time out
# (Timer F, 64*T1 = 6.4 s with t1_ms = 100), and reachable again when it
# comes back; changes only, and calls keep working meanwhile.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
sed -i 's/^\[trunk phone\]$/[trunk phone]\nkeepalive_s = 1/' "$T/gw.conf"
start phone "$B/sipua" --listen 127.0.0.1:5070 --timeout 60
wait_for "$T/phone.log" "event=ready" 5
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --timeout 60
start_gw
wait_for "$T/gw.log" "trunk phone: reachable \(OPTIONS answered 200\)" 5
kill -TERM "$PID_phone"
wait_exit phone 5
wait_for "$T/gw.log" "trunk phone: unreachable \(OPTIONS timed out\)" 12
start phone2 "$B/sipua" --listen 127.0.0.1:5070 --timeout 60
# the second "reachable" line (the first is still in the log)
for i in $(seq 50); do
	[ "$(grep -c 'trunk phone: reachable' "$T/gw.log")" -ge 2 ] && break
	sleep 0.1
done
[ "$(grep -c 'trunk phone: reachable' "$T/gw.log")" -eq 2 ] ||
	fail "reachability logged other than on changes"
[ "$(grep -c 'trunk phone: unreachable' "$T/gw.log")" -eq 1 ] ||
	fail "unreachability logged other than on changes"
pass
