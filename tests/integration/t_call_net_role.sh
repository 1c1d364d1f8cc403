# The gateway as the network side of the D-channel (role = net), here on a
# DMS-100 span, with pstnsim as the user side: calls both ways, audio both
# ways.
. tests/integration/lib.sh
ROLE=net SWITCHTYPE=dms100 gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:dms100:cpe" --call 5551000 \
	--from 2125550100 --play tone:1000 --hangup-after 1500 --cause 16 \
	--answer-delay 200 --exit-after 2 --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --exit-after 1 \
	--timeout 30
start_gw
wait_for "$T/phone.log" "event=ended call=1" 15
start caller "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --tone 600 --hangup-after 1500 \
	--exit-after 1 --timeout 20
wait_exit caller 20
wait_exit sim 15
expect_line "$T/gw.log" "span 1: t1 dms100 net"
expect_line "$T/sim.log" "event=setup .*dir=in called=2125551234"
[ "$(grep -c 'event=released' "$T/sim.log")" -eq 2 ] || fail "expected 2 released calls"
expect_freq "$T/phone.log" "event=heard" 1000
expect_freq "$T/caller.log" "event=heard" 1000
expect_freq "$T/sim.log" "event=heard call=1 " 440
expect_freq "$T/sim.log" "event=heard call=2 " 600
pass
