# Issue 3: baresip (a real SIP phone, headless) called by the gateway and
# calling it. The gateway challenges the phone's INVITE (inbound_password,
# 401; baresip 1.0 fails on a first challenge with SHA-256, so the gateway
# offers MD5 only here: auth_algorithms = md5), then routes
# it to the PSTN (baresip takes calls for its account user only: 5551000).
# Media: the phone's 440 Hz sine reaches the PSTN.
. tests/integration/lib.sh
. tests/integration/interop.sh
bs_conf "$T/bs" 5090 "<sip:5551000@127.0.0.1>;auth_user=phone;auth_pass=phonepw;regint=0;answermode=auto"
start phone baresip -f "$T/bs" -t 40
PHONE_PORT=5090 gw_conf "$T/gw.conf"
# the phone's requests must authenticate
sed -i -e 's/^address = 127.0.0.1:5090$/&\ninbound_user = phone\ninbound_password = phonepw/' \
	-e 's/^t1_ms = 100$/&\nauth_algorithms = md5/' "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --answer-delay 300 \
	--hangup-after 2000 --exit-after 2 --timeout 40
start_gw
expect_line "$T/gw.log" "digest challenges on, realm \"127.0.0.1\", md5"
# gateway -> baresip: answered automatically, the PSTN hears the sine
wait_for "$T/sim.log" "event=released" 20
expect_line "$T/phone.log" "answering call .* from sip:2125550100@127.0.0.1"
expect_freq "$T/sim.log" "event=heard" 440
# baresip -> gateway: challenged, answered, routed to the span
udp_send 5555 "/dial sip:2125551234@127.0.0.1:5060\n"
wait_exit sim 30
expect_line "$T/gw.log" "auth: INVITE from 127.0.0.1:5090: no credentials"
expect_line "$T/sim.log" "event=setup .*dir=in called=2125551234 calling=5551000"
[ "$(grep -c 'event=connect' "$T/sim.log")" -ge 2 ] || fail "second call not connected"
pass
