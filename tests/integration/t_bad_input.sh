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
send() { printf "$1" >/dev/udp/127.0.0.1/"$2"; }
send 'garbage\r\n\r\n' 5060
send 'INVITE sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\nContent-Length: 99999\r\n\r\n' 5060
send 'INVITE sip:x@127.0.0.1 SIP/7.0\r\n\r\n' 5060
send '\x00\x00\x00\x00\x00\x00\x00\x00' 5060
send 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnothere\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nContent-Length: 0\r\n\r\n' 5060
for p in $(seq 30000 2 30010); do
	send '\x80' "$p"             # shorter than an RTP header
	send '\x40\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00' "$p"  # version 1
done
if command -v sipsak >/dev/null; then
	timeout 10 sipsak -s sip:ping@127.0.0.1:5060 >"$T/sipsak.log" 2>&1 ||
		fail "OPTIONS not answered after the garbage"
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
[ "${rejected:-0}" -ge 3 ] || fail "expected >= 3 counted SIP rejections, got '${rejected}'"
rtp=$(sed -n 's/.*RTP rejected \([0-9]*\).*/\1/p' "$T/gw.log")
[ "${rtp:-0}" -ge 2 ] || fail "expected counted RTP rejections, got '${rtp}'"
pass
