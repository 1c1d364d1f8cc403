# Issue 6: fax over G.711 between two sipfax when the receiver refuses
# T.38 (--refuse-t38): a sender offering T.38 only gets 488 and calls
# again with audio; a sender re-INVITING to T.38 gets 488 and goes on over
# G.711. The receiver prefers A-law: both answers pick it. Pages compared
# decoded.
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc.tif" 2 300 || fail "cannot make the test TIFF"
mkdir "$T/spool"

start rcv "$B/sipfax" recv --listen 127.0.0.1:5080 --spool "$T/spool" \
	--refuse-t38 --codec pcma --count 2 --timeout 100 --media-port 41000
wait_for "$T/rcv.log" "event=ready listen=127.0.0.1:5080"
start a "$B/sipfax" send --offer t38 --media-port 42000 --timeout 100 \
	"$T/doc.tif" sip:fax@127.0.0.1:5080
start b "$B/sipfax" send --t38-reinvite --codec pcma --media-port 43000 \
	--timeout 100 "$T/doc.tif" sip:fax@127.0.0.1:5080

for p in a b rcv; do
	wait_exit $p 105
	eval "rc=\$RC_$p"
	[ "$rc" = 0 ] || fail "$p exited $rc"
done

expect_line "$T/a.log" "event=failed call=1 code=488"
expect_line "$T/a.log" "event=fallback call=1 offer=audio"
expect_line "$T/a.log" "event=mode call=2 mode=g711 codec=PCMA"
expect_line "$T/a.log" "event=fax call=2 result=ok dir=send mode=g711 .* pages=2 pages_in_file=2 .* t30_code=0 t38_sent=0"
expect_line "$T/b.log" "event=mode call=1 mode=g711 codec=PCMA"
expect_line "$T/b.log" "event=t38_reinvite call=1"
expect_line "$T/b.log" "event=t38_refused call=1 code=488"
expect_no_line "$T/b.log" "mode=t38"
expect_line "$T/b.log" "event=fax call=1 result=ok dir=send mode=g711 .* pages=2 pages_in_file=2 .* t30_code=0"
# the two senders race: either may be the receiver's call 1
expect_line "$T/rcv.log" "event=reject call=[0-9] code=488 reason=t38_refused"
expect_line "$T/rcv.log" "event=reoffer call=[0-9] answer=488 t38=1"
[ "$(grep -c 'event=fax call=[0-9] result=ok dir=recv mode=g711 .* pages=2 ' "$T/rcv.log")" = 2 ] ||
	fail "the receiver did not report two good G.711 faxes"
expect_line "$T/rcv.log" "event=exit code=0 faxes=2 failed=0"

n=0
for f in "$T"/spool/*.tif; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	tiffcmp -t "$T/doc.tif" "$f" >"$T/cmp.out" 2>&1 ||
		fail "$f: pages differ from the sent ones: $(tail -3 "$T/cmp.out")"
done
# the refused INVITE left no file behind
[ "$n" = 2 ] || fail "$n files in the spool, expected 2"
pass
