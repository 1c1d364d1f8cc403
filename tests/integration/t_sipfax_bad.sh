# Issue 6: sipfax under bad input. Bad options and files are usage errors
# (exit 2, a clear message); an unreachable or refusing peer is a failed
# call (exit 4); a receiver still short of --count at --timeout exits 3; malformed UDPTL sprayed at the receiver during a T.38 fax
# is counted and the fax still arrives whole; SIGTERM during a fax sends
# BYE and both sides report the fax failed with its T.30 code (exit 1).
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc.tif" 2 300 || fail "cannot make the test TIFF"
mkdir "$T/spool" "$T/spool2"
echo "not a tiff" >"$T/bad.tif"

# usage: ARGS... | expected stderr regex
usage_case() {
	local want=$1; shift
	"$B/sipfax" "$@" >"$T/u.out" 2>"$T/u.err"
	local rc=$?
	[ "$rc" = 2 ] || fail "sipfax $* exited $rc, expected 2"
	grep -Eq -- "$want" "$T/u.err" ||
		fail "sipfax $*: no /$want/ in: $(head -2 "$T/u.err")"
}
usage_case "a command is needed"
usage_case "unknown command 'fax'" fax
usage_case "send needs FILE.tif and a sip: URI" send "$T/doc.tif"
usage_case "not a sip:USER@HOST" send "$T/doc.tif" http://x
usage_case "--redundancy: 0..8" send --redundancy 9 "$T/doc.tif" sip:a@127.0.0.1
usage_case "--version: 0..3" recv --spool "$T/spool" --version 4
usage_case "--max-datagram: 64..1400" recv --spool "$T/spool" --max-datagram 10
usage_case "--ecm: on or off" recv --spool "$T/spool" --ecm maybe
usage_case "--offer: audio, t38 or both" send --offer fax "$T/doc.tif" sip:a@127.0.0.1
usage_case "--listen: expected IP:PORT" recv --spool "$T/spool" --listen nowhere
usage_case "recv needs --spool DIR" recv
usage_case "unknown option" recv --spool "$T/spool" --bogus
usage_case "not a writable directory" recv --spool "$T/doc.tif"
usage_case "cannot open as TIFF" send --timeout 5 "$T/bad.tif" sip:a@127.0.0.1:5999
usage_case "cannot open as TIFF" send --timeout 5 "$T/none.tif" sip:a@127.0.0.1:5999
"$B/sipfax" --help | grep -q "usage: sipfax send" || fail "--help prints no usage"

# nobody listens: the INVITE is never answered
"$B/sipfax" send --timeout 2 "$T/doc.tif" sip:fax@127.0.0.1:5999 >"$T/unreach.log" 2>&1
rc=$?
[ "$rc" = 4 ] || fail "send to nobody exited $rc, expected 4"
expect_line "$T/unreach.log" "event=timeout"
# a receiver whose --count is not reached in --timeout
"$B/sipfax" recv --listen 127.0.0.1:5082 --spool "$T/spool" --count 1 \
	--timeout 1 >"$T/idle.log" 2>&1
rc=$?
[ "$rc" = 3 ] || fail "idle receiver exited $rc, expected 3"
expect_line "$T/idle.log" "event=timeout"
expect_line "$T/idle.log" "event=exit code=3 faxes=0 failed=0"
"$B/sipfax" recv --listen 127.0.0.1:5082 --spool "$T/spool" \
	--timeout 1 >"$T/idle2.log" 2>&1 ||
	fail "a receiver without --count ends at --timeout with 0"
# a peer refusing the call
start ua "$B/sipua" --listen 127.0.0.1:5090 --reject 486 --timeout 30
wait_for "$T/ua.log" "event=ready"
"$B/sipfax" send --timeout 10 "$T/doc.tif" sip:fax@127.0.0.1:5090 >"$T/busy.log" 2>&1
rc=$?
[ "$rc" = 4 ] || fail "send to a busy peer exited $rc, expected 4"
expect_line "$T/busy.log" "event=failed call=1 code=486"

# malformed UDPTL (and RTP) at the receiver while a T.38 fax runs
start rcv "$B/sipfax" recv --listen 127.0.0.1:5080 --spool "$T/spool" \
	--count 1 --timeout 100 --media-port 41000
wait_for "$T/rcv.log" "event=ready"
start snd "$B/sipfax" send --offer t38 --media-port 42000 --timeout 100 \
	"$T/doc.tif" sip:fax@127.0.0.1:5080
wait_for "$T/rcv.log" "event=mode call=1 mode=t38 .* peer=127.0.0.1:42002" 10
perl -MIO::Socket::INET -e '
	my @bad = ("\x00",			# ends inside the sequence number
		   "\x00\x01\x05\xc0",		# IFP length runs past the end
		   "\x00\x02\x01\xc0\x40",	# error-recovery choice 0x40
		   "\x00\x03\x01\xc0\x00\x7f",	# 127 secondaries, none there
		   "\x00\x04\x00\x00",		# an IFP of zero octets
		   "\x00\x05\xc0\x01\x00");	# fragmented PER length
	for my $port (41002, 41000) {
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port",
					      Proto => "udp") or die "socket: $!";
		for my $i (1 .. 20) { $s->send($_) for @bad; select(undef, undef, undef, 0.02); }
	}' || fail "cannot send the bad datagrams"
for p in snd rcv; do
	wait_exit $p 100
	eval "rc=\$RC_$p"
	[ "$rc" = 0 ] || fail "$p exited $rc after the bad datagrams"
done
line=$(grep "event=fax call=1 result=ok dir=recv mode=t38" "$T/rcv.log") ||
	fail "no good T.38 fax at the receiver"
bad=$(printf '%s\n' "$line" | sed -n 's/.* t38_bad=\([0-9]*\).*/\1/p')
[ "${bad:-0}" -ge 120 ] || fail "t38_bad=$bad, expected >= 120: $line"
f=$(ls "$T"/spool/*.tif)
tiffcmp -t "$T/doc.tif" "$f" >/dev/null 2>&1 || fail "pages damaged by the bad datagrams"

# SIGTERM at the receiver mid-fax: BYE, both report the T.30 failure
start rcv2 "$B/sipfax" recv --listen 127.0.0.1:5080 --spool "$T/spool2" \
	--timeout 100 --media-port 41000
wait_for "$T/rcv2.log" "event=ready"
start snd2 "$B/sipfax" send --offer t38 --media-port 42000 --timeout 100 \
	"$T/doc.tif" sip:fax@127.0.0.1:5080
wait_for "$T/rcv2.log" "event=mode call=1 mode=t38" 10
sleep 4
kill -TERM "$PID_rcv2"
wait_exit rcv2 10
wait_exit snd2 15
[ "$RC_rcv2" = 1 ] || fail "stopped receiver exited $RC_rcv2, expected 1"
[ "$RC_snd2" = 1 ] || fail "sender whose fax was cut exited $RC_snd2, expected 1"
expect_line "$T/rcv2.log" "event=stopping"
expect_line "$T/rcv2.log" "event=fax call=1 result=failed dir=recv mode=t38 .* t30_code=[1-9][0-9]* .*t30_text=\""
expect_line "$T/snd2.log" "event=bye call=1"
expect_line "$T/snd2.log" "event=fax call=1 result=failed dir=send mode=t38 .* t30_code=[1-9][0-9]*"
# the partial receive leaves no file when no page had arrived
pass
