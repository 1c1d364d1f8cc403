# Issue 5: busy and congestion before release (release_tone = yes).
# A SIP caller whose call the PSTN refuses with cause 17 (then 34) hears
# the busy (congestion) tone of the country profile as 183 early media for
# release_tone_s before the 486 (503). A PSTN caller on a network-side
# span whose call the SIP side refuses with 486 gets PROGRESS with in-band
# information and the busy tone before the DISCONNECT. The profile is fr
# (440 Hz) and no peer plays 440 Hz itself. Off (the default): released
# at once, as t_busy checks. pstngw_release_tones_total counts each by
# tone and side, and `pstngw-ctl show calls` shows the same counts.
. tests/integration/lib.sh
ROLE=net gw_conf "$T/gw.conf" "[general]
metrics_listen = 127.0.0.1:9464"
sed -i -e 's|^rtp_port_max = 30999$|&\nrelease_tone = yes\nrelease_tone_s = 2\ntone_country = fr|' \
	"$T/gw.conf"

# SIP -> PSTN, busy
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2:cpe" --reject 17 \
	--timeout 60
start_gw
start caller "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --tone 600 --exit-after 1 \
	--timeout 20
wait_exit caller 20
expect_line "$T/caller.log" "event=progress call=1 code=183 sdp=1"
expect_line "$T/caller.log" "event=failed call=1 code=486 cause=17"
expect_line "$T/gw.log" "cause 17: busy to the SIP caller for 2 s"
expect_freq "$T/caller.log" "event=heard call=1 " 440
s=$(sed -n 's/^sipua t=\([0-9]*\) event=progress call=1 code=183.*/\1/p' "$T/caller.log")
t=$(sed -n 's/^sipua t=\([0-9]*\) event=failed call=1 .*/\1/p' "$T/caller.log")
[ -n "$s" ] && [ -n "$t" ] && [ $((t - s)) -ge 1500 ] && [ $((t - s)) -le 4000 ] ||
	fail "486 came $((t - s)) ms after the 183, expected about 2000"

# PSTN -> SIP on the network side: the phone refuses, the PSTN caller
# hears busy after PROGRESS (in-band), then the DISCONNECT with cause 17
start phone "$B/sipua" --listen 127.0.0.1:5070 --reject 486 --exit-after 1 \
	--timeout 20
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2:cpe" --call 5551000 \
	--from 2125550100 --exit-after 1 --timeout 30
wait_exit sim2 30
expect_line "$T/sim2.log" "event=progress .*call=1 inband=1"
expect_line "$T/sim2.log" "event=disconnect .*call=1 cause=17"
expect_line "$T/gw.log" "cause 17: busy to the PSTN caller for 2 s"
expect_freq "$T/sim2.log" "event=heard call=1 " 440
s=$(sed -n 's/^pstnsim t=\([0-9]*\) event=progress .*call=1 .*/\1/p' "$T/sim2.log")
t=$(sed -n 's/^pstnsim t=\([0-9]*\) event=disconnect .*call=1 .*/\1/p' "$T/sim2.log")
[ -n "$s" ] && [ -n "$t" ] && [ $((t - s)) -ge 1500 ] && [ $((t - s)) -le 4000 ] ||
	fail "DISCONNECT came $((t - s)) ms after PROGRESS, expected about 2000"

# SIP -> PSTN, congestion (cause 34 -> 503)
start sim3 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2:cpe" --reject 34 \
	--timeout 60
# the third time the span comes up (bounded: 15 s)
for _ in $(seq 150); do
	[ "$(grep -c 'span 1: L1_UP -> UP' "$T/gw.log")" -ge 3 ] && break
	sleep 0.1
done
[ "$(grep -c 'span 1: L1_UP -> UP' "$T/gw.log")" -ge 3 ] ||
	fail "the span did not come up with the third pstnsim"
start caller2 "$B/sipua" --listen 127.0.0.1:5073 \
	--call sip:2125551234@127.0.0.1:5060 --exit-after 1 --timeout 20
wait_exit caller2 20
expect_line "$T/caller2.log" "event=failed call=1 code=503"
expect_line "$T/gw.log" "cause 34: congestion to the SIP caller for 2 s"
expect_freq "$T/caller2.log" "event=heard call=1 " 440

timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
	printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' |
	tr -d '\r' >"$T/m.txt" || fail "metrics scrape failed"
expect_line "$T/m.txt" '^pstngw_release_tones_total\{tone="busy",to="sip"\} 1$'
expect_line "$T/m.txt" '^pstngw_release_tones_total\{tone="busy",to="pstn"\} 1$'
expect_line "$T/m.txt" '^pstngw_release_tones_total\{tone="congestion",to="sip"\} 1$'
expect_line "$T/m.txt" '^pstngw_release_tones_total\{tone="congestion",to="pstn"\} 0$'
# pstngw-ctl show calls reports the same counts
"$B/pstngw-ctl" -s "$T/ctl.sock" show calls >"$T/calls.out" ||
	fail "show calls: $(cat "$T/calls.out")"
expect_line "$T/calls.out" '^release tones: busy to sip 1 to pstn 1; congestion to sip 1 to pstn 0$'
pass
