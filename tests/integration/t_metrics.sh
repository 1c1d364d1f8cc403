# Issue 7 (metrics): /metrics scraped over HTTP with bash's /dev/tcp (no
# curl) before and after a call through the daemon; the call is counted;
# bad requests get 404/405/400 and the daemon keeps serving; a
# non-loopback metrics_listen is refused by the configuration check.
. tests/integration/lib.sh

# get PATH-LINE: the whole response to one request (bounded by timeout)
scrape() {
	timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
		printf "%b" "$0" >&3 && cat <&3' "$1"
}

gw_conf "$T/bad.conf" "[general]
metrics_listen = 192.0.2.1:9464"
"$B/pstngw" --check-config "$T/bad.conf" 2>"$T/err.log"
[ $? -eq 1 ] || fail "non-loopback metrics_listen accepted"
expect_line "$T/err.log" "\[general\] metrics_listen: '192.0.2.1' is not a loopback address"

gw_conf "$T/gw.conf" "[general]
metrics_listen = 127.0.0.1:9464"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --hangup-after 1000 --cause 16 \
	--exit-after 1 --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --answer-delay 200 \
	--exit-after 1 --timeout 30
start_gw
wait_for "$T/gw.log" "metrics on http://127.0.0.1:9464/metrics" 5
wait_exit sim 30
wait_exit phone 15
wait_for "$T/gw.log" "call 1: media: tx" 5

scrape 'GET /metrics HTTP/1.0\r\n\r\n' >"$T/m1.txt" || fail "scrape failed"
tr -d '\r' <"$T/m1.txt" >"$T/m.txt"
expect_line "$T/m.txt" "^HTTP/1.0 200 OK$"
expect_line "$T/m.txt" "^Content-Type: text/plain; version=0.0.4"
expect_line "$T/m.txt" "^# TYPE pstngw_calls_ended_total counter$"
expect_line "$T/m.txt" '^pstngw_calls_started_total\{direction="pstn-sip"\} 1$'
expect_line "$T/m.txt" '^pstngw_calls_ended_total\{direction="pstn-sip",result="answered"\} 1$'
expect_line "$T/m.txt" '^pstngw_calls_ended_total\{direction="sip-pstn",result="answered"\} 0$'
expect_line "$T/m.txt" '^pstngw_span_layer1_up\{span="1"\} [01]$'
expect_line "$T/m.txt" '^pstngw_channels\{span="1",state="idle"\} [0-9]+$'
expect_line "$T/m.txt" '^pstngw_sip_messages_total\{dir="rx"\} [1-9][0-9]*$'
expect_line "$T/m.txt" '^pstngw_rtp_jitter_seconds_count 1$'
expect_line "$T/m.txt" '^pstngw_rtp_packets_total\{dir="rx"\} [1-9][0-9]*$'
# the declared length is the body's
len=$(sed -n 's/^Content-Length: //p' "$T/m.txt")
body=$(($(wc -c <"$T/m1.txt") - $(grep -b -m1 $'^\r$' "$T/m1.txt" | cut -d: -f1) - 2))
[ "$len" = "$body" ] || fail "Content-Length $len, body $body bytes"

scrape 'GET /nope HTTP/1.0\r\n\r\n' | grep -q "^HTTP/1.0 404" || fail "no 404"
scrape 'POST /metrics HTTP/1.0\r\n\r\n' | grep -q "^HTTP/1.0 405" || fail "no 405"
scrape 'garbage\r\n\r\n' | grep -q "^HTTP/1.0 400" || fail "no 400"
# a request that never ends is cut at the size bound
head -c 3000 /dev/zero | tr '\0' a >"$T/big.txt"
scrape "GET /$(cat "$T/big.txt")" | grep -q "^HTTP/1.0 431" || fail "no 431"
scrape 'GET /metrics HTTP/1.0\r\n\r\n' | tr -d '\r' >"$T/m2.txt"
expect_line "$T/m2.txt" '^pstngw_metrics_http_requests_total\{outcome="rejected"\} 4$'
expect_line "$T/m2.txt" '^pstngw_metrics_http_requests_total\{outcome="ok"\} 1$'
kill -0 "$PID_gw" || fail "gateway died"
pass
