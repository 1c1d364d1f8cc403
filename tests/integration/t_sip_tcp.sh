# SIP over TCP with SIPp (-t t1: one TCP connection): its UAC places 3
# calls through the gateway to pstnsim (answered, then SIPp's BYE over the
# same connection), then its UAS, reached over TCP through the trunk's
# transport = tcp, answers 3 calls from pstnsim over one reused connection.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf"
sed -i 's/^address = 127.0.0.1:5070$/address = 127.0.0.1:5070\ntransport = tcp/' "$T/gw.conf"
grep -q '^transport = tcp' "$T/gw.conf" || fail "config edit failed"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw
expect_line "$T/gw.log" "listening on 127.0.0.1:5060/tcp"
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -t t1 -s 2125551234 \
	-i 127.0.0.1 -p 5071 -m 3 -r 2 -d 500 -nostdin -timeout 30s \
	>"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp uac over TCP exited $rc"
[ "$(grep -c 'event=released' "$T/sim.log")" -ge 3 ] || fail "pstnsim saw fewer than 3 releases"
expect_line "$T/gw.log" "conn [0-9]+ 127.0.0.1:[0-9]+/TCP: accepted"

start uas sipp -sn uas -t t1 -i 127.0.0.1 -p 5070 -m 3 -nostdin -timeout 40s
# a refused TCP connect is not retried: wait until SIPp listens
for _ in $(seq 100); do ss -ltn | grep -q '127.0.0.1:5070 ' && break; sleep 0.1; done
ss -ltn | grep -q '127.0.0.1:5070 ' || fail "sipp uas does not listen on TCP 5070"
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --calls 3 --interval 300 --hangup-after 800 \
	--exit-after 3 --timeout 40
wait_exit sim2 40
wait_exit uas 20
[ "$RC_uas" -eq 0 ] || fail "sipp uas over TCP exited $RC_uas"
[ "$(grep -c 'event=connect' "$T/sim2.log")" -eq 3 ] || fail "not all 3 calls connected"
expect_line "$T/gw.log" "conn [0-9]+ 127.0.0.1:5070/TCP: connecting"
# the gateway opened one connection to the UAS and reused it
[ "$(grep -c '127.0.0.1:5070/TCP: connecting' "$T/gw.log")" -eq 1 ] ||
	fail "expected one reused connection to the UAS"
pass
