# Issue 7 interworking, the call's progress PSTN -> SIP -> PSTN (RFC 3398
# 7.2.2, Q.1912.5): SIPp's 180 with SDP reaches the caller as ALERTING
# with in-band information, 183 with SDP as PROGRESS (in-band), a plain
# 180 as ALERTING without; 200 -> CONNECT; DISCONNECT -> BYE and, before
# the answer, CANCEL, both with Reason cause 16 (checked by SIPp). And
# SIP -> PSTN: ALERTING without in-band information is a plain 180,
# PROGRESS a 183 with SDP.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf"
cat >"$T/sw.scn" <<'SCN'
wait event=span_up
call 5552180 from=2125550100
expect event=alerting call=1 inband=1 within=10s
expect event=connect call=1 within=10s
hangup call=1 cause=16
expect event=released call=1
call 5552183 from=2125550100
expect event=progress call=2 inband=1 within=10s
expect event=connect call=2 within=10s
hangup call=2 cause=16
expect event=released call=2
call 5552000 from=2125550100
expect event=alerting call=3 inband=0 within=10s
wait 300ms
hangup call=3 cause=16
expect event=released call=3
wait event=setup dir=in called=2125551000
wait 300ms
answer
expect event=disconnect cause=16 within=10s
wait event=setup dir=in called=2125551001
progress
wait 300ms
answer
expect event=disconnect cause=16 within=10s
SCN
start uas sipp -sf "$S/uas_progress.xml" -i 127.0.0.1 -p 5070 -m 3 -nostdin \
	-timeout 40s -trace_err -error_file "$T/uas_err.log"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --script "$T/sw.scn" \
	--timeout 40
start_gw
# SIP -> PSTN: plain ALERTING is a 180 without SDP; BYE -> DISCONNECT 16
wait_for "$T/sim.log" "event=released .*call=3" 30
( cd "$T" && exec sipp -sf "$S/uac_ring.xml" 127.0.0.1:5060 -s 2125551000 \
	-i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 15s -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
	>"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp uac exited $rc"
# SIP -> PSTN: PROGRESS (in-band) is a 183 with SDP before the 200
sed -e 's|@RURI@|sip:2125551001@127.0.0.1:5060|g' \
	-e 's|@FROM@|<sip:2125550100@127.0.0.1>|g' -e 's|@H[123]@|X-Case: 1|' \
	-e 's|@BYE@|X-Case: 1|' "$S/uac_identity.xml.in" >"$T/uac_prog.xml"
( cd "$T" && exec sipp -sf "$T/uac_prog.xml" 127.0.0.1:5060 -i 127.0.0.1 \
	-p 5071 -m 1 -nostdin -timeout 15s -trace_err -error_file "$T/sipp_err_$RANDOM.log" >"$T/uac_prog.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp uac (progress) exited $rc"
wait_exit sim 45
[ "$RC_sim" = 0 ] || fail "pstnsim scenario exited $RC_sim"
wait_exit uas 15
[ "$RC_uas" = 0 ] || fail "sipp exited $RC_uas (a regexp check failed?)"
expect_no_line "$T/sim.log" "event=connect .*call=3"
# PSTN -> SIP: CALL PROCEEDING went back as soon as the INVITE left
expect_line "$T/sim.log" "event=proceeding .*call=1"
wait_for "$T/gw.log" "ended: 2125550100 -> 5552000, cause 16" 5
# no call or dialog left, and a clean exit (sanitizer builds included)
sleep 0.5
kill -TERM "$PID_gw"
wait_exit gw 15
[ "$RC_gw" = 0 ] || fail "pstngw exited $RC_gw"
expect_line "$T/gw.log" "releasing 0 call\(s\), SIP dialogs 0"
pass
