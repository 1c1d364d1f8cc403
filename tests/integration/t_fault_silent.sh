# A far end that goes silent after the call offer.
# SIP: the trunk swallows the INVITE (a socket that never answers): the
# gateway retransmits it by RFC 3261's Timer A (7 copies with T1 =
# 100 ms) and gives up at Timer B (64*T1 = 6.4 s); the PSTN caller gets
# cause 102 (recovery on timer expiry) then, not later.
# PRI: the switch leaves the SETUP unanswered (T303 = 1 s, sent twice),
# or sends CALL PROCEEDING and nothing more (T310 = 2 s): the SIP caller
# gets 408 each time (Reason: cause 18, no user responding, as libpri
# clears on T303; cause 102 on T310). After T303 the gateway RESTARTs
# the channel, so the switch does not keep the offered call either.
# Nothing is left behind.
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
fault_conf "$T/gw.conf" "t303_ms = 1000
t310_ms = 2000"
# the silent SIP trunk: one line per datagram, the request line
start sink perl -MIO::Socket::INET -MTime::HiRes -e '
	$| = 1;
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1:5070",
				      Proto => "udp") or die "bind: $!";
	my $buf;
	print "ready\n";
	while ($s->recv($buf, 65535)) {
		my ($l) = split /\r\n/, $buf;
		printf "%.3f %s\n", Time::HiRes::time(), $l; }'
wait_for "$T/sink.log" "^ready" 10
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --exit-after 1 --timeout 20
start_gw
wait_exit sim 15
expect_line "$T/sim.log" "event=disconnect .*call=1 cause=102"
s=$(sed -n 's/^pstnsim t=\([0-9]*\) event=setup .*call=1 .*/\1/p' "$T/sim.log")
d=$(sed -n 's/^pstnsim t=\([0-9]*\) event=disconnect .*call=1 .*/\1/p' "$T/sim.log")
[ $((d - s)) -ge 6000 ] && [ $((d - s)) -le 7500 ] ||
	fail "cleared $((d - s)) ms after the SETUP, Timer B is 6400 ms"
[ "$(grep -c ' INVITE ' "$T/sink.log")" -eq 7 ] ||
	fail "$(grep -c ' INVITE ' "$T/sink.log") INVITEs sent, Timer A gives 7"
wait_for "$T/gw.log" "sip 408" 3
expect_idle 5

# silent_switch SIM WHAT UPS PHONE PORT CAUSE TIMER: a switch SIM silent
# after WHAT (the span's UPS-th span_up); a call from a sipua PHONE on
# PORT gets 408 with Q.850 CAUSE after TIMER's 2 s
silent_switch() {
	local f
	start "$1" "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --silent "$2" \
		--timeout 30
	wait_count "$T/gw.log" "span 1: span_up" "$3" 10
	start "$4" "$B/sipua" --listen "127.0.0.1:$5" \
		--call sip:2125551234@127.0.0.1:5060 --exit-after 1 --timeout 10
	wait_exit "$4" 8
	expect_line "$T/$4.log" "event=failed call=1 code=408 cause=$6"
	f=$(sed -n 's/^sipua t=\([0-9]*\) event=failed.*/\1/p' "$T/$4.log")
	[ "$f" -ge 1800 ] && [ "$f" -le 3500 ] ||
		fail "408 after $f ms, $7 is 2000"
}

# PRI: SETUP never answered
silent_switch sim2 setup 2 c1 5072 18 "T303 twice"
expect_no_line "$T/c1.log" "event=progress"
[ "$(grep -c 'tx Q.931 type 0x05 ' "$T/gw.log")" -eq 2 ] ||
	fail "T303: the SETUP was not sent exactly twice"
[ "$(grep -c 'event=setup' "$T/sim2.log")" -eq 1 ] ||
	fail "the switch took the repeated SETUP for a new call"
# the switch's side of that channel is unknown: RESTART frees it there
wait_for "$T/gw.log" "chan 1: SETUP never answered: RESTART" 3
wait_for "$T/sim2.log" "event=released span=1 chan=1 call=1" 3
expect_idle 5
kill -TERM "$PID_sim2"; wait_exit sim2 5

# PRI: CALL PROCEEDING, then silence
silent_switch sim3 proceeding 3 c2 5073 102 T310
wait_for "$T/sim3.log" "event=released .*call=1 cause=102" 5
expect_idle 5
pass
