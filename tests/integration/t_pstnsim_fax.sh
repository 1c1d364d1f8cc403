# Issue 4: a pstnsim fax machine sends a two-page TIFF to another pstnsim
# fax machine through two loop spans joined back to back (switch side as
# the NET server, the other as the CPE client; no gateway). Two transfers
# run at once on two span pairs: one driven by scenario files with ECM,
# one by the command-line fax options without ECM. Pages are compared as
# decoded images (tiffcmp -t), never as file bytes.
#
# The loop driver's server keeps only the latest block from its client: a
# block answered late (a descheduled process) is replaced by silence or
# lost, and fax training does not survive that on a loaded machine. The
# fax machines therefore run at a raised priority (nice -15; the tests run
# as root), as a real-time audio process would.
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc.tif" 2 || fail "cannot make the test TIFF"
[ "$(tiffinfo "$T/doc.tif" 2>/dev/null | grep -c '^=== TIFF directory')" = 2 ] ||
	fail "test TIFF does not have 2 pages"

# Transfer 1: scenario files, ECM on.
cat >"$T/send.scn" <<SCN
# calling fax machine on the switch side
wait event=span_up span=1
call 5551000 from=2125550100 name="Fax A"
expect event=connect within=5s
detect tone 2100           # the called machine's CED
send-fax $T/doc.tif ecm=on
expect event=tone freq=2100 within=10s
expect event=fax dir=send result=0 pages=2 ecm=1 within=90s
expect event=released within=10s
SCN
cat >"$T/recv.scn" <<SCN
# called fax machine on the card side
wait event=setup called=5551000 calling=2125550100 timeout=20s
answer
receive-fax $T/got-ecm.tif
expect event=fax dir=receive result=0 pages=2 ecm=1 within=90s
expect event=released within=10s
SCN
start snd nice -n -15 "$B/pstnsim" --span "1:$T/a.sock:t1:ni2" --script "$T/send.scn" \
	--timeout 100
# Transfer 2: command-line options, ECM off, E1 A-law this time.
start sw nice -n -15 "$B/pstnsim" --span "1:$T/b.sock:e1:euroisdn" --call 5552000 \
	--send-fax "$T/doc.tif" --fax-ecm off --timeout 100
start rcv nice -n -15 "$B/pstnsim" --span "1:$T/a.sock:t1:ni2:cpe:client" \
	--script "$T/recv.scn" --timeout 100
start card nice -n -15 "$B/pstnsim" --span "1:$T/b.sock:e1:euroisdn:cpe:client" \
	--receive-fax "$T/got-%u.tif" --fax-ecm off --exit-after 1 --timeout 100

for p in snd rcv sw card; do
	wait_exit $p 105
	eval "rc=\$RC_$p"
	[ "$rc" = 0 ] || fail "$p exited $rc"
done

expect_line "$T/snd.log" "event=fax call=1 dir=send result=0 text=\"OK\" pages=2 pages_in_file=2 bitrate=[0-9]+ ecm=1"
expect_line "$T/snd.log" "event=scenario_done"
expect_line "$T/rcv.log" "event=setup span=1 chan=[0-9]+ call=1 dir=in called=5551000 calling=2125550100 name=\"Fax A\""
expect_line "$T/rcv.log" "event=fax call=1 dir=receive result=0 text=\"OK\" pages=2 "
expect_line "$T/sw.log" "event=fax call=1 dir=send result=0 .* pages=2 .* ecm=0"
expect_line "$T/card.log" "event=fax call=1 dir=receive result=0 .* pages=2 .* ecm=0"
# the fax machines hang up by themselves once done
expect_line "$T/card.log" "event=hangup span=1 chan=[0-9]+ call=1 cause=16"

for f in got-ecm got-1; do
	[ -f "$T/$f.tif" ] || fail "no received file $f.tif"
	n=$(tiffinfo "$T/$f.tif" 2>/dev/null | grep -c '^=== TIFF directory')
	[ "$n" = 2 ] || fail "$f.tif has $n pages, expected 2"
	tiffcmp -t "$T/doc.tif" "$T/$f.tif" >"$T/cmp.out" 2>&1 ||
		fail "$f.tif: pages differ from the sent ones: $(tail -3 "$T/cmp.out")"
done
# the comparison itself would see a damaged page
"$B/pstnsim-mktiff" "$T/other.tif" 2 400 7
! tiffcmp -t "$T/other.tif" "$T/got-1.tif" >/dev/null 2>&1 ||
	fail "tiffcmp -t does not tell different pages apart"
pass
