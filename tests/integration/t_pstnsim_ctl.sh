# pstnsim's command socket (--ctl): scenario lines sent one by one to a
# running switch, replies "ok N VERB" / "error N: why" per line, event
# lines copied to the client, a bad line answered and survived, a failed
# expect reported without stopping pstnsim, and "exit" ending the run.
. tests/integration/lib.sh

# ctl_session SOCKET: sends stdin's lines to SOCKET, prints everything
# that comes back until the server closes (bounded to 20 s).
ctl_session() {
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		local $/; my $in = <STDIN>; print $s $in;
		$SIG{ALRM} = sub { print "TIMEOUT\n"; exit 1 }; alarm 20;
		while (my $l = <$s>) { print $l; }' "$1"
}

start sw "$B/pstnsim" --span "1:$T/s.sock:t1:ni2" --ctl "$T/ctl.sock" \
	--timeout 40
for i in $(seq 50); do [ -S "$T/ctl.sock" ] && break; sleep 0.1; done
[ -S "$T/ctl.sock" ] || fail "no command socket"
start ph "$B/pstnsim" --span "1:$T/s.sock:t1:ni2:cpe:client" \
	--play tone:700 --timeout 40

# a connection sees the events from its start on: connect once the span is up
wait_for "$T/sw.log" "event=span_up span=1" 10
printf '%s\n' "wait 10ms" "call 5551000 from=2125550100" \
	"expect event=connect within=5s" "detect tone 700" \
	"expect event=tone freq=700 within=5s" "fly away" \
	"expect event=dtmf within=300ms" "# a comment" "hangup cause=16" \
	"expect event=released cause=16" "expect event=connect within=300ms" \
	"exit" |
	ctl_session "$T/ctl.sock" >"$T/ctl.out" 2>&1
wait_exit sw 20
[ "$RC_sw" = 0 ] || fail "switch exited $RC_sw"
c=$T/ctl.out
expect_line "$c" "^ok 1 wait$"
expect_line "$c" "^ok 2 call$"
expect_line "$c" "^ok 3 expect$"
expect_line "$c" "^ok 5 expect$"
expect_line "$c" "^error 6: unknown action 'fly'$"
expect_line "$c" "^error 7: expect event=dtmf: no such event within 300 ms$"
expect_line "$c" "^ok 9 hangup$"
expect_line "$c" "^ok 10 expect$"
# the call's connect came before the hangup action: not found after it
expect_line "$c" "^error 11: expect event=connect: no such event within 300 ms$"
expect_line "$c" "^pstnsim t=[0-9]+ event=tone call=1 freq=700$"
expect_line "$c" "^pstnsim t=[0-9]+ event=exit code=0$"
expect_no_line "$c" "TIMEOUT"
# the replies come in line order
[ "$(grep -E '^(ok|error) ' "$c" | cut -d' ' -f2 | tr -d : | tr '\n' ' ')" = \
	"1 2 3 4 5 6 7 9 10 11 " ] || fail "replies out of order: $(grep -E '^(ok|error)' "$c")"
[ ! -e "$T/ctl.sock" ] || fail "command socket left behind"
pass
