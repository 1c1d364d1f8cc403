# Issue 4: [span N] PRI options reach the span. With hunt = descending the
# gateway (CPE, ascending by default) takes the highest B-channel; the
# start-up RESTART of every channel shows in the gateway log,
# and a SIP call completes through the group.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
sed -i '/^group = pri$/a hunt = descending\nt303_ms = 2000\nt309_ms = 8000\nservice_messages = yes\nrestart_on_start = yes' "$T/gw.conf"
grep -q '^hunt = descending$' "$T/gw.conf" || fail "config not edited"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 200 \
	--exit-after 1 --timeout 30
start_gw
start phone "$B/sipua" --listen 127.0.0.1:5070 --from 3035550199 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 500 \
	--exit-after 1 --timeout 30
wait_exit phone 30
wait_exit sim 15
expect_line "$T/sim.log" "event=setup .*chan=23 .*dir=in called=2125551234"
expect_line "$T/phone.log" "event=answered call=1"
expect_line "$T/sim.log" "event=released"
expect_line "$T/gw.log" "span 1 chan 23: restart"
pass
