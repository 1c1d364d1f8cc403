# Issue 9: a fax switch-over through Kamailio. Three calls from a fax
# server stand-in (SIPp), one per node, start as audio; each is switched to
# T.38 by a re-INVITE that follows the Record-Route through the proxy to
# the node holding the call, which answers m=image; the BYE follows the
# same way. The nodes' switches see every call connect and end normally.
. tests/integration/lib.sh
. tests/integration/scale_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
for n in 1 2 3; do
	scale_node_conf "$n"
	scale_sim "$n" --answer-delay 100
	scale_gw "$n"
done
scale_kam
for n in 1 2 3; do scale_wait_ds "$n" '^AP$' 10; done
start uac sipp -sf tests/integration/sipp/uac_rr_t38.xml 127.0.0.1:5060 \
	-s 2125551234 -i 127.0.0.1 -p 5071 -m 3 -r 5 -nostdin -timeout 30s \
	-trace_err -error_file "$T/uac_err.log"
wait_exit uac 30
[ "$RC_uac" -eq 0 ] || fail "a T.38 switch-over through the proxy failed (sipp $RC_uac)"
for n in 1 2 3; do
	ip=$(scale_addr "$n")
	[ "$(scale_count "$T/kam.log" "kam: re-INVITE .* to sip:$ip:5060")" -eq 1 ] ||
		fail "node $n: no re-INVITE through the proxy"
	expect_line "$T/gw$n.log" "fax \{t38\}: T.38 v0 to 127.0.0.1:"
	procs_wait_for "$T/sim$n.log" "event=released .*cause=16" 5 ||
		fail "node $n: the PSTN leg did not end normally"
done
[ "$(scale_active_dialogs)" = 0 ] || fail "kamailio still holds dialogs"
pass
