# Issue 6, end to end the other way: sipfax sends a multi-page TIFF over
# SIP to a number pstngw routes to its PRI span; a pstnsim fax machine
# answers and receives every page. sipfax offers T.38 only, as some fax
# servers do: pstngw places the call and answers m=image, T.38 from the
# start. Pages compared decoded (tiffcmp -t).
# Everything runs at normal priority, on a loaded machine too: pstnsim
# plays the gateway's audio 100 ms later (--line-buffer), and the gateway
# keeps its own fax cushion, so late ticks on either side cost nothing.
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc.tif" 3 300 || fail "cannot make the test TIFF"
gw_conf "$T/gw.conf" "[fax]
mode = t38"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --line-buffer 100 \
	--answer-delay 300 --receive-fax "$T/got.tif" --exit-after 1 \
	--timeout 110
start gw "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw.log" "span 1: span_up" 15
start fax "$B/sipfax" send --offer t38 --from 3035550199 \
	--timeout 110 "$T/doc.tif" sip:2125551234@127.0.0.1:5060

wait_exit fax 110
[ "$RC_fax" = 0 ] || fail "sipfax exited $RC_fax"
wait_exit sim 20
[ "$RC_sim" = 0 ] || fail "pstnsim exited $RC_sim"

expect_line "$T/sim.log" "event=setup .*dir=in called=2125551234 calling=3035550199"
expect_line "$T/fax.log" "event=mode call=1 mode=t38 "
expect_no_line "$T/fax.log" "mode=g711"
expect_line "$T/fax.log" "event=fax call=1 result=ok dir=send mode=t38 .* pages=3 pages_in_file=3 .* t30_code=0"
expect_line "$T/sim.log" "event=fax call=1 dir=receive result=0 text=\"OK\" pages=3"
expect_line "$T/gw.log" "call [0-9]+: fax ok: 3 pages"
[ -f "$T/got.tif" ] || fail "pstnsim wrote no file"
tiffcmp -t "$T/doc.tif" "$T/got.tif" >"$T/cmp.out" 2>&1 ||
	fail "got.tif: pages differ from the sent ones: $(tail -3 "$T/cmp.out")"
pass
