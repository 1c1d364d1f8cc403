# A call in progress across a drain (issue 9): SIPp places an audio call
# to the PSTN, drains the gateway itself once answered (so the order is
# fixed), then re-INVITEs to T.38 (a fax switch-over) and hangs up: the
# draining gateway takes the re-INVITE (200 with m=image) and the BYE,
# the PSTN leg is cleared normally, and the drain ends drained.
. tests/integration/lib.sh
. tests/integration/drain_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw
sed -e "s|@CTL@|$PWD/$CTL|" -e "s|@T@|$T|g" "$S/uac_drain_reinvite.xml.in" \
	>"$T/uac.xml"
( cd "$T" && exec sipp -sf "$T/uac.xml" 127.0.0.1:5060 -s 2125551234 \
	-i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 30s -trace_msg \
	-message_file "$T/uac.msg" >"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp exited $rc: $(tail -5 "$T/uac.log")"
expect_line "$T/drain_sipp.out" "^drain draining for [0-9]+ s$"
expect_line "$T/drain_sipp.out" "^calls 1$"
# the re-INVITE came after the drain had started
d=$(grep -n "drain: started" "$T/gw.log" | head -1 | cut -d: -f1)
r=$(grep -nE "fax \{t38\}: T.38 v0 to 127.0.0.1:6010" "$T/gw.log" | head -1 | cut -d: -f1)
[ -n "$d" ] && [ -n "$r" ] || fail "no drain or no T.38 switch-over in the log"
[ "$d" -lt "$r" ] || fail "the re-INVITE came before the drain"
wait_for "$T/sim.log" "event=released span=1 chan=[0-9]+ call=1 cause=16" 5
wait_for "$T/gw.log" "drain: last call finished after [0-9]+ s: drained" 5
expect_no_line "$T/gw.log" "drain: (INVITE|SETUP)"
pass
