# Issue 7 (Reload): a PSTN -> SIP call is up; `pstngw-ctl reload` with a
# changed codec list and a changed listen address applies the codecs,
# keeps the listen address (needs restart) and leaves the call up until
# pstnsim hangs it up itself (cause 16, both tones heard). A broken file
# is refused with its file:line errors, on the control tool and in the
# log, and changes nothing. New calls use the new codecs; SIGHUP reloads
# too.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
sed -i 's|^rtp_port_max = .*|&\ncodecs = pcmu|' "$T/gw.conf"
ctl() { "$B/pstngw-ctl" -s "$T/ctl.sock" "$@"; }
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --hangup-after 5000 --cause 16 \
	--answer-delay 100 --exit-after 2 --timeout 40
start phone "$B/sipua" --listen 127.0.0.1:5070 --codec pcmu --tone 440 \
	--exit-after 1 --timeout 40
start_gw
wait_for "$T/sim.log" "event=connect" 10
wait_for "$T/gw.log" "media ssrc [0-9a-f]*: PCMU pt 0" 5

# the call is up: reload with other codecs and another listen address
sed -i -e 's|^codecs = pcmu$|codecs = pcma|' \
	-e 's|^listen = 127.0.0.1:5060$|listen = 127.0.0.1:5099|' \
	-e 's|^control_socket = .*|&\nmetrics_listen = 127.0.0.1:9464|' \
	-e 's|^t1_ms = 100$|&\ntls_verify = none|' "$T/gw.conf"
# a trunk added (registrations and keep-alives restart under the call),
# one over TLS, which was not set up at start
printf '[trunk pbx2]\naddress = 127.0.0.1:5090\nkeepalive_s = 5\n[trunk sec]\naddress = 127.0.0.1:5061\ntransport = tls\n' >>"$T/gw.conf"
ctl reload >"$T/reload1.out" 2>&1 || fail "reload: $(cat "$T/reload1.out")"
expect_line "$T/reload1.out" "^needs restart: \[sip\] listen \(kept as it runs\)$"
expect_line "$T/reload1.out" "changed.* media; calls in progress: 1"
expect_line "$T/reload1.out" "^metrics now on 127.0.0.1:9464$"
expect_line "$T/reload1.out" "^needs restart: \[sip\] tls_verify \(kept as it runs\)$"
expect_line "$T/reload1.out" "^needs restart: \[trunk sec\] transport tls"
expect_line "$T/reload1.out" "changed trunks .*media"
ctl show trunks >"$T/trunks.out" || fail "show trunks"
expect_line "$T/trunks.out" "^trunk pbx2: address 127.0.0.1:5090 transport udp keepalive on"
exec 3<>/dev/tcp/127.0.0.1/9464 || fail "metrics not listening after reload"
printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3
timeout 5 cat <&3 >"$T/metrics.out"
exec 3<&-
expect_line "$T/metrics.out" "^pstngw_calls_active 1$"
expect_line "$T/gw.log" "reload: reloaded $T/gw.conf"
ctl show calls >"$T/calls.out" || fail "show calls"
grep -q "2125550100" "$T/calls.out" || fail "call gone after reload: $(cat "$T/calls.out")"

# a broken file: refused, with the line; the running config stays
printf '[media]\ncodecs = pcma, nonsense\n' >>"$T/gw.conf"
bad_line=$(grep -n "nonsense" "$T/gw.conf" | cut -d: -f1)
ctl reload >"$T/reload2.out" 2>&1 && fail "broken reload accepted"
expect_line "$T/reload2.out" "^$T/gw.conf:$bad_line: \[media\] codecs"
expect_line "$T/reload2.out" "^pstngw-ctl: error: the configuration has errors; the running one is unchanged$"
expect_line "$T/gw.log" "reload: $T/gw.conf:$bad_line: \[media\] codecs"

# the first call ends by pstnsim's own hangup, with both tones heard
wait_exit phone 20
expect_line "$T/phone.log" "event=bye call=1 cause=16"
expect_freq "$T/sim.log" "event=heard call=1 " 440
expect_freq "$T/phone.log" "event=heard" 1000

# new calls get the new list: PCMU only is refused, PCMA answered; the
# gateway still listens on 5060
sed -i '$d' "$T/gw.conf"
sed -i '$d' "$T/gw.conf"
start u1 "$B/sipua" --listen 127.0.0.1:5071 --codec pcmu \
	--call sip:2125551234@127.0.0.1:5060 --exit-after 1 --timeout 15
wait_exit u1 20
expect_line "$T/u1.log" "event=(failed|rejected).*488"
start u2 "$B/sipua" --listen 127.0.0.1:5072 --codec pcma --tone 440 \
	--call sip:2125551234@127.0.0.1:5060 --hangup-after 1000 \
	--exit-after 1 --timeout 15
wait_exit u2 20
[ "$RC_u2" = 0 ] || fail "PCMA call: sipua exited $RC_u2"
expect_line "$T/u2.log" "event=answered call=1 codec=PCMA"

# SIGHUP reloads as well
kill -HUP "$PID_gw"
wait_for "$T/gw.log" "SIGHUP: reopening files, reloading" 5
wait_for "$T/gw.log" "reload: reloaded $T/gw.conf: no change" 5
pass
