# Issue 5: strict RTP latching. During a PSTN -> SIP call, a stranger sends
# well-formed RTP (right payload type, plausible sequence numbers, loud
# payload) to the gateway's RTP port, from another port of the phone's
# address and from another address. Every such packet is dropped and
# counted; the call's audio is unaffected both ways, and our RTP keeps
# going to the phone.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --hangup-after 3500 --cause 16 \
	--exit-after 1 --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --answer-delay 300 \
	--exit-after 1 --timeout 30
start_gw
wait_for "$T/gw.log" "media PCMU/0 ptime 20: local [0-9]+" 15
port=$(sed -n 's/.*media PCMU\/0 ptime 20: local \([0-9]*\),.*/\1/p' \
	"$T/gw.log" | head -n 1)
[ -n "$port" ] || fail "no RTP port in gw.log"
# let the phone's first packets reach the gateway first
sleep 0.5
# 100 packets from each of two sources, 10 ms apart: bounded count and time
perl -MIO::Socket::INET -e '
	my ($port) = @ARGV;
	my @s = map { IO::Socket::INET->new(LocalAddr => $_,
		PeerAddr => "127.0.0.1:$port", Proto => "udp")
		or die "socket: $!" } ("127.0.0.1", "127.0.0.2");
	for my $i (0 .. 99) {
		for my $s (@s) {
			my $h = pack("CCnNN", 0x80, 0, 1000 + $i, 160 * $i,
				     0x0badcafe);
			$s->send($h . ("\x00" x 160)) or die "send: $!";
		}
		select(undef, undef, undef, 0.01);
	}' "$port" || fail "could not send the stray RTP"
wait_exit sim 30
wait_exit phone 15
expect_line "$T/sim.log" "event=released"
expect_freq "$T/sim.log" "event=heard" 440
expect_freq "$T/phone.log" "event=heard" 1000
wait_for "$T/gw.log" "ended: 2125550100 -> 5551000, cause 16" 5
expect_line "$T/gw.log" "dropping RTP from 127.0.0.1:[0-9]+: neither negotiated nor latched"
expect_line "$T/gw.log" "media: tx [0-9]+ pkts .* foreign 200, .*peer 127.0.0.1:"
expect_no_line "$T/gw.log" "RTP peer .* -> "
expect_no_line "$T/gw.log" "new remote ssrc"
kill -TERM "$PID_gw"
wait_exit gw 10
expect_line "$T/gw.log" "RTP foreign 200,"
pass
