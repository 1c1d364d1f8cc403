# RESTART storm: while calls are up and others are being set up, the
# switch sends two bursts of RESTARTs, each every B-channel one by one
# and then the whole interface three times (92 messages a burst). The
# gateway acknowledges every one, clears the calls on the restarted
# channels toward SIP with a BYE, keeps running, holds nothing
# afterwards, and takes new calls both ways.
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
fault_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" -v \
	--ctl "$T/sim.sock" --answer-delay 100 --timeout 60
start phone "$B/sipua" --listen 127.0.0.1:5070 --timeout 60
start_gw
# four calls up from SIP, two from the PSTN
start c1 "$B/sipua" --listen 127.0.0.1:5072 --calls 4 --interval 50 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 30000 \
	--exit-after 4 --timeout 40
sim_cmd "$T/sim.sock" "call 5551000 from=2125550100" \
	"call 5551001 from=2125550100" || fail "calls refused"
wait_count "$T/c1.log" "event=answered" 4 5
wait_count "$T/phone.log" "event=answered|event=incoming" 2 5
# more calls being set up while the storm runs
start c2 "$B/sipua" --listen 127.0.0.1:5073 --calls 10 --interval 60 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 200 \
	--exit-after 10 --timeout 40
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
start c3 "$B/sipua" --listen 127.0.0.1:5074 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 300 --exit-after 1 \
	--timeout 10
wait_exit c3 10
expect_line "$T/c3.log" "event=answered call=1"
sim_cmd "$T/sim.sock" "call 5551000 from=2125550100" \
	"expect event=connect within=5s" "hangup" \
	"expect event=released within=5s" || fail "PSTN call after the storm failed"
expect_idle 10
pass
