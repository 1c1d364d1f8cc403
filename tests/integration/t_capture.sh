# Issue 7 (Captures): the daemon writes SIP (UDP and TCP, real addresses)
# and D-channel (LAPD) pcap files that tshark decodes with no malformed
# packet, showing the SIP methods and the Q.931 messages of two calls;
# SIP and Q.931 tracing go to the log; SIGHUP reopens a rotated capture;
# the control tool switches captures off and refuses bad paths.
. tests/integration/lib.sh
command -v tshark >/dev/null || fail "tshark is not installed (tools/deps.sh)"
gw_conf "$T/gw.conf"
sed -i -e "s|^control_socket = .*|&\ncapture_sip = $T/sip.pcap\ncapture_dchan = $T/dchan.pcap|" \
	-e 's|^listen = 127.0.0.1:5060$|&\ntcp = on|' "$T/gw.conf"
ctl() { "$B/pstngw-ctl" -s "$T/ctl.sock" "$@"; }
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--exit-after 2 --timeout 40
start_gw
ctl trace sip on || fail "trace sip on"
ctl trace q931 on || fail "trace q931 on"
ctl trace q931 on 9 2>"$T/t9.err" && fail "trace on span 9 accepted"
grep -q "no such span" "$T/t9.err" || fail "span 9: $(cat "$T/t9.err")"
# a call from SIP over UDP, then one over TCP
start u0 "$B/sipua" --listen 127.0.0.1:5070 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 500 \
	--exit-after 1 --timeout 15
wait_exit u0 20
[ "$RC_u0" = 0 ] || fail "UDP call: sipua exited $RC_u0"
start u1 "$B/sipua" --listen 127.0.0.1:5071 --transport tcp \
	--call "sip:2125551234@127.0.0.1:5060;transport=tcp" --hangup-after 500 \
	--exit-after 1 --timeout 15
wait_exit u1 20
[ "$RC_u1" = 0 ] || fail "TCP call: sipua exited $RC_u1"
ctl show captures >"$T/show.out" || fail "show captures"
expect_line "$T/show.out" "^capture sip: $T/sip.pcap packets [1-9]"
expect_line "$T/show.out" "^capture dchan: $T/dchan.pcap packets [1-9]"
expect_line "$T/show.out" "^trace sip: on$"
# tracing went to the log
expect_line "$T/gw.log" "sip: trace: from 127.0.0.1:[0-9]+/tcp"
expect_line "$T/gw.log" "sip: trace: << INVITE sip:2125551234@127.0.0.1:5060 SIP/2.0"
expect_line "$T/gw.log" "sip: trace: >> SIP/2.0 200 OK"
expect_line "$T/gw.log" "libpri: .*Message [Tt]ype: SETUP"

# rotation: the file moved away, SIGHUP, a new file starts
sleep 0.5 # the flush timer writes the buffer out (200 ms)
mv "$T/sip.pcap" "$T/sip.1.pcap"
kill -HUP "$PID_gw"
wait_for "$T/gw.log" "capture $T/sip.pcap reopened" 5
[ -s "$T/sip.pcap" ] || fail "no new capture file after SIGHUP"

# control: bad paths refused, captures off
ctl capture sip relative.pcap 2>"$T/c1.err" && fail "relative path accepted"
grep -q "absolute path" "$T/c1.err" || fail "relative: $(cat "$T/c1.err")"
ctl capture sip "$T/dchan.pcap" 2>"$T/c2.err" && fail "LAPD file accepted for SIP"
grep -q "not a capture of this kind" "$T/c2.err" || fail "kind: $(cat "$T/c2.err")"
ctl capture sip off || fail "capture sip off"
ctl capture dchan off || fail "capture dchan off"
ctl show captures >"$T/show2.out"
expect_line "$T/show2.out" "^capture sip: off$"
expect_line "$T/show2.out" "^capture dchan: off$"

# tshark: the SIP methods of both calls, both transports, nothing malformed
s=$T/sip.1.pcap
[ "$(tshark -r "$s" -Y '_ws.malformed' 2>/dev/null | wc -l)" = 0 ] ||
	fail "malformed SIP packets: $(tshark -r "$s" -Y _ws.malformed 2>&1 | head -3)"
tshark -r "$s" -Y sip -T fields -e ip.src -e udp.dstport -e tcp.dstport \
	-e sip.Method -e sip.Status-Code >"$T/sip.txt" 2>/dev/null
for m in INVITE ACK BYE; do
	grep -q "	$m	" "$T/sip.txt" || fail "no $m in the SIP capture: $(cat "$T/sip.txt")"
done
grep -qE "^127.0.0.1	5060		INVITE" "$T/sip.txt" || fail "no INVITE over UDP to 5060"
grep -qE "^127.0.0.1		5060	INVITE" "$T/sip.txt" || fail "no INVITE over TCP to 5060"
grep -qE "	200$" "$T/sip.txt" || fail "no 200 in the SIP capture"
# D-channel: Q.931 SETUP, CONNECT, DISCONNECT both ways, nothing malformed
d=$T/dchan.pcap
[ "$(tshark -r "$d" -Y '_ws.malformed' 2>/dev/null | wc -l)" = 0 ] ||
	fail "malformed D-channel frames: $(tshark -r "$d" -Y _ws.malformed 2>&1 | head -3)"
tshark -r "$d" -Y q931 -T fields -e q931.message_type >"$T/q931.txt" 2>/dev/null
for t in 0x05 0x07 0x45 0x4d 0x5a; do
	grep -q "^$t$" "$T/q931.txt" || fail "no Q.931 message $t: $(sort -u "$T/q931.txt" | tr '\n' ' ')"
done
[ "$(grep -c '^0x05$' "$T/q931.txt")" -ge 2 ] || fail "not two SETUPs"
pass
