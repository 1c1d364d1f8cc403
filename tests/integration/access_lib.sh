# Helpers of the access control tests (t_access_*.sh).

# sip_ask FROM_IP FROM_PORT WAIT_S MSG: MSG (printf %b escapes) as one
# datagram from FROM_IP:FROM_PORT to 127.0.0.1:5060; prints the status
# line of the first final response (1xx skipped), or "none" after WAIT_S.
sip_ask() {
	printf '%b' "$4" | perl -MIO::Socket::INET -MIO::Select -e '
		local $/; my $d = <STDIN>;
		my $s = IO::Socket::INET->new(LocalAddr => $ARGV[0],
			LocalPort => $ARGV[1], PeerAddr => "127.0.0.1:5060",
			Proto => "udp", ReuseAddr => 1) or die "socket: $!";
		$s->send($d) or die "send: $!";
		my $sel = IO::Select->new($s); my $end = time + $ARGV[2];
		while ((my $left = $end - time) > 0) {
			last unless $sel->can_read($left);
			my $r; $s->recv($r, 65535);
			my ($line) = $r =~ /^(SIP\/2\.0 [^\r\n]*)/;
			next unless defined $line;
			next if $line =~ /^SIP\/2\.0 1\d\d/;
			print "$line\n"; exit 0;
		}
		print "none\n";' "$1" "$2" "$3"
}

# sip_req METHOD FROM_IP FROM_PORT [EXTRA_HDRS] [VIA_HOST]: an
# out-of-dialog request to 2125551234 (a number routed to the span),
# with an SDP offer for INVITE; the Via names VIA_HOST (default FROM_IP).
sip_req() {
	local m=$1 ip=$2 port=$3 extra=${4:-} via=${5:-$2} body="" ct=""
	local id="acc$RANDOM$RANDOM"
	if [ "$m" = INVITE ]; then
		body="v=0\r\no=- 1 1 IN IP4 $ip\r\ns=-\r\nc=IN IP4 $ip\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
		ct="Content-Type: application/sdp\r\n"
	fi
	local len
	len=$(printf '%b' "$body" | wc -c)
	printf '%s' "$m sip:2125551234@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP $via:$port;rport;branch=z9hG4bK$id\r\nFrom: <sip:2125550100@$via>;tag=$id\r\nTo: <sip:2125551234@127.0.0.1>\r\nCall-ID: $id@$via\r\nCSeq: 1 $m\r\nMax-Forwards: 70\r\nContact: <sip:2125550100@$via:$port>\r\n$extra$ct""Content-Length: $len\r\n\r\n$body"
}

# metric NAME_WITH_LABELS: its value from /metrics on 127.0.0.1:9464.
metric() {
	timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
		printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' |
		tr -d '\r' | awk -v n="$1" '$1 == n { print $2 }'
}
