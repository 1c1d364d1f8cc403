# RFC 3261 18.1.1: a request over 1300 bytes for a UDP next hop goes over
# TCP. The test phone (the same sip/transp.c and gateway/siptcp.c as the
# daemon) places a 2 kB INVITE to the gateway's UDP address: tshark shows
# it arriving over TCP with "Via: SIP/2.0/TCP", and the call completes.
# Then, with TCP turned off on the gateway, the connection is refused and
# the INVITE falls back to UDP (the retransmission goes out over UDP).
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw
if command -v tshark >/dev/null; then
	start cap tshark -i lo -f 'port 5060' -w "$T/cap.pcapng"
	wait_for "$T/cap.log" "Capture started" 20
fi
start phone "$B/sipua" --listen 127.0.0.1:5070 --pad 2000 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 300 \
	--exit-after 1 --timeout 20
wait_exit phone 25
[ "$RC_phone" -eq 0 ] || fail "large INVITE call failed ($RC_phone)"
expect_line "$T/phone.log" "event=answered call=1"
expect_line "$T/gw.log" "conn [0-9]+ 127.0.0.1:[0-9]+/TCP: accepted"
if [ -n "${PID_cap:-}" ]; then
	sleep 0.5
	kill -TERM "$PID_cap"; wait_exit cap 10
	tshark -r "$T/cap.pcapng" -Y 'sip.Method == "INVITE"' \
		-T fields -e frame.protocols -e sip.Via >"$T/invites.txt" 2>/dev/null
	grep -q 'tcp.*SIP/2.0/TCP' "$T/invites.txt" ||
		fail "no INVITE over TCP with a TCP Via in the capture"
	! grep -q 'udp' "$T/invites.txt" || fail "an INVITE went over UDP"
fi

# TCP off on the gateway: back to UDP
kill -TERM "$PID_gw"; wait_exit gw 10
sed -i 's/^listen = 127.0.0.1:5060$/&\ntcp = off/' "$T/gw.conf"
mv "$T/gw.log" "$T/gw1.log"
start_gw
expect_no_line "$T/gw.log" "listening on .*/tcp"
start phone2 "$B/sipua" --listen 127.0.0.1:5070 --pad 2000 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 300 \
	--exit-after 1 --timeout 20
wait_exit phone2 25
[ "$RC_phone2" -eq 0 ] || fail "fallback call failed ($RC_phone2)"
expect_line "$T/phone2.log" "event=answered call=1"
expect_line "$T/gw.log" "INVITE sip:2125551234"
expect_no_line "$T/gw.log" "/TCP: accepted"
pass
