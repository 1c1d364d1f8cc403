# Issue 6, localTCF the other way: sipfax sends two pages, offering T.38
# only with T38FaxRateManagement:localTCF in its INVITE; pstngw answers
# localTCF and places the call on PRI, a pstnsim fax machine receives.
# sipfax's terminal TCF is checked at sipfax and not sent; pstngw makes
# one up for the fax machine (media/t38tcf.c at both ends). Pages compared
# decoded. Normal priority with pstnsim's --line-buffer, as in
# t_fax_sip_to_pstn.sh.
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc.tif" 2 300 || fail "cannot make the test TIFF"
gw_conf "$T/gw.conf" "[fax]
mode = t38"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --line-buffer 100 \
	--answer-delay 300 --receive-fax "$T/got.tif" --exit-after 1 \
	--timeout 110
start gw "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw.log" "span 1: span_up" 15
start fax "$B/sipfax" send --offer t38 --local-tcf \
	--from 3035550199 --timeout 110 "$T/doc.tif" \
	sip:2125551234@127.0.0.1:5060

wait_exit fax 110
[ "$RC_fax" = 0 ] || fail "sipfax exited $RC_fax"
wait_exit sim 20
[ "$RC_sim" = 0 ] || fail "pstnsim exited $RC_sim"

expect_line "$T/gw.log" "INVITE offers T.38 with localTCF: TCF made and checked here"
expect_line "$T/gw.log" "fax \{t38\}: T.38 v0 to 127.0.0.1:[0-9]+, .*, localTCF"
expect_line "$T/gw.log" "call [0-9]+: fax ok: 2 pages"
# the gateway made TCF up for the fax machine and checked none
expect_line "$T/gw.log" "call [0-9]+: localTCF: 0 TCF checked here \(0 bad, 0 CFR made FTT\), [1-9][0-9]* made up"
# sipfax checked its own TCF (good) instead of sending it
expect_line "$T/fax.log" "localTCF: [1-9][0-9]* TCF checked \(0 bad\), 0 made, 0 TCF packets received"
expect_line "$T/fax.log" "event=fax call=1 result=ok dir=send mode=t38 .* pages=2 pages_in_file=2 .* t30_code=0"
expect_line "$T/sim.log" "event=fax call=1 dir=receive result=0 text=\"OK\" pages=2"
[ -f "$T/got.tif" ] || fail "pstnsim wrote no file"
tiffcmp -t "$T/doc.tif" "$T/got.tif" >"$T/cmp.out" 2>&1 ||
	fail "got.tif: pages differ from the sent ones: $(tail -3 "$T/cmp.out")"
pass
