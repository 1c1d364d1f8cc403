# A SIP trunk that never answers: INVITE times out (Timer B = 64*T1, T1 is
# 100 ms here) and the PSTN caller is cleared with cause 102; a SIP 480
# from the phone reaches the PSTN as cause 19.
. tests/integration/lib.sh
PHONE_PORT=5099 gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --exit-after 1 --timeout 30
start_gw
wait_exit sim 30
expect_line "$T/sim.log" "event=disconnect .*cause=102"
wait_for "$T/gw.log" "sip 408" 3
pass
