# RESTART storm: while calls are up and others are being set up, the
# switch sends two bursts of RESTARTs, each every B-channel one by one
# and then the whole interface three times (92 messages a burst). The
# gateway acknowledges every one, clears the calls on the restarted
# channels toward SIP with a BYE, keeps running, holds nothing
# afterwards, and takes new calls both ways.
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
SIM_OPTS=-v fault_start
# four calls up from SIP, two from the PSTN
sip_calls c1 5072 4 30000
sim_cmd "$T/sim.sock" "call 5551000 from=2125550100" \
	"call 5551001 from=2125550100" || fail "calls refused"
wait_count "$T/c1.log" "event=answered" 4 5
wait_count "$T/phone.log" "event=answered|event=incoming" 2 5
# more calls being set up while the storm runs
sip_calls c2 5073 10 200 60
burst() {
	local i
	for i in $(seq 23); do echo "restart chan=$i"; done
	echo restart; echo restart; echo restart
}
mapfile -t storm < <(burst)
sim_cmd "$T/sim.sock" "${storm[@]}" || fail "first burst refused"
sleep 0.3
sim_cmd "$T/sim.sock" "${storm[@]}" || fail "second burst refused"
wait_exit c1 10
[ "$(grep -c 'event=bye call=[0-9]* cause=' "$T/c1.log")" -eq 4 ] ||
	fail "the 4 SIP calls were not all cleared with a BYE"
wait_exit c2 20
for c in 1 2; do
	expect_line "$T/phone.log" "event=bye call=$c cause=41"
done
# the calls caught by the storm ended (cleared or refused), none hangs
[ "$(grep -c 'event=ended' "$T/c2.log")" -eq 10 ] ||
	fail "not every call set up during the storm ended"
kill -0 "$PID_gw" || fail "pstngw died"
# every RESTART acknowledged and counted
# (207: the switch's own start-up RESTART of the 23 channels, then 184)
wait_count "$T/sim.log" "RESTART ACKNOWLEDGE for" 207 10
sleep 0.2
[ "$(grep -c 'RESTART ACKNOWLEDGE for' "$T/sim.log")" -eq 207 ] ||
	fail "more acknowledgements than RESTARTs"
$CTL show spans >"$T/spans.txt" || fail "show spans failed"
expect_line "$T/spans.txt" "restarts_rx 207 "
expect_idle 10
n_set=$(grep -c 'event=setup' "$T/sim.log")
n_rel=$(grep -c 'event=released' "$T/sim.log")
[ "$n_rel" -eq "$n_set" ] || fail "switch: $n_set calls, $n_rel released"
# new calls both ways
both_ways_work c3 5074
pass
