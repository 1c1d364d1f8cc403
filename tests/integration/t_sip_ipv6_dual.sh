# Dual stack: the gateway listens on 127.0.0.1:5060 and (listen2) on
# [::1]:5060, UDP and TCP. SIPp calls the PSTN over IPv4/UDP and over
# IPv6/TCP; pstnsim calls a SIPp UAS at [::1]:5070, and the gateway's
# INVITE names its IPv6 address in Via and Contact.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf"
sed -i 's/^listen = 127.0.0.1:5060$/&\nlisten2 = [::1]:5060/; s/^address = 127.0.0.1:5070$/address = [::1]:5070\nacl = ::1, 127.0.0.1/' "$T/gw.conf"
grep -q '^listen2' "$T/gw.conf" || fail "config edit failed"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw
for a in '127.0.0.1:5060/udp' '::1:5060/udp' '127.0.0.1:5060/tcp' '::1:5060/tcp'; do
	expect_line "$T/gw.log" "listening on $a"
done
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 \
	-p 5071 -m 1 -d 300 -nostdin -timeout 20s >"$T/uac4.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp uac over IPv4/UDP exited $rc"
( cd "$T" && exec sipp -sn uac '[::1]:5060' -t t1 -s 2125551234 -i ::1 \
	-mi 127.0.0.1 -p 5072 -m 1 -d 300 -nostdin -timeout 20s \
	>"$T/uac6.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp uac over IPv6/TCP exited $rc"
[ "$(grep -c 'event=released' "$T/sim.log")" -ge 2 ] || fail "pstnsim saw fewer than 2 releases"

kill -TERM "$PID_sim"; wait_exit sim 10
mkdir -p "$T/uas"
( cd "$T/uas" && exec sipp -sn uas -i ::1 -mi 127.0.0.1 -p 5070 -m 1 \
	-nostdin -timeout 30s -trace_msg >"$T/uas.log" 2>&1 ) &
PID_uas=$!
PROCS_PIDS="$PROCS_PIDS $PID_uas"
sleep 0.5
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --hangup-after 500 --exit-after 1 --timeout 20
wait_exit sim2 25
wait_exit uas 15
[ "$RC_uas" -eq 0 ] || fail "sipp uas on ::1 exited $RC_uas"
expect_line "$T/sim2.log" "event=connect"
cat "$T"/uas/*messages.log >"$T/uas_msgs.log" 2>/dev/null
expect_line "$T/uas_msgs.log" 'Via: SIP/2.0/UDP \[::1\]:5060;branch='
expect_line "$T/uas_msgs.log" 'Contact: <sip:\[::1\]:5060>'
pass
