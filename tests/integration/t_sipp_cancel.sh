# SIPp as UAC: CANCEL before the answer (487, ACKed in the transaction),
# and CANCEL sent as pstnsim answers (either 487, or the 200 wins and the
# call is ACKed and ended with BYE). Afterwards no call, dialog or channel
# is left in the gateway.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 1500 \
	--timeout 80
start_gw
uac() { # NAME PAUSE_MS CALLS
	( cd "$T" && exec sipp -sf "$S/uac_cancel.xml" 127.0.0.1:5060 \
		-s 2125551234 -i 127.0.0.1 -p 5071 -m "$3" -r 5 -d "$2" \
		-nostdin -timeout 30s -trace_err -error_file "$T/sipp_err_$RANDOM.log" -trace_msg >"$T/$1.log" 2>&1 )
}
uac c487 200 3 || fail "sipp (CANCEL before the answer) exited $?"
[ "$(grep -c 'sip 487' "$T/gw.log")" -ge 3 ] || fail "fewer than three 487s"
# A 200 landing while SIPp is about to send its CANCEL is "unexpected"
# to it: not fatal here, the gateway's 2xx retransmission is caught later.
race() { # TIMEOUT_MS: CANCEL unless the 200 came within it
	sed "s/TMO/$1/" "$S/uac_race.xml.in" >"$T/race$1.xml"
	( cd "$T" && exec sipp -sf "$T/race$1.xml" 127.0.0.1:5060 \
		-s 2125551234 -i 127.0.0.1 -p 5071 -m 2 -r 5 -nostdin \
		-default_behaviors all,-abortunexp -timeout 30s -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
		>"$T/race$1.log" 2>&1 )
}
for d in 1300 1460 1480 1500 1520 1700; do
	race "$d" || fail "sipp (CANCEL racing the 200 at $d ms) exited $?"
done
[ "$(grep -c "sip 487" "$T/gw.log")" -ge 5 ] || fail "the early CANCELs did not all end in 487"
sleep 1
kill -TERM "$PID_gw"
wait_exit gw 15
expect_line "$T/gw.log" "releasing 0 call\(s\), SIP dialogs 0"
n_setup=$(grep -c 'event=setup' "$T/sim.log")
n_rel=$(grep -c 'event=released' "$T/sim.log")
[ "$n_setup" -eq 15 ] || fail "expected 15 SETUPs, saw $n_setup"
[ "$n_rel" -eq "$n_setup" ] || fail "$n_setup SETUPs but $n_rel releases"
pass
