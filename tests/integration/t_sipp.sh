# SIPp on both sides: its built-in UAC places 3 calls through the gateway to
# pstnsim (answered, then SIPp's BYE), and its built-in UAS answers 3 calls
# from pstnsim. Exit status 0 means every call completed.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 \
	-p 5071 -m 3 -r 2 -d 500 -nostdin -timeout 30s >"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp uac exited $rc"
[ "$(grep -c 'event=released' "$T/sim.log")" -ge 3 ] || fail "pstnsim saw fewer than 3 releases"

start uas sipp -sn uas -i 127.0.0.1 -p 5070 -m 3 -nostdin -timeout 40s
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --calls 3 --interval 300 --hangup-after 800 \
	--exit-after 3 --timeout 40
wait_exit sim2 40
wait_exit uas 20
[ "$RC_uas" -eq 0 ] || fail "sipp uas exited $RC_uas"
[ "$(grep -c 'event=connect' "$T/sim2.log")" -eq 3 ] || fail "not all 3 calls connected"
pass
