# RFC 3261 18.2.2 over the wire: a client sends an INVITE over TCP, then
# resets its connection before the answer and listens on its Via port.
# The gateway opens a new connection to the source IP ("received": the
# Via host is a name) and the sent-by port and sends the 200 there; the
# client ACKs on it, the call is up, and the BYE after pstnsim hangs up
# uses that connection too. Nothing is left behind.
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
S="$B/tests/tools/sipsend"
[ -x "$S" ] || fail "no $S (make $S)"
fault_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 400 \
	--hangup-after 1000 --cause 16 --timeout 20
start_gw

body=$(printf 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n'; printf x)
body=${body%x}
{
	printf 'INVITE sip:2125551234@127.0.0.1 SIP/2.0\r\n'
	printf 'Via: SIP/2.0/TCP ua.invalid:5998;branch=z9hG4bKres1\r\n'
	printf 'From: <sip:3035550199@127.0.0.1>;tag=r1\r\n'
	printf 'To: <sip:2125551234@127.0.0.1>\r\nCall-ID: r1@resend\r\n'
	printf 'CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n'
	printf 'Contact: <sip:3035550199@127.0.0.1:5998;transport=tcp>\r\n'
	printf 'Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s' \
		"${#body}" "$body"
} >"$T/invite"
"$S" -t tcp -a -r -l 5998 -c 100 -w 4000 127.0.0.1 5060 "$T/invite" \
	>"$T/ua.out" 2>&1
# the 200 came on the gateway's new connection, after ours was reset
sed -n '/^closed ours$/,$p' "$T/ua.out" >"$T/after.out"
expect_line "$T/after.out" '^accepted$'
expect_line "$T/after.out" '^reply: SIP/2.0 200 '
expect_line "$T/after.out" '^sent: ACK$'
expect_line "$T/after.out" '^request: BYE$'
expect_line "$T/after.out" '^sent: 200$'
expect_line "$T/gw.log" "connection gone: the response goes to its sent-by 127.0.0.1:5998/TCP"
expect_line "$T/gw.log" "127.0.0.1:5998/TCP: connecting"
call=$(sed -n 's/.*call \([0-9]*\) .*(Call-ID r1@resend).*/\1/p' "$T/gw.log" | head -n 1)
[ -n "$call" ] || fail "no call for r1@resend"
wait_for "$T/gw.log" "call $call \{[A-Z]+\}: ended: .*talked [0-9]+ ms" 5
expect_no_line "$T/gw.log" "call $call .*(no ACK|ACK timeout)"
expect_idle 5
pass
