# D-channel cut while a call is up (T309 = 4 s at the gateway, T200 =
# 100 ms and T203 = 300 ms on both sides: layer 2 notices in under 1 s).
# Shorter than T309 (2.5 s): the call stays up and its media keeps
# flowing; a new call while the link is down fails at once, one after it
# comes back connects. Longer than T309 (7 s): the call is cleared toward
# SIP with a BYE (Reason Q.850 cause 27, destination out of order, as
# Q.931 5.8.8 says for T309's expiry; the switch clears it with 27 too),
# its channel is freed, the span comes back and takes calls again.
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
fault_conf "$T/gw.conf" "t200_ms = 100
t203_ms = 300
t309_ms = 4000"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --t200 100 --timer T203=300 --timer T309=4000 \
	--ctl "$T/sim.sock" --answer-delay 100 --play tone:700 --timeout 60
start_gw
start c1 "$B/sipua" --listen 127.0.0.1:5072 --tone 440 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 7000 --exit-after 1 \
	--timeout 30
wait_for "$T/c1.log" "event=answered call=1" 5
sim_cmd "$T/sim.sock" "drop-dchannel 2500ms" || fail "drop-dchannel refused"
wait_for "$T/gw.log" "span 1: span_down" 3
$CTL show spans >"$T/spans_down.txt"
sip_call_fails c2 5073 "code=5"
wait_count "$T/gw.log" "span 1: span_up" 2 10
sip_call_works c3 5074
wait_exit c1 15
expect_line "$T/c1.log" "event=ended call=1"
wait_for "$T/sim.log" "event=released .*call=1 cause=16" 5
expect_freq "$T/sim.log" "event=heard call=1 " 440
rx=$(sed -n 's/.*event=heard call=1 .*rx_packets=\([0-9]*\).*/\1/p' "$T/c1.log")
[ "${rx:-0}" -ge 330 ] || fail "media stopped during the outage: $rx of 350 packets"
expect_idle 10

# longer than T309: the call is cleared on both sides, its channel freed
start c4 "$B/sipua" --listen 127.0.0.1:5075 --tone 440 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 20000 --exit-after 1 \
	--timeout 30
wait_for "$T/c4.log" "event=answered call=1" 5
sim_cmd "$T/sim.sock" "drop-dchannel 7s" || fail "drop-dchannel refused"
wait_count "$T/gw.log" "span 1: span_down" 2 3
wait_exit c4 8
expect_line "$T/c4.log" "event=bye call=1 cause=27"
wait_for "$T/sim.log" "event=released .*call=3 cause=27" 3
$CTL show channels 1 >"$T/chans.txt"
expect_no_line "$T/chans.txt" "in-use"
wait_count "$T/gw.log" "span 1: span_up" 3 10
sip_call_works c5 5076
expect_idle 10
pass
