# Issue 5: G.722 and Opus with a third-party phone. baresip, loaded with
# only the g722 (then only the opus) codec module, calls the span through
# the gateway, whose trunk list offers both; pstnsim answers with 1000 Hz
# and hangs up after 2 s. The PSTN must hear baresip's 440 Hz sine through
# each codec, and the gateway must have negotiated that codec.
. tests/integration/lib.sh
. tests/integration/interop.sh

PHONE_PORT=5090 gw_conf "$T/gw.conf"
sed -i -e 's|^address = 127.0.0.1:5090$|&\ncodecs = pcmu,g722,opus|' "$T/gw.conf"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --answer-delay 100 \
	--play tone:1000 --hangup-after 2000 --exit-after 2 --timeout 50
start_gw
i=0
for mod in g722 opus; do
	i=$((i + 1))
	bs_conf "$T/bs_$mod" 5090 "<sip:5551000@127.0.0.1>;regint=0;answermode=auto"
	sed -i "s/^module\t\t\tg711.so$/module\t\t\t$mod.so/" "$T/bs_$mod/config"
	grep -q "^module.*$mod.so" "$T/bs_$mod/config" || fail "no $mod module line"
	start "bs_$mod" baresip -f "$T/bs_$mod" -t 20
	wait_for "$T/bs_$mod.log" "baresip is ready|ready\\." 10
	udp_send 5555 "/dial sip:2125551234@127.0.0.1:5060\n"
	wait_for "$T/sim.log" "event=heard call=$i " 20
	kill "$(eval echo "\$PID_bs_$mod")"
	wait_exit "bs_$mod" 10
done
wait_exit sim 15
expect_line "$T/gw.log" "media G722/9 ptime 20: "
expect_line "$T/gw.log" "media opus/[0-9]+ ptime 20: "
expect_freq "$T/sim.log" "event=heard call=1 " 440
expect_freq "$T/sim.log" "event=heard call=2 " 440
pass
