# An E1 span (A-law, EuroISDN) with a phone that only takes PCMU: the
# gateway transcodes A-law <-> mu-law, and tones still cross both ways.
. tests/integration/lib.sh
SPAN_TYPE=e1 SWITCHTYPE=euroisdn gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:e1:euroisdn" --call 5551000 \
	--from 2125550100 --play tone:1300 --hangup-after 2000 --cause 16 \
	--exit-after 1 --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 700 --codec pcmu \
	--exit-after 1 --timeout 30
start_gw
wait_exit sim 30
wait_exit phone 15
expect_freq "$T/sim.log" "event=heard" 700
expect_freq "$T/phone.log" "event=heard" 1300
wait_for "$T/gw.log" "media PCMU/0" 2
pass
