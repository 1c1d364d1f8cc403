# A misbehaving PSTN side: during a call pstnsim sends a short and a long
# audio block, a message of unknown type and a runt D-channel frame. The
# gateway logs and counts each, and the call keeps its audio both ways
# and clears normally.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --hangup-after 3000 --cause 16 \
	--inject short_block --inject long_block --inject unknown_type \
	--inject runt_frame --inject-after 500 --exit-after 1 --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --exit-after 1 \
	--timeout 30
start_gw
wait_exit sim 30
wait_exit phone 15
[ "$(grep -c 'event=injected .*fault=[a-z_]*$' "$T/sim.log")" -eq 4 ] ||
	fail "pstnsim did not inject the 4 faults"
expect_freq "$T/sim.log" "event=heard" 440
expect_freq "$T/phone.log" "event=heard" 1000
expect_line "$T/phone.log" "event=bye call=1 cause=16"
expect_line "$T/gw.log" "rejected frame: audio block of [0-9]+ bytes, expected 3688"
expect_line "$T/gw.log" "rejected frame: unknown message type 127"
expect_line "$T/gw.log" "rejected frame: D-channel frame of 2 bytes"
kill -TERM "$PID_gw"; wait_exit gw 10
[ "$RC_gw" -eq 0 ] || fail "pstngw exited $RC_gw"
expect_line "$T/gw.log" "span frames rejected 4"
pass
