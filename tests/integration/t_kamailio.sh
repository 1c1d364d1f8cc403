# Issue 3: kamailio as registrar and proxy requiring digest authentication.
# The gateway registers (401 answered), a PSTN call goes out through
# kamailio (407 answered) to a baresip phone registered there, and the
# phone calls a PSTN number that kamailio routes to the gateway's
# registered binding. On SIGTERM the gateway un-REGISTERs.
. tests/integration/lib.sh
. tests/integration/interop.sh
start kam kamailio -f tests/integration/kamailio.cfg -DD -E -m 64 -M 8 \
	${KAM_ARGS:-}
bs_conf "$T/bs" 5090 "<sip:5551234@pstngw.test>;auth_user=alice;auth_pass=alicepw;outbound=\"sip:127.0.0.1:5080\";regint=600;answermode=auto"
start phone baresip -f "$T/bs" -t 40
wait_for "$T/kam.log" "kam: registered 5551234" 10
kam_gw_conf "$T/gw.conf" gwpass
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551234 \
	--from 2125550100 --play tone:1000 --answer-delay 300 \
	--hangup-after 2000 --exit-after 2 --timeout 40
start_gw
wait_for "$T/gw.log" "registration trunk kam: registered, expires 120" 10
expect_line "$T/kam.log" "kam: challenge REGISTER"
expect_line "$T/kam.log" "kam: authenticated REGISTER as gw"
# PSTN -> gateway -> kamailio (407) -> baresip, answered, hung up by pstnsim
wait_for "$T/sim.log" "event=released" 20
expect_line "$T/gw.log" "answering 407 for INVITE"
expect_line "$T/kam.log" "kam: authenticated INVITE as gw"
expect_line "$T/sim.log" "event=connect"
expect_freq "$T/sim.log" "event=heard" 440
# baresip -> kamailio (407 to baresip) -> gateway's binding -> PSTN
udp_send 5555 "/dial sip:2125551234@pstngw.test\n"
wait_exit sim 30
expect_line "$T/sim.log" "event=setup .*dir=in called=2125551234"
expect_line "$T/kam.log" "kam: authenticated INVITE as alice"
expect_line "$T/kam.log" "kam: relay INVITE to sip:2125551234@127.0.0.1:5060"
[ "$(grep -c 'event=connect' "$T/sim.log")" -ge 2 ] || fail "second call not connected"
# SIGTERM: the binding is removed before the gateway exits
kill -TERM "$PID_gw"
wait_exit gw 10
expect_line "$T/gw.log" "registration trunk kam: unregistered \(200\)"
expect_line "$T/kam.log" "kam: registered gw expires 0"
pass
