# Event package x-pstngw-trunks served to SIPp: the first NOTIFY shows
# the span up with 23 free channels, unsubscribing ends with a terminated
# NOTIFY; a second subscriber sees a NOTIFY when a call takes a channel
# and the terminated one at shutdown.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw
( cd "$T" && exec sipp -sf "$S/subscribe_trunks.xml" 127.0.0.1:5060 \
	-i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 15s -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
	>"$T/sub.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp (subscribe) exited $rc"
# a raw subscriber on 5075 logs what it gets (no answers: the gateway
# retransmits, which is fine for counting)
start mon perl -MIO::Socket::INET -e '
	$| = 1;
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1:5075",
				      Proto => "udp") or die "socket: $!";
	while (1) { my $d; $s->recv($d, 65535); $d =~ s/\r//g; print "$d\n--\n"; }'
sleep 0.3
udp_send 5060 "SUBSCRIBE sip:trunks@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5075;branch=z9hG4bKmon1\r\nFrom: <sip:mon@127.0.0.1:5075>;tag=mon\r\nTo: <sip:trunks@127.0.0.1>\r\nCall-ID: mon-1@127.0.0.1\r\nCSeq: 1 SUBSCRIBE\r\nContact: <sip:mon@127.0.0.1:5075>\r\nEvent: x-pstngw-trunks\r\nExpires: 600\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
wait_for "$T/mon.log" "free=23" 5
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 \
	-p 5071 -m 1 -d 1500 -nostdin -timeout 20s >"$T/uac.log" 2>&1 ) &
uac=$!
wait_for "$T/mon.log" "free=22" 5
wait "$uac" || fail "sipp uac exited $?"
kill -TERM "$PID_gw"
wait_exit gw 15
expect_line "$T/mon.log" "terminated;reason=noresource"
expect_line "$T/gw.log" "subscriptions 1"
pass
