# Issue 6, end to end: a pstnsim fax machine calls over PRI and sends a
# multi-page TIFF; pstngw hears the fax tones and re-INVITEs the SIP side
# to T.38; sipfax (the fax server) takes the re-INVITE and receives every
# page into its spool. Pages are compared decoded (tiffcmp -t).
# The fax machine and the gateway run at a raised priority (nice -15), as
# t_pstnsim_fax.sh explains: the loop driver keeps only the latest block.
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc.tif" 3 300 || fail "cannot make the test TIFF"
mkdir "$T/spool"
gw_conf "$T/gw.conf" "[fax]
mode = t38
initiate = pstn-detect
wait_ms = 500"
start fax nice -n -15 "$B/sipfax" recv --listen 127.0.0.1:5070 --spool "$T/spool" \
	--count 1 --timeout 110
wait_for "$T/fax.log" "event=ready"
start sim nice -n -15 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" \
	--call 5551000 --from 2125550100 --send-fax "$T/doc.tif" \
	--exit-after 1 --timeout 110
start gw nice -n -15 "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw.log" "span 1: span_up" 15

wait_exit fax 110
[ "$RC_fax" = 0 ] || fail "sipfax exited $RC_fax"
wait_exit sim 20
[ "$RC_sim" = 0 ] || fail "pstnsim exited $RC_sim"

expect_line "$T/fax.log" "event=incoming call=1 from=2125550100"
# the gateway asked for T.38, sipfax switched without restarting twice
expect_line "$T/fax.log" "event=reoffer call=1 answer=200 t38=1 restart=1"
expect_line "$T/fax.log" "event=fax call=1 result=ok dir=recv mode=t38 .* pages=3 .* t30_code=0 t38_sent=[1-9][0-9]* t38_received=[1-9]"
expect_line "$T/sim.log" "event=fax call=1 dir=send result=0 text=\"OK\" pages=3 pages_in_file=3"
expect_line "$T/gw.log" "call [0-9]+: fax ok: 3 pages"
f=$(ls "$T"/spool/*.tif 2>/dev/null | head -n 1)
[ -n "$f" ] || fail "nothing in the spool"
tiffcmp -t "$T/doc.tif" "$f" >"$T/cmp.out" 2>&1 ||
	fail "$f: pages differ from the sent ones: $(tail -3 "$T/cmp.out")"
pass
