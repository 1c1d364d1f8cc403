# Issue 8 (access): [sip] tls_client_cert = require (mutual TLS). With a
# throwaway CA made here by the openssl CLI: (1) a phone calling over TLS
# without a client certificate is refused in the handshake (logged), its
# call fails and nothing reaches the span; (2) a certificate from another
# CA is refused alike; (3) a phone with a certificate of tls_ca calls
# through to the PSTN.
. tests/integration/lib.sh
. tests/integration/tls_lib.sh

gw_conf "$T/gw.conf"
sed -i "s|^no_answer_s = .*|&\ntls_listen = 127.0.0.1:5061\ntls_cert = $T/gw.pem\ntls_key = $T/gw.key\ntls_ca = $T/ca.pem\ntls_verify = peer\ntls_client_cert = require|" "$T/gw.conf"
grep -q '^tls_client_cert = require' "$T/gw.conf" || fail "config edit failed"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 200 \
	--timeout 40
start_gw
expect_line "$T/gw.log" "listening on 127.0.0.1:5061/tls"

# (1) no client certificate: the handshake is refused
start nocert "$B/sipua" --listen 127.0.0.1:5070 --transport tls \
	--tls-ca "$T/ca.pem" --call sip:2125551234@127.0.0.1:5061 \
	--hangup-after 500 --exit-after 1 --timeout 3
wait_for "$T/gw.log" "/TLS: TLS handshake failed: .*(did not return a certificate|certificate required)" 10
# with TLS 1.3 the client learns of the refusal only from the alert after
# its own handshake ended: sipua's call then waits for Timer B (and a
# SIGTERM waits for the call), so its --timeout 3 ends it
wait_exit nocert 10
expect_no_line "$T/nocert.log" "event=answered"
expect_no_line "$T/sim.log" "event=setup"

# (2) a certificate of another CA: refused too
start rogue "$B/sipua" --listen 127.0.0.1:5072 --transport tls \
	--tls-cert "$T/rogue.pem" --tls-key "$T/rogue.key" \
	--tls-ca "$T/ca.pem" --call sip:2125551234@127.0.0.1:5061 \
	--hangup-after 500 --exit-after 1 --timeout 3
wait_for "$T/gw.log" "/TLS: TLS handshake failed: .*certificate verify failed" 10
wait_exit rogue 10
expect_no_line "$T/rogue.log" "event=answered"
expect_no_line "$T/sim.log" "event=setup"

# (3) a certificate of tls_ca: the call goes through
start phone "$B/sipua" --listen 127.0.0.1:5074 --transport tls \
	--tls-cert "$T/phone.pem" --tls-key "$T/phone.key" \
	--tls-ca "$T/ca.pem" --call sip:2125551234@127.0.0.1:5061 \
	--hangup-after 500 --exit-after 1 --timeout 20
wait_exit phone 25
[ "$RC_phone" -eq 0 ] || fail "phone with a client certificate exited $RC_phone"
expect_line "$T/phone.log" "event=answered call=1"
expect_line "$T/sim.log" "event=setup .*called=2125551234"
pass
