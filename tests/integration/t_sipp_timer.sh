# Session timers with SIPp as the refresher (RFC 4028): Session-Expires
# 90 with Min-SE 90 is accepted with refresher=uac and Require: timer;
# refreshes by UPDATE and by re-INVITE are answered (the re-INVITE with
# the session's SDP); 30 s is refused with 422 and Min-SE: 90.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw
sipp_uac() { # NAME SCENARIO CALLS
	( cd "$T" && exec sipp -sf "$S/$2" 127.0.0.1:5060 -s 2125551234 \
		-i 127.0.0.1 -p 5071 -m "$3" -r 5 -nostdin -timeout 20s \
		-trace_err -error_file "$T/sipp_err_$RANDOM.log" >"$T/$1.log" 2>&1 )
}
sipp_uac refresh uac_timer.xml 2 || fail "sipp (refresher) exited $?"
expect_line "$T/gw.log" "session timer 90 s, refresher peer"
sipp_uac short uac_422.xml 1 || fail "sipp (Session-Expires 30) exited $?"
[ "$(grep -c 'event=setup' "$T/sim.log")" -eq 2 ] || fail "the 422 call reached the PSTN"
sleep 0.5
kill -TERM "$PID_gw"
wait_exit gw 15
expect_line "$T/gw.log" "releasing 0 call\(s\), SIP dialogs 0"
pass
