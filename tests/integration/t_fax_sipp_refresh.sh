# Issue 6: a session refresh during a fax. The far end (SIPp) moves a PSTN
# fax call to T.38, then re-INVITEs with the same offer (what a session
# timer refresh does). The gateway answers the same m=image with the same
# o= version (RFC 3264 8: nothing changed), keeps the T.38 leg running (no
# second switch, no results yet) and hands the leg back only at the end.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
"$B/pstnsim-mktiff" "$T/doc.tif" 1 || fail "cannot make the test TIFF"
gw_conf "$T/gw.conf" "[fax]
initiate = sip-only"

start uas sipp -sf "$S/uas_t38_refresh.xml" -i 127.0.0.1 -p 5070 -m 1 \
	-nostdin -timeout 30s -trace_err -error_file "$T/sipp_err_$RANDOM.log" -trace_msg -message_file "$T/msg.log"
start pstn "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --send-fax "$T/doc.tif" --exit-after 1 --timeout 30
start_gw
wait_exit uas 35
[ "$RC_uas" -eq 0 ] || fail "sipp exited $RC_uas: $(tail -5 "$T/uas.log")"
wait_exit pstn 35
# the gateway's two answers with m=image, as SIPp received them
awk '/^-----/ { if (blk ~ /SIP\/2.0 200/ && blk ~ /m=image/) print o; blk = ""; o = ""; next }
     /^o=/ { o = $0 } { blk = blk $0 "\n" }
     END { if (blk ~ /SIP\/2.0 200/ && blk ~ /m=image/) print o }' \
	"$T/msg.log" | tr -d '\r' >"$T/o.txt"
[ "$(wc -l <"$T/o.txt")" -eq 2 ] || fail "expected two T.38 answers: $(cat "$T/o.txt")"
[ "$(sort -u "$T/o.txt" | wc -l)" -eq 1 ] ||
	fail "the refresh changed the answer's o= line: $(cat "$T/o.txt")"
[ "$(grep -c 'fax {[a-z0-9]*}: T.38 v3 to 127.0.0.1:6004' "$T/gw.log")" -eq 1 ] ||
	fail "the refresh switched the call again"
# one hand-back, at the end of the call, not at the refresh
wait_for "$T/gw.log" "call 1: fax (ok|failed): " 5
expect_no_line "$T/gw.log" "back to audio"
[ "$(grep -c 'call 1: udptl: ' "$T/gw.log")" -eq 1 ] || fail "more than one fax result"
pass
