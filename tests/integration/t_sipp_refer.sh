# REFER (RFC 3515) in an answered call from SIPp: 202, the first NOTIFY
# (100 Trying), then the gateway, which cannot transfer a PSTN call,
# reports 603 in the final NOTIFY; the call stays up until SIPp's BYE.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 40
start_gw
( cd "$T" && exec sipp -sf "$S/uac_refer.xml" 127.0.0.1:5060 -s 2125551234 \
	-i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 20s -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
	>"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp exited $rc"
expect_line "$T/gw.log" "REFER to <sip:2125559999@127.0.0.1> declined"
wait_for "$T/sim.log" "event=released" 5
kill -TERM "$PID_gw"
wait_exit gw 15
expect_line "$T/gw.log" "releasing 0 call\(s\), SIP dialogs 0"
pass
