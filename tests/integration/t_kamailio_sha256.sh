# Issue 3: kamailio challenging with SHA-256 (RFC 8760), without qop as its
# auth module does by default with that algorithm: the gateway registers
# and its INVITE is authenticated and relayed (to nobody: 404, cause 1).
# baresip 1.0 knows MD5 only, so no phone here.
. tests/integration/lib.sh
. tests/integration/interop.sh
start kam kamailio -f tests/integration/kamailio.cfg -DD -E -m 64 -M 8 \
	-A ALG_SHA256 -A NO_QOP
kam_gw_conf "$T/gw.conf" gwpass
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551234 \
	--from 2125550100 --exit-after 1 --timeout 30
start_gw
wait_for "$T/gw.log" "registration trunk kam: registered, expires 120" 10
wait_exit sim 20
expect_line "$T/kam.log" "kam: authenticated REGISTER as gw"
expect_line "$T/gw.log" "answering 407 for INVITE \(SHA-256\)"
expect_line "$T/kam.log" "kam: authenticated INVITE as gw"
expect_line "$T/sim.log" "event=disconnect .*cause=1$"
kill -TERM "$PID_gw"
wait_exit gw 10
expect_line "$T/gw.log" "registration trunk kam: unregistered \(200\)"
pass
