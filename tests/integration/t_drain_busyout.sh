# Drain with drain_mode = busyout (issue 9): the idle B-channels go out of
# service with SERVICE messages, which the switch (pstnsim) sees; the
# channel of the call in progress follows once that call has ended
# normally (then even a forced test call finds no channel); undrain
# brings all 23 back into service and a new call from the PSTN goes
# through.
. tests/integration/lib.sh
. tests/integration/drain_lib.sh
gw_conf "$T/gw.conf"
sed -i "s|^\[general\]\$|[general]\ndrain_mode = busyout|" "$T/gw.conf"
sed -i '/^group = pri$/a service_messages = yes' "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --ctl "$T/sim.sock" \
	--call 5551000 --from 2125550100 --play tone:1000 --hangup-after 4000 \
	--cause 16 --exit-after 100 --timeout 90
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --timeout 90
start_gw
wait_for "$T/phone.log" "event=answer call=1" 15
chan=$(sed -n 's/.*event=setup span=1 chan=\([0-9]*\) call=1 .*/\1/p' "$T/sim.log")
[ -n "$chan" ] || fail "no channel for call 1"

$CTL drain >"$T/drain.out" 2>&1 || fail "drain failed"
expect_line "$T/drain.out" "^calls 1$"
wait_for "$T/gw.log" "span 1: 22 B-channel\(s\) out of service: draining" 5
for _ in $(seq 50); do
	n=$(grep -c "event=chan_state span=1 chan=[0-9]* state=maint" "$T/sim.log")
	[ "$n" -ge 22 ] && break
	sleep 0.1
done
[ "$n" -eq 22 ] || fail "switch saw $n channels out of service, expected 22"
grep -q "event=chan_state span=1 chan=$chan state=maint" "$T/sim.log" &&
	fail "the channel of the call in progress went out of service"
$CTL show drain >"$T/show.out" 2>&1 || fail "show drain failed"
expect_line "$T/show.out" "^mode busyout, PRI cause 34"
expect_line "$T/show.out" "busied-out B-channels 22$"

# the call ends by pstnsim's hangup, with its audio; its channel follows
$CTL drain --wait 20 >"$T/wait.out" 2>&1 || fail "drain --wait: $(cat "$T/wait.out")"
wait_for "$T/phone.log" "event=bye call=1 cause=16" 5
expect_freq "$T/sim.log" "event=heard call=1 " 440
expect_freq "$T/phone.log" "event=heard call=1 " 1000
wait_for "$T/gw.log" "span 1: 1 B-channel\(s\) out of service: draining" 5
wait_for "$T/sim.log" "event=chan_state span=1 chan=$chan state=maint" 5
# every channel busied out: even a forced test call finds none
$CTL originate --force span 1 5551998 >"$T/orig.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "forced originate with all busied out exited $rc"
expect_line "$T/orig.out" "error: no B-channel is free on that span"

# undrain: every channel back, a new call goes through
$CTL undrain >/dev/null || fail "undrain failed"
wait_for "$T/gw.log" "span 1: 23 B-channel\(s\) back in service" 5
for _ in $(seq 50); do
	n=$(grep -c "event=chan_state span=1 chan=[0-9]* state=idle" "$T/sim.log")
	[ "$n" -ge 23 ] && break
	sleep 0.1
done
[ "$n" -eq 23 ] || fail "switch saw $n channels back in service, expected 23"
sim_cmd "$T/sim.sock" "call 5551000 from=2125550102" \
	"expect event=connect within=10s" "hangup cause=16" \
	"expect event=released within=5s" ||
	fail "PRI call after undrain failed: $(cat "$T/simcmd.out")"
pass
