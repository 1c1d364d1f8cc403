# Issue 8: a flood of invalid SRTP never ends a call. baresip calls the
# span over SRTP (RTP/SAVP, trunk srtp = required); once the PSTN answers
# (1000 Hz; it hangs up after 8 s: the floods take 2 s, longer on a busy
# machine) 3000 forged SRTP packets, spoofed from the phone's own RTP
# address (raw socket: the latch is no defence then), and 1000 from another
# port with a new SSRC hit the gateway's RTP port (paced, about 2,000 a
# second: the media worker reads at most 32 datagrams per call and tick,
# the kernel drops beyond). The call lasts its 8 s, the PSTN hears the
# phone's 440 Hz, the forged packets are dropped and counted (auth
# failures, foreign), the peer never moves.
. tests/integration/lib.sh
. tests/integration/interop.sh
. tests/integration/srtp_lib.sh

bs_srtp_conf "$T/bs" 5090 srtp-mand
PHONE_PORT=5090 gw_conf "$T/gw.conf"
sed -i -e 's/^address = 127.0.0.1:5090$/&\nsrtp = required/' "$T/gw.conf"
start phone baresip -f "$T/bs" -t 30
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --play tone:1000 \
	--answer-delay 100 --hangup-after 8000 --exit-after 1 --timeout 30
start_gw
wait_for "$T/phone.log" "baresip is ready|ready\\." 10
udp_send 5555 "/dial sip:2125551234@127.0.0.1:5060\n"
wait_for "$T/sim.log" "event=connect" 15
# the gateway logs its media line after the CONNECT pstnsim reported
wait_for "$T/gw.log" "media PCMU/0 ptime 20: .*srtp " 10
line=$(grep -E "media PCMU/0 ptime 20: .*srtp " "$T/gw.log" | head -n 1)
[ -n "$line" ] || fail "no SRTP media session in gw.log"
gwport=$(printf '%s\n' "$line" | sed -n 's/.* local \([0-9]*\), remote.*/\1/p')
phport=$(printf '%s\n' "$line" | sed -n 's/.* remote 127.0.0.1:\([0-9]*\) .*/\1/p')
[ -n "$gwport" ] && [ -n "$phport" ] || fail "ports not found in: $line"

# IPPROTO_RAW sockets write the IP header themselves (the kernel fills
# in its checksum); a zero UDP checksum means none (IPv4).
perl -MSocket -e '
	my ($sport, $dport, $n, $ssrc) = @ARGV;
	socket(my $s, AF_INET, SOCK_RAW, 255) or die "raw socket: $!";
	my $lo = inet_aton("127.0.0.1");
	for my $i (1 .. $n) {
		my $rtp = pack("CCnNN", 0x80, 0, int(rand(65536)),
			       int(rand(4294967295)), $ssrc) .
			  pack("C*", map { int(rand(256)) } 1 .. 170);
		my $udp = pack("nnnn", $sport, $dport, 8 + length($rtp), 0) . $rtp;
		my $ip = pack("CCnnnCCna4a4", 0x45, 0, 20 + length($udp), 0, 0,
			      64, 17, 0, $lo, $lo) . $udp;
		send($s, $ip, 0, pack_sockaddr_in($dport, $lo)) or die "send: $!";
		select(undef, undef, undef, 0.01) unless $i % 20;
	}' "$phport" "$gwport" 3000 $((0x5eed0001)) || fail "flood failed"
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]",
				      LocalPort => 40000, Proto => "udp") or die;
	for (1 .. 1000) {
		$s->send(pack("CCnNN", 0x80, 0, $_, $_ * 160, 0xbad0bad0) .
			 "x" x 170);
		select(undef, undef, undef, 0.01) unless $_ % 20;
	}' "$gwport" || fail "second flood failed"

wait_exit sim 20
grep -q "event=released.*cause=16" "$T/sim.log" || fail "the call did not end normally"
expect_line "$T/gw.log" "talked [7-9][0-9]{3} ms"
expect_freq "$T/sim.log" "event=heard call=1 " 440
wait_for "$T/gw.log" "srtp: dropped auth" 10
drops=$(sed -n 's/.*srtp: dropped auth \([0-9]*\) .*/\1/p' "$T/gw.log" | head -n 1)
# paced below what the worker reads; the kernel may still drop a few when
# the socket buffer is full between two media ticks
[ "${drops:-0}" -ge 2500 ] || fail "only ${drops:-0} SRTP authentication drops counted"
foreign=$(sed -n 's/.*media: .* foreign \([0-9]*\), jitter.*/\1/p' "$T/gw.log" | head -n 1)
[ "${foreign:-0}" -ge 800 ] || fail "only ${foreign:-0} foreign drops counted"
expect_no_line "$T/gw.log" "RTP peer .* -> "
pass
