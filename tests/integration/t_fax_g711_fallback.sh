# Issue 6, end to end over G.711: the fax server (sipfax --refuse-t38)
# answers the gateway's T.38 re-INVITE with 488, so the fax from the
# pstnsim machine crosses pstngw as G.711 pass-through; every page still
# arrives. Pages compared decoded (tiffcmp -t). Normal priority, loaded
# machine or not: see t_fax_sip_to_pstn.sh.
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc.tif" 2 300 || fail "cannot make the test TIFF"
mkdir "$T/spool"
gw_conf "$T/gw.conf" "[fax]
mode = t38
initiate = pstn-detect
wait_ms = 500"
start fax "$B/sipfax" recv --listen 127.0.0.1:5070 --spool "$T/spool" \
	--refuse-t38 --count 1 --timeout 110
wait_for "$T/fax.log" "event=ready"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --line-buffer 100 \
	--call 5551000 --from 2125550100 --send-fax "$T/doc.tif" \
	--exit-after 1 --timeout 110
start gw "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw.log" "span 1: span_up" 15

wait_exit fax 110
[ "$RC_fax" = 0 ] || fail "sipfax exited $RC_fax"
wait_exit sim 20
[ "$RC_sim" = 0 ] || fail "pstnsim exited $RC_sim"

expect_line "$T/fax.log" "event=reoffer call=1 answer=488 t38=1"
expect_no_line "$T/fax.log" "mode=t38"
expect_line "$T/fax.log" "event=fax call=1 result=ok dir=recv mode=g711 .* pages=2 .* t30_code=0"
expect_line "$T/sim.log" "event=fax call=1 dir=send result=0 text=\"OK\" pages=2 pages_in_file=2"
f=$(ls "$T"/spool/*.tif 2>/dev/null | head -n 1)
[ -n "$f" ] || fail "nothing in the spool"
tiffcmp -t "$T/doc.tif" "$f" >"$T/cmp.out" 2>&1 ||
	fail "$f: pages differ from the sent ones: $(tail -3 "$T/cmp.out")"
pass
