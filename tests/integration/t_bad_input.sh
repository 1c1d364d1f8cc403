# Hostile SIP and RTP datagrams during a call: each is rejected with a log
# line and counted; the daemon keeps running, the call keeps its audio, and
# it still answers OPTIONS.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --hangup-after 4000 --cause 16 \
	--exit-after 1 --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --exit-after 1 \
	--timeout 30
start_gw
wait_for "$T/phone.log" "event=answer call=1" 15
H='Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbad\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: bad@x\r\nCSeq: 1 INVITE\r\n'
udp_send 5060 'garbage\r\n\r\n'
udp_send 5060 'INVITE sip:x@127.0.0.1 SIP/7.0\r\n\r\n'
udp_send 5060 "INVITE sip:x@127.0.0.1 SIP/2.0\r\n${H}Content-Length: 99999\r\n\r\n"
udp_send 5060 "INVITE sip:x@127.0.0.1 SIP/2.0\r\n${H}Content-Length: -5\r\n\r\n"
udp_send 5060 "INVITE sip:x@127.0.0.1 SIP/2.0\r\n${H}Bad\0Name: x\r\nContent-Length: 0\r\n\r\n"
udp_send 5060 '\0\0\0\0\0\0\0\0'
# a response that matches no transaction
udp_send 5060 "SIP/2.0 200 OK\r\n${H}Content-Length: 0\r\n\r\n"
for p in $(seq 30000 2 30010); do
	udp_send "$p" '\x80'   # shorter than an RTP header
	udp_send "$p" '\x40\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00' # version 1
done
if command -v sipsak >/dev/null; then
	# 200, or 503 once pstnsim has gone (health); 3: no answer
	timeout 10 sipsak -s sip:ping@127.0.0.1:5060 >"$T/sipsak.log" 2>&1
	[ $? -le 1 ] || fail "OPTIONS not answered after the garbage"
fi
wait_exit sim 30
wait_exit phone 15
kill -0 "$PID_gw" || fail "pstngw died"
expect_freq "$T/sim.log" "event=heard" 440
expect_freq "$T/phone.log" "event=heard" 1000
expect_line "$T/phone.log" "event=bye call=1 cause=16"
grep -Eqi "reject|malformed|bad" "$T/gw.log" || fail "no log line for the rejected datagrams"
kill -TERM "$PID_gw"; wait_exit gw 10
[ "$RC_gw" -eq 0 ] || fail "pstngw exited $RC_gw"
rejected=$(sed -n 's/.*SIP rejected \([0-9]*\).*/\1/p' "$T/gw.log")
[ "${rejected:-0}" -ge 6 ] || fail "expected >= 6 counted SIP rejections, got '${rejected}'"
expect_line "$T/gw.log" "rejected message from 127.0.0.1:[0-9]+: "
rtp=$(sed -n 's/.*RTP rejected \([0-9]*\).*/\1/p' "$T/gw.log")
[ "${rtp:-0}" -ge 2 ] || fail "expected counted RTP rejections, got '${rtp}'"
pass
