# Health-truthful OPTIONS (issue 9): an out-of-dialog OPTIONS is answered
# 200 only while the gateway can place a PSTN call: no span up -> 503
# (Retry-After, "no span up"); span up -> 200; every B-channel busy with a
# call -> 503 ("no free B-channel"), 200 again once they end; every
# B-channel blocked by the operator -> 503; the span gone -> 503; and
# options_health = no (applied by a reload) -> 200 whatever the spans.
. tests/integration/lib.sh
. tests/integration/drain_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf"
sed -i "s|^\[general\]\$|[general]\nmetrics_listen = 127.0.0.1:9464\nretry_after_s = 30|" "$T/gw.conf"
start gw "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw.log" "listening on 127.0.0.1:5060/udp" 10
options_probe opt_down 503 'Retry-After: 30 [(]no span up[)]' ||
	fail "OPTIONS without a span up not answered 503"
expect_line "$T/gw.log" "health: OPTIONS now answered 503 \(no span up; 0 span\(s\) up, 0 idle B-channel\(s\)\)"

# the span comes up: 200
start uas sipp -sn uas -i 127.0.0.1 -p 5070 -nostdin -timeout 90s
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --calls 23 --interval 40 --hangup-after 4000 \
	--exit-after 100 --timeout 90
wait_for "$T/gw.log" "span 1: span_up" 15
# every B-channel busy: 503
for _ in $(seq 100); do
	n=$($CTL show channels 2>/dev/null | grep -c "in-use")
	[ "$n" -eq 23 ] && break
	sleep 0.1
done
[ "$n" -eq 23 ] || fail "only $n of 23 channels in use"
options_probe opt_busy 503 'Retry-After: 30 [(]no free B-channel[)]' ||
	fail "OPTIONS with every channel busy not answered 503"
expect_line "$T/gw.log" "health: OPTIONS now answered 503 \(no free B-channel; 1 span\(s\) up, 0 idle"
# the calls end (pstnsim hangs up): 200
for _ in $(seq 150); do
	n=$($CTL show channels 2>/dev/null | grep -c "idle")
	[ "$n" -eq 23 ] && break
	sleep 0.1
done
[ "$n" -eq 23 ] || fail "only $n of 23 channels idle after the calls"
options_probe opt_up 200 'Allow: .*INVITE' || fail "OPTIONS with free channels not 200"
expect_line "$T/gw.log" "health: OPTIONS now answered 200 \(ok; 1 span\(s\) up, 23 idle"
[ "$(grep -c 'event=connect' "$T/sim.log")" -eq 23 ] || fail "not all 23 calls connected"

# every B-channel blocked by the operator: 503; one unblocked: 200
for c in $(seq 23); do $CTL block 1 "$c" >/dev/null || fail "block 1 $c"; done
options_probe opt_blocked 503 'no free B-channel' ||
	fail "OPTIONS with every channel blocked not answered 503"
$CTL unblock 1 5 >/dev/null || fail "unblock"
options_probe opt_one 200 'Allow: ' || fail "OPTIONS with one channel free not 200"
$CTL show drain >"$T/show.out" 2>&1 || fail "show drain failed"
expect_line "$T/show.out" "^health ok \(OPTIONS 200\): 1 of 1 span\(s\) up, 1 idle B-channel\(s\)$"

# the switch goes away: no span up
kill -TERM "$PID_sim"; wait_exit sim 10
wait_for "$T/gw.log" "span 1: span_down" 10
options_probe opt_gone 503 'no span up' || fail "OPTIONS after span down not 503"
scrape >"$T/m.txt" || fail "metrics scrape failed"
expect_line "$T/m.txt" '^pstngw_options_health_total\{health="no_span"\} 2$'
expect_line "$T/m.txt" '^pstngw_options_health_total\{health="no_channel"\} 2$'
expect_line "$T/m.txt" '^pstngw_options_health_total\{health="ok"\} 2$'
expect_line "$T/m.txt" "^pstngw_draining 0$"

# options_health = no: 200 whatever the spans (a reload applies it)
sed -i "s|^\[general\]\$|[general]\noptions_health = no|" "$T/gw.conf"
$CTL reload >"$T/reload.out" 2>&1 || fail "reload failed: $(cat "$T/reload.out")"
options_probe opt_nocheck 200 'Allow: ' || fail "options_health = no: not 200"
pass
