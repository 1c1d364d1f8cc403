# Issue 9: Kamailio (conf/kamailio/kamailio.cfg) in front of three pstngw
# nodes on 127.0.0.2-4, each with its own pstnsim span. The dispatcher's
# OPTIONS probes find all three up; 12 SIPp calls through Kamailio are
# spread round-robin, 4 to each node's PSTN, every one answered and ended
# with a BYE along the Record-Route; Kamailio holds no dialog afterwards.
# The shipped files pass `kamailio -c` and `pstngw --check-config` as is.
. tests/integration/lib.sh
. tests/integration/scale_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
# the shipped files as they are: kamailio's check, pstngw's check
kamailio -c -f "$SCALE_CONF/kamailio.cfg" \
	-A "DS_LIST=\"$PWD/$SCALE_CONF/dispatcher.list\"" >"$T/kamcheck.log" 2>&1 ||
	fail "kamailio -c refuses the shipped kamailio.cfg: $(tail -n 3 "$T/kamcheck.log")"
"$B/pstngw" --check-config "$SCALE_CONF/pstngw-node.conf" >"$T/gwcheck.log" 2>&1 ||
	fail "pstngw refuses the shipped node config: $(cat "$T/gwcheck.log")"
for n in 1 2 3; do
	scale_node_conf "$n"
	scale_sim "$n" --answer-delay 100
	scale_gw "$n"
done
scale_kam
for n in 1 2 3; do scale_wait_ds "$n" '^AP$' 10; done

scale_uac uac 12 4 500
wait_exit uac 40
[ "$RC_uac" -eq 0 ] || fail "sipp exited $RC_uac"
for n in 1 2 3; do
	c=$(scale_setups "$n")
	[ "$c" -eq 4 ] || fail "node $n got $c calls, expected 4 of 12"
	[ "$(grep -c 'event=connect' "$T/sim$n.log")" -eq 4 ] ||
		fail "node $n: not every call connected"
	# each call's BYE came through the proxy (Record-Route honoured)
	[ "$(grep -c "^[0-9]*,.*,sip-pstn,.*,200,sip," "$T/cdr$n.csv")" -eq 4 ] ||
		fail "node $n: expected 4 answered CDRs ended from SIP"
done
[ "$(grep -c 'kam: BYE' "$T/kam.log")" -eq 12 ] || fail "not every BYE passed kamailio"
[ "$(scale_active_dialogs)" = 0 ] || fail "kamailio still holds dialogs"
pass
