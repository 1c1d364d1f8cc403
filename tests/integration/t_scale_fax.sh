# Issue 9, PSTN -> SIP: the nodes send their PSTN calls straight to the fax
# servers (conf/kamailio/routes-node.conf: fax1, then fax2, failover on
# 503/500/408, both probed by OPTIONS keep-alives). Two nodes, two fax
# server stand-ins. Both up: calls from both nodes' switches go to fax1.
# fax1 dies: a call offered before the keep-alives noticed waits out its
# INVITE timeout and goes on to fax2; once fax1 is marked unreachable,
# calls go to fax2 without an INVITE to fax1. fax1 returns: calls go back.
. tests/integration/lib.sh
. tests/integration/scale_lib.sh
scale_fax 1
scale_fax 2
for n in 1 2; do
	scale_node_conf "$n"
	scale_sim "$n" --ctl "$T/sim$n.ctl" --hangup-after 300
	scale_gw "$n"
	wait_for "$T/gw$n.log" "trunk fax1: reachable" 10
done

# both fax servers up: fax1 takes every call
scale_sim_cmd 1 "call 5559001 from=2125550100 count=2 interval=200ms"
scale_sim_cmd 2 "call 5559002 from=2125550101 count=2 interval=200ms"
for n in 1 2; do
	procs_wait_for "$T/sim$n.log" "event=released .*call=2" 10 ||
		fail "node $n: calls not through"
done
[ "$(scale_count "$T/fax1.log" 'event=incoming')" -eq 4 ] || fail "fax1 did not take all 4 calls"
[ "$(scale_count "$T/fax2.log" 'event=incoming')" -eq 0 ] || fail "fax2 took a call while fax1 was up"

# fax1 dies; a call right away: INVITE timeout (64*T1 = 6.4 s), then fax2
kill -KILL "$PID_fax1"
wait_exit fax1 5
scale_sim_cmd 1 "call 5559003 from=2125550100"
procs_wait_for "$T/sim1.log" "event=connect .*call=3" 15 ||
	fail "node 1: the call did not reach fax2"
expect_line "$T/fax2.log" "event=incoming call=1 "
expect_line "$T/gw1.log" "route to-fax-servers: trunk fax1 failed \(SIP 408\): trying trunk fax2"

# once fax1 is known unreachable, calls go straight to fax2
for n in 1 2; do wait_for "$T/gw$n.log" "trunk fax1: unreachable" 10; done
before=$(scale_count "$T/gw2.log" "route to-fax-servers: INVITE sip:[^ ]*@127.0.0.21")
scale_sim_cmd 2 "call 5559004 from=2125550101 count=2 interval=200ms"
procs_wait_for "$T/sim2.log" "event=released .*call=4" 10 ||
	fail "node 2: calls did not reach fax2 while fax1 was down"
[ "$(scale_count "$T/gw2.log" "route to-fax-servers: INVITE sip:[^ ]*@127.0.0.21")" -eq "$before" ] ||
	fail "node 2 still sent an INVITE to fax1 after marking it unreachable"
[ "$(scale_count "$T/fax2.log" 'event=incoming')" -eq 3 ] || fail "fax2 did not take the 3 calls"

# fax1 back: the keep-alives notice, calls go to it again
seen=$(scale_count "$T/gw1.log" "trunk fax1: reachable")
scale_fax 1
scale_wait_count "$T/gw1.log" "trunk fax1: reachable" "$seen" 10
scale_sim_cmd 1 "call 5559005 from=2125550100"
procs_wait_for "$T/fax1.log" "event=incoming" 10 || fail "fax1 got no call after it came back"
procs_wait_for "$T/sim1.log" "event=connect .*call=4" 10 || fail "node 1: call 4 not answered"
for n in 1 2; do
	[ "$(scale_count "$T/sim$n.log" 'event=connect')" -eq 4 ] ||
		fail "node $n: not every PSTN call was answered"
done
pass
