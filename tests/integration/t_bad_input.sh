# Hostile SIP and RTP datagrams during a call: each is rejected with a log
# line and counted; the daemon keeps running, the call keeps its audio, and
# it still answers OPTIONS. The bad RTP waits until the call is up and its
# media runs (`show rtp` has the phone's RTP counted), goes
# to the call's own RTP and RTCP ports, and must be counted exactly: 6
# foreign RTP and 2 foreign RTCP datagrams, nothing else; the phone's RTP
# is still counted after them. The call lasts 10 s: the checks poll `show
# rtp`, slow under the sanitizers on a busy machine.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --hangup-after 10000 --cause 16 \
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

# the call's RTP port, once its media session runs in a worker
wait_for "$T/gw.log" "call 1 .*: media [^ ]+ ptime [0-9]+: local [0-9]+, " 10
port=$(sed -n 's/.*call 1 .*: media [^ ]* ptime [0-9]*: local \([0-9]*\), .*/\1/p' \
	"$T/gw.log" | head -n 1)
[ -n "$port" ] || fail "no RTP port in the media line"

# ctr PART NAME: a counter of call 1's line in $T/rtp.out; PART 1 is RTP
# ("call 1: rtp rx N tx N ... bad N foreign N ..."), 2 is RTCP
ctr() {
	awk -v part="$1" -v k="$2" '/^call 1: rtp rx / {
		split($0, p, ";"); n = split(p[part], w, " ")
		for (i = 1; i < n; i++) if (w[i] == k) { print w[i + 1]; exit }
	}' "$T/rtp.out"
}
# show_until FUNCTION WHAT: show rtp (each asks the workers for the next
# one's counters) until FUNCTION says yes; at most 10 s
show_until() {
	local _
	for _ in $(seq 100); do
		"$B/pstngw-ctl" -s "$T/ctl.sock" show rtp >"$T/rtp.out" 2>&1 ||
			fail "show rtp: $(cat "$T/rtp.out")"
		"$1" && return 0
		sleep 0.1
	done
	fail "$2: $(cat "$T/rtp.out")"
}
"$B/pstngw-ctl" -s "$T/ctl.sock" show calls >"$T/calls.out" 2>&1 ||
	fail "show calls: $(cat "$T/calls.out")"
expect_line "$T/calls.out" "^call 1: pstn->sip .* state active talking "
flowing() { [ "$(ctr 1 rx)" -ge 10 ] 2>/dev/null; }
show_until flowing "the call's RTP is not counted in show rtp"
[ "$(ctr 1 bad)/$(ctr 1 foreign)/$(ctr 2 bad)/$(ctr 2 foreign)" = 0/0/0/0 ] ||
	fail "rejections before any bad RTP: $(cat "$T/rtp.out")"

# from another port than the phone's: 6 to RTP (3 shorter than a header,
# 3 of version 1), 2 to RTCP
for _ in 1 2 3; do
	udp_send "$port" '\x80'
	udp_send "$port" '\x40\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00'
done
udp_send $((port + 1)) '\x80'
udp_send $((port + 1)) '\x40\xc8\x00\x01\x00\x00\x00\x00'
counted() { [ "$(ctr 1 foreign)/$(ctr 2 foreign)" = 6/2 ]; }
show_until counted "the bad RTP is not counted as 6 RTP + 2 RTCP"
rx1=$(ctr 1 rx)
# good RTP still counted after the bad (25 packets: 0.5 s), and nothing
# more rejected
still() { [ "$(ctr 1 rx)" -ge $((rx1 + 25)) ]; }
show_until still "the phone's RTP is no longer counted after the bad RTP"
[ "$(ctr 1 bad)/$(ctr 1 foreign)/$(ctr 2 bad)/$(ctr 2 foreign)" = 0/6/0/2 ] ||
	fail "rejections after the bad RTP: $(cat "$T/rtp.out")"

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
expect_line "$T/gw.log" "call 1: media: .* bad 0, foreign 6, "
expect_line "$T/gw.log" "call 1: rtcp: .* bad 0 foreign 2; "
kill -TERM "$PID_gw"; wait_exit gw 10
[ "$RC_gw" -eq 0 ] || fail "pstngw exited $RC_gw"
rejected=$(sed -n 's/.*SIP rejected \([0-9]*\).*/\1/p' "$T/gw.log")
[ "${rejected:-0}" -ge 6 ] || fail "expected >= 6 counted SIP rejections, got '${rejected}'"
expect_line "$T/gw.log" "rejected message from 127.0.0.1:[0-9]+: "
# every datagram sent, counted once in the totals
expect_line "$T/gw.log" "stopped: .* RTP rejected 8, RTP foreign 8, "
pass
