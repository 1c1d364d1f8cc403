# Issue 7 (records): a call through the daemon (pstnsim -> gateway ->
# sipua) writes one CDR line with the right numbers, causes, channel,
# Call-ID and duration; SIGHUP after the file was moved away creates a
# new file with its header.
. tests/integration/lib.sh
gw_conf "$T/gw.conf" "[general]
cdr_file = $T/cdr.csv"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --hangup-after 2000 --cause 16 \
	--exit-after 1 --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --answer-delay 300 \
	--exit-after 1 --timeout 30
start_gw
[ -f "$T/cdr.csv" ] || fail "no CDR file at start"
wait_exit sim 30
wait_exit phone 15
wait_for "$T/gw.log" "ended: 2125550100 -> 5551000, cause 16" 5
# the line waits for the media worker's final statistics
for i in $(seq 50); do
	[ "$(wc -l <"$T/cdr.csv")" -ge 2 ] && break
	sleep 0.1
done
[ "$(wc -l <"$T/cdr.csv")" -eq 2 ] || fail "expected header + 1 line: $(cat "$T/cdr.csv")"
head -n 1 "$T/cdr.csv" | grep -q '^call,start,answer,end,direction,' ||
	fail "no header line"
line=$(sed -n 2p "$T/cdr.csv" | tr -d '\r')
echo "CDR: $line"
IFS=, read -r id start answer end dir cin cdin cout cdout span chan callid \
	target cause sip by codec dur rx tx lost jit pages fres fmode frate fecm \
	fcode urx utx urec ulost tgood tbad <<<"$line"
ts='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$'
[[ $start =~ $ts && $answer =~ $ts && $end =~ $ts ]] || fail "times: $line"
[ "$dir" = pstn-sip ] || fail "direction '$dir'"
[ "$cin" = 2125550100 ] && [ "$cout" = 2125550100 ] || fail "calling: $line"
[ "$cdin" = 5551000 ] && [ "$cdout" = 5551000 ] || fail "called: $line"
[ "$span" = 1 ] && [ -n "$chan" ] && [ "$chan" -ge 1 ] || fail "span/chan: $line"
[ -n "$callid" ] || fail "no Call-ID"
[[ $callid == *@127.0.0.1 ]] || fail "Call-ID '$callid'"
expect_line "$T/sim.log" "event=setup span=1 chan=$chan call=1"
[ "$target" = phone ] || fail "target '$target'"
[ "$cause" = 16 ] || fail "cause '$cause'"
[ "$sip" = 200 ] || fail "sip status '$sip'"
[ "$by" = pstn ] || fail "hangup_by '$by'"
[ "$codec" = PCMU ] || fail "codec '$codec'"
# pstnsim hangs up 2 s after the answer
ms=${dur/./}
ms=$((10#$ms))
[ "$ms" -ge 1500 ] && [ "$ms" -le 3500 ] || fail "duration $dur"
[ -n "$rx" ] && [ "$rx" -gt 20 ] && [ "$tx" -gt 20 ] || fail "rtp rx '$rx' tx '$tx'"
[ -n "$lost" ] && [ -n "$jit" ] || fail "rtp loss/jitter empty"
[ -z "$pages$fres$fmode$frate$fecm$fcode$urx$utx$urec$ulost$tgood$tbad" ] ||
	fail "fax fields not empty"

# rotation: move the file, SIGHUP, a new file with only the header
mv "$T/cdr.csv" "$T/cdr.csv.1"
kill -HUP "$PID_gw"
wait_for "$T/gw.log" "CDR file .*cdr.csv reopened" 5
[ -f "$T/cdr.csv" ] || fail "no new CDR file after SIGHUP"
[ "$(wc -l <"$T/cdr.csv")" -eq 1 ] || fail "new file: $(cat "$T/cdr.csv")"
[ "$(wc -l <"$T/cdr.csv.1")" -eq 2 ] || fail "rotated file changed"
kill -0 "$PID_gw" || fail "gateway died on SIGHUP"
pass
