# Helpers for the drain and health tests (t_drain*, t_options_health).
S=$PWD/tests/integration/sipp
CTL="$B/pstngw-ctl -s $T/ctl.sock"

# sim_cmd SOCKET LINE...: scenario lines to pstnsim's command socket; the
# replies land in $T/simcmd.out (appended); returns 0 when every line was
# answered "ok", 1 on an error reply or after 30 s.
sim_cmd() {
	local sock=$1
	shift
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => shift @ARGV) or die "connect: $!";
		my $n = scalar @ARGV; print $s "$_\n" for @ARGV;
		$SIG{ALRM} = sub { print "TIMEOUT\n"; exit 1 }; alarm 30;
		my $rc = 0;
		while (my $l = <$s>) {
			print $l;
			$rc = 1 if $l =~ /^error /;
			exit $rc if $l =~ /^(ok|error) $n\b/;
		}
		exit 1;' "$sock" "$@" >>"$T/simcmd.out" 2>&1
}

# options_probe NAME STATUS REGEX: one out-of-dialog OPTIONS from SIPp;
# the answer must have STATUS and match REGEX (no backslashes: sed eats
# them; write [(] for a parenthesis).
options_probe() {
	sed -e "s|@STATUS@|$2|g" -e "s|@RETRY@|$3|" -e "s|@WHY@|$3|" \
		"$S/options.xml.in" >"$T/$1.xml"
	( cd "$T" && exec sipp -sf "$T/$1.xml" 127.0.0.1:5060 -i 127.0.0.1 \
		-p 5072 -m 1 -nostdin -timeout 15s -trace_msg \
		-message_file "$T/$1_msgs.log" >"$T/$1.log" 2>&1 )
}

# scrape: the metrics page of metrics_listen 127.0.0.1:9464 on stdout.
scrape() {
	timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
		printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3'
}

# trunks_monitor NAME PORT: a subscriber to x-pstngw-trunks on
# 127.0.0.1:PORT (Expires 600) that answers each NOTIFY 200 and logs it
# once (retransmissions skipped) to $T/NAME.log as
# "notify cseq=N state=STATE <summary line>".
trunks_monitor() {
	start "$1" perl -MIO::Socket::INET -e '
		$| = 1; alarm 600;
		my $port = shift;
		my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1:$port",
					      Proto => "udp") or die "socket: $!";
		my $gw = IO::Socket::INET->new(PeerAddr => "127.0.0.1:5060",
					       Proto => "udp")->peername;
		$s->send("SUBSCRIBE sip:trunks\@127.0.0.1 SIP/2.0\r\n" .
			"Via: SIP/2.0/UDP 127.0.0.1:$port;branch=z9hG4bKmon$port\r\n" .
			"From: <sip:mon\@127.0.0.1:$port>;tag=mon$port\r\n" .
			"To: <sip:trunks\@127.0.0.1>\r\n" .
			"Call-ID: mon-$port\@127.0.0.1\r\nCSeq: 1 SUBSCRIBE\r\n" .
			"Contact: <sip:mon\@127.0.0.1:$port>\r\n" .
			"Event: x-pstngw-trunks\r\nExpires: 600\r\n" .
			"Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n", 0, $gw)
			or die "send: $!";
		my %seen;
		while (1) {
			my $d;
			my $from = $s->recv($d, 65535) or next;
			if ($d =~ m{^SIP/2\.0 (\d+)}) { print "response $1\n"; next; }
			next unless $d =~ /^NOTIFY /;
			my ($head) = split /\r\n\r\n/, $d, 2;
			my $ok = "SIP/2.0 200 OK\r\n";
			$ok .= "$_\r\n" for grep { /^(Via|From|To|Call-ID|CSeq):/i }
				split /\r\n/, $head;
			$s->send("${ok}Content-Length: 0\r\n\r\n", 0, $from);
			my ($cseq) = $d =~ /^CSeq:\s*(\d+)/mi;
			next if $seen{$cseq}++;
			my ($st) = $d =~ /^Subscription-State:\s*([^;\r]+)/mi;
			my ($sum) = $d =~ /^(spans=[^\r]*)/m;
			print "notify cseq=$cseq state=$st ", $sum // "-", "\n";
		}' "$2"
}

# drain_seq FILE: the drain= values of a monitor log in order, repeats
# folded ("off draining drained off").
drain_seq() {
	grep -o 'drain=[a-z]*' "$1" | sed 's/drain=//' | uniq | tr '\n' ' ' |
		sed 's/ $//'
}
