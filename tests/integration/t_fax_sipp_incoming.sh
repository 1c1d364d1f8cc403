# Issue 6: an INVITE from SIP with T.38 and no audio (a fax server
# sending). The gateway places the call on the PRI and answers m=image
# (version kept at 2, T38MaxBitRate lowered to 14400: no V.34); the call
# runs in T.38 from the start. With [fax] mode = g711 the same INVITE is
# refused with 488 (nothing we take in it).
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw
( cd "$T" && exec sipp -sf "$S/uac_t38.xml" 127.0.0.1:5060 -s 2125551234 \
	-i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 20s -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
	>"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp exited $rc: $(tail -5 "$T/uac.log")"
expect_line "$T/gw.log" "INVITE with T.38 and no audio: a fax call"
expect_line "$T/gw.log" "fax \{t38\}: T.38 v2 to 127.0.0.1:6008, max bit rate 14400, t38UDPRedundancy"
wait_for "$T/gw.log" "call 1: fax (ok|failed): " 5
kill -TERM "$PID_gw"
wait_exit gw 15

printf '[fax]\nmode = g711\n' >>"$T/gw.conf"
start gw2 "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw2.log" "span 1: span_up" 15
# the 486 scenario with a T.38-only offer, expecting 488
perl -0pe 's/m=audio \[media_port\] RTP\/AVP 0\na=rtpmap:0 PCMU\/8000/m=image 6008 udptl t38\na=T38FaxVersion:0\na=T38FaxRateManagement:transferredTCF/; s/response="486"/response="488"/' \
	"$S/uac_486.xml" >"$T/uac_488.xml"
grep -q "m=image" "$T/uac_488.xml" || fail "scenario not rewritten"
( cd "$T" && exec sipp -sf "$T/uac_488.xml" 127.0.0.1:5060 -s 2125551234 \
	-i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 20s -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
	>"$T/uac2.log" 2>&1 ) || fail "T.38-only INVITE with mode g711 not refused with 488"
expect_line "$T/gw2.log" "no common codec in the offer"
pass
