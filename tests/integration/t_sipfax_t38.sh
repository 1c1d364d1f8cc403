# Issue 6: sipfax send -> sipfax recv over T.38. Two senders at once into
# one receiver (T.38 version 2 at most): one offers G.711 and T.38 in its
# INVITE (version 3, redundancy, ECM on) and gets T.38 version 2, the
# other offers G.711 only and re-INVITEs to T.38 itself when it hears the
# fax answer tone (version 0, parity FEC, ECM off). Every page arrives: the spooled TIFFs
# are compared decoded (tiffcmp -t), never as file bytes.
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc.tif" 3 300 || fail "cannot make the test TIFF"
[ "$(tiffinfo "$T/doc.tif" 2>/dev/null | grep -c '^=== TIFF directory')" = 3 ] ||
	fail "test TIFF does not have 3 pages"
mkdir "$T/spool"

start rcv "$B/sipfax" recv --listen 127.0.0.1:5080 --spool "$T/spool" \
	--count 2 --version 2 --timeout 100 --media-port 41000
wait_for "$T/rcv.log" "event=ready listen=127.0.0.1:5080"
start a "$B/sipfax" send --offer both --version 3 --ident "SENDER A" \
	--media-port 42000 --timeout 100 "$T/doc.tif" sip:fax@127.0.0.1:5080
start b "$B/sipfax" send --offer audio --t38-reinvite --fec --ecm off \
	--media-port 43000 --timeout 100 "$T/doc.tif" sip:fax@127.0.0.1:5080

for p in a b rcv; do
	wait_exit $p 105
	eval "rc=\$RC_$p"
	[ "$rc" = 0 ] || fail "$p exited $rc"
done

ok='result=ok dir=send mode=t38 .* pages=3 pages_in_file=3 bit_rate=[0-9]+'
expect_line "$T/a.log" "event=fax call=1 $ok ecm=1 t30_code=0 t38_sent=[1-9][0-9]* t38_received=[1-9]"
expect_line "$T/b.log" "event=fax call=1 $ok ecm=0 t30_code=0 t38_sent=[1-9][0-9]* t38_received=[1-9]"
expect_line "$T/a.log" "event=calling call=1 .* offer=both"
expect_line "$T/a.log" "event=mode call=1 mode=t38 version=2 ec=redundancy"
expect_no_line "$T/a.log" "mode=g711"
# b started on G.711 and asked for T.38 on hearing the answer
expect_line "$T/b.log" "event=mode call=1 mode=g711 codec=PCMU"
expect_line "$T/b.log" "event=t38_reinvite call=1"
expect_line "$T/b.log" "event=mode call=1 mode=t38 version=0 ec=fec"
expect_line "$T/rcv.log" "event=reoffer call=[12] answer=200 t38=1 restart=1"
expect_line "$T/b.log" "^sipfax: sent .*: 3 pages, [0-9]+ bit/s, ECM off, T.38; T.30 0 \(OK\); T.38 packets sent"
[ "$(grep -c 'event=fax call=[12] result=ok dir=recv mode=t38 .* pages=3 ' "$T/rcv.log")" = 2 ] ||
	fail "the receiver did not report two good T.38 faxes"
expect_line "$T/rcv.log" "event=exit code=0 faxes=2 failed=0"
# the senders hang up once done
expect_no_line "$T/a.log" "event=bye"

n=0
for f in "$T"/spool/*.tif; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	case $(basename "$f") in
	[0-9]*T[0-9]*Z-*.tif) ;;
	*) fail "spool name $(basename "$f") is not <time>-<callid>.tif" ;;
	esac
	grep -q "file=$f " "$T/rcv.log" || fail "no result line names $f"
	[ "$(tiffinfo "$f" 2>/dev/null | grep -c '^=== TIFF directory')" = 3 ] ||
		fail "$f does not have 3 pages"
	tiffcmp -t "$T/doc.tif" "$f" >"$T/cmp.out" 2>&1 ||
		fail "$f: pages differ from the sent ones: $(tail -3 "$T/cmp.out")"
done
[ "$n" = 2 ] || fail "$n files in the spool, expected 2"
# the comparison itself would see a different page
"$B/pstnsim-mktiff" "$T/other.tif" 3 300 7
! tiffcmp -t "$T/other.tif" "$f" >/dev/null 2>&1 ||
	fail "tiffcmp -t does not tell different pages apart"
pass
