# Issue 6: the far end (SIPp) moves a PSTN fax call to T.38 itself and
# back to audio. [fax] initiate = sip-only, so the gateway only tunes the
# media on the CNG it hears and waits. The far end's offer asks for V.34
# rates (33600) and FEC: the answer has T38MaxBitRate 14400 (no V.34) and
# transferredTCF. Its audio re-INVITE ends T.38: the leg's results are
# logged ("back to audio") and the call goes on until the far end's BYE.
# Then a far end offering localTCF gets localTCF in the answer (the
# answer cannot change the method; media's t38tcf shim does local TCF)
# and the same run to T.38 and back.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
"$B/pstnsim-mktiff" "$T/doc.tif" 1 || fail "cannot make the test TIFF"
gw_conf "$T/gw.conf" "[fax]
initiate = sip-only"

start uas sipp -sf "$S/uas_t38_peer.xml" -i 127.0.0.1 -p 5070 -m 1 -nostdin \
	-timeout 30s -trace_err -error_file "$T/sipp_err_$RANDOM.log" -trace_msg -message_file "$T/peer.msg"
start pstn "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --send-fax "$T/doc.tif" --exit-after 1 --timeout 30
start_gw
wait_exit uas 35
[ "$RC_uas" -eq 0 ] || fail "sipp exited $RC_uas: $(tail -5 "$T/uas.log")"
wait_exit pstn 35
expect_line "$T/gw.log" "fax \{t38\}: T.38 v3 to 127.0.0.1:6004, max bit rate 14400, t38UDPRedundancy"
expect_line "$T/gw.log" "fax \{t38\}: back to audio"
wait_for "$T/gw.log" "call 1: fax (ok|failed): .*, back to audio" 5
expect_line "$T/gw.log" "call 1: udptl: tx [0-9]+ rx 0"
expect_no_line "$T/gw.log" "re-INVITE to T.38"
# the answer: version 3 kept, rate lowered, no V.34
grep -q "a=T38MaxBitRate:14400" "$T/peer.msg" || fail "no 14400 in the answer"

# localTCF: accepted and answered localTCF (the scenario checks the answer)
sed -e 's/T38FaxRateManagement:transferredTCF/T38FaxRateManagement:localTCF/' \
	"$S/uas_t38_peer.xml" >"$T/local.xml"
grep -q "regexp=\"a=T38FaxRateManagement:localTCF\"" "$T/local.xml" ||
	fail "scenario edit failed"
start uas2 sipp -sf "$T/local.xml" -i 127.0.0.1 -p 5070 -m 1 -nostdin \
	-timeout 30s -trace_err -error_file "$T/sipp_err_$RANDOM.log"
start pstn2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --send-fax "$T/doc.tif" --exit-after 1 --timeout 30
wait_exit uas2 35
[ "$RC_uas2" -eq 0 ] || fail "sipp (localTCF) exited $RC_uas2: $(tail -20 "$T/uas2.log")"
wait_exit pstn2 35
expect_line "$T/gw.log" "T.38 offered with localTCF: TCF made and checked here"
expect_line "$T/gw.log" "fax \\{t38\\}: T.38 v3 to 127.0.0.1:6004, .*, localTCF"
pass
