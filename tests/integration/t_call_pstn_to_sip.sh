# Issue 2, 8(a): pstnsim calls a number on the gateway's span; the gateway
# routes it to a SIP phone, which answers; tones cross both ways; pstnsim
# hangs up and the phone gets a BYE carrying the cause.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --hangup-after 2000 --cause 16 \
	--exit-after 1 --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --answer-delay 300 \
	--exit-after 1 --timeout 30
start_gw
wait_exit sim 30
wait_exit phone 15
expect_line "$T/phone.log" "event=incoming call=1 from=2125550100 to=5551000"
expect_line "$T/sim.log" "event=alerting"
expect_line "$T/sim.log" "event=connect"
expect_line "$T/sim.log" "event=released"
expect_line "$T/phone.log" "event=bye call=1 cause=16"
expect_freq "$T/sim.log" "event=heard" 440
expect_freq "$T/phone.log" "event=heard" 1000
wait_for "$T/gw.log" "ended: 2125550100 -> 5551000, cause 16" 5
pass
