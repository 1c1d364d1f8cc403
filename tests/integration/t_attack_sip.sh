# Issue 8, the attack pack over the wire: hostile requests over UDP and
# TCP, generated here (tests/tools/sipsend sends them raw and prints the
# status lines it gets back). Each gets its status with a reason phrase
# naming the fault; a TCP framing error is answered, then the connection
# closed; an INVITE over TCP whose connection is reset mid-call is
# released cleanly when the PSTN side hangs up. Then a normal call
# SIP->PSTN completes, the rejections are counted by reason in /metrics,
# and no call, dialog or connection is left.
. tests/integration/lib.sh
export LC_ALL=C # byte lengths, raw 8-bit bytes
S="$B/tests/tools/sipsend"
[ -x "$S" ] || fail "no $S (make $S)"
gw_conf "$T/gw.conf" "[general]
metrics_listen = 127.0.0.1:9464"
# transactions linger after their end (Timer J: 64*T1, Timer I: T4):
# short timers, so that the drain to zero is quick
sed -i 's/^t1_ms = 100$/t1_ms = 50\nt4_ms = 500/' "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--hangup-after 2500 --cause 16 --timeout 40
start_gw

# msg FILE CALLID EXTRA-HEADERS [BODY]: an INVITE to the span's prefix;
# EXTRA and BODY take printf %b escapes. No Content-Length is added.
msg() {
	{
		printf 'INVITE sip:2125551234@127.0.0.1 SIP/2.0\r\n'
		printf 'Via: SIP/2.0/%s 127.0.0.1:5999;branch=z9hG4bK%s;rport\r\n' \
			"${TP:-UDP}" "$2"
		printf 'From: <sip:3035550199@127.0.0.1>;tag=%s\r\n' "$2"
		printf 'To: <sip:2125551234@127.0.0.1>\r\nCall-ID: %s@atk\r\n' "$2"
		printf 'CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n'
		printf 'Contact: <sip:3035550199@127.0.0.1:5999%s>\r\n' \
			"$([ "${TP:-UDP}" = TCP ] && printf ';transport=tcp')"
		printf '%b' "$3"
		printf '\r\n'
		printf '%b' "${4:-}"
	} >"$T/$1"
}
SDP='v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n'
# sdp FILE CALLID MEDIA-LINES: an INVITE with that SDP, length right
sdp() {
	local body
	body=$(printf '%b%b' "$SDP" "$3"; printf x)
	body=${body%x}
	msg "$1" "$2" "Content-Type: application/sdp\r\nContent-Length: ${#body}\r\n" "$body"
}

msg cl_big c1 'Content-Length: 99999\r\n' 'v=0\r\n'
msg cl_neg c2 'Content-Length: -5\r\n'
msg cl_dup c3 'Content-Length: 0\r\nContent-Length: 0\r\n'
msg cl_past c4 'Content-Length: 500\r\n' 'v=0\r\n'
msg cl_2e32 c5 'Content-Length: 4294967296\r\n'
msg hdr_count c6 "$(for i in $(seq 2000); do printf 'X-H%d: %d\\r\\n' $i $i; done)Content-Length: 0\r\n"
msg hdr_long c7 "X-Big: $(head -c 5000 /dev/zero | tr '\0' v)\r\nContent-Length: 0\r\n"
# the CSeq method thousands of bytes long (a second CSeq: duplicate)
msg cseq_big c8 "Content-Length: 0\r\n"
sed -i "s/^CSeq: 1 INVITE\r$/CSeq: 1 $(head -c 3000 /dev/zero | tr '\0' M)\r/" "$T/cseq_big"
msg nul_name c9 'Bad\0Name: x\r\nContent-Length: 0\r\n'
msg ctl_name c10 'Bad\x01\x7fName: x\r\nContent-Length: 0\r\n'
msg hi_name c11 'Bad\xff\xfeName: x\r\nContent-Length: 0\r\n'
# 300 nested multipart parts: never read, the type is not SDP
deep=$(for i in $(seq 0 299); do printf -- '--b%d\\r\\nContent-Type: multipart/mixed;boundary=b%d\\r\\n\\r\\n' $i $((i + 1)); done)
body=$(printf '%b' "$deep"; printf x); body=${body%x}
msg multipart c12 "Content-Type: multipart/mixed;boundary=b0\r\nContent-Length: ${#body}\r\n" "$body"
sdp sdp_pt c13 'm=audio 0 RTP/AVP 4294967296\r\n'
sdp sdp_port c14 'm=audio 70000 RTP/AVP 0\r\n'
sdp sdp_neg c15 'm=audio -1 RTP/AVP 0\r\n'
sdp sdp_many c16 "$(for i in $(seq 20); do printf 'm=audio %d RTP/AVP 0\\r\\n' $((4000 + 2 * i)); done)"
sdp sdp_huge c17 "$(for i in $(seq 1000); do printf 'm=audio %d RTP/AVP 0\\r\\n' $((4000 + 2 * i)); done)"
sdp sdp_t38 c18 'm=image 4000 udptl t38\r\na=T38FaxMaxDatagram:-1\r\n'

# udp FILE REPLY-REGEX: one datagram; its reply must match
udp() {
	"$S" -f -w 3000 127.0.0.1 5060 "$T/$1" >"$T/$1.out" 2>&1 ||
		fail "sipsend $1: $(cat "$T/$1.out")"
	grep -Eq "^reply: SIP/2.0 $2" "$T/$1.out" ||
		fail "$1: expected /$2/, got: $(grep reply "$T/$1.out")"
}
udp cl_big '513 Message Too Large \(Content-Length over the size limit\)$'
udp cl_neg '400 Bad Request \(bad Content-Length\)$'
udp cl_dup '400 Bad Request \(duplicate Content-Length\)$'
udp cl_past '400 Bad Request \(Content-Length exceeds body\)$'
udp cl_2e32 '400 Bad Request \(bad Content-Length\)$'
udp hdr_count '400 Bad Request \(too many headers\)$'
udp hdr_long '400 Bad Request \(header value too long\)$'
udp cseq_big '400 Bad Request \(CSeq method mismatch\)$'
udp nul_name '400 Bad Request \(control byte in header\)$'
udp ctl_name '400 Bad Request \(control byte in header\)$'
udp hi_name '400 Bad Request \(header without colon\)$'
udp multipart '415 Unsupported Media Type$'
udp sdp_pt '400 Bad Request \(SDP: bad payload type\)$'
udp sdp_port '400 Bad Request \(SDP: bad media port\)$'
udp sdp_neg '400 Bad Request \(SDP: bad media port\)$'
udp sdp_many '400 Bad Request \(SDP: too many m= lines\)$'
udp sdp_huge '400 Bad Request \(SDP: SDP too long\)$'
udp sdp_t38 '400 Bad Request \(SDP: bad T.38 attribute\)$'

# 60 Vias of 160 bytes: no response could hold them; refused silently
# (counted under size) before any call is set up
msg vias c19 "$(for i in $(seq 60); do printf 'Via: SIP/2.0/UDP h%03d.example.com;branch=z9hG4bK%0100d\\r\\n' $i $i; done)Content-Length: 0\r\n"
"$S" -w 300 127.0.0.1 5060 "$T/vias" >"$T/vias.out" 2>&1
expect_no_line "$T/vias.out" "^reply: "
expect_line "$T/gw.log" "rejected message from 127.0.0.1:[0-9]+: [0-9]+ bytes of Via, .* no answer could be sent"

# TCP: each framing error is answered, then the connection closed
TP=TCP
msg tcp_neg t1 'Content-Length: -5\r\n'
msg tcp_big t2 'Content-Length: 9999999\r\n'
msg tcp_nocl t3 ''
for f in tcp_neg:'400 Bad Request \(bad Content-Length\)' \
	tcp_big:'513 Message Too Large' \
	tcp_nocl:'400 Bad Request \(no Content-Length'; do
	"$S" -t tcp -w 3000 127.0.0.1 5060 "$T/${f%%:*}" >"$T/${f%%:*}.out" 2>&1
	grep -Eq "^reply: SIP/2.0 ${f#*:}" "$T/${f%%:*}.out" ||
		fail "${f%%:*}: $(cat "$T/${f%%:*}.out")"
	expect_line "$T/${f%%:*}.out" '^closed$'
done

# an INVITE over TCP whose connection is reset before its answer: the 200
# goes over a new connection to the Via port (RFC 3261 18.2.2), where no
# one listens (t_tcp_resend has a client that does), so no ACK comes and
# the call ends by the RFC 3261 13.3.1.4 timer (64*T1) instead of holding
# its B-channel (checked below)
sdp tcp_early t5 'm=audio 40002 RTP/AVP 0\r\n'
"$S" -t tcp -r -w 30 127.0.0.1 5060 "$T/tcp_early" >"$T/tcp_early.out" 2>&1
wait_for "$T/gw.log" "call [0-9]+ .*Call-ID t5@atk" 5
early=$(sed -n 's/.*call \([0-9]*\) .*(Call-ID t5@atk).*/\1/p' "$T/gw.log" | head -n 1)

# an INVITE over TCP answered and ACKed, then its connection reset
sdp tcp_call t4 'm=audio 40000 RTP/AVP 0\r\n'
"$S" -t tcp -a -r -w 1000 127.0.0.1 5060 "$T/tcp_call" >"$T/tcp_call.out" 2>&1
expect_line "$T/tcp_call.out" '^reply: SIP/2.0 200 '
expect_line "$T/tcp_call.out" '^sent: ACK$'
# the call outlives its connection: pstnsim hangs up 2.5 s after its
# answer, then the BYE finds no one (connect refused) and the call ends
wait_for "$T/sim.log" "event=released" 10
mid=$(sed -n 's/.*call \([0-9]*\) .*(Call-ID t4@atk).*/\1/p' "$T/gw.log" | head -n 1)
wait_for "$T/gw.log" "call $mid \{[A-Z]+\}: ended: .*talked [0-9]+ ms" 10
# its connection (the last one reset) went before the call did
reset=$(grep -nE "/TCP: closed: read: Connection reset" "$T/gw.log" | tail -n 1)
ended=$(grep -nE "call $mid \{[A-Z]+\}: ended: " "$T/gw.log" | head -n 1)
[ -n "$reset" ] || fail "the reset was not seen"
[ "${reset%%:*}" -lt "${ended%%:*}" ] || fail "the call ended before the reset"
expect_line "$T/gw.log" "conn [0-9]+ 127.0.0.1:5999/TCP: closed: connect: Connection refused"

wait_for "$T/gw.log" "call $early \{[A-Z]+\}: ended: " 10

# calls keep flowing: a normal call SIP -> PSTN
start phone "$B/sipua" --listen 127.0.0.1:5070 --from 3035550199 \
	--call sip:2125551234@127.0.0.1:5060 --tone 440 --hangup-after 800 \
	--exit-after 1 --timeout 20
wait_exit phone 20
[ "$RC_phone" -eq 0 ] || fail "the call after the attacks failed ($RC_phone)"
expect_line "$T/phone.log" "event=answered call=1 codec=PCMU"
[ "$(grep -c 'event=released' "$T/sim.log")" -ge 3 ] ||
	fail "pstnsim did not release all three calls"
kill -0 "$PID_gw" || fail "pstngw died"

# scrape: counted by reason; nothing left over (bounded wait for timers)
scrape() {
	timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
		printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' >"$T/metrics.txt"
}
val() { sed -n "s/^$1 \([0-9]*\)\$/\1/p" "$T/metrics.txt"; }
for _ in $(seq 150); do
	scrape
	[ "$(val 'pstngw_calls_active')/$(val 'pstngw_sip_dialogs')/$(val 'pstngw_sip_transactions')" = 0/0/0 ] &&
		break
	sleep 0.1
done
[ "$(val 'pstngw_calls_active')" = 0 ] || fail "calls left: $(grep calls_active "$T/metrics.txt")"
[ "$(val 'pstngw_sip_dialogs')" = 0 ] || fail "dialogs left"
[ "$(val 'pstngw_sip_transactions')" = 0 ] || fail "transactions left"
# every TCP connection accepted or opened was closed again
opened=$(grep -cE "conn [0-9]+ [^ ]+/TCP: (accepted|connecting)" "$T/gw.log")
closed=$(grep -cE "conn [0-9]+ [^ ]+/TCP: closed: " "$T/gw.log")
[ "$opened" -ge 5 ] && [ "$opened" = "$closed" ] ||
	fail "TCP connections: $opened opened, $closed closed"
r() { val "pstngw_sip_rejected_total{reason=\"$1\"}"; }
[ "$(r content-length)" -ge 4 ] || fail "content-length: $(r content-length)"
[ "$(r size)" -ge 3 ] || fail "size: $(r size)"
[ "$(r duplicate-header)" -ge 1 ] || fail "duplicate-header: $(r duplicate-header)"
[ "$(r header-count)" -ge 1 ] || fail "header-count: $(r header-count)"
[ "$(r header-length)" -ge 1 ] || fail "header-length: $(r header-length)"
[ "$(r header-syntax)" -ge 3 ] || fail "header-syntax: $(r header-syntax)"
[ "$(r cseq-method)" -ge 1 ] || fail "cseq-method: $(r cseq-method)"
[ "$(r refused)" -ge 1 ] || fail "refused: $(r refused)"
"$B/pstngw-ctl" -s "$T/ctl.sock" show calls >"$T/calls.out" 2>&1
expect_no_line "$T/calls.out" "^call [0-9]+:"
kill -TERM "$PID_gw"; wait_exit gw 10
[ "$RC_gw" -eq 0 ] || fail "pstngw exited $RC_gw"
pass
