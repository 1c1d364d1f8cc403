# Issue 8: the AEAD suites of RFC 7714 (AES-GCM) with a real phone whose
# SRTP is its own (baresip's libre, not libsrtp): a trunk offering and
# taking only AEAD_AES_256_GCM and AEAD_AES_128_GCM.
# gateway -> baresip: our RTP/SAVP offer has only GCM lines; baresip
# answers one; the PSTN hears its 440 Hz sine, baresip's SRTCP reports
# are read. (baresip's own offers carry AES-CM lines only: the other
# direction is t_srtp_baresip's.)
# tshark on lo: every RTP datagram carries a 16-octet tag, none is audio
# in the clear.
. tests/integration/lib.sh
. tests/integration/interop.sh
. tests/integration/srtp_lib.sh
command -v tshark >/dev/null || fail "tshark is not installed"
[ -e /usr/lib/baresip/modules/srtp.so ] || fail "baresip's srtp module is missing"

bs_srtp_conf "$T/bs" 5090 srtp-mand
PHONE_PORT=5090 gw_conf "$T/gw.conf"
sed -i -e 's/^address = 127.0.0.1:5090$/&\nsrtp = required\nsrtp_suites = AEAD_AES_256_GCM,AEAD_AES_128_GCM/' \
	"$T/gw.conf"

start cap tshark -i lo -f "udp portrange 30000-30999" -w "$T/rtp.pcap"
wait_for "$T/cap.log" "Capture started" 20
start phone baresip -f "$T/bs" -t 40
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --answer-delay 300 \
	--hangup-after 6000 --exit-after 1 --timeout 40
start_gw
wait_for "$T/phone.log" "baresip is ready|ready\\." 10
wait_exit sim 30
kill "$PID_cap"
wait_exit cap 10

expect_line "$T/gw.log" "call 1 .*: media PCMU/0 ptime 20: .*srtp AEAD_AES_256_GCM\)"
expect_line "$T/phone.log" "SRTP is Enabled \(cryptosuite=AEAD_AES_256_GCM\)"
expect_freq "$T/sim.log" "event=heard call=1 " 440
# baresip's SRTCP report read (its first, 16 octets in the clear, is
# dropped as bad: counted, not an authentication failure)
wait_for "$T/gw.log" "call 1: rtcp: tx [1-9][0-9]* rx [1-9]" 5
counts=$(srtp_check_pcap "$T/rtp.pcap" "$T/gw.log" 2>&1) || fail "capture: $counts"
set -- $counts
srtp_drops_within "$T/gw.log" "${3:-0}"
[ "${1:-0}" -ge 400 ] && [ "${2:-0}" -ge 200 ] ||
	fail "too few RTP datagrams captured: $counts"
pass
