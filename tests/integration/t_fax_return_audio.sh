# Issue 6: our own re-INVITE back to audio after a T.38 fax. A pstnsim
# fax machine sends a page over PRI; pstngw moves the call to T.38 and
# sipfax receives it. Once the T.30 DCN has passed, the call is still up
# (pstnsim stays 2 s on line, sipfax 5 s), so pstngw re-INVITEs with
# m=audio after [fax] return_delay_ms; sipfax takes it, and the PSTN
# side's audio (pstnsim plays a 1004 Hz tone once the fax is done) flows
# as RTP to sipfax again: counted with tshark after the 200 to that
# re-INVITE. (When sipfax refuses it: t_fax_return_refused.)
# (return_to_audio = no is test_gateway_call_fax's phase_e_decisions.)
# The fax needs to reach its DCN: on a loaded 2-core machine the
# loop driver's audio can break one, like t_fax_pstn_to_sip's.
. tests/integration/lib.sh
. tests/integration/fax_return_lib.sh

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

pass
