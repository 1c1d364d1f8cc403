# SIPp with -lost 10 (10% of its messages dropped) both ways: every call
# completes or fails by the RFC timers (T1 = 100 ms here), and afterwards
# the gateway holds no call, dialog or busy channel: each SETUP on the
# span is released, and the shutdown line counts zero.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 100
start_gw
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 \
	-p 5071 -m 20 -r 10 -d 300 -lost 10 -nostdin -timeout 40s \
	>"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -le 1 ] || fail "sipp uac exited $rc"
start uas sipp -sn uas -i 127.0.0.1 -p 5070 -lost 10 -nostdin -timeout 45s
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --calls 10 --interval 200 --hangup-after 400 \
	--timeout 40
# the slowest failure: 2xx retransmitted for 64*T1, then BYE with Timer F
for i in $(seq 60); do
	[ "$(grep -c 'event=released' "$T/sim2.log")" -ge 10 ] && break
	sleep 0.5
done
sleep 14
kill -TERM "$PID_gw"
wait_exit gw 15
kill -TERM "$PID_uas" 2>/dev/null
expect_line "$T/gw.log" "releasing 0 call\(s\), SIP dialogs 0"
for s in sim sim2; do
	n_setup=$(grep -c 'event=setup' "$T/$s.log")
	n_rel=$(grep -c 'event=released' "$T/$s.log")
	[ "$n_rel" -ge "$n_setup" ] || fail "$s: $n_setup SETUPs, $n_rel releases"
done
[ "$(grep -c 'event=setup' "$T/sim.log")" -ge 15 ] || fail "too few calls got through"
[ "$(grep -c 'event=setup' "$T/sim2.log")" -eq 10 ] || fail "pstnsim did not place 10 calls"
pass
