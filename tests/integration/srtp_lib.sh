# Helpers for the SRTP tests (issue 8): a baresip with the srtp module and
# a check of a capture that no RTP in it went in the clear.

# bs_srtp_conf DIR PORT MEDIAENC: bs_conf's phone with the srtp module
# loaded before the accounts (or mediaenc is unknown to them), account
# mediaenc=MEDIAENC (srtp, srtp-mand).
bs_srtp_conf() {
	bs_conf "$1" "$2" "<sip:5551000@127.0.0.1>;regint=0;answermode=auto;mediaenc=$3"
	sed -i 's/^module\t\t\taccount.so$/module\t\t\tsrtp.so\n&/' "$1/config"
	grep -q '^module.*srtp.so' "$1/config" || fail "no srtp module line"
}

# srtp_check_pcap PCAP GWLOG: every RTP-sized UDP datagram to or from the
# gateway's RTP ports (the "local N" of GWLOG's media lines; baresip picks
# its own ports at random, also inside the gateway's range) carries an
# SRTP tag (12-octet header, 160 octets of PCMU, 4, 10 or, AEAD, 16
# octets of tag)
# and the gateway's own payloads (the PSTN's 1000 Hz: plain u-law repeats
# every 8 octets) do not look like audio; our RTCP (RTP port + 1) needs the
# SRTCP index and tag (at least 8 + 4 + 10 octets). Prints "N M C": RTP
# datagrams checked, from the gateway, and the peer's RTCP datagrams sent
# in the clear (their RTCP lengths add up to the datagram: no SRTCP
# trailer; baresip sends some while its SRTP starts, and when it ends).
srtp_check_pcap() {
	local ports
	ports=$(grep -o 'media [^ ]* ptime [0-9]*: local [0-9]*' "$2" |
		awk '{ print $NF }' | sort -u | tr '\n' ' ')
	[ -n "$ports" ] || { echo "no gateway RTP port in $2"; return 1; }
	tshark -r "$1" -T fields -e udp.srcport -e udp.dstport -e udp.payload \
		"udp and (udp.srcport >= 30000 and udp.srcport <= 30999 or udp.dstport >= 30000 and udp.dstport <= 30999)" \
		2>/dev/null | GW_PORTS="$ports" perl -ne '
		BEGIN { %gw = map { ($_ => 1, $_ + 1 => 1) } split " ", $ENV{GW_PORTS}; }
		my ($sp, $dp, $hex) = split /\t/; chomp $hex;
		my $len = length($hex) / 2;
		my $gp = $gw{$sp} ? $sp : $gw{$dp} ? $dp : next;
		if ($gp % 2) {	# RTCP: ours (baresip sends one short report
				# in the clear when its call ends)
			die "RTCP of $len octets $sp -> $dp: no SRTCP trailer\n"
				if $len < 22 && $gw{$sp};
			next if $gw{$sp};
			my $off = 0;
			$off += (hex(substr($hex, $off * 2 + 4, 4)) + 1) * 4
				while $off + 4 <= $len;
			$clear++ if $off == $len;
			next;
		}
		$n++;
		die "plain-sized RTP datagram ($len octets) $sp -> $dp\n"
			unless $len == 176 || $len == 182 || $len == 188;
		next unless $gw{$sp};
		$g++;
		my @b = map { hex } unpack("(A2)*", substr($hex, 24, 320));
		my $same = grep { $b[$_] == $b[$_ + 8] } 0 .. $#b - 8;
		die "payload from the gateway looks clear ($same of 152 repeat)\n"
			if $same > 40;
		END { printf("%d %d %d\n", $n // 0, $g // 0, $clear // 0)
			if !$?; }'
}

# srtp_drops_within GWLOG CLEAR: the gateway's SRTP drops (auth failures
# and malformed) of every call are no more than CLEAR, the peer's RTCP
# datagrams the capture shows in the clear: a peer that sends a report
# before its SRTP runs is not our fault, any other drop is.
srtp_drops_within() {
	local d
	d=$(sed -n 's/.*srtp: dropped auth \([0-9]*\) replay [0-9]* bad \([0-9]*\);.*/\1 \2/p' "$1" |
		awk '{ n += $1 + $2 } END { print n + 0 }')
	[ "$d" -le "$2" ] ||
		fail "$d SRTP drops, but only $2 RTCP datagrams from the peer in the clear"
}
