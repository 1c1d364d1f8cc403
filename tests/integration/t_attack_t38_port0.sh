# Issue 8, the attack pack: a T.38 re-INVITE answered 200 with m=image
# port 0 (RFC 3264: the stream rejected, no media left). The gateway
# neither starts T.38 towards port 0 nor leaves the call silent: it goes
# back to G.711 and re-offers audio (V.152), the far end accepts and
# hangs up, and the call is released cleanly.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
"$B/pstnsim-mktiff" "$T/doc.tif" 1 || fail "cannot make the test TIFF"
gw_conf "$T/gw.conf" "[fax]
wait_ms = 300"
start uas sipp -sf "$S/uas_t38_port0.xml" -i 127.0.0.1 -p 5070 -m 1 \
	-nostdin -timeout 20s -trace_msg -message_file "$T/uas.msg"
start pstn "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --send-fax "$T/doc.tif" --exit-after 1 --timeout 20
start_gw
wait_exit uas 25
[ "$RC_uas" -eq 0 ] || fail "sipp exited $RC_uas: $(tail -5 "$T/uas.log")"
wait_exit pstn 20
expect_line "$T/gw.log" "re-INVITE to T.38 \(version <= 3\)"
expect_line "$T/gw.log" "T.38 answer not usable: "
expect_line "$T/gw.log" "G.711 pass-through \(unusable T.38 answer\), codec PCMU"
expect_no_line "$T/gw.log" "T.38 v[0-9] to "
grep -q "a=gpmd:0 vbd=yes" "$T/uas.msg" || fail "no audio re-offer after port 0"
expect_line "$T/pstn.log" "event=released"
"$B/pstngw-ctl" -s "$T/ctl.sock" show calls >"$T/calls.out" 2>&1
expect_no_line "$T/calls.out" "^call [0-9]+:"
kill -0 "$PID_gw" || fail "pstngw died"
pass
