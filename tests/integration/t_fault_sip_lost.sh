# SIPp with -lost 5 (5% of its messages dropped) both ways; t_sipp_lost
# does 10%. Every call completes or fails by the RFC timers (T1 = 100 ms
# here), and then the operator's view is empty: no call, SIP dialog, SIP
# transaction or busy B-channel (metrics, pstngw-ctl show calls), and the
# switch saw every SETUP released.
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
fault_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 100
start_gw
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 \
	-p 5071 -m 15 -r 10 -d 300 -lost 5 -nostdin -timeout 30s \
	>"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -le 1 ] || fail "sipp uac exited $rc"
# the slowest failure: 2xx retransmitted for 64*T1, then BYE with Timer F
expect_idle 20
start uas sipp -sn uas -i 127.0.0.1 -p 5070 -lost 5 -nostdin -timeout 45s
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --calls 10 --interval 200 --hangup-after 400 \
	--timeout 40
wait_count "$T/sim2.log" "event=released" 10 40
expect_idle 20
for s in sim sim2; do
	n_setup=$(grep -c 'event=setup' "$T/$s.log")
	n_rel=$(grep -c 'event=released' "$T/$s.log")
	[ "$n_rel" -ge "$n_setup" ] || fail "$s: $n_setup SETUPs, $n_rel releases"
done
[ "$(grep -c 'event=setup' "$T/sim.log")" -ge 12 ] || fail "too few calls got through"
[ "$(grep -c 'event=setup' "$T/sim2.log")" -eq 10 ] || fail "pstnsim did not place 10 calls"
$CTL show channels 1 >"$T/chans.txt" || fail "show channels failed"
[ "$(grep -c ': idle' "$T/chans.txt")" -eq 23 ] || fail "a B-channel is not idle"
kill -TERM "$PID_gw"
wait_exit gw 15
kill -TERM "$PID_uas" 2>/dev/null
expect_line "$T/gw.log" "releasing 0 call\(s\), SIP dialogs 0, transactions 0"
pass
