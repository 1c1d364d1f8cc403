# Issue 6: glare on our T.38 re-INVITE. SIPp answers the first one with
# 491; the gateway (owner of the Call-ID: it sent the INVITE) retries
# after 2.1..4 s (RFC 3261 14.1) with the same T.38 offer, which SIPp
# accepts: the call goes to T.38, no G.711 fallback.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
"$B/pstnsim-mktiff" "$T/doc.tif" 1 || fail "cannot make the test TIFF"
gw_conf "$T/gw.conf" "[fax]
wait_ms = 200"
start uas sipp -sf "$S/uas_t38_glare.xml" -i 127.0.0.1 -p 5070 -m 1 -nostdin \
	-timeout 30s -trace_err -error_file "$T/sipp_err_$RANDOM.log"
start pstn "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --send-fax "$T/doc.tif" --exit-after 1 --timeout 30
start_gw
wait_exit uas 35
[ "$RC_uas" -eq 0 ] || fail "sipp exited $RC_uas: $(tail -5 "$T/uas.log")"
wait_exit pstn 35
expect_line "$T/gw.log" "re-INVITE to T.38"
expect_line "$T/gw.log" "glare, retry in [0-9]+ ms"
expect_line "$T/gw.log" "fax \{t38\}: T.38 v0 to 127.0.0.1:6010"
expect_no_line "$T/gw.log" "G.711 pass-through"
pass
