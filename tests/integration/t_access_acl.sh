# Issue 8 (access): sources are identified by the packet's source address,
# never a header. An INVITE from 127.0.0.9 (no trunk's acl) gets 403 and
# no SETUP reaches the span, also with a Via forged to the trunk's
# address; OPTIONS from it is answered; in-dialog requests and CANCELs
# from it on dialogs that do not exist get 481; the trunk's own address
# (127.0.0.1) calls through. Each refusal logs a fail2ban line and counts.
# With unknown_sources = drop (reloaded) the INVITE gets no answer.
. tests/integration/lib.sh
. tests/integration/access_lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
gw_conf "$T/gw.conf" "[general]
metrics_listen = 127.0.0.1:9464
[security]
auth_failures = 50"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--timeout 60
start_gw

# an unknown source: 403, logged with its bare IP
r=$(sip_ask 127.0.0.9 5099 3 "$(sip_req INVITE 127.0.0.9 5099)")
[ "$r" = "SIP/2.0 403 Forbidden" ] || fail "INVITE from 127.0.0.9: '$r', expected 403"
expect_line "$T/gw.log" "SECURITY: refused INVITE from 127\.0\.0\.9: no trunk ACL matches"
# the same with its Via (and From, Contact) claiming the trunk's address
r=$(sip_ask 127.0.0.9 5098 3 "$(sip_req INVITE 127.0.0.9 5098 "" 127.0.0.1)")
[ "$r" = "SIP/2.0 403 Forbidden" ] || fail "forged Via: '$r', expected 403"
# a forged in-dialog re-INVITE (To tag) and a CANCEL of nothing: 481
r=$(sip_ask 127.0.0.9 5097 3 "$(sip_req INVITE 127.0.0.9 5097 | sed 's/To: <sip:2125551234@127.0.0.1>/&;tag=forged/')")
[ "$r" = "SIP/2.0 481 Call/Transaction Does Not Exist" ] || fail "forged re-INVITE: '$r', expected 481"
r=$(sip_ask 127.0.0.9 5096 3 "$(sip_req CANCEL 127.0.0.9 5096)")
[ "${r#SIP/2.0 481}" != "$r" ] || fail "CANCEL from 127.0.0.9: '$r', expected 481"
# SUBSCRIBE (trunk states) refused too; OPTIONS (health checks) answered
r=$(sip_ask 127.0.0.9 5095 3 "$(sip_req SUBSCRIBE 127.0.0.9 5095 'Event: x-pstngw-trunks\r\nExpires: 60\r\n')")
[ "$r" = "SIP/2.0 403 Forbidden" ] || fail "SUBSCRIBE from 127.0.0.9: '$r', expected 403"
r=$(sip_ask 127.0.0.9 5094 3 "$(sip_req OPTIONS 127.0.0.9 5094)")
[ "$r" = "SIP/2.0 200 OK" ] || fail "OPTIONS from 127.0.0.9: '$r', expected 200"
# an IPv6 source is no trunk either (the listener is IPv4 only: skipped)

# the trunk's address: the call goes through to the span
( cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 -i 127.0.0.1 \
	-p 5071 -m 1 -d 300 -nostdin -timeout 20s >"$T/uac.log" 2>&1 )
rc=$?
[ "$rc" -eq 0 ] || fail "sipp uac from the trunk's address exited $rc"
wait_for "$T/sim.log" "event=released" 10
# exactly one SETUP reached the span: the trunk's
n=$(grep -c "event=setup\|event=incoming" "$T/sim.log")
[ "$n" -eq 1 ] || fail "$n call(s) reached the span, expected 1"
[ "$(metric 'pstngw_sip_refused_total{reason="acl"}')" = 3 ] ||
	fail "acl refusals: $(metric 'pstngw_sip_refused_total{reason="acl"}'), expected 3"
[ "$(grep -c 'SECURITY: refused' "$T/gw.log")" -eq 3 ] || fail "not 3 SECURITY lines"

# unknown_sources = drop (by reload): refused unanswered, still logged
sed -i 's/^t1_ms = 100$/&\nunknown_sources = drop/' "$T/gw.conf"
"$B/pstngw-ctl" -s "$T/ctl.sock" -t 5 reload >"$T/reload.txt" || fail "reload failed: $(cat "$T/reload.txt")"
r=$(sip_ask 127.0.0.9 5093 2 "$(sip_req INVITE 127.0.0.9 5093)")
[ "$r" = none ] || fail "unknown_sources = drop answered '$r'"
[ "$(grep -c 'SECURITY: refused INVITE from 127.0.0.9' "$T/gw.log")" -eq 3 ] ||
	fail "the dropped INVITE was not logged"
pass
