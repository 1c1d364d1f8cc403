# pstnsim scenarios with tdm's call information (issue 4): calling number
# TON/NPI/presentation/screening, called TON, redirecting number and
# reason arrive intact; overlap sending (SETUP ACK, digits in INFORMATION,
# sending complete) into overlap receiving; keypad digits; RESTART of one
# channel; line faults (alarm with the far end's RAI, D-channel drop).
. tests/integration/lib.sh

cat >"$T/sw.scn" <<'SCN'
wait event=span_up
call 5551234 from=2125550100 ton=national npi=isdn pres=restricted screen=network called-ton=subscriber redirecting=2125550199 reason=busy
expect event=connect call=1
hangup call=1
expect event=released call=1
# overlap sending: 555, then 12, then 34 with sending complete
call 555 from=2125550100 overlap=yes
expect event=setup_ack call=2 within=3s
digits 12 mode=overlap
wait 100ms
digits 34 mode=overlap complete=yes
expect event=connect call=2
digits 77 mode=keypad
wait 300ms
hangup
expect event=released call=2
restart span=1 chan=3
expect event=chan_state span=1 chan=3 state=idle
SCN
cat >"$T/ph.scn" <<'SCN'
wait event=setup call=1 called=5551234 calling=2125550100 calling_ton=national calling_npi=e164 calling_pres=restricted calling_screen=network called_ton=subscriber complete=1 redirecting=2125550199 reason=busy
answer
expect event=released call=1
wait event=setup call=2 called=5551234 calling=2125550100 complete=1
answer
expect event=digits call=2 digits=77
expect event=released call=2
expect event=restart span=1 chan=3
SCN
start sw "$B/pstnsim" --span "1:$T/s.sock:t1:ni2" --script "$T/sw.scn" \
	--timeout 30
start ph "$B/pstnsim" --span "1:$T/s.sock:t1:ni2:cpe:client" --overlap=7 \
	--script "$T/ph.scn" --timeout 30
wait_exit sw 35
[ "$RC_sw" = 0 ] || fail "switch exited $RC_sw"
wait_exit ph 35
[ "$RC_ph" = 0 ] || fail "phone side exited $RC_ph"
expect_line "$T/sw.log" "event=setup_ack span=1 chan=[0-9]+ call=2"
expect_line "$T/ph.log" "event=scenario_done"
expect_line "$T/ph.log" "event=restart span=1 chan=3"

# Line faults on the loop driver. alarm red: the far end sees red and
# answers with yellow (RAI); clear ends both.
printf '%s\n' "wait event=span_up" "alarm red" \
	"expect event=alarm span=1 alarms=yellow" "wait 300ms" "alarm clear" \
	"expect event=alarm span=1 alarms=none" >"$T/al.scn"
start al "$B/pstnsim" --span "1:$T/al.sock:t1:ni2" --script "$T/al.scn" \
	--timeout 10
start alp "$B/pstnsim" --span "1:$T/al.sock:t1:ni2:cpe:client" --timeout 10
wait_exit al 15
[ "$RC_al" = 0 ] || fail "alarm scenario exited $RC_al"
expect_line "$T/alp.log" "event=alarm span=1 alarms=red"
wait_for "$T/alp.log" "event=alarm span=1 alarms=none" 5

# drop-dchannel 2s: a SETUP sent meanwhile gets through only once the
# D-channel is back (Q.921 retransmits it), so the call connects >= 1.5 s
# after it was placed, and no sooner.
printf '%s\n' "wait event=span_up" "drop-dchannel 2s" "call 5551000" \
	"expect event=connect within=15s" "hangup" "expect event=released" \
	>"$T/dr.scn"
start dr "$B/pstnsim" --span "1:$T/dr.sock:t1:ni2" --script "$T/dr.scn" \
	--timeout 20
start drp "$B/pstnsim" --span "1:$T/dr.sock:t1:ni2:cpe:client" --timeout 20
wait_exit dr 25
[ "$RC_dr" = 0 ] || fail "drop-dchannel scenario exited $RC_dr"
s=$(sed -n 's/^pstnsim t=\([0-9]*\) event=setup .*call=1 .*/\1/p' "$T/dr.log")
c=$(sed -n 's/^pstnsim t=\([0-9]*\) event=connect .*call=1$/\1/p' "$T/dr.log")
[ -n "$s" ] && [ -n "$c" ] && [ $((c - s)) -ge 1500 ] ||
	fail "call placed at ${s}ms connected at ${c}ms: the drop did not hold it"
# inject: malformed messages during a call are rejected by the far end
# (counted, logged) and the call survives; a bad-FCS frame is dropped and
# Q.921 sends it again.
printf '%s\n' "wait event=span_up" "call 5551000" "expect event=connect" \
	"inject short_block" "inject runt_frame" "inject corrupt" "wait 300ms" \
	"hangup" "expect event=released cause=16 within=10s" >"$T/in.scn"
start inj "$B/pstnsim" --span "1:$T/in.sock:t1:ni2" --script "$T/in.scn" \
	--timeout 20
start injp "$B/pstnsim" --span "1:$T/in.sock:t1:ni2:cpe:client" --timeout 20
wait_exit inj 25
[ "$RC_inj" = 0 ] || fail "inject scenario exited $RC_inj"
expect_line "$T/inj.log" "event=injected span=1 fault=corrupt"
wait_for "$T/injp.log" "event=released span=1 chan=[0-9]+ call=1 cause=16" 5
[ "$(grep -c 'event=rejected_frame span=1' "$T/injp.log")" = 2 ] ||
	fail "the far end did not reject the 2 malformed messages"
pass
