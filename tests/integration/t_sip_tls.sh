# SIP over TLS between the gateway and the test phone (sipua), with a
# throwaway CA and certificates made here by the openssl CLI (never
# committed). (1) The phone calls the PSTN over TLS (gateway as TLS
# server, the phone verifying it); (2) pstnsim calls the phone through a
# trunk with transport = tls (gateway as TLS client verifying the phone);
# (3) a phone whose certificate comes from another CA is refused by the
# gateway with a clear log line, and the call fails. (4) Issue 8: a phone
# with a certificate of the right CA but for another address (SAN
# IP:127.0.0.2) is refused too: the gateway checks the server names the
# trunk's address; (5) a trunk with tls_name = phone.test takes a
# certificate for DNS:phone.test. (4) and (5) use trunks of their own
# (5076, 5077): after (3) the gateway sends to 5071 over UDP for 30 s.
. tests/integration/lib.sh
. tests/integration/tls_lib.sh
mkcert ca other IP:127.0.0.2
mkcert ca named DNS:phone.test

gw_conf "$T/gw.conf" "[trunk other]
address = 127.0.0.1:5076
transport = tls
[trunk named]
address = 127.0.0.1:5077
transport = tls
tls_name = phone.test
[route to-other]
from = pstn
prefix = 556
target = trunk other
[route to-named]
from = pstn
prefix = 557
target = trunk named"
sed -i "s|^address = 127.0.0.1:5070\$|address = 127.0.0.1:5071\ntransport = tls|" "$T/gw.conf"
sed -i "s|^no_answer_s = .*|&\ntls_listen = 127.0.0.1:5061\ntls_cert = $T/gw.pem\ntls_key = $T/gw.key\ntls_ca = $T/ca.pem\ntls_verify = peer|" "$T/gw.conf"
grep -q '^transport = tls' "$T/gw.conf" && grep -q '^tls_listen' "$T/gw.conf" ||
	fail "config edit failed"

# (1) phone -> gateway over TLS -> PSTN
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 200 \
	--exit-after 1 --timeout 30
start_gw
expect_line "$T/gw.log" "listening on 127.0.0.1:5061/tls"
start phone "$B/sipua" --listen 127.0.0.1:5070 --transport tls \
	--tls-ca "$T/ca.pem" --call sip:2125551234@127.0.0.1:5061 \
	--hangup-after 500 --exit-after 1 --timeout 20
wait_exit phone 25
[ "$RC_phone" -eq 0 ] || fail "phone over TLS exited $RC_phone"
wait_exit sim 10
expect_line "$T/phone.log" "event=answered call=1"
expect_line "$T/sim.log" "event=setup .*called=2125551234"
expect_line "$T/gw.log" "conn [0-9]+ 127.0.0.1:[0-9]+/TLS: TLS established"

# (2) PSTN -> gateway -> phone over TLS (the gateway verifies the phone)
start phone2 "$B/sipua" --listen 127.0.0.1:5072 --tls-listen 127.0.0.1:5071 \
	--tls-cert "$T/phone.pem" --tls-key "$T/phone.key" \
	--tls-ca "$T/ca.pem" --tls-verify none --answer-delay 100 \
	--exit-after 1 --timeout 20
wait_for "$T/phone2.log" "event=ready" 10
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --hangup-after 500 --exit-after 1 --timeout 20
wait_exit sim2 25
wait_exit phone2 10
expect_line "$T/phone2.log" "event=incoming call=1 from=2125550100"
expect_line "$T/sim2.log" "event=connect"
expect_line "$T/gw.log" "conn [0-9]+ 127.0.0.1:5071/TLS: TLS established"

# (3) a phone with a certificate from another CA: refused, call fails
start rogue "$B/sipua" --listen 127.0.0.1:5073 --tls-listen 127.0.0.1:5071 \
	--tls-cert "$T/rogue.pem" --tls-key "$T/rogue.key" \
	--tls-verify none --exit-after 1 --timeout 20
wait_for "$T/rogue.log" "event=ready" 10
start sim3 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --exit-after 1 --timeout 20
wait_for "$T/gw.log" "127.0.0.1:5071/TLS: TLS handshake failed: .*certificate verify failed" 10
wait_exit sim3 20
expect_line "$T/sim3.log" "event=released"
# failed at once by the transport error, not after Timer B (cause 102)
expect_no_line "$T/sim3.log" "cause=102"
expect_no_line "$T/rogue.log" "event=incoming"
kill -TERM "$PID_rogue"
wait_exit rogue 10

# (4) the right CA, another address: refused
start other "$B/sipua" --listen 127.0.0.1:5074 --tls-listen 127.0.0.1:5076 \
	--tls-cert "$T/other.pem" --tls-key "$T/other.key" \
	--tls-verify none --exit-after 1 --timeout 20
wait_for "$T/other.log" "event=ready" 10
start sim4 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5561000 \
	--from 2125550100 --exit-after 1 --timeout 20
wait_for "$T/gw.log" "127.0.0.1:5076/TLS: TLS handshake failed: .*certificate verify failed: IP address mismatch" 10
wait_exit sim4 20
expect_line "$T/sim4.log" "event=released"
expect_no_line "$T/other.log" "event=incoming"
kill -TERM "$PID_other"
wait_exit other 10

# (5) tls_name = phone.test: a certificate for that name is taken
start named "$B/sipua" --listen 127.0.0.1:5075 --tls-listen 127.0.0.1:5077 \
	--tls-cert "$T/named.pem" --tls-key "$T/named.key" \
	--tls-verify none --answer-delay 100 --exit-after 1 --timeout 20
wait_for "$T/named.log" "event=ready" 10
start sim5 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5571000 \
	--from 2125550100 --hangup-after 500 --exit-after 1 --timeout 20
wait_exit sim5 25
wait_exit named 10
expect_line "$T/named.log" "event=incoming call=1 from=2125550100"
expect_line "$T/sim5.log" "event=connect"
expect_line "$T/gw.log" "conn [0-9]+ 127.0.0.1:5077/TLS: TLS established"
pass
