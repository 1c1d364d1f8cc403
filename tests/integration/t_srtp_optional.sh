# Issue 8: a trunk with srtp = optional (RTP/AVP offers with crypto lines).
# 1. The phone answers with a crypto line whose tag we never offered (a
#    broken phone, sipua --srtp-answer-tag): per RFC 4568 7.1.3 an error,
#    not plain RTP. The call is ended cleanly: ACK, then BYE with a Reason
#    (Q.850 cause 58), the PSTN side released with 58, logged and counted.
# 2. A phone without SRTP answers without crypto lines: plain RTP, audio
#    both ways.
# 3. `originate trunk phone` honours the trunk's mode: its offer carries
#    our crypto lines, an SRTP phone answers with one, and hears the test
#    tone through SRTP.
. tests/integration/lib.sh
gw_conf "$T/gw.conf" "[general]
metrics_listen = 127.0.0.1:9464"
sed -i -e 's/^address = 127.0.0.1:5070$/&\nsrtp = optional/' "$T/gw.conf"
ctl() { "$B/pstngw-ctl" -s "$T/ctl.sock" "$@"; }

start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --calls 2 --interval 5000 \
	--hangup-after 2000 --exit-after 2 --timeout 30
start bad "$B/sipua" --listen 127.0.0.1:5070 --tone 440 \
	--srtp AES_CM_128_HMAC_SHA1_80 --srtp-answer-tag 9 --exit-after 1 \
	--timeout 20
start_gw
# 1. the broken answer
wait_exit bad 15
expect_line "$T/bad.log" "event=bye call=1 cause=58"
wait_for "$T/gw.log" "call 1 .*SDP answer's crypto lines answer none of ours \(RFC 4568 7.1.3\): refused" 5
wait_for "$T/sim.log" "event=released span=1 chan=[0-9]+ call=1 cause=58" 5
expect_no_line "$T/gw.log" "call 1 .*: media PCMU"
timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
	printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' >"$T/m.txt" ||
	fail "no metrics"
expect_line "$T/m.txt" "^pstngw_srtp_answer_refused_total 1$"
# 2. a plain phone on the same trunk
start plain "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --exit-after 1 \
	--timeout 20
wait_exit plain 15
wait_exit sim 15
expect_line "$T/gw.log" "call 2 .*: media PCMU/0 ptime 20: local [0-9]+, remote 127.0.0.1:[0-9]+ \(dtmf [a-z0-9]+, jb [a-z]+\)$"
expect_freq "$T/plain.log" "event=heard call=1 " 1000
expect_freq "$T/sim.log" "event=heard call=2 " 440

# 3. a test call to the trunk: SRTP, as the trunk says
start phone "$B/sipua" --listen 127.0.0.1:5070 \
	--srtp AES_CM_128_HMAC_SHA1_32 --exit-after 1 --timeout 20
ctl originate trunk phone 5551000 secs=2 tone=800 >"$T/o.out" 2>&1 ||
	fail "originate trunk: $(cat "$T/o.out")"
wait_exit phone 20
[ "$RC_phone" = 0 ] || fail "sipua exited $RC_phone"
expect_line "$T/phone.log" "event=bye call=1 cause=16"
expect_freq "$T/phone.log" "event=heard call=1 " 800
expect_line "$T/phone.log" "event=heard call=1 .*rx_packets=(9[0-9]|1[0-9][0-9]) .*srtp_dropped=0$"
wait_for "$T/gw.log" "originate 1 \(trunk phone, 5551000\): answered: PCMU to 127.0.0.1:[0-9]+, srtp AES_CM_128_HMAC_SHA1_32, tone for 2 s" 5
pass
