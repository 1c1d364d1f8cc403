# Issue 7 (Control): `pstngw-ctl originate span 1 NUMBER` places a test
# call on the span; pstnsim answers, hears the 1004 Hz test tone, and the
# gateway hangs up (cause 16) after secs=. `originate trunk phone NUMBER`
# does the same towards SIP: sipua answers, hears the tone in RTP, gets
# the BYE. Bad requests get sentences.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
ctl() { "$B/pstngw-ctl" -s "$T/ctl.sock" "$@"; }
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 200 \
	--exit-after 1 --timeout 30
start_gw
ctl originate span 1 2125551234 5550100 secs=2 >"$T/o.out" 2>&1 ||
	fail "originate: $(cat "$T/o.out")"
expect_line "$T/o.out" "^originate 1: calling 2125551234 on span 1, tone 1004 Hz for 2 s once answered$"
wait_exit sim 20
[ "$RC_sim" = 0 ] || fail "pstnsim exited $RC_sim"
expect_line "$T/sim.log" "event=setup span=1 chan=[0-9]+ call=1 dir=in called=2125551234 calling=5550100"
expect_line "$T/sim.log" "event=connect span=1"
expect_line "$T/sim.log" "event=released span=1 chan=[0-9]+ call=1 cause=16"
expect_freq "$T/sim.log" "event=heard call=1 " 1004
wait_for "$T/gw.log" "originate 1 \(span 1, 2125551234\): answered on chan" 5
wait_for "$T/gw.log" "originate 1 \(span 1, 2125551234\): tone played after 2 s: hanging up" 5
wait_for "$T/gw.log" "originate 1 \(span 1, 2125551234\): ended, cause 16, answered" 5

# towards SIP: the trunk's phone answers and hears the tone
start phone "$B/sipua" --listen 127.0.0.1:5070 --answer-delay 200 \
	--exit-after 1 --timeout 20
ctl originate trunk phone 5551000 secs=2 tone=800 >"$T/o2.out" 2>&1 ||
	fail "originate trunk: $(cat "$T/o2.out")"
expect_line "$T/o2.out" "^originate 2: calling 5551000 on trunk phone, tone 800 Hz for 2 s once answered$"
wait_exit phone 20
[ "$RC_phone" = 0 ] || fail "sipua exited $RC_phone"
expect_line "$T/phone.log" "event=incoming call=1 from=pstngw-test to=5551000"
expect_line "$T/phone.log" "event=bye call=1 cause=16"
expect_freq "$T/phone.log" "event=heard call=1 " 800
wait_for "$T/gw.log" "originate 2 \(trunk phone, 5551000\): answered: PCMU to 127.0.0.1:[0-9]+, tone for 2 s" 5
wait_for "$T/gw.log" "originate 2 \(trunk phone, 5551000\): ended, answered, [0-9]+ RTP packets sent" 5

# bad requests: a plain sentence each, the daemon goes on
check_err() {
	local want=$1
	shift
	ctl "$@" 2>"$T/e.err" && fail "accepted: $*"
	grep -q "pstngw-ctl: error: $want" "$T/e.err" || fail "$*: $(cat "$T/e.err")"
}
check_err "no such span" originate span 9 123
check_err "no such trunk" originate trunk nobody 123
check_err "say where" originate group pri 123
check_err "numbers are digits" originate span 1 12a3
check_err "secs must be from 1 to 3600" originate span 1 123 secs=0
check_err "unknown option" originate span 1 123 colour=red
check_err "that span is not up" originate span 1 123
ctl version >/dev/null || fail "daemon gone after bad requests"
pass
