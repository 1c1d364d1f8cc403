# Issue 9: a node dies (SIGKILL) behind Kamailio. Six 5-second calls are up,
# two on each node, when node 2 is killed. Its two calls end cleanly from
# the SIP side: SIPp's BYE through Kamailio gets a 408 once Kamailio's
# transaction times out (RFC 3261 15.1.1: the call is over either way) and
# Kamailio keeps no dialog. New calls meanwhile all succeed: one sent to the
# dead node before the probes noticed fails over after FR_MS, and none is
# sent to it once Kamailio has marked it down. Node 2 restarts, the probes
# bring it back, and it takes calls again.
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

# six long calls, round-robin: two per node
scale_uac long 6 10 5000
for n in 1 2 3; do
	procs_wait_for "$T/sim$n.log" "event=connect .*call=2" 10 ||
		fail "node $n: its two calls did not connect"
done
kill -KILL "$PID_gw2"
wait_exit gw2 5

# new calls while node 2 is dead: every one answered elsewhere
SCALE_UAC_PORT=5072 SCALE_UAC_MP=40100 scale_uac new 9 3 300
wait_exit new 40
[ "$RC_new" -eq 0 ] || fail "calls failed while node 2 was dead (sipp $RC_new)"
wait_exit long 30
[ "$RC_long" -eq 0 ] || fail "the long calls did not all end cleanly (sipp $RC_long)"
scale_wait_ds 2 '^I' 5
expect_line "$T/kam.log" "kam: gateway sip:127.0.0.3:5060 down"
[ "$(grep -c 'kam: BYE .* to sip:127.0.0.3:5060 failed: 408' "$T/kam.log")" -eq 2 ] ||
	fail "expected the 2 BYEs to the dead node to time out (408)"
[ "$(scale_setups 2)" -eq 2 ] || fail "node 2's switch saw calls after the kill"
# a new call sent to the dead node before it was marked went on to the next
for cid in $(sed -n "s/.*kam: INVITE .*(\([0-9]*-$PID_new@[^)]*\)) to sip:127.0.0.3:5060/\1/p" "$T/kam.log"); do
	expect_line "$T/kam.log" "gateway sip:127.0.0.3:5060 silent \($cid\): next"
done
# after the down mark, no INVITE went to node 2
sed -n '/gateway sip:127.0.0.3:5060 down/,$p' "$T/kam.log" >"$T/after_down.txt"
expect_no_line "$T/after_down.txt" "kam: INVITE .* to sip:127.0.0.3:5060"
[ "$(($(scale_setups 1) + $(scale_setups 3)))" -eq 13 ] ||
	fail "nodes 1 and 3 did not take the 9 new calls"
# node 2's PSTN side: its calls were released when the box went away
procs_wait_for "$T/sim2.log" "event=released .*call=2" 10 ||
	fail "node 2's switch kept the calls of the dead box"
[ "$(scale_active_dialogs)" = 0 ] || fail "kamailio still holds dialogs"

# node 2 comes back: probed up, then it takes calls again
scale_gw 2
scale_wait_ds 2 '^AP$' 10
expect_line "$T/kam.log" "kam: gateway sip:127.0.0.3:5060 up"
SCALE_UAC_PORT=5073 SCALE_UAC_MP=40200 scale_uac back 6 6 300
wait_exit back 30
[ "$RC_back" -eq 0 ] || fail "calls failed after node 2 came back (sipp $RC_back)"
[ "$(scale_setups 2)" -ge 3 ] || fail "node 2 took no call after its restart"
[ "$(scale_active_dialogs)" = 0 ] || fail "kamailio still holds dialogs"
pass
