# SIPp as UAC: pstnsim rejects with cause 17 (user busy); the gateway
# answers 486 with the Q.850 cause in Reason, SIPp ACKs it inside the
# transaction and no call or dialog is left.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --reject 17 \
	--timeout 40
start_gw
( cd "$T" && exec sipp -sf "$S/uac_486.xml" 127.0.0.1:5060 -s 2125551234 \
	-i 127.0.0.1 -p 5071 -m 3 -r 5 -nostdin -timeout 20s -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
	-trace_msg >"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp exited $rc"
grep -q "Reason: Q.850;cause=17" "$T"/*messages.log ||
	fail "no Reason with cause 17 on the 486"
sleep 0.5
kill -TERM "$PID_gw"
wait_exit gw 15
expect_line "$T/gw.log" "releasing 0 call\(s\), SIP dialogs 0"
pass
