# Issue 5: every codec of media/ through the gateway, chosen by the trunk's
# preference list. First the PSTN calls the phone through the trunk, whose
# list starts with Opus: the offer carries the list in order (Opus with
# its fmtp) and sipua, taking only Opus, answers with it. Then sipua,
# offering one codec at a time, calls the span. pstnsim plays 1000 Hz,
# sipua 440 Hz; each side must hear the other's tone whatever the codec.
. tests/integration/lib.sh
CODECS="g722 opus gsm g726-32 aal2-g726-32 pcma"
n=$(echo $CODECS | wc -w)
gw_conf "$T/gw.conf"
sed -i -e "s|^address = 127.0.0.1:5070\$|&\ncodecs = opus,g722,gsm,g726-32,aal2-g726-32,pcma,pcmu|" \
	"$T/gw.conf"
start ring "$B/sipua" --listen 127.0.0.1:5070 --codec opus --tone 440 \
	--exit-after 1 --timeout 20
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --hangup-after 2000 --answer-delay 100 \
	--play tone:1000 --exit-after $((n + 1)) --timeout 60
start_gw
wait_exit ring 25
[ "$RC_ring" = 0 ] || fail "PSTN -> SIP: sipua exited $RC_ring"
expect_line "$T/gw.log" "media opus/111 ptime 20"
wait_for "$T/sim.log" "event=heard call=1 " 10
expect_freq "$T/sim.log" "event=heard call=1 " 440
expect_freq "$T/ring.log" "event=heard" 1000
i=1
for c in $CODECS; do
	i=$((i + 1))
	start "ph_$i" "$B/sipua" --listen 127.0.0.1:5070 --from 30355501$i \
		--call sip:2125551234@127.0.0.1:5060 --codec "$c" --tone 440 \
		--hangup-after 2000 --exit-after 1 --timeout 20
	wait_exit "ph_$i" 25
	eval "[ \"\$RC_ph_$i\" = 0 ]" || fail "$c: sipua exited non-zero"
	name=$(sed -n "s/.*event=answered call=1 codec=\([^ ]*\).*/\1/p" "$T/ph_$i.log")
	[ "$(echo "$name" | tr A-Z a-z)" = "$c" ] ||
		fail "$c: answered with '$name'"
	wait_for "$T/sim.log" "event=heard call=$i " 10
	expect_freq "$T/sim.log" "event=heard call=$i " 440
	expect_freq "$T/ph_$i.log" "event=heard" 1000
done
wait_exit sim 15
pass
