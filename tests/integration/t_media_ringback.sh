# Issue 5: early ringback. With early_ringback = yes, a SIP -> PSTN call
# the PSTN alerts without in-band information gets 183 with SDP and the
# gateway's own ringback of the span's country (de: 425 Hz) as early media,
# replaced by the PSTN's audio once answered. Without the option: 180.
. tests/integration/lib.sh
gw_conf "$T/gw.conf" "early_ringback_placeholder"
sed -i -e '/^early_ringback_placeholder$/d' \
	-e 's|^rtp_port_max = 30999$|&\nearly_ringback = yes\ntone_country = us|' \
	-e 's|^group = pri$|&\ntone_country = de|' "$T/gw.conf"
# the PSTN rings 2.5 s (no in-band tones), answers, stays silent
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 2500 \
	--exit-after 1 --timeout 30
start_gw
start phone "$B/sipua" --listen 127.0.0.1:5070 --from 3035550199 \
	--call sip:2125551234@127.0.0.1:5060 --tone 440 --hangup-after 1000 \
	--exit-after 1 --timeout 30
wait_exit phone 30
wait_exit sim 15
expect_line "$T/sim.log" "event=alerting .*dir=in"
expect_line "$T/phone.log" "event=progress call=1 code=183 sdp=1"
expect_no_line "$T/phone.log" "event=progress call=1 code=180"
expect_line "$T/gw.log" "playing ringback \\(de\\) as early media"
expect_freq "$T/phone.log" "event=heard" 425
expect_freq "$T/sim.log" "event=heard" 440
pass
