# Issue 6: a second fax on the same call after a return to audio. A
# pstnsim fax machine (scenario) sends a 1-page fax over PRI; pstngw
# detects it, moves the call to T.38 and sipfax receives it; after the
# DCN pstngw re-INVITEs back to audio ([fax] return_to_audio), which must
# start fax tone detection again. 3 s later the same machine, still on the
# call (--fax-hangup), sends a 2-page fax: pstngw must detect it and
# switch to T.38 again, and sipfax (--faxes-per-call 2) receives it into
# <file>-2.tif. Pages are compared decoded (tiffcmp -t). Priorities as in
# t_fax_pstn_to_sip.sh.
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc1.tif" 1 200 || fail "cannot make the test TIFF"
"$B/pstnsim-mktiff" "$T/doc2.tif" 2 200 || fail "cannot make the test TIFF"
mkdir "$T/spool"
gw_conf "$T/gw.conf" "[fax]
mode = t38
initiate = pstn-detect
wait_ms = 500
return_to_audio = yes
return_delay_ms = 200"
cat >"$T/send.scn" <<SCN
wait event=span_up span=1
call 5551000 from=2125550100
expect event=connect within=10s
send-fax $T/doc1.tif
expect event=fax dir=send result=0 pages=1 within=100s
# back on audio by now (200 ms after the DCN); the machine stays on line
wait 3s
send-fax $T/doc2.tif
expect event=fax dir=send result=0 pages=2 within=100s
expect event=released within=20s
SCN
start fax nice -n -15 "$B/sipfax" recv --listen 127.0.0.1:5070 --spool "$T/spool" \
	--count 2 --faxes-per-call 2 --timeout 200
wait_for "$T/fax.log" "event=ready"
start sim nice -n -15 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" \
	--script "$T/send.scn" --fax-hangup 10000 --timeout 200
start gw nice -n -15 "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw.log" "span 1: span_up" 15

wait_exit fax 200
[ "$RC_fax" = 0 ] || fail "sipfax exited $RC_fax"
wait_exit sim 30
[ "$RC_sim" = 0 ] || fail "pstnsim exited $RC_sim"

# one call, two switches to T.38 on a detected tone, one return between
[ "$(grep -c 'event=incoming' "$T/fax.log")" = 1 ] || fail "not one call"
[ "$(grep -c 're-INVITE to T.38 (version' "$T/gw.log")" = 2 ] ||
	fail "not two T.38 re-INVITEs: $(grep -E 're-INVITE to T.38|from the PSTN' "$T/gw.log")"
expect_line "$T/gw.log" "back to audio \(our re-INVITE\), PCMU .*fax detection on again"
[ "$(grep -Ec 'call [0-9]+: fax ok: ' "$T/gw.log")" = 2 ] || fail "not two good faxes"
expect_line "$T/gw.log" "call [0-9]+: fax ok: 1 pages"
expect_line "$T/gw.log" "call [0-9]+: fax ok: 2 pages"
expect_line "$T/fax.log" "event=next_fax call=1 n=2 file=.*-2\.tif"
expect_line "$T/fax.log" "event=fax call=1 result=ok dir=recv mode=t38 .* pages=1 "
expect_line "$T/fax.log" "event=fax call=1 result=ok dir=recv mode=t38 .*-2\.tif .* pages=2 "
f1=$(ls "$T"/spool/*.tif | grep -v -- '-2\.tif$' | head -n 1)
f2=$(ls "$T"/spool/*-2.tif 2>/dev/null | head -n 1)
[ -n "$f1" ] && [ -n "$f2" ] || fail "not two faxes in the spool: $(ls "$T/spool")"
tiffcmp -t "$T/doc1.tif" "$f1" >"$T/cmp1.out" 2>&1 ||
	fail "$f1: pages differ: $(tail -3 "$T/cmp1.out")"
tiffcmp -t "$T/doc2.tif" "$f2" >"$T/cmp2.out" 2>&1 ||
	fail "$f2: pages differ: $(tail -3 "$T/cmp2.out")"
pass
