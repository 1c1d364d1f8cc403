# Drain (issue 9): with a PSTN -> SIP call up, `pstngw-ctl drain` refuses
# new calls from both sides while the call goes on: a new INVITE gets 503
# with Retry-After (SIPp checks it), an OPTIONS probe 503, a new PRI call
# is refused with cause 34; metrics show pstngw_draining 1 and the
# refusals; a reload keeps draining; `drain --wait` returns once the call
# has ended by pstnsim's own hangup with both tones heard (a shorter wait
# ends with exit 3). After undrain
# OPTIONS gets 200 and new calls from both sides succeed.
# A subscriber to x-pstngw-trunks sees drain=off, draining, drained, off
# in that order. A test call (originate) while draining is refused with
# pstngw-ctl exit 4 and reaches nobody; with --force it is placed.
. tests/integration/lib.sh
. tests/integration/drain_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf"
sed -i "s|^\[general\]\$|[general]\nmetrics_listen = 127.0.0.1:9464|" "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --ctl "$T/sim.sock" \
	--call 5551000 --from 2125550100 --play tone:1000 --hangup-after 12000 \
	--cause 16 --exit-after 100 --timeout 100
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --timeout 100
start_gw
wait_for "$T/phone.log" "event=answer call=1" 15
trunks_monitor mon 5075
wait_for "$T/mon.log" "state=active spans=1 up=1 channels=23 free=22 drain=off" 5

# drain: the call in progress is counted
$CTL drain >"$T/drain.out" 2>&1 || fail "drain failed: $(cat "$T/drain.out")"
expect_line "$T/drain.out" "^drain draining for [0-9]+ s$"
expect_line "$T/drain.out" "^calls 1$"
expect_line "$T/gw.log" "drain: started: new calls refused \(SIP 503, PRI cause 34\); 1 call\(s\) in progress"
wait_for "$T/mon.log" "free=22 drain=draining" 5
# a test call while draining: refused (exit 4), nothing reaches the span
$CTL originate span 1 5551999 secs=1 >"$T/orig.out" 2>&1
rc=$?
[ $rc -eq 4 ] || fail "originate while draining exited $rc: $(cat "$T/orig.out")"
expect_line "$T/orig.out" "error: the gateway is draining: test calls are refused \(originate --force places one anyway\)"
expect_line "$T/gw.log" "originate to 5551999 on span 1 refused: draining \(no --force\)"
# junk arguments: a clear error, still draining
$CTL drain now >"$T/junk.out" 2>&1
[ $? -eq 1 ] || fail "drain with junk arguments did not fail"
expect_line "$T/junk.out" "error: drain takes no arguments"
$B/pstngw-ctl -s "$T/ctl.sock" drain --wait soon >"$T/junk2.out" 2>&1
[ $? -eq 2 ] || fail "drain --wait soon did not fail"
expect_line "$T/junk2.out" "drain --wait takes 1 to 86400 seconds, not 'soon'"

# a new INVITE: 503 with Retry-After (the scenario checks the header)
( cd "$T" && exec sipp -sf "$S/uac_503_drain.xml" 127.0.0.1:5060 \
	-s 2125551234 -i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 15s \
	>"$T/uac503.log" 2>&1 )
[ $? -eq 0 ] || fail "the INVITE was not refused with 503 + Retry-After"
# an OPTIONS probe: 503 with Retry-After
options_probe opt_drain 503 'Retry-After: 60 [(]draining[)]' ||
	fail "OPTIONS while draining not answered 503 with Retry-After"
# a new PRI call: refused with cause 34 without reaching SIP
sim_cmd "$T/sim.sock" "call 5551000 from=2125550101" \
	"expect event=released cause=34 within=5s" ||
	fail "PRI call not refused with cause 34: $(cat "$T/simcmd.out")"
[ "$(grep -c 'event=incoming' "$T/phone.log")" -eq 1 ] ||
	fail "a refused call reached the phone"

scrape >"$T/m1.txt" || fail "metrics scrape failed"
expect_line "$T/m1.txt" "^pstngw_draining 1$"
expect_line "$T/m1.txt" '^pstngw_drain_refused_total\{side="sip"\} 1$'
expect_line "$T/m1.txt" '^pstngw_drain_refused_total\{side="pstn"\} 1$'
expect_line "$T/m1.txt" '^pstngw_options_health_total\{health="draining"\} 1$'
expect_line "$T/m1.txt" "^pstngw_calls_active 1$"
# a reload never undrains
$CTL reload >"$T/reload.out" 2>&1 || fail "reload failed: $(cat "$T/reload.out")"
expect_line "$T/reload.out" "still draining"
$CTL show calls >"$T/calls.out" 2>&1 || fail "show calls failed"
grep -q "2125550100" "$T/calls.out" || fail "show calls lost the call: $(cat "$T/calls.out")"

# a wait too short: exit 3, still draining
$CTL drain --wait 1 >"$T/short.out" 2>&1
rc=$?
[ $rc -eq 3 ] || fail "drain --wait 1 exited $rc: $(cat "$T/short.out")"
expect_line "$T/short.out" "^waiting: 1 call\(s\) in progress$"
expect_line "$T/short.out" "still 1 call\(s\) in progress after 1 s \(still draining\)"
# wait for the call to end on its own (pstnsim hangs up 12 s after answer)
$CTL drain --wait 30 >"$T/wait.out" 2>&1 ||
	fail "drain --wait did not see the calls end: $(cat "$T/wait.out")"
expect_line "$T/wait.out" "^drained: no call in progress$"
expect_line "$T/gw.log" "drain: last call finished after [0-9]+ s: drained"
wait_for "$T/phone.log" "event=bye call=1 cause=16" 5
expect_freq "$T/sim.log" "event=heard call=1 " 440
expect_freq "$T/phone.log" "event=heard call=1 " 1000
$CTL show drain >"$T/show.out" 2>&1 || fail "show drain failed"
expect_line "$T/show.out" "^drain drained for [0-9]+ s$"
expect_line "$T/show.out" "^refused sip 1 pstn 1"
wait_for "$T/mon.log" "free=23 drain=drained" 5
expect_no_line "$T/sim.log" "called=5551999"
# forced: placed while drained; pstnsim answers and hears the tone
$CTL originate --force span 1 5551998 secs=2 >"$T/orig2.out" 2>&1 ||
	fail "originate --force while drained: $(cat "$T/orig2.out")"
expect_line "$T/orig2.out" "^originate 1: calling 5551998 on span 1, tone 1004 Hz for 2 s once answered \(forced while draining\)$"
wait_for "$T/gw.log" "originate 1 \(span 1, 5551998\): ended, cause 16, answered" 10
# subscribers saw its channel taken and freed, still drained
wait_for "$T/mon.log" "free=22 drain=drained" 5
freed=0
for i in $(seq 50); do
	awk '/free=22 drain=drained/ { t = 1 } t && /free=23 drain=drained/ { f = 1 }
		END { exit !f }' "$T/mon.log" && { freed=1; break; }
	sleep 0.1
done
[ $freed -eq 1 ] || fail "no NOTIFY with the test call's channel free again"
tc=$(sed -n 's/.*event=setup span=1 chan=[0-9]* call=\([0-9]*\) dir=in called=5551998.*/\1/p' "$T/sim.log")
[ -n "$tc" ] || fail "pstnsim never saw the forced test call"
expect_freq "$T/sim.log" "event=heard call=$tc " 1004
$CTL show drain >"$T/show2.out" 2>&1 || fail "show drain failed"
expect_line "$T/show2.out" "^drain drained for [0-9]+ s$"

# undrain: OPTIONS 200, new calls from both sides go through
$CTL undrain >"$T/undrain.out" 2>&1 || fail "undrain failed"
expect_line "$T/undrain.out" "^drain off$"
expect_line "$T/gw.log" "drain: ended after [0-9]+ s: new calls accepted \(refused while draining: sip 1, pstn 1\)"
# the subscriber's NOTIFYs, in order (the undrain one within 5 s)
for i in $(seq 50); do
	got=$(drain_seq "$T/mon.log")
	[ "$got" = "off draining drained off" ] && break
	sleep 0.1
done
[ "$got" = "off draining drained off" ] ||
	fail "x-pstngw-trunks subscriber saw drain= $got"
options_probe opt_ok 200 'Allow: .*INVITE' || fail "OPTIONS after undrain not 200"
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 \
	-p 5071 -m 1 -d 500 -nostdin -timeout 20s >"$T/uac.log" 2>&1 )
[ $? -eq 0 ] || fail "SIP call after undrain failed"
sim_cmd "$T/sim.sock" "call 5551000 from=2125550102" \
	"expect event=connect within=10s" "hangup cause=16" \
	"expect event=released within=5s" ||
	fail "PRI call after undrain failed: $(cat "$T/simcmd.out")"
scrape >"$T/m2.txt" || fail "metrics scrape failed"
expect_line "$T/m2.txt" "^pstngw_draining 0$"
pass
