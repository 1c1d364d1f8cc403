# Issue 9: draining a node behind Kamailio for maintenance. Six 6-second
# calls are up, two per node, when `pstngw-ctl drain` runs on node 2: its
# OPTIONS answer turns 503 and Kamailio's probe marks it inactive; new calls
# all go to nodes 1 and 3 (none reaches node 2's switch); node 2's own calls
# go on and end normally (BYE answered 200, talked to the end). Undrain:
# the probes bring it back and it takes calls. (A call that reaches a
# draining node before its probe fails over on the 503: t_scale_refuse.)
. tests/integration/lib.sh
. tests/integration/scale_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
for n in 1 2 3; do
	scale_node_conf "$n"
	scale_sim "$n" --answer-delay 100
	scale_gw "$n"
done
scale_kam
for n in 1 2 3; do scale_wait_ds "$n" '^AP$' 10; done
CTL2="$B/pstngw-ctl -s $T/ctl2.sock"

scale_uac long 6 10 6000
for n in 1 2 3; do
	procs_wait_for "$T/sim$n.log" "event=connect .*call=2" 10 ||
		fail "node $n: its two calls did not connect"
done
$CTL2 drain >"$T/drain.out" 2>&1 || fail "drain failed: $(cat "$T/drain.out")"
expect_line "$T/drain.out" "^calls 2$"
scale_wait_ds 2 '^I' 5
expect_line "$T/kam.log" "kam: gateway sip:127.0.0.3:5060 down"

# new calls while node 2 drains: all answered by nodes 1 and 3
SCALE_UAC_PORT=5072 SCALE_UAC_MP=40100 scale_uac new 9 5 300
wait_exit new 30
[ "$RC_new" -eq 0 ] || fail "calls failed while node 2 was draining (sipp $RC_new)"
[ "$(scale_setups 2)" -eq 2 ] || fail "node 2's switch saw a call after the drain"
[ "$(($(scale_setups 1) + $(scale_setups 3)))" -eq 13 ] ||
	fail "nodes 1 and 3 did not take the 9 new calls"

# node 2's calls finish as they would have: SIPp's BYE answered, 6 s talked
wait_exit long 30
[ "$RC_long" -eq 0 ] || fail "the long calls did not all end cleanly (sipp $RC_long)"
expect_no_line "$T/kam.log" "kam: BYE .* failed"
[ "$(scale_count "$T/cdr2.csv" ',sip-pstn,.*,200,sip,')" -eq 2 ] ||
	fail "node 2: its 2 calls did not end normally from SIP"
$CTL2 drain --wait 10 >"$T/wait.out" 2>&1 || fail "node 2 not drained: $(cat "$T/wait.out")"
expect_line "$T/wait.out" "^drained: no call in progress$"

# undrain: probed back in, takes calls again
$CTL2 undrain >"$T/undrain.out" 2>&1 || fail "undrain failed"
scale_wait_ds 2 '^AP$' 5
SCALE_UAC_PORT=5073 SCALE_UAC_MP=40200 scale_uac back 6 10 300
wait_exit back 30
[ "$RC_back" -eq 0 ] || fail "calls failed after undrain (sipp $RC_back)"
[ "$(scale_setups 2)" -ge 3 ] || fail "node 2 took no call after undrain"
[ "$(scale_active_dialogs)" = 0 ] || fail "kamailio still holds dialogs"
pass
