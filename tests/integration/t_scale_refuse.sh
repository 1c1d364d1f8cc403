# Issue 9: which failures Kamailio (conf/kamailio/kamailio.cfg) passes to
# the next node and which it returns to the caller. The nodes' switches let
# calls ring until told. A caller's CANCEL reaches the ringing node and
# clears the PSTN call. A call that rang and is then refused with cause 34
# (SIP 503 after 180, which reaches the caller as 500) and a busy callee
# (486) go back to the caller with one INVITE each: another node would
# ring the callee again. With every
# node drained, the probes take them all out and a call gets Kamailio's own
# 503. Undrained, with every far switch refusing at once (cause 34: 503
# before ringing), a call tries each node once, then gets 503 with
# Retry-After: 30, and the probes bring the healthy nodes back.
. tests/integration/lib.sh
. tests/integration/scale_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
for n in 1 2 3; do
	scale_node_conf "$n"
	scale_sim "$n" --no-answer --ctl "$T/sim$n.ctl"
	scale_gw "$n"
done
scale_kam
for n in 1 2 3; do scale_wait_ds "$n" '^AP$' 10; done

# the caller gives up while the PSTN rings: its CANCEL goes through the
# proxy to the node, which clears the PSTN call; the caller gets 487
start cancel sipp -sf tests/integration/sipp/uac_cancel.xml 127.0.0.1:5060 \
	-s 2125551234 -i 127.0.0.1 -p 5075 -m 1 -d 500 -nostdin -timeout 20s
wait_exit cancel 20
[ "$RC_cancel" -eq 0 ] || fail "CANCEL through the proxy failed (sipp $RC_cancel)"
procs_wait_for "$T/sim1.log" "event=released" 1 ||
	procs_wait_for "$T/sim2.log" "event=released" 1 ||
	procs_wait_for "$T/sim3.log" "event=released" 3 ||
	fail "no node's switch cleared the canceled call"
[ "$(scale_count "$T/kam.log" 'kam: INVITE')" -eq 1 ] || fail "the canceled call was tried twice"

# rang, then no circuit (cause 34 -> 503): not tried elsewhere; the caller
# gets it as 500, since a proxy does not forward a 503 (RFC 3261 16.7)
scale_uac_fail rang 500 "To:" "tag="
n=$(scale_ringing_node) || fail "no node's switch got the call"
scale_sim_cmd "$n" "reject cause=34"
wait_exit rang 20
[ "$RC_rang" -eq 0 ] || fail "the caller did not get the 500 (sipp $RC_rang)"
[ "$(scale_count "$T/kam.log" "kam: INVITE .*\(1-$PID_rang@")" -eq 1 ] ||
	fail "a call refused after ringing was sent to another node"
expect_line "$T/kam.log" "kam: 503 from sip:127.0.0.$((n + 1)):5060 after ringing \(1-$PID_rang@"

# busy (cause 17 -> 486): the callee's answer, not tried elsewhere
SCALE_UAC_PORT=5072 scale_uac_fail busy 486 "To:" "tag="
n=$(scale_ringing_node) || fail "no node's switch got the call"
scale_sim_cmd "$n" "reject cause=17"
wait_exit busy 20
[ "$RC_busy" -eq 0 ] || fail "the caller did not get the 486 (sipp $RC_busy)"
[ "$(scale_count "$T/kam.log" "kam: INVITE .*\(1-$PID_busy@")" -eq 1 ] ||
	fail "a busy call was sent to another node"
for n in 1 2 3; do scale_wait_ds "$n" '^AP$' 1; done

# every node drained: all out of rotation, Kamailio answers itself
for n in 1 2 3; do
	$B/pstngw-ctl -s "$T/ctl$n.sock" drain >/dev/null || fail "drain of node $n failed"
done
for n in 1 2 3; do scale_wait_ds "$n" '^I' 5; done
SCALE_UAC_PORT=5073 scale_uac_fail none 503 "To:" "tag="
wait_exit none 20
[ "$RC_none" -eq 0 ] || fail "no 503 with every node out (sipp $RC_none)"
expect_line "$T/kam.log" "kam: no active gateway for 2125551234 \(1-$PID_none@"

# undrained, but every far switch refuses at once with cause 34 (no
# circuit; SIP 503 before any ringing): each node tried once, then 503
# with Retry-After; the probes (200: the nodes are healthy) bring them back
for n in 1 2 3; do
	$B/pstngw-ctl -s "$T/ctl$n.sock" undrain >/dev/null || fail "undrain of node $n failed"
	kill -TERM "$(eval echo "\$PID_sim$n")"
	wait_exit "sim$n" 10
	seen=$(scale_count "$T/gw$n.log" "span 1: span_up")
	start "full$n" "$B/pstnsim" --span "1:$T/span$n.sock:t1:ni2" \
		--reject 34 --timeout 60
	scale_wait_count "$T/gw$n.log" "span 1: span_up" "$seen" 10
done
for n in 1 2 3; do scale_wait_ds "$n" '^AP$' 5; done
SCALE_UAC_PORT=5074 scale_uac_fail all 503 "Retry-After:" "^ *30"
wait_exit all 20
[ "$RC_all" -eq 0 ] || fail "no 503 with Retry-After after every node refused (sipp $RC_all)"
[ "$(scale_count "$T/kam.log" "refused 503 \(1-$PID_all@")" -eq 3 ] ||
	fail "the call was not tried on each node exactly once"
expect_line "$T/kam.log" "kam: no gateway left for 2125551234 \(1-$PID_all@"
for n in 1 2 3; do
	[ "$(scale_count "$T/full$n.log" 'event=setup')" -eq 1 ] ||
		fail "node $n's switch did not see the call once"
done
for n in 1 2 3; do scale_wait_ds "$n" '^AP$' 5; done
[ "$(scale_active_dialogs)" = 0 ] || fail "kamailio still holds dialogs"
pass
