# Overload (issue 8): with [general] max_calls = 1 and a PSTN -> SIP call
# up (tones both ways), a new INVITE gets 503 with Retry-After (overload:
# max_calls) and no 100 Trying (refused statelessly, before any call
# state), a new PRI call is refused with cause 34 without reaching SIP;
# entering and leaving overload is logged once each, the metrics show
# pstngw_overload 1 and the refusals by reason; the call up keeps its
# media (each side hears the other's tone) and ends normally. Then every
# B-channel blocked (none idle): a new INVITE gets 503 (overload:
# channels); unblocked, a SIP call goes through and pstngw_overload is 0.
. tests/integration/lib.sh
. tests/integration/drain_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf"
sed -i "s|^\[general\]\$|[general]\nmetrics_listen = 127.0.0.1:9464\nmax_calls = 1\noverload_retry_after_s = 7|" "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --ctl "$T/sim.sock" \
	--call 5551000 --from 2125550100 --play tone:1000 --hangup-after 5000 \
	--cause 16 --exit-after 100 --timeout 60
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --timeout 60
start_gw
wait_for "$T/phone.log" "event=answer call=1" 15

# max_calls reached: a new INVITE is refused at once, statelessly
( cd "$T" && exec sipp -sf "$S/uac_503_overload.xml" 127.0.0.1:5060 \
	-s 2125551234 -i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 15s \
	-trace_msg -message_file "$T/uac503_msgs.log" >"$T/uac503.log" 2>&1 )
[ $? -eq 0 ] || fail "the INVITE was not refused with 503 + Retry-After"
expect_line "$T/uac503_msgs.log" "^Retry-After: 7 \(overload: max_calls\)"
expect_no_line "$T/uac503_msgs.log" "^SIP/2.0 100"
# a new PRI call: cause 34, nothing reaches the phone
sim_cmd "$T/sim.sock" "call 5551000 from=2125550101" \
	"expect event=released cause=34 within=5s" ||
	fail "PRI call not refused with cause 34: $(cat "$T/simcmd.out")"
[ "$(grep -c 'event=incoming' "$T/phone.log")" -eq 1 ] ||
	fail "a refused call reached the phone"
expect_line "$T/gw.log" "overload: max_calls: 1 call\(s\) in progress \(limit 1\): new calls refused"
[ "$(grep -c 'overload: max_calls: 1 call' "$T/gw.log")" -eq 1 ] ||
	fail "entering overload logged more than once"
scrape >"$T/m1.txt" || fail "metrics scrape failed"
expect_line "$T/m1.txt" "^pstngw_overload 1$"
expect_line "$T/m1.txt" '^pstngw_overload_refused_total\{reason="max_calls"\} 2$'
expect_line "$T/m1.txt" '^pstngw_overload_refused_total\{reason="signalling"\} 0$'
expect_line "$T/m1.txt" "^pstngw_calls_active 1$"

# the call up was not degraded: it ends by pstnsim's hangup, tones heard
wait_for "$T/phone.log" "event=bye call=1 cause=16" 15
expect_freq "$T/sim.log" "event=heard call=1 " 440
expect_freq "$T/phone.log" "event=heard call=1 " 1000
wait_for "$T/gw.log" "overload: max_calls: ended after [0-9]+ ms, 2 new call\(s\) refused" 5

# no idle B-channel (all blocked): 503 (overload: channels)
for ch in $(seq 1 23); do
	$CTL block 1 "$ch" >>"$T/block.out" 2>&1 || fail "block 1 $ch failed: $(cat "$T/block.out")"
done
( cd "$T" && exec sipp -sf "$S/uac_503_overload.xml" 127.0.0.1:5060 \
	-s 2125551234 -i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 15s \
	-trace_msg -message_file "$T/uac503b_msgs.log" >"$T/uac503b.log" 2>&1 )
[ $? -eq 0 ] || fail "INVITE with every B-channel blocked not refused with 503"
expect_line "$T/uac503b_msgs.log" "^Retry-After: 7 \(overload: channels\)"
expect_line "$T/gw.log" "overload: channels: no idle B-channel on 1 span\(s\) up: new SIP calls refused"
for ch in $(seq 1 23); do
	$CTL unblock 1 "$ch" >>"$T/block.out" 2>&1 || fail "unblock 1 $ch failed"
done
wait_for "$T/gw.log" "overload: channels: ended after" 5
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 \
	-p 5071 -m 1 -d 500 -nostdin -timeout 20s >"$T/uac.log" 2>&1 )
[ $? -eq 0 ] || fail "SIP call after the overload failed"
scrape >"$T/m2.txt" || fail "metrics scrape failed"
expect_line "$T/m2.txt" "^pstngw_overload 0$"
expect_line "$T/m2.txt" '^pstngw_overload_refused_total\{reason="channels"\} 1$'
pass
