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
