# Issue 7 (records): unanswered calls from SIP. A busy PSTN (cause 17 ->
# 486) and a number without a route (404, refused by the gateway) each
# write a CDR line with both causes, who ended it and no answer time.
. tests/integration/lib.sh
gw_conf "$T/gw.conf" "[general]
cdr_file = $T/cdr.csv"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --reject 17 --timeout 30
start_gw
start c1 "$B/sipua" --listen 127.0.0.1:5072 \
	--call sip:2125551234@127.0.0.1:5060 --exit-after 1 --timeout 20
wait_exit c1 20
expect_line "$T/c1.log" "event=failed call=1 code=486 cause=17"
start c2 "$B/sipua" --listen 127.0.0.1:5073 \
	--call sip:9995551234@127.0.0.1:5060 --exit-after 1 --timeout 20
wait_exit c2 20
expect_line "$T/c2.log" "event=failed call=1 code=404"
for i in $(seq 50); do
	[ "$(wc -l <"$T/cdr.csv")" -ge 3 ] && break
	sleep 0.1
done
cat "$T/cdr.csv"
[ "$(wc -l <"$T/cdr.csv")" -eq 3 ] || fail "expected header + 2 lines"
# ordered by call id: lines are written when each call ends
busy=$(grep '^1,' "$T/cdr.csv" | tr -d '\r')
nort=$(grep '^2,' "$T/cdr.csv" | tr -d '\r')
IFS=, read -r id start answer end dir cin cdin cout cdout span chan callid \
	target cause sip by codec dur rest <<<"$busy"
[ -n "$start" ] && [ -z "$answer" ] && [ -n "$end" ] || fail "times: $busy"
[ "$dir" = sip-pstn ] && [ "$cdin" = 2125551234 ] && [ "$cdout" = 2125551234 ] ||
	fail "busy numbers: $busy"
[ -n "$cin" ] && [ "$cin" = "$cout" ] || fail "busy calling: $busy"
[ "$span" = 1 ] && [ "$target" = pri ] || fail "busy span/target: $busy"
[ -n "$callid" ] || fail "busy: no Call-ID"
[ "$cause" = 17 ] && [ "$sip" = 486 ] && [ "$by" = pstn ] ||
	fail "busy causes: $busy"
[ "$dur" = 0.000 ] || fail "busy duration $dur"
IFS=, read -r id start answer end dir cin cdin cout cdout span chan callid \
	target cause sip by codec dur rest <<<"$nort"
[ "$dir" = sip-pstn ] && [ "$cdin" = 9995551234 ] || fail "no-route numbers: $nort"
[ -z "$span" ] && [ -z "$chan" ] && [ -z "$target" ] && [ -z "$codec" ] ||
	fail "no-route span/target/codec: $nort"
[ "$cause" = 1 ] && [ "$sip" = 404 ] && [ "$by" = gateway ] ||
	fail "no-route causes: $nort"
pass
