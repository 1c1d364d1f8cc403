# Issue 6: our own re-INVITE back to audio after a T.38 fax. A pstnsim
# fax machine sends a page over PRI; pstngw moves the call to T.38 and
# sipfax receives it. Once the T.30 DCN has passed, the call is still up
# (pstnsim stays 2 s on line, sipfax 5 s), so pstngw re-INVITEs with
# m=audio after [fax] return_delay_ms; sipfax takes it, and the PSTN
# side's audio (pstnsim plays a 1004 Hz tone once the fax is done) flows
# as RTP to sipfax again: counted with tshark after the 200 to that
# re-INVITE. Then sipfax refuses it (488): T.38 stays, no retry; the
# fax over, sipfax's UDPTL goes silent and the watchdog (10 s: a
# receiver says nothing from its CFR to its MCF, training and page
# included, 5 s here) keeps the call up until sipfax's BYE 16 s after its
# fax (pstnsim stays on line 20 s); with [fax] idle_release = yes it ends
# the call itself with cause 16.
# (return_to_audio = no is test_gateway_call_fax's phase_e_decisions.)
# Each part needs a fax to reach its DCN: on a loaded 2-core machine the
# loop driver's audio can break one, like t_fax_pstn_to_sip's.
. tests/integration/lib.sh
command -v tshark >/dev/null || fail "tshark is not installed"

"$B/pstnsim-mktiff" "$T/doc.tif" 1 200 || fail "cannot make the test TIFF"

run_fax() { # $1: return_to_audio, $2: pcap name, then sipfax options
	local ret=$1 name=$2
	shift 2
	rm -rf "$T/spool" && mkdir "$T/spool"
	gw_conf "$T/gw.conf" "[fax]
mode = t38
initiate = pstn-detect
wait_ms = 500
return_to_audio = $ret
return_delay_ms = 200
${EXTRA_CONF:-}"
	start cap tshark -i lo -f udp -w "$T/cap-$name.pcap"
	wait_for "$T/cap.log" "Capture started" 20
	start fax nice -n -15 "$B/sipfax" recv --listen 127.0.0.1:5070 \
		--spool "$T/spool" --count 1 --timeout 110 "$@"
	wait_for "$T/fax.log" "event=ready"
	start sim nice -n -15 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" \
		--call 5551000 --from 2125550100 --send-fax "$T/doc.tif" \
		--play tone:1004 --exit-after 1 --timeout 110 ${SIM_OPTS:-}
	start gw nice -n -15 "$B/pstngw" -f -c "$T/gw.conf"
	wait_for "$T/gw.log" "span 1: span_up" 15
	wait_exit fax 110
	[ "$RC_fax" = 0 ] || fail "sipfax exited $RC_fax"
	wait_exit sim 20
	[ "$RC_sim" = 0 ] || fail "pstnsim exited $RC_sim"
	kill "$PID_gw" && wait_exit gw 10
	sleep 0.5
	kill "$PID_cap" && wait_exit cap 10
	expect_line "$T/fax.log" "event=fax call=1 result=ok dir=recv mode=t38 .* pages=1 "
	expect_line "$T/gw.log" "call [0-9]+: fax ok: 1 pages"
}

# 1. return_to_audio = yes
run_fax yes yes
expect_line "$T/gw.log" "fax ended \(DCN\): back to audio in 200 ms"
expect_line "$T/gw.log" "fax ended: re-INVITE back to audio"
expect_line "$T/gw.log" "back to audio \(our re-INVITE\), PCMU"
# sipfax got an audio offer after T.38 and took it
expect_line "$T/fax.log" "event=reoffer call=1 answer=200 t38=0"
p="$T/cap-yes.pcap"
# the INVITE sipfax received from the gateway with m=audio after m=image
tshark -r "$p" -Y 'sip.Method == "INVITE" && udp.dstport == 5070' \
	-T fields -e frame.time_epoch -e sdp.media >"$T/inv.txt" 2>/dev/null
[ "$(grep -c 'image' "$T/inv.txt")" -ge 1 ] || fail "no T.38 re-INVITE seen: $(cat "$T/inv.txt")"
tail -n 1 "$T/inv.txt" | grep -q 'audio' || fail "last INVITE has no m=audio: $(tail -n 1 "$T/inv.txt")"
t=$(tshark -r "$p" -Y 'sip.Status-Code == 200 && sip.CSeq.method == "INVITE" && udp.srcport == 5070' \
	-T fields -e frame.time_epoch 2>/dev/null | tail -n 1)
[ -n "$t" ] || fail "no 200 to the re-INVITE in the capture"
# G.711 RTP (12 + 160 octets) from the gateway's media ports after it
n=$(tshark -r "$p" -Y "frame.time_epoch > $t && udp.srcport >= 30000 && udp.srcport <= 30999 && udp.length == 180" \
	2>/dev/null | wc -l)
[ "$n" -ge 25 ] || fail "only $n RTP packets from the gateway after the return to audio"

# 2. the far end refuses: T.38 until the hangup, not tried again; its
# silence after the fax is no failure
EXTRA_CONF="watchdog_ms = 10000" SIM_OPTS="--fax-hangup 20000" \
	run_fax yes refused --refuse-audio --bye-wait 16000
expect_line "$T/gw.log" "fax ended: re-INVITE back to audio"
expect_line "$T/fax.log" "event=reoffer call=1 answer=488 t38=0"
expect_line "$T/gw.log" "re-INVITE to audio refused with 488: T.38 until hangup"
expect_no_line "$T/gw.log" "back to audio \(our re-INVITE\)"
[ "$(grep -c 're-INVITE back to audio' "$T/gw.log")" = 1 ] ||
	fail "the refused re-INVITE was tried again"
expect_line "$T/gw.log" "no UDPTL datagram for 10000 ms after the fax: kept until hangup"
expect_no_line "$T/gw.log" "releasing \(cause 41\)"
# sipfax's BYE ended it: pstnsim was told 16, before its own on-hook
expect_line "$T/sim.log" "event=disconnect .* cause=16"
expect_no_line "$T/sim.log" "event=hangup "

# 3. the same with idle_release: we end the finished fax's call, cause 16
EXTRA_CONF="watchdog_ms = 10000
idle_release = yes" SIM_OPTS="--fax-hangup 20000" \
	run_fax yes idle --refuse-audio --bye-wait 16000
expect_line "$T/gw.log" "re-INVITE to audio refused with 488: T.38 until hangup"
expect_line "$T/gw.log" "no UDPTL datagram for 10000 ms after the fax: releasing \(cause 16\)"
expect_no_line "$T/gw.log" "releasing \(cause 41\)"
expect_line "$T/sim.log" "event=disconnect .* cause=16"
expect_no_line "$T/sim.log" "event=hangup "

pass
