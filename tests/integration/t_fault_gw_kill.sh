# The gateway dies (SIGKILL) with calls up both ways and is started
# again on the same configuration: the switch frees the calls' channels
# when the link goes, the new gateway RESTARTs every channel on start
# (restart_on_start) and keeps none stuck; the SIP phones' dialogs end on
# their own: the callers' BYE gets 481 from the new process, and the
# called phone, which hangs up nothing, refreshes its session (as a real
# peer's session timer does, RFC 4028) and ends the call on the 481 to
# the refresh; stale control socket and ports are taken over; new calls
# work both ways.
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
fault_start --refresh 500
sip_calls c1 5072 2 5000
sim_cmd "$T/sim.sock" "call 5551000 from=2125550100" || fail "call refused"
wait_count "$T/c1.log" "event=answered" 2 5
wait_for "$T/sim.log" "event=connect .*call=3" 5
# refreshes answered by the live gateway keep the call (a second is sent
# only once the first is done)
wait_count "$T/phone.log" "event=refresh call=1" 2 5
kill -KILL "$PID_gw"
wait_exit gw 5
# the switch: link gone, every call released
wait_for "$T/sim.log" "event=span_down" 5
wait_count "$T/sim.log" "event=released" 3 5

mv "$T/gw.log" "$T/gw1.log"
start_gw
$CTL trace sip on >/dev/null || fail "trace sip on failed"
wait_for "$T/gw.log" "RESTART all" 5
wait_count "$T/sim.log" "event=restart span=1 chan=" 46 10
$CTL show channels 1 >"$T/chans.txt" || fail "show channels failed"
[ "$(grep -c ': idle' "$T/chans.txt")" -eq 23 ] ||
	fail "not every channel idle after the restart"
# the old dialogs end from the SIP side: the new process does not know them
wait_exit c1 10
[ "$(grep -c 'event=ended' "$T/c1.log")" -eq 2 ] || fail "SIP calls still up"
[ "$(grep -c 'SIP/2.0 481 ' "$T/gw.log")" -ge 2 ] ||
	fail "the BYEs of the old dialogs did not get 481"
# the called phone ended its dialog by itself: no BYE reached it (its
# refresh may reach the new process before the trace is on: the 481s to
# it are not counted)
wait_for "$T/phone.log" "event=ended call=1" 10
expect_no_line "$T/phone.log" "event=bye call=1"
expect_idle 10
both_ways_work c3 5074
pass
