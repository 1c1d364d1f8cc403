# Issue 9: the proxy's in-dialog keep-alives (dialog module, KA_S 30, the
# module's least). Two calls up, one on each of two nodes, callers that
# never hang up. Node 1 dies: its keep-alive goes unanswered, so Kamailio
# ends that call itself with a BYE to the caller about 40 s after the kill
# (30 s to the next keep-alive, its timeout, then 10 s more). The call on
# node 2 answers its keep-alives and stays up until its PSTN side hangs up.
# Slow by nature: ~50 s.
. tests/integration/lib.sh
. tests/integration/scale_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
for n in 1 2; do
	scale_node_conf "$n"
	sed -i "s/^log_level = info/log_level = debug/" "$T/gw$n.conf"
	scale_sim "$n" --answer-delay 100 --ctl "$T/sim$n.ctl"
	scale_gw "$n"
done
SCALE_KAM_ARGS="-A KA_TIMER_S=1" scale_kam
sed -i '/127\.0\.0\.4:5060/d' "$T/dispatcher.list"
scale_kamcmd dispatcher.reload >/dev/null || fail "dispatcher.reload failed"
for n in 1 2; do scale_wait_ds "$n" '^AP$' 10; done
start uac sipp -sf tests/integration/sipp/uac_rr_wait_bye.xml 127.0.0.1:5060 \
	-s 2125551234 -i 127.0.0.1 -p 5071 -m 2 -r 10 -nostdin -timeout 90s \
	-trace_err -error_file "$T/uac_err.log"
for n in 1 2; do wait_for "$T/sim$n.log" "event=connect .*call=1" 10; done
[ "$(scale_active_dialogs)" = 2 ] || fail "kamailio does not track both calls"
kill -KILL "$PID_gw1"
wait_exit gw1 5
t0=$(date +%s)
for i in $(seq 600); do
	[ "$(scale_active_dialogs)" = 1 ] && break
	sleep 0.1
done
dt=$(($(date +%s) - t0))
[ "$(scale_active_dialogs)" = 1 ] || fail "the dead node's call still up after $dt s"
[ "$dt" -ge 25 ] || fail "call ended after only $dt s: keep-alives not the cause?"
# node 2's call outlived a keep-alive round, answered, and is still up (a
# 481 would have ended it as late as node 1's)
sleep 3
[ "$(scale_active_dialogs)" = 1 ] || fail "node 2's call ended too"
expect_no_line "$T/sim2.log" "event=released"
$B/pstngw-ctl -s "$T/ctl2.sock" show calls >"$T/calls2.txt" ||
	fail "show calls on node 2 failed"
grep -q 2125551234 "$T/calls2.txt" || fail "node 2 lost its call: $(cat "$T/calls2.txt")"
scale_sim_cmd 2 "hangup cause=16"
wait_exit uac 20
[ "$RC_uac" -eq 0 ] || fail "a caller got no BYE (sipp $RC_uac)"
[ "$(scale_active_dialogs)" = 0 ] || fail "kamailio still holds a dialog"
pass
