# Issue 2, 8(b): a SIP phone calls a number the gateway routes to the span;
# pstnsim answers; tones cross both ways; the SIP side hangs up and the
# PSTN side sees DISCONNECT cause 16 and RELEASE.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 300 \
	--play tone:1000 --exit-after 1 --timeout 30
start_gw
start phone "$B/sipua" --listen 127.0.0.1:5070 --from 3035550199 \
	--call sip:2125551234@127.0.0.1:5060 --tone 440 --hangup-after 2000 \
	--exit-after 1 --timeout 30
wait_exit phone 30
wait_exit sim 15
expect_line "$T/sim.log" "event=setup .*dir=in called=2125551234 calling=3035550199"
expect_line "$T/phone.log" "event=progress call=1 code=180"
expect_line "$T/phone.log" "event=answered call=1 codec=PCMU"
expect_line "$T/sim.log" "event=disconnect .*cause=16"
expect_line "$T/sim.log" "event=released"
expect_freq "$T/sim.log" "event=heard" 440
expect_freq "$T/phone.log" "event=heard" 1000
pass
