# Issue 5: DTMF through the gateway with SIPp on the SIP side (trunk
# dtmf_mode rfc4733, the default).
# 1. SIPp calls the span and plays a pcap made by rtpev_pcap: digits
#    1 5 9 # as RFC 4733 events (each with three end packets) between
#    PCMU silence. pstnsim detects each digit in-band exactly once.
# 2. pstnsim calls SIPp's UAS and presses 1 2 3 in-band; tshark, capturing
#    on lo inside the test's namespace, sees each as exactly one RFC 4733
#    event (one timestamp with an end packet per digit), no other event.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
command -v tshark >/dev/null || fail "tshark is not installed"
S=tests/integration/sipp
gw_conf "$T/gw.conf"

# As in t_media_dtmf: as root the peers (a switch's hard clock, SIPp's
# RTP pacing) run SCHED_FIFO, or a starved pstnsim plays silence
# mid-digit and hears it twice whatever the gateway does.
RT=""
[ "$(id -u)" = 0 ] && RT="chrt -f 5"

# count FILE REGEX: matching lines.
count() { grep -Ec -- "$2" "$1" || true; }

# 1. SIP (RFC 4733) -> PSTN (in-band)
"$B/tests/tools/rtpev_pcap" "$T/digits.pcap" "159#" ||
	fail "rtpev_pcap failed"
sed -e "s|@PCAP@|$T/digits.pcap|" -e "s|@PLAY_MS@|3000|" \
	"$S/uac_dtmf.xml.in" >"$T/uac_dtmf.xml"
cat >"$T/sw.scn" <<SCN
wait event=setup called=2125551234
answer
detect dtmf
expect event=connect within=5s
expect event=dtmf digit=1 within=10s
expect event=dtmf digit=5 within=5s
expect event=dtmf digit=9 within=5s
expect event=dtmf digit=# within=5s
expect event=released within=15s
exit 0
SCN
start sim $RT "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --script "$T/sw.scn" \
	--timeout 40
start_gw
( cd "$T" && exec $RT sipp -sf "$T/uac_dtmf.xml" 127.0.0.1:5060 -s 2125551234 \
	-i 127.0.0.1 -p 5071 -mp 46000 -m 1 -nostdin -timeout 30s \
	>"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp uac exited $rc"
wait_exit sim 20
[ "$RC_sim" = 0 ] || fail "pstnsim did not hear 1 5 9 # in order"
for d in 1 5 9 '#'; do
	[ "$(count "$T/sim.log" "event=dtmf .*digit=$d( |$)")" = 1 ] ||
		fail "digit $d not heard exactly once by the PSTN"
done
[ "$(count "$T/sim.log" "event=dtmf ")" = 4 ] ||
	fail "the PSTN heard other digits than 1 5 9 #"
expect_line "$T/gw.log" "dtmf 1 begin \\(rfc4733\\)"
# the span's blocks waited for the media worker's answers, in time
"$B/pstngw-ctl" -s "$T/ctl.sock" -t 5 show spans >"$T/spans.txt" ||
	fail "pstngw-ctl show spans failed"
w=$(sed -n 's/.*audio rx_blocks [0-9]* tx_blocks [0-9]* waits \([0-9]*\) late \([0-9]*\).*/\1 \2/p' "$T/spans.txt")
[ -n "$w" ] || fail "no audio line in: $(cat "$T/spans.txt")"
set -- $w
[ "$1" -gt 50 ] || fail "only $1 blocks waited for the worker"
[ "$2" -le $(($1 / 10)) ] || fail "$2 of $1 waiting blocks were late"

# 2. PSTN (in-band) -> SIP (RFC 4733)
start cap tshark -i lo -f "udp port 46100" -w "$T/uas.pcap"
wait_for "$T/cap.log" "Capture started" 20
start uas sipp -sf "$S/uas_dtmf.xml" -i 127.0.0.1 -p 5070 -mp 46100 -m 1 \
	-nostdin -timeout 40s
cat >"$T/ph.scn" <<SCN
wait event=span_up
call 5551000 from=2125550100
expect event=connect within=10s
wait 800ms
digits 123
wait 2000ms
hangup
expect event=released within=10s
exit 0
SCN
start sim2 $RT "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --script "$T/ph.scn" \
	--timeout 30
wait_exit sim2 30
[ "$RC_sim2" = 0 ] || fail "pstnsim's call to SIPp failed"
wait_exit uas 20
[ "$RC_uas" -eq 0 ] || fail "sipp uas exited $RC_uas"
sleep 0.5
kill -INT "$PID_cap"; wait_exit cap 10
tshark -r "$T/uas.pcap" -d udp.port==46100,rtp -Y rtpevent -T fields \
	-e rtpevent.event_id -e rtpevent.end_of_event -e rtp.timestamp \
	>"$T/events.txt" 2>/dev/null || fail "tshark could not read the capture"
[ -s "$T/events.txt" ] || fail "no RFC 4733 packet reached SIPp"
# one event per digit: distinct timestamps, each with an end packet
sort -u -k3,3 "$T/events.txt" | awk '{print $1}' >"$T/ids.txt"
[ "$(tr '\n' ' ' <"$T/ids.txt")" = "1 2 3 " ] ||
	fail "events at SIPp: $(tr '\n' ' ' <"$T/ids.txt"), expected 1 2 3"
for ts in $(awk '{print $3}' "$T/events.txt" | sort -u); do
	awk -v t="$ts" '$3 == t && $2 == 1 { e = 1 } END { exit !e }' \
		"$T/events.txt" || fail "event at timestamp $ts never ended"
done
pass
