# 100rel both ways with SIPp. As UAS the gateway sends its 180 reliably
# (Require: 100rel, RSeq) to a SIPp UAC that requires 100rel and PRACKs
# it; as UAC the gateway PRACKs the reliable 180 of a SIPp UAS.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 600 \
	--timeout 60
start_gw
( cd "$T" && exec sipp -sf "$S/uac_prack.xml" 127.0.0.1:5060 -s 2125551234 \
	-i 127.0.0.1 -p 5071 -m 3 -r 5 -nostdin -timeout 20s -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
	>"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp UAC (PRACK) exited $rc"
[ "$(grep -c 'event=released' "$T/sim.log")" -ge 3 ] || fail "pstnsim saw fewer than 3 releases"

start uas sipp -sf "$S/uas_prack.xml" -i 127.0.0.1 -p 5070 -m 2 -nostdin \
	-timeout 30s -trace_err -error_file "$T/sipp_err_$RANDOM.log"
kill -TERM "$PID_sim"; wait_exit sim 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --calls 2 --interval 400 --hangup-after 600 \
	--exit-after 2 --timeout 40
wait_exit sim2 40
wait_exit uas 20
[ "$RC_uas" -eq 0 ] || fail "sipp UAS (reliable 180) exited $RC_uas"
[ "$(grep -c 'event=connect' "$T/sim2.log")" -eq 2 ] || fail "not both calls connected"
expect_line "$T/gw.log" "PRACK sent"
sleep 0.5
kill -TERM "$PID_gw"
wait_exit gw 15
expect_line "$T/gw.log" "releasing 0 call\(s\), SIP dialogs 0"
pass
