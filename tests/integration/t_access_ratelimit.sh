# Issue 8 (access): per-source rate limits and temporary blocks. A burst
# of 30 datagrams from 127.0.0.9 blocks it (logged, counted, listed by
# pstngw-ctl show blocked); its datagrams then go unanswered and its TCP
# connections are closed at accept, while the
# trunk's address (127.0.0.1, exempt) keeps calling and its own burst is
# answered; the block ends by itself after block_s. Refused INVITEs from
# 127.0.0.10 block it after auth_failures; pstngw-ctl unblock ends that
# early. A wrong digest from a trunk with inbound_password logs an auth
# failure. The shipped fail2ban filter finds every source in the log.
. tests/integration/lib.sh
. tests/integration/access_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf" "[general]
metrics_listen = 127.0.0.1:9464
[security]
rate_limit = 5
rate_burst = 10
auth_failures = 3
block_s = 8
[trunk pbx]
address = 127.0.0.5:5060
inbound_user = pbx
inbound_password = pbxpw"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw
ctl() { "$B/pstngw-ctl" -s "$T/ctl.sock" -t 5 "$@"; }

# burst DATAGRAMS FROM_IP: that many OPTIONS at once; prints the answers
burst() {
	perl -MIO::Socket::INET -MIO::Select -e '
		my ($n, $ip) = @ARGV;
		my $s = IO::Socket::INET->new(LocalAddr => $ip, LocalPort => 5301,
			PeerAddr => "127.0.0.1:5060", Proto => "udp",
			ReuseAddr => 1) or die "socket: $!";
		for my $i (1 .. $n) {
			$s->send("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP $ip:5301;rport;branch=z9hG4bKb$i$$\r\nFrom: <sip:b\@$ip>;tag=b$i\r\nTo: <sip:127.0.0.1>\r\nCall-ID: b$i.$$\@$ip\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
		}
		my $sel = IO::Select->new($s); my $got = 0;
		while ($sel->can_read(1)) { my $r; $s->recv($r, 65535); $got++; }
		print "$got\n";' "$1" "$2"
}

got=$(burst 30 127.0.0.9)
[ "$got" -ge 10 ] && [ "$got" -lt 30 ] || fail "127.0.0.9 got $got answers to 30, expected 10..29"
expect_line "$T/gw.log" "SECURITY: blocked 127\.0\.0\.9 for 8 s: packet rate over rate_limit"
# its TCP connections are closed at accept: EOF before anything is sent
tcp=$(perl -MIO::Socket::INET -MIO::Select -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.9",
		PeerAddr => "127.0.0.1:5060", Proto => "tcp") or die "connect: $!";
	my $sel = IO::Select->new($s);
	if (!$sel->can_read(2)) { print "open\n"; exit 0; }
	my $n = sysread($s, my $b, 100); print $n ? "data\n" : "closed\n";')
[ "$tcp" = closed ] || fail "TCP from blocked 127.0.0.9: $tcp, expected closed"
[ "$(metric pstngw_sip_blocked_sources)" = 1 ] || fail "blocked_sources $(metric pstngw_sip_blocked_sources)"
[ "$(metric pstngw_sip_blocks_total)" = 1 ] || fail "blocks_total $(metric pstngw_sip_blocks_total)"
[ "$(metric 'pstngw_sip_refused_total{reason="rate"}')" = 1 ] || fail "no rate refusal counted"
[ "$(metric 'pstngw_sip_refused_total{reason="blocked"}')" -ge 1 ] || fail "no blocked drop counted"
ctl show blocked >"$T/blocked.txt" || fail "show blocked failed"
grep -q "^127\.0\.0\.9 [0-9]" "$T/blocked.txt" || fail "show blocked: $(cat "$T/blocked.txt")"
r=$(sip_ask 127.0.0.9 5099 1 "$(sip_req OPTIONS 127.0.0.9 5099)")
[ "$r" = none ] || fail "blocked 127.0.0.9 answered: '$r'"

# meanwhile the trunk's address is exempt: its burst is answered whole,
# and it calls
[ "$(burst 30 127.0.0.1)" -eq 30 ] || fail "trunk address burst not fully answered"
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 \
	-p 5071 -m 1 -d 300 -nostdin -timeout 20s >"$T/uac.log" 2>&1 )
[ $? -eq 0 ] || fail "the trunk's call failed while 127.0.0.9 was blocked"

# the block ends by itself after block_s (8 s): asked once a second
for i in $(seq 16); do
	r=$(sip_ask 127.0.0.9 5098 1 "$(sip_req OPTIONS 127.0.0.9 5098)")
	[ "$r" = "SIP/2.0 200 OK" ] && break
done
[ "$r" = "SIP/2.0 200 OK" ] || fail "127.0.0.9 still blocked long after block_s: '$r'"
[ "$(metric pstngw_sip_blocked_sources)" = 0 ] || fail "a source still counted blocked"

# refused INVITEs count as failures: the third blocks 127.0.0.10
for p in 5091 5092 5093; do
	r=$(sip_ask 127.0.0.10 $p 2 "$(sip_req INVITE 127.0.0.10 $p)")
	[ "$r" = "SIP/2.0 403 Forbidden" ] || fail "INVITE from 127.0.0.10: '$r'"
done
expect_line "$T/gw.log" "SECURITY: blocked 127\.0\.0\.10 for 8 s: too many refused requests"
r=$(sip_ask 127.0.0.10 5094 1 "$(sip_req OPTIONS 127.0.0.10 5094)")
[ "$r" = none ] || fail "blocked 127.0.0.10 answered: '$r'"
ctl unblock 127.0.0.10 | grep -q "unblocked 127.0.0.10" || fail "unblock failed"
ctl unblock 127.0.0.10 >/dev/null && fail "unblocking an unblocked source succeeded"
ctl unblock 300.1.1.1 >/dev/null && fail "unblock took a bad address"
r=$(sip_ask 127.0.0.10 5095 2 "$(sip_req OPTIONS 127.0.0.10 5095)")
[ "$r" = "SIP/2.0 200 OK" ] || fail "127.0.0.10 not answered after unblock: '$r'"

# a wrong digest from the pbx trunk: challenged again, logged
auth='Authorization: Digest username="pbx", realm="127.0.0.1", nonce="bogus", uri="sip:2125551234@127.0.0.1:5060", response="0123456789abcdef0123456789abcdef", algorithm=MD5\r\n'
r=$(sip_ask 127.0.0.5 5060 2 "$(sip_req INVITE 127.0.0.5 5060 "$auth")")
[ "$r" = "SIP/2.0 401 Unauthorized" ] || fail "wrong digest: '$r', expected 401"
expect_line "$T/gw.log" "SECURITY: auth failed from 127\.0\.0\.5: INVITE, wrong user or password"
[ "$(metric 'pstngw_sip_refused_total{reason="auth"}')" = 1 ] || fail "auth refusal not counted"

# the shipped fail2ban filter on this very log
if command -v fail2ban-regex >/dev/null; then
	f2b_check
	for ip in 127.0.0.9 127.0.0.10 127.0.0.5; do
		grep -Eq "^\|.*SECURITY: .*(from|blocked) $ip[: ]" "$T/f2b.log" ||
			fail "fail2ban found no $ip"
	done
else # the same expressions as the filter, by grep
	for ip in 127.0.0.9 127.0.0.10 127.0.0.5; do
		grep -Eq "SECURITY: (refused \S+ from|auth failed from|blocked) $ip[: ]" "$T/gw.log" ||
			fail "no SECURITY line for $ip"
	done
fi
pass
