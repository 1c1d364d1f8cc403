# CANCEL before answer releases the B-channel at once, and the channel
# serves the next call.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 2500 \
	--play tone:1000 --timeout 40
start_gw
start c1 "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --cancel-after 800 --exit-after 1 \
	--timeout 20
wait_exit c1 20
expect_line "$T/c1.log" "event=cancel call=1"
expect_line "$T/c1.log" "event=ended call=1"
wait_for "$T/gw.log" "sip 487" 3
wait_for "$T/sim.log" "event=disconnect .*chan=1 .*cause=16|event=disconnect .*cause=16" 5
wait_for "$T/sim.log" "event=released" 5
# the freed channel takes the next call, which is answered
start c2 "$B/sipua" --listen 127.0.0.1:5073 \
	--call sip:2125551234@127.0.0.1:5060 --tone 440 --hangup-after 1000 \
	--exit-after 1 --timeout 20
wait_exit c2 20
expect_line "$T/c2.log" "event=answered call=1"
[ "$(grep -c 'event=setup' "$T/sim.log")" -eq 2 ] || fail "expected two SETUPs"
chans=$(sed -n 's/.*event=setup .*chan=\([0-9]*\).*/\1/p' "$T/sim.log" | sort -u | wc -l)
[ "$chans" -eq 1 ] || fail "the cancelled call's channel was not reused"
pass
