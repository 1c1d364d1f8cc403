# Issue 6: a trunk marked as a fax server (t38_initial = yes), then a
# route file rule with fax = yes (the same call-level flag). The
# gateway's INVITE offers T.38 beside the audio; SIPp's answer takes T.38
# only (version 1, 9600 bit/s), so the call starts in T.38 without a
# re-INVITE (modems limited to V.29/V.27ter); no UDPTL comes, and the
# watchdog ends the call (BYE with cause 41).
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf" "[fax]
watchdog_ms = 2000"
sed -i 's/^\[trunk phone\]$/[trunk phone]\nt38_initial = yes/' "$T/gw.conf"

start uas sipp -sf "$S/uas_t38_initial.xml" -i 127.0.0.1 -p 5070 -m 1 \
	-nostdin -timeout 30s -trace_err -error_file "$T/sipp_err_$RANDOM.log"
start pstn "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1100 --exit-after 1 --timeout 30
start_gw
wait_exit uas 35
[ "$RC_uas" -eq 0 ] || fail "sipp exited $RC_uas: $(tail -5 "$T/uas.log")"
wait_exit pstn 35
expect_line "$T/gw.log" "INVITE offers T.38 beside the audio"
expect_line "$T/gw.log" "fax \{t38\}: T.38 v1 to 127.0.0.1:6006, max bit rate 9600"
expect_line "$T/gw.log" "no UDPTL datagram for 2000 ms: releasing \(cause 41\)"
expect_no_line "$T/gw.log" "re-INVITE to T.38"
wait_for "$T/gw.log" "call 1: fax failed: " 5
kill -TERM "$PID_gw"
wait_exit gw 15

# the same through a fax route, the trunk left unmarked
sed -i 's/^t38_initial = yes$//' "$T/gw.conf"
# a route file replaces the [route] sections (the last ones of gw_conf)
sed -i '/^\[route /,$d' "$T/gw.conf"
printf '[fax]\nwatchdog_ms = 2000\n' >>"$T/gw.conf"
sed -i "s|^\[general\]$|[general]\nroute_file = $T/routes.conf|" "$T/gw.conf"
cat >"$T/routes.conf" <<ROUTES
[route fax-dids]
from = pstn
called = 555
target = trunk phone
fax = yes
ROUTES
start uas2 sipp -sf "$S/uas_t38_initial.xml" -i 127.0.0.1 -p 5070 -m 1 \
	-nostdin -timeout 30s -trace_err -error_file "$T/sipp_err_$RANDOM.log"
start pstn2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1100 --exit-after 1 --timeout 30
start gw2 "$B/pstngw" -f -c "$T/gw.conf"
wait_exit uas2 35
[ "$RC_uas2" -eq 0 ] || fail "sipp (fax route) exited $RC_uas2: $(tail -5 "$T/uas2.log")"
expect_line "$T/gw2.log" "route fax-dids .*, fax"
expect_line "$T/gw2.log" "INVITE offers T.38 beside the audio"
expect_line "$T/gw2.log" "fax \{t38\}: T.38 v1 to 127.0.0.1:6006"
pass
