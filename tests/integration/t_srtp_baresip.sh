# Issue 8: SRTP with SDES keys, with a real phone. baresip (srtp module,
# mediaenc=srtp-mand: RTP/SAVP) and a trunk with srtp = required over UDP
# (the configuration check warns that the keys then travel in the clear).
# 1. gateway -> baresip: our INVITE offers RTP/SAVP with our crypto lines;
#    the phone answers, the PSTN hears its 440 Hz sine through SRTP.
# 2. baresip -> gateway: its RTP/SAVP offer is answered with our key; the
#    PSTN hears the sine again. The phone puts the call on hold and resumes
#    it (re-INVITEs with the same keys): both answered, the keys kept.
# tshark on lo: every RTP datagram of both calls has an SRTP tag, and the
# gateway's payloads (the PSTN's 1000 Hz) are not audio in the clear.
. tests/integration/lib.sh
. tests/integration/interop.sh
. tests/integration/srtp_lib.sh
command -v tshark >/dev/null || fail "tshark is not installed"
[ -e /usr/lib/baresip/modules/srtp.so ] || fail "baresip's srtp module is missing"

bs_srtp_conf "$T/bs" 5090 srtp-mand
PHONE_PORT=5090 gw_conf "$T/gw.conf"
sed -i -e 's/^address = 127.0.0.1:5090$/&\nsrtp = required/' "$T/gw.conf"
"$B/pstngw" --check-config "$T/gw.conf" >"$T/check.log" 2>&1 ||
	fail "config refused: $(cat "$T/check.log")"
expect_line "$T/check.log" "\[trunk phone\] srtp: warning: SRTP keys travel in the SDP in the clear over udp"

start cap tshark -i lo -f "udp portrange 30000-30999" -w "$T/rtp.pcap"
wait_for "$T/cap.log" "Capture started" 20
start phone baresip -f "$T/bs" -t 40
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --answer-delay 300 \
	--hangup-after 3000 --exit-after 2 --timeout 40
start_gw
wait_for "$T/phone.log" "baresip is ready|ready\\." 10
# 1. gateway -> baresip
wait_for "$T/sim.log" "event=released" 20
expect_line "$T/phone.log" "answering call .* from sip:2125550100@127.0.0.1"
# 2. baresip -> gateway
udp_send 5555 "/dial sip:2125551234@127.0.0.1:5060\n"
wait_for "$T/sim.log" "event=connect .*call=2" 15
udp_send 5555 "/hold\n"
wait_for "$T/gw.log" "call 2 .*re-offer answered, remote (sendonly|inactive)" 10
udp_send 5555 "/resume\n"
wait_for "$T/gw.log" "call 2 .*re-offer answered, remote sendrecv" 10
wait_exit sim 30
kill "$PID_cap"
wait_exit cap 10

[ "$(grep -c 'event=connect' "$T/sim.log")" -ge 2 ] || fail "second call not connected"
[ "$(grep -Ec 'media PCMU/0 ptime 20: .*srtp AES_CM_128_HMAC_SHA1_(32|80)\)' "$T/gw.log")" -eq 2 ] ||
	fail "not two SRTP media sessions in gw.log"
expect_freq "$T/sim.log" "event=heard call=1 " 440
expect_freq "$T/sim.log" "event=heard call=2 " 440
expect_no_line "$T/gw.log" "SRTP keys renewed|SRTP off mid-call"
counts=$(srtp_check_pcap "$T/rtp.pcap" "$T/gw.log" 2>&1) || fail "capture: $counts"
set -- $counts
srtp_drops_within "$T/gw.log" "${3:-0}"
[ "${1:-0}" -ge 200 ] && [ "${2:-0}" -ge 100 ] ||
	fail "too few RTP datagrams captured: $counts"
pass
