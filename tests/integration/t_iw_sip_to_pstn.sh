# Issue 7 interworking, SIP -> PSTN: SIPp sends INVITEs with identity
# headers from a trusted trunk; pstnsim reports the SETUP's IEs (calling
# number TON/NPI, presentation, screening, called TON, redirecting number
# and reason), alerts with in-band information (the caller gets 183 with
# SDP), and sees the causes the gateway maps: a BYE's Reason cause (31)
# wins over 16, a CANCEL's (19) too; a rejection with cause 17 becomes the trunk's 600 with
# Reason cause 17. tel: Request-URIs with visual separators are accepted.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf" "[route sip-e164]
from = sip
prefix = +1212
target = group pri"
sed -i -e '/^\[trunk phone\]/a trust_pai = yes\nq850_to_sip = 17:600' \
	-e '/^\[span 1\]/a country_code = 1\nnational_prefix = 1\ninternational_prefix = 011' \
	"$T/gw.conf"
cat >"$T/sw.scn" <<'SCN'
wait event=span_up
wait event=setup call=1 called=2125551234 called_ton=unknown calling=2125550101 calling_ton=national calling_npi=e164 calling_pres=allowed calling_screen=network redirecting=2125550199 reason=busy
answer call=1
expect event=disconnect call=1 cause=31 within=10s
wait event=setup call=2 called=2125551235 called_ton=national calling=2125550102 calling_ton=national calling_pres=restricted calling_screen=network redirecting=2125550198 reason=unconditional
answer call=2
expect event=disconnect call=2 cause=16 within=10s
wait event=setup call=3 called=2125551236 calling=2125550100 calling_ton=unknown calling_pres=allowed calling_screen=user_not_screened
reject cause=17 call=3
expect event=released call=3
wait event=setup call=4 called=2125551237
expect event=disconnect call=4 cause=19 within=10s
SCN
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --alert-inband \
	--script "$T/sw.scn" --timeout 40
start_gw

# uac CASE RURI FROM H1 H2 H3 BYE: one call from the template
uac() {
	sed -e "s|@RURI@|$2|g" -e "s|@FROM@|$3|g" -e "s|@H1@|$4|" \
		-e "s|@H2@|$5|" -e "s|@H3@|$6|" -e "s|@BYE@|$7|" \
		"$S/uac_identity.xml.in" >"$T/uac$1.xml"
	( cd "$T" && exec sipp -sf "$T/uac$1.xml" 127.0.0.1:5060 -i 127.0.0.1 \
		-p 5071 -m 1 -nostdin -timeout 15s -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
		-trace_msg >"$T/uac$1.log" 2>&1 )
	rc=$?
	[ "$rc" -eq 0 ] || fail "sipp case $1 exited $rc"
}
# 1: PAI (trusted) wins over From; Diversion; the BYE's Reason cause
uac 1 "sip:2125551234@127.0.0.1:5060" '"Alice" <sip:+12125550100@127.0.0.1>' \
	'P-Asserted-Identity: <sip:+12125550101@127.0.0.1;user=phone>' \
	'Diversion: <sip:+12125550199@127.0.0.1>;reason=user-busy;counter=1' \
	'X-Case: 1' 'Reason: Q.850;cause=31;text="normal, unspecified"'
# 2: tel: URIs; anonymous From with Privacy: id; History-Info
uac 2 "tel:+1-212-555-1235" '"Anonymous" <sip:anonymous@anonymous.invalid>' \
	'P-Asserted-Identity: <tel:+12125550102>' 'Privacy: id' \
	'History-Info: <sip:+12125550198@127.0.0.1>;index=1, <sip:+12125551235@127.0.0.1;cause=302>;index=1.1;mp=1' \
	'X-Case: 2'
# 3: no PAI: From, not screened; rejected with cause 17 -> 600 + Reason
( cd "$T" && exec sipp -sf "$S/uac_reason.xml" 127.0.0.1:5060 -s 2125551236 \
	-i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 15s -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
	-trace_msg >"$T/uac3.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp case 3 exited $rc"
# 4: CANCEL with Reason cause 19 while the PSTN alerts: DISCONNECT 19
( cd "$T" && exec sipp -sf "$S/uac_cancel_reason.xml" 127.0.0.1:5060 \
	-s 2125551237 -i 127.0.0.1 -p 5071 -m 1 -nostdin -timeout 15s \
	-trace_err -error_file "$T/sipp_err_$RANDOM.log" -trace_msg >"$T/uac4.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp case 4 exited $rc"
wait_exit sim 20
[ "$RC_sim" = 0 ] || fail "pstnsim scenario exited $RC_sim"
expect_line "$T/gw.log" "ended: .* -> 2125551236, cause 17 .*sip 600"
# no call or dialog left, and a clean exit (sanitizer builds included)
sleep 0.5
kill -TERM "$PID_gw"
wait_exit gw 15
[ "$RC_gw" = 0 ] || fail "pstngw exited $RC_gw"
expect_line "$T/gw.log" "releasing 0 call\(s\), SIP dialogs 0"
pass
