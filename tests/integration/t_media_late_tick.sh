# Issue 5: RTP timestamps follow the samples through late ticks. The PSTN
# calls the phone (G.711); mid-call the whole gateway is stopped for 60 ms,
# five times, while pstnsim's clock goes on, so its blocks then arrive in a
# burst. Every packet the gateway sends the phone is 160 timestamp units
# after the one before it, with the marker bit on the first only (the old
# rule, by the wall clock, jumped 80 ms and marked a talkspurt each time).
# A host stall of its own beyond 160 ms would be a real gap: 60 ms leaves
# 100 ms for it.
. tests/integration/lib.sh
command -v tshark >/dev/null || fail "tshark is not installed"
gw_conf "$T/gw.conf"
start cap tshark -i lo -f udp -w "$T/rtp.pcap"
wait_for "$T/cap.log" "Capture started" 20
start ring "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --exit-after 1 \
	--timeout 30
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --hangup-after 4000 --play tone:1000 \
	--exit-after 1 --timeout 30
start_gw
wait_for "$T/ring.log" "event=answer" 15
sleep 0.5
for i in 1 2 3 4 5; do
	kill -STOP "$PID_gw"
	sleep 0.06
	kill -CONT "$PID_gw"
	sleep 0.4
done
wait_exit ring 25
[ "$RC_ring" = 0 ] || fail "sipua exited $RC_ring"
wait_exit sim 15
sleep 0.5
kill -INT "$PID_cap" && wait_exit cap 10
tshark -r "$T/rtp.pcap" -o rtp.heuristic_rtp:TRUE \
	-Y 'rtp.p_type == 0 && udp.srcport >= 30000 && udp.srcport <= 30999' \
	-T fields -e rtp.seq -e rtp.timestamp -e rtp.marker -e frame.time_relative \
	>"$T/rtp.txt" 2>/dev/null || fail "tshark could not read the capture"
n=$(wc -l <"$T/rtp.txt")
[ "$n" -ge 100 ] || fail "only $n RTP packets from the gateway"
# the stops showed on the wire: packets after a silence of 50 ms or more
awk 'NR > 1 && $4 - t >= 0.05 { g++ } { t = $4 } END { print g + 0 }' \
	"$T/rtp.txt" >"$T/gaps.txt"
[ "$(cat "$T/gaps.txt")" -ge 3 ] ||
	fail "the stops made only $(cat "$T/gaps.txt") gaps on the wire"
# in order (loopback keeps it): +1 sequence, +160 timestamp, one marker
awk '
	NR > 1 && ($1 != (s + 1) % 65536 || $2 != (ts + 160) % 4294967296) {
		print "seq " s " -> " $1 ", ts " ts " -> " $2; bad++ }
	$3 == 1 || $3 == "True" { m++ }
	{ s = $1; ts = $2 }
	END { if (m != 1) print m + 0 " markers"; exit bad || m != 1 }' \
	"$T/rtp.txt" >"$T/bad.txt" || fail "timestamps not contiguous: $(head -5 "$T/bad.txt")"
pass
