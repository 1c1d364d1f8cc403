# Issue 3: a wrong password: the registrar's second challenge is not
# answered (no loop), the registration retries after the backoff, and a
# call's INVITE is answered once, then fails (407 -> cause 21 here).
. tests/integration/lib.sh
. tests/integration/interop.sh
start kam kamailio -f tests/integration/kamailio.cfg -DD -E -m 64 -M 8
kam_gw_conf "$T/gw.conf" wrongpass
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551234 \
	--from 2125550100 --exit-after 1 --timeout 30
start_gw
wait_for "$T/gw.log" "registration trunk kam: failed 401, retry in 30 s" 10
wait_exit sim 20
sleep 1
# counted where they are made: kamailio also sees retransmissions
n=$(grep -c 'request REGISTER sip:pstngw.test sent' "$T/gw.log")
[ "$n" -eq 2 ] || fail "expected 2 REGISTERs (challenge, one answer), sent $n"
n=$(grep -c 'answering 407 for INVITE' "$T/gw.log")
[ "$n" -eq 1 ] || fail "expected 1 answered INVITE challenge, saw $n"
expect_line "$T/kam.log" "kam: challenge REGISTER \(gw\)"
expect_line "$T/gw.log" "407 to INVITE again: credentials refused"
expect_no_line "$T/kam.log" "kam: authenticated"
expect_line "$T/sim.log" "event=disconnect .*cause="
pass
