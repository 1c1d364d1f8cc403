# Issue 7 (Control): the control socket and build/pstngw-ctl against the
# real daemon. A PSTN call to a SIP phone shows in `show calls`; `hangup`
# ends it on both sides; spans, channels and trunks reflect reality; bad
# commands, an overlong line and binary garbage get errors while the
# daemon keeps running; a stalled and a flooding client do not hold up
# calls or other clients.
. tests/integration/lib.sh
S=$T/ctl.sock
ctl() { "$B/pstngw-ctl" -s "$S" -t 5 "$@"; }
# raw_ctl PAYLOAD: bytes (printf %b) on one connection, the reply printed
raw_ctl() {
	printf '%b' "$1" | perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		local $/; my $d = <STDIN>; print $s $d; $s->shutdown(1);
		alarm 5; while (my $l = <$s>) { print $l }' "$S"
}

gw_conf "$T/gw.conf"
start phone "$B/sipua" --listen 127.0.0.1:5070 --answer-delay 200 \
	--exit-after 1 --timeout 60
# the switch places its call only when told (its own command socket)
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --ctl "$T/sim.sock" \
	--play tone:1000 --timeout 60
for i in $(seq 50); do [ -S "$T/sim.sock" ] && break; sleep 0.1; done
[ -S "$T/sim.sock" ] || fail "no pstnsim command socket"
start_gw
wait_for "$T/gw.log" "control socket $S" 5

# the daemon and the tool agree on exit codes
out=$(ctl version) || fail "version: exit $?"
[ "$out" = "pstngw 0.1.0" ] || case "$out" in pstngw\ *) ;; *) fail "version: $out" ;; esac
"$B/pstngw-ctl" -s "$T/nowhere.sock" version 2>"$T/unreach.err"
[ $? -eq 2 ] || fail "unreachable daemon: exit not 2"
grep -q "$T/nowhere.sock" "$T/unreach.err" || fail "unreachable: message does not name the socket"
ctl frobnicate 2>"$T/bad.err"
[ $? -eq 1 ] || fail "unknown command: exit not 1"
grep -q "error: unknown command" "$T/bad.err" || fail "unknown command: $(cat "$T/bad.err")"
ctl show nonsense 2>/dev/null && fail "show nonsense accepted"
ctl hangup 99 2>"$T/nocall.err" && fail "hangup of no call accepted"
grep -q "no such call" "$T/nocall.err" || fail "hangup 99: $(cat "$T/nocall.err")"
ctl help | grep -q "^hangup CALL" || fail "help lacks hangup"

# span and trunk state
ctl show spans >"$T/spans.out" || fail "show spans"
grep -Eq "^span 1: t1 ni2 cpe group pri state .* layer1 up alarms none layer2 up" \
	"$T/spans.out" || fail "show spans: $(cat "$T/spans.out")"
ctl show trunks >"$T/trunks.out" || fail "show trunks"
grep -q "^trunk phone: address 127.0.0.1:5070 transport udp keepalive off" \
	"$T/trunks.out" || fail "show trunks: $(cat "$T/trunks.out")"
ctl show registrations | grep -q "no registrations configured" ||
	fail "show registrations"
[ "$(ctl show channels 1 | grep -c ': idle$')" -eq 23 ] || fail "23 idle channels expected"
ctl show channels 7 2>/dev/null && fail "show channels of a missing span accepted"

# bad bytes: an overlong line, binary garbage; both answered, both survive
long=$(head -c 3000 /dev/zero | tr '\0' x)
raw_ctl "$long\nversion\n" >"$T/long.out"
grep -q "^error: command line too long" "$T/long.out" || fail "overlong: $(head -c 200 "$T/long.out")"
grep -q "^pstngw " "$T/long.out" || fail "no reply after an overlong line"
raw_ctl '\x00\x01\xff\xfe garbage\n\x7f\x1b[A\nversion\n' >"$T/bin.out"
[ "$(grep -c '^error: the command contains bytes that are not text' "$T/bin.out")" -eq 2 ] ||
	fail "binary: $(cat "$T/bin.out")"
grep -q "^ok" "$T/bin.out" || fail "no ok after garbage"

# a stalled client (half a line, never reads) and a flooding one (never
# reads its replies) stay connected while a call is made
start staller perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die; $|=1;
	print $s "show spa"; sleep 120' "$S"
start flooder perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die;
	for (1..200000) { print $s "show channels\n" or last } sleep 120' "$S"
wait_for "$T/gw.log" "dropped: too many unread replies" 20
start simctl perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die; $|=1;
	print $s "call 5551000 from=2125550100\n";
	alarm 60; while (my $l = <$s>) { print $l }' "$T/sim.sock"
wait_for "$T/sim.log" "event=connect" 15
wait_for "$T/phone.log" "event=incoming call=1 from=2125550100 to=5551000" 5

# garbage while the call is up: answered, the call unaffected
raw_ctl '\xde\xad\xbe\xef\n\x00\nhangup\nhangup 1 999\n' >"$T/bin2.out"
[ "$(grep -c '^error: ' "$T/bin2.out")" -eq 4 ] || fail "garbage in call: $(cat "$T/bin2.out")"
ctl show calls >"$T/calls.out" || fail "show calls"
grep -Eq "^call 1: pstn->sip 2125550100 -> 5551000 state active talking [0-9]+ s call-id [^ -][^ ]* span/chan 1/[0-9]+ codec (PCMU|PCMA)" \
	"$T/calls.out" || fail "show calls: $(cat "$T/calls.out")"
cid=$(sed -n 's/.* call-id \([^ ]*\) .*/\1/p' "$T/calls.out")
chan=$(sed -n 's/.* span\/chan 1\/\([0-9]*\) .*/\1/p' "$T/calls.out")
ctl show channels 1 | grep -q "^span 1 chan $chan: in-use$" || fail "chan $chan not in use"
ctl block 1 "$chan" 2>"$T/block.err" && fail "blocked a busy channel"
grep -q "carries a call" "$T/block.err" || fail "block busy: $(cat "$T/block.err")"
free=$((chan == 1 ? 2 : 1))
ctl block 1 $free || fail "block 1 $free"
ctl show channels 1 | grep -q "^span 1 chan $free: blocked$" || fail "chan $free not blocked"
ctl unblock 1 $free || fail "unblock 1 $free"
ctl show channels 1 | grep -q "^span 1 chan $free: idle$" || fail "chan $free not idle again"
ctl block 1 99 2>/dev/null && fail "block of a missing channel accepted"
ctl debug call info || fail "debug call info"
ctl debug nosuch debug 2>/dev/null && fail "debug of an unknown module accepted"
ctl debug all loud 2>/dev/null && fail "debug with an unknown level accepted"
ctl debug all debug || fail "debug all debug"

# hang up by SIP Call-ID: both sides see it, with the cause
ctl hangup "$cid" 17 || fail "hangup $cid"
wait_for "$T/sim.log" "event=released.* cause=17" 10
wait_for "$T/phone.log" "event=bye call=1 cause=17" 10
wait_for "$T/gw.log" "ended: 2125550100 -> 5551000, cause 17" 5
ctl show calls | grep -q "^no calls$" || fail "call still listed"

# layer 1 alarms as the span reports them: red from the switch, then clear
sim_cmd() {
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		print $s "$ARGV[1]\n"; alarm 5;
		while (my $l = <$s>) { last if $l =~ /^(ok|error)/ }' "$T/sim.sock" "$1"
}
sim_cmd "alarm red"
wait_for "$T/gw.log" "span 1: layer 1 alarms red" 5
ctl show spans | grep -q "^span 1: .* layer1 down alarms red " ||
	fail "red alarm not shown: $(ctl show spans)"
sim_cmd "alarm clear"
wait_for "$T/gw.log" "span 1: layer 1 alarms cleared" 5
ctl show spans | grep -q "^span 1: .* alarms none " ||
	fail "cleared alarm not shown: $(ctl show spans)"
ctl version >/dev/null || fail "daemon does not answer at the end"
kill -0 "$PID_gw" || fail "daemon gone"
pass
