# SIP over IPv6 (::1), media on 127.0.0.1: SIPp calls the PSTN through
# the gateway over UDP and then over TCP (-t t1), and pstnsim calls the
# test phone through a trunk written [::1]:5070. Via, Contact and URIs
# carry bracketed addresses.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
ip -6 addr show dev lo | grep -q '::1' || fail "no ::1 on lo in this namespace"
gw_conf "$T/gw.conf"
sed -i 's/^listen = 127.0.0.1:5060$/listen = [::1]:5060/; s/^address = 127.0.0.1:5070$/address = [::1]:5070/; s/^rtp_port_min = .*/rtp_ip = 127.0.0.1\n&/' "$T/gw.conf"
grep -q '^listen = \[::1\]:5060' "$T/gw.conf" && grep -q '^rtp_ip' "$T/gw.conf" ||
	fail "config edit failed"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw
expect_line "$T/gw.log" 'listening on ::1:5060/udp'
expect_line "$T/gw.log" 'listening on ::1:5060/tcp'
( cd "$T" && exec sipp -sn uac '[::1]:5060' -s 2125551234 -i ::1 \
	-mi 127.0.0.1 -p 5071 -m 2 -r 2 -d 300 -nostdin -timeout 20s \
	-trace_msg >"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp uac over IPv6/UDP exited $rc"
( cd "$T" && exec sipp -sn uac '[::1]:5060' -t t1 -s 2125551234 -i ::1 \
	-mi 127.0.0.1 -p 5072 -m 2 -r 2 -d 300 -nostdin -timeout 20s \
	>"$T/uac_tcp.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp uac over IPv6/TCP exited $rc"
[ "$(grep -c 'event=released' "$T/sim.log")" -ge 4 ] || fail "pstnsim saw fewer than 4 releases"
# the gateway's responses echo the Via with IPv6 brackets
grep -q 'Via: SIP/2.0/UDP \[::1\]:5071' "$T"/*messages.log ||
	fail "no bracketed Via in the SIPp trace"

kill -TERM "$PID_sim"; wait_exit sim 10
start phone "$B/sipua" --listen '[::1]:5070' --rtp-ip 127.0.0.1 \
	--answer-delay 100 --exit-after 1 --timeout 20
wait_for "$T/phone.log" "event=ready" 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --hangup-after 500 --exit-after 1 --timeout 20
wait_exit sim2 25
wait_exit phone 10
expect_line "$T/phone.log" "event=incoming call=1 from=2125550100 to=5551000"
expect_line "$T/sim2.log" "event=connect"
expect_line "$T/gw.log" 'INVITE sip:5551000@\[::1\]:5070'
pass
