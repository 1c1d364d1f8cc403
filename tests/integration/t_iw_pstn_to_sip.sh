# Issue 7 interworking, PSTN -> SIP: pstnsim calls with Q.931 calling,
# presentation, screening and redirecting information; SIPp behind a
# trusted trunk checks (regexp) From and P-Asserted-Identity of every
# INVITE and the Reason of the BYE; the test then checks each INVITE's
# From, PAI, Privacy, Diversion and History-Info. The failures map by
# the trunk's table (486 -> 21) and by a received Reason (480 with
# cause 18: 18, not the table's 19), as pstnsim's released causes show.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
gw_conf "$T/gw.conf"
sed -i -e '/^\[trunk phone\]/a trust_pai = yes\nredirect_header = both\nsip_to_q850 = 486:21' \
	-e '/^\[span 1\]/a country_code = 1\nnational_prefix = 1\ninternational_prefix = 011' \
	"$T/gw.conf"
cat >"$T/sw.scn" <<'SCN'
wait event=span_up
call 5551000 from=2125550100 ton=national pres=allowed screen=network name="Bob Smith"
expect event=connect call=1 within=10s
hangup call=1 cause=16
expect event=released call=1
call 5551000 from=2125550100 ton=national pres=restricted screen=network name="Hidden"
expect event=connect call=2 within=10s
hangup call=2 cause=16
expect event=released call=2
call 5551000 from=011442071234567 ton=unknown screen=user_passed redirecting=2125550199 reason=busy
expect event=connect call=3 within=10s
hangup call=3 cause=16
expect event=released call=3
call 5551486 from=2125550100 ton=national screen=network
expect event=released call=4 cause=21 within=10s
call 5551480 from=2125550100 ton=national screen=network
expect event=released call=5 cause=18 within=10s
SCN
start uas sipp -sf "$S/uas_identity.xml" -i 127.0.0.1 -p 5070 -m 5 -nostdin \
	-timeout 40s -trace_msg -message_file "$T/uas_msg.log" -trace_err -error_file "$T/sipp_err_$RANDOM.log" \
	-error_file "$T/uas_err.log"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --script "$T/sw.scn" \
	--timeout 40
start_gw
wait_exit sim 45
[ "$RC_sim" = 0 ] || fail "pstnsim scenario exited $RC_sim"
wait_exit uas 15
[ "$RC_uas" = 0 ] || fail "sipp exited $RC_uas (a regexp check failed?)"

# One summary line per INVITE received: the headers that carry identity.
awk '/^INVITE sip:/ { on = 1; line = "INVITE " $2; next }
     on && /^\r?$/ { print line; on = 0; next }
     on && /^(From|P-Asserted-Identity|Privacy|Diversion|History-Info):/ {
	sub(/\r$/, ""); line = line " | " $0 }' "$T/uas_msg.log" >"$T/inv.txt"
cat "$T/inv.txt"
[ "$(wc -l <"$T/inv.txt")" = 5 ] || fail "expected 5 INVITEs"
i1=$(sed -n 1p "$T/inv.txt") i2=$(sed -n 2p "$T/inv.txt")
i3=$(sed -n 3p "$T/inv.txt")
# 1: allowed, network-provided: E.164 From with the name, asserted
case "$i1" in *'From: "Bob Smith" <sip:+12125550100@127.0.0.1>;tag='*) ;;
*) fail "call 1 From: $i1" ;; esac
case "$i1" in *'P-Asserted-Identity: <sip:+12125550100@127.0.0.1;user=phone>'*) ;;
*) fail "call 1 PAI: $i1" ;; esac
case "$i1" in *Privacy*|*Diversion*) fail "call 1 extra headers: $i1" ;; esac
# 2: restricted: anonymous From, no name, number only in PAI, Privacy: id
case "$i2" in *'From: "Anonymous" <sip:anonymous@anonymous.invalid>;tag='*) ;;
*) fail "call 2 From: $i2" ;; esac
case "$i2" in *'P-Asserted-Identity: <sip:+12125550100@127.0.0.1;user=phone> | Privacy: id'*) ;;
*) fail "call 2 PAI/Privacy: $i2" ;; esac
case "$i2" in *Hidden*) fail "call 2 leaks the name: $i2" ;; esac
# 3: international by prefix; redirected when busy: Diversion and History-Info
case "$i3" in *'<sip:+442071234567@127.0.0.1>'*) ;;
*) fail "call 3 From: $i3" ;; esac
case "$i3" in *'Diversion: <sip:2125550199@127.0.0.1;user=phone>;reason=user-busy;counter=1'*) ;;
*) fail "call 3 Diversion: $i3" ;; esac
case "$i3" in *'History-Info: <sip:2125550199@127.0.0.1;user=phone>;index=1, <sip:5551000@127.0.0.1;user=phone;cause=486>;index=1.1;mp=1'*) ;;
*) fail "call 3 History-Info: $i3" ;; esac
expect_line "$T/gw.log" "ended: \+12125550100 -> 5551486, cause 21 .*sip 486"
expect_line "$T/gw.log" "ended: \+12125550100 -> 5551480, cause 18 .*sip 480"
# no call or dialog left, and a clean exit (sanitizer builds included)
sleep 0.5
kill -TERM "$PID_gw"
wait_exit gw 15
[ "$RC_gw" = 0 ] || fail "pstngw exited $RC_gw"
expect_line "$T/gw.log" "releasing 0 call\(s\), SIP dialogs 0"
pass
