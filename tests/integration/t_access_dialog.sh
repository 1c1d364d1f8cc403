# Issue 8 (access): in-dialog requests are screened by their transport
# source. While a call from the trunk (127.0.0.1) is up, 127.0.0.9 sends
# a BYE, a re-INVITE moving the media to itself and an UPDATE with the
# call's real Call-ID and tags (read from the SIP trace): each gets 403,
# is logged (the fail2ban filter finds it) and counted
# (reason="dialog"); the third blocks 127.0.0.9. The call goes on: the
# phone hangs up itself and both sides heard the other's tone the whole
# call. A trunk whose acl holds two hosts may end a call from the other
# one (127.0.0.2): a peer's BYE from another of its hosts is answered 200.
. tests/integration/lib.sh
. tests/integration/access_lib.sh
gw_conf "$T/gw.conf" "[general]
metrics_listen = 127.0.0.1:9464
[security]
auth_failures = 3"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--play tone:1000 --timeout 40
start_gw
"$B/pstngw-ctl" -s "$T/ctl.sock" -t 5 trace sip on >/dev/null || fail "trace sip on"
start phone "$B/sipua" --listen 127.0.0.1:5072 --from 3035550199 \
	--call sip:2125551234@127.0.0.1:5060 --tone 440 --hangup-after 8000 \
	--exit-after 1 --timeout 30
wait_for "$T/phone.log" "event=answered call=1" 10

# dialog PORT: Call-ID, the phone's tag and ours, from the SIP trace of
# the 200 sent to the phone on PORT (grep is quick on a loaded machine)
dialog() {
	awk -v port="$1" '
		/trace: sent to 127\.0\.0\.1:/ { to = ($0 ~ ":" port "/") }
		/trace: from / { to = 0 }
		to && /trace: >> SIP\/2\.0 200/ { ok = 1 }
		to && ok && /trace: >> Call-ID: / { cid = $NF }
		to && ok && /trace: >> From: / { sub(/.*tag=/, ""); ft = $0 }
		to && ok && /trace: >> To: / { sub(/.*tag=/, ""); tt = $0 }
		to && ok && /trace: >> Content-Length/ {
			if (cid != "") { print cid, ft, tt; exit } }
	' "$T/gw.log"
}
# indlg METHOD FROM_IP PORT CSEQ [SDP_IP]: a request in the phone's dialog
indlg() {
	local body="" ct="" len
	if [ -n "${5:-}" ]; then
		body="v=0\r\no=- 2 2 IN IP4 $5\r\ns=-\r\nc=IN IP4 $5\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
		ct="Content-Type: application/sdp\r\n"
	fi
	len=$(printf '%b' "$body" | wc -c)
	printf '%s' "$1 sip:2125551234@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5072;rport;branch=z9hG4bKd$RANDOM$3\r\nFrom: <sip:3035550199@127.0.0.1>;tag=$ftag\r\nTo: <sip:2125551234@127.0.0.1>;tag=$ttag\r\nCall-ID: $cid\r\nCSeq: $4 $1\r\nMax-Forwards: 70\r\nContact: <sip:3035550199@$2:$3>\r\n$ct""Content-Length: $len\r\n\r\n$body"
}
read -r cid ftag ttag < <(dialog 5072)
[ -n "${ttag:-}" ] || fail "no 200 to the INVITE in the SIP trace"
r=$(sip_ask 127.0.0.9 5099 2 "$(indlg BYE 127.0.0.9 5099 100)")
[ "$r" = "SIP/2.0 403 Forbidden" ] || fail "spoofed BYE ($cid $ftag $ttag): '$r', expected 403"
r=$(sip_ask 127.0.0.9 5098 2 "$(indlg INVITE 127.0.0.9 5098 101 127.0.0.9)")
[ "$r" = "SIP/2.0 403 Forbidden" ] || fail "spoofed re-INVITE: '$r', expected 403"
r=$(sip_ask 127.0.0.9 5097 2 "$(indlg UPDATE 127.0.0.9 5097 102)")
[ "$r" = "SIP/2.0 403 Forbidden" ] || fail "spoofed UPDATE: '$r', expected 403"
expect_line "$T/gw.log" "SECURITY: refused BYE from 127\.0\.0\.9: not a source of its dialog's peer \(trunk phone, Call-ID "
expect_line "$T/gw.log" "SECURITY: blocked 127\.0\.0\.9 for 300 s: too many refused"
[ "$(metric 'pstngw_sip_refused_total{reason="dialog"}')" = 3 ] ||
	fail "dialog refusals: $(metric 'pstngw_sip_refused_total{reason="dialog"}'), expected 3"
# blocked now: even the right tags get no answer
r=$(sip_ask 127.0.0.9 5096 1 "$(indlg BYE 127.0.0.9 5096 103)")
[ "$r" = none ] || fail "blocked 127.0.0.9 answered '$r'"
expect_no_line "$T/gw.log" "re-INVITE|reoffer|media to 127\.0\.0\.9"

# the call was not touched: the phone ends it, media flowed throughout
wait_exit phone 25
expect_line "$T/phone.log" "event=hangup call=1"
expect_no_line "$T/phone.log" "event=bye call=1"
expect_freq "$T/phone.log" "event=heard" 1000
rx=$(sed -n 's/.*event=heard .*rx_packets=\([0-9]*\).*/\1/p' "$T/phone.log")
[ "${rx:-0}" -ge 300 ] || fail "the phone received $rx RTP packets in 8 s, expected >= 300"
wait_for "$T/sim.log" "event=released" 10
expect_freq "$T/sim.log" "event=heard" 440

# fail2ban's filter finds 127.0.0.9 in the dialog refusals
if command -v fail2ban-regex >/dev/null; then
	f2b_check
	grep -Eq "^\|.*SECURITY: refused BYE from 127\.0\.0\.9: " "$T/f2b.log" ||
		fail "fail2ban found no dialog refusal"
fi

# a trunk with two hosts: its other host may end the call (reloaded)
sed -i 's/^address = 127\.0\.0\.1:5070$/&\nacl = 127.0.0.1, 127.0.0.2/' "$T/gw.conf"
"$B/pstngw-ctl" -s "$T/ctl.sock" -t 5 reload >"$T/reload.txt" ||
	fail "reload failed: $(cat "$T/reload.txt")"
start phone2 "$B/sipua" --listen 127.0.0.1:5073 --from 3035550199 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 20000 \
	--exit-after 1 --timeout 30
wait_for "$T/phone2.log" "event=answered call=1" 10
sleep 0.3
read -r cid ftag ttag < <(dialog 5073)
[ -n "${ttag:-}" ] || fail "no 200 to the second INVITE in the SIP trace"
r=$(sip_ask 127.0.0.2 5099 2 "$(indlg BYE 127.0.0.2 5099 100)")
[ "$r" = "SIP/2.0 200 OK" ] || fail "BYE from the trunk's other host: '$r', expected 200"
for i in $(seq 100); do
	[ "$(grep -c "event=released" "$T/sim.log")" -ge 2 ] && break
	sleep 0.1
done
[ "$(grep -c "event=released" "$T/sim.log")" -ge 2 ] ||
	fail "the BYE from 127.0.0.2 did not release the PSTN side"
[ "$(metric 'pstngw_sip_refused_total{reason="dialog"}')" = 3 ] ||
	fail "the trunk's own host was refused"
pass
