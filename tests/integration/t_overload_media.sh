# Overload by media-worker load (issue 8): one media worker whose load
# limit ([media] max_worker_load_pct = 1) a call in Opus with a 256 ms
# echo canceller passes (a few % each). PSTN -> SIP calls are added until
# one is refused with cause 34 (overload: media, logged); then
# pstngw_media_worker_load is at the limit or over, a new INVITE gets 503
# with Retry-After (overload: media), and the first call, up all along,
# keeps its tones both ways. Once the calls end, the worker is idle and a
# SIP call goes through.
. tests/integration/lib.sh
. tests/integration/drain_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf"
sed -i "s|^\[general\]\$|[general]\nmetrics_listen = 127.0.0.1:9464\noverload_retry_after_s = 3|" "$T/gw.conf"
sed -i "s|^\[media\]\$|[media]\nworkers = 1\nmax_worker_load_pct = 1\necho_tail_ms = 256|" "$T/gw.conf"
grep -q "^max_worker_load_pct = 1" "$T/gw.conf" || fail "no [media] section to set"
# Opus to the phone: its encoder makes one call cost a few % of a worker
sed -i -e "s|^address = 127.0.0.1:5070\$|&\ncodecs = opus,pcmu|" "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --ctl "$T/sim.sock" \
	--call 5551000 --from 2125550100 --play tone:1000 --hangup-after 9000 \
	--cause 16 --exit-after 100 --timeout 60
start phone "$B/sipua" --listen 127.0.0.1:5070 --codec opus --tone 440 \
	--timeout 60
start_gw
wait_for "$T/phone.log" "event=answer call=1" 15

n=1
while [ "$n" -lt 8 ] && ! grep -q "overload: media: every" "$T/gw.log"; do
	n=$((n + 1))
	sim_cmd "$T/sim.sock" "call 5551000 from=21255501$n" ||
		fail "pstnsim call $n: $(cat "$T/simcmd.out")"
	sleep 1 # its load shows in the next 200 ms windows
done
expect_line "$T/gw.log" "overload: media: every media worker is [0-9]+ % busy \(max_worker_load_pct 1\): new calls refused"
wait_for "$T/sim.log" "event=released span=1 chan=[0-9]+ call=$n cause=34" 5
scrape >"$T/m1.txt" || fail "metrics scrape failed"
load=$(awk '/^pstngw_media_worker_load / { print $2 }' "$T/m1.txt")
awk -v l="$load" 'BEGIN { exit !(l >= 0.01 && l < 1) }' ||
	fail "worker load $load not between the limit and 1 with $((n - 1)) calls up"
( cd "$T" && exec sipp -sf "$S/uac_503_overload.xml" 127.0.0.1:5060 \
	-s 2125551234 -i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 15s \
	-trace_msg -message_file "$T/uac503_msgs.log" >"$T/uac503.log" 2>&1 )
[ $? -eq 0 ] || fail "the INVITE was not refused with 503 + Retry-After"
expect_line "$T/uac503_msgs.log" "^Retry-After: 3 \(overload: media\)"
scrape >"$T/m2.txt" || fail "metrics scrape failed"
expect_line "$T/m2.txt" '^pstngw_overload_refused_total\{reason="media"\} 2$'
for c in $(seq 2 $((n - 1))); do
	sim_cmd "$T/sim.sock" "hangup cause=16 call=$c" || fail "hangup $c"
done

# the call up was not degraded: it ends by pstnsim's hangup, tones heard
wait_for "$T/phone.log" "event=bye call=1 cause=16" 15
expect_freq "$T/sim.log" "event=heard call=1 " 440
expect_freq "$T/phone.log" "event=heard call=1 " 1000
# idle again (no tick, no load): a call goes through
wait_for "$T/gw.log" "overload: media: ended after [0-9]+ ms, 1 new call\(s\) refused" 5
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 \
	-p 5071 -m 1 -d 300 -nostdin -timeout 20s >"$T/uac.log" 2>&1 )
[ $? -eq 0 ] || fail "SIP call after the overload failed"
pass
