# SRTP across a T.38 fax and back (issues 6 and 8): a trunk with
# srtp = required, a pstnsim fax machine sends a page over PRI, pstngw
# moves the call to T.38 (m=image, no crypto) and sipfax --srtp receives
# it; after the DCN pstngw re-INVITEs back to m=audio RTP/SAVP with its
# crypto line again. One gateway for both parts:
# 1. sipfax answers that re-offer with a crypto tag it never had
#    (--bad-return-crypto, RFC 4568 7.1.3): the gateway counts it
#    (pstngw_srtp_answer_refused_total), releases the call with cause 58
#    on both sides and keeps running;
# Both parts check that each 2xx to the gateway's INVITEs (the call, T.38,
# the return) is ACKed with its own CSeq.
# 2. the next call: sipfax first re-INVITEs back to audio itself with
#    plain RTP/AVP (--return-audio plain: a peer dropping SRTP on the way
#    back), which the gateway refuses (488) leaving the call on T.38;
#    then the gateway's own return, 1 s after the DCN, gets a good answer
#    with a new key of sipfax's: back to audio, the answer's key
#    installed, SRTP both ways after the return: sipfax's new audio
#    session authenticates the gateway's packets (none would pass under a
#    wrong key) and the capture shows only SRTP-sized RTP from the
#    gateway after the 200.
# Faxes over the loop driver can break on a loaded 2-core machine: the
# processes run at nice -15 as in t_fax_return_audio.
. tests/integration/lib.sh
command -v tshark >/dev/null || fail "tshark is not installed"
ctl() { "$B/pstngw-ctl" -s "$T/ctl.sock" "$@"; }
metric() { # NAME: its value from the metrics endpoint
	timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
		printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' >"$T/m.txt" ||
		fail "no metrics"
	sed -n "s/^$1 //p" "$T/m.txt"
}

"$B/pstnsim-mktiff" "$T/doc.tif" 1 200 || fail "cannot make the test TIFF"
gw_conf "$T/gw.conf" "[general]
metrics_listen = 127.0.0.1:9464
[fax]
mode = t38
initiate = pstn-detect
wait_ms = 500
return_to_audio = yes
return_delay_ms = 1000"
sed -i -e 's/^address = 127.0.0.1:5070$/&\nsrtp = required\nsrtp_suites = AES_CM_128_HMAC_SHA1_80/' \
	"$T/gw.conf"

fax_call() { # $1: name, then sipfax options
	local name=$1
	shift
	rm -rf "$T/spool" && mkdir "$T/spool"
	rm -f "$T/span1.sock"
	start "$name" nice -n -15 "$B/sipfax" recv --listen 127.0.0.1:5070 \
		--spool "$T/spool" --count 1 --timeout 50 \
		--srtp AES_CM_128_HMAC_SHA1_80 "$@"
	wait_for "$T/$name.log" "event=ready"
	start "sim_$name" nice -n -15 "$B/pstnsim" \
		--span "1:$T/span1.sock:t1:ni2" --call 5551000 \
		--from 2125550100 --send-fax "$T/doc.tif" --play tone:1004 \
		--exit-after 1 --timeout 50 ${SIM_OPTS:-}
}

start cap tshark -i lo -f udp -w "$T/cap.pcap"
wait_for "$T/cap.log" "Capture started" 20

# 1. the broken answer to the return
fax_call bad --bad-return-crypto
start gw nice -n -15 "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw.log" "span 1: span_up" 15
wait_exit bad 50
[ "$RC_bad" = 0 ] || fail "sipfax (bad) exited $RC_bad"
expect_line "$T/bad.log" "event=mode call=1 mode=g711 codec=PCMU .* srtp=1 suite=AES_CM_128_HMAC_SHA1_80"
expect_line "$T/bad.log" "event=fax call=1 result=ok dir=recv mode=t38 .* pages=1 "
expect_line "$T/bad.log" "event=reoffer call=1 answer=200 t38=0 srtp=1 back=1 crypto=bad"
expect_line "$T/bad.log" "event=bye call=1"
wait_exit sim_bad 20
expect_line "$T/sim_bad.log" "event=disconnect .* cause=58"
wait_for "$T/gw.log" "call 1: fax ok: 1 pages" 5
expect_line "$T/gw.log" "call 1 .*audio answer's crypto lines answer none of ours: releasing"
expect_no_line "$T/gw.log" "back to audio \(our re-INVITE\)"
[ "$(metric pstngw_srtp_answer_refused_total)" = 1 ] ||
	fail "srtp_answer_refused: $(grep srtp_answer "$T/m.txt")"
# the daemon goes on: it answers its control socket, its call is gone
ctl show calls >"$T/calls.out" 2>&1 || fail "ctl: $(cat "$T/calls.out")"
kill -0 "$PID_gw" || fail "the gateway died"

# 2. the next call: a good answer, SRTP after the return
SIM_OPTS="--fax-hangup 3500" fax_call good --return-audio plain
wait_exit good 50
[ "$RC_good" = 0 ] || fail "sipfax (good) exited $RC_good"
wait_exit sim_good 20
[ "$RC_sim_good" = 0 ] || fail "pstnsim exited $RC_sim_good"
expect_line "$T/good.log" "event=fax call=1 result=ok dir=recv mode=t38 .* pages=1 "
expect_line "$T/gw.log" "call 2: fax ok: 1 pages"
# sipfax's plain offer refused before the T.38 leg ended
expect_line "$T/good.log" "event=audio_reinvite call=1 srtp=0"
expect_line "$T/good.log" "event=audio_refused call=1 code=488"
expect_line "$T/gw.log" "call 2 \{ACTIVE\} fax \{t38\}: audio offer not acceptable: 488, T.38 stays"
expect_no_line "$T/gw.log" "re-offer not acceptable"
expect_line "$T/gw.log" "call 2 .*fax ended: re-INVITE back to audio"
expect_line "$T/gw.log" "call 2 .*SRTP keys renewed: AES_CM_128_HMAC_SHA1_80, peer tag 1, our key kept"
expect_line "$T/gw.log" "call 2 .*back to audio \(our re-INVITE\), PCMU"
expect_line "$T/good.log" "event=reoffer call=1 answer=200 t38=0 srtp=1 back=1$"
# SRTP before the fax (the seconds until the fax tone) and after it (the
# 2 s pstnsim stays on line), each session under its own keys of
# sipfax's: rx_packets counts authenticated packets only
for s in "1 after_t38=0 10" "2 after_t38=1 25"; do
	set -- $s
	line=$(grep -E "event=audio call=1 session=$1 $2 srtp=1 " "$T/good.log") ||
		fail "no SRTP audio session $1 in good.log"
	rx=$(printf '%s\n' "$line" | sed -n 's/.* rx_packets=\([0-9]*\) .*/\1/p')
	[ "${rx:-0}" -ge "$3" ] || fail "too few authenticated packets: $line"
	printf '%s\n' "$line" | grep -q "srtp_auth_fail=0 srtp_replay=0 srtp_bad=0$" ||
		fail "SRTP drops at sipfax: $line"
done
# the gateway dropped at most the few packets sent under sipfax's new
# key before its 200 arrived
wait_for "$T/gw.log" "call 2: srtp: dropped auth" 5
line=$(grep -E "call 2: srtp: dropped auth" "$T/gw.log")
auth=$(printf '%s\n' "$line" | sed -n 's/.*dropped auth \([0-9]*\) .*/\1/p')
[ "${auth:-99}" -le 10 ] || fail "the gateway dropped too many: $line"
[ "$(metric pstngw_srtp_answer_refused_total)" = 1 ] || fail "refused counted again"

kill "$PID_gw" && wait_exit gw 10
sleep 0.5
kill "$PID_cap" && wait_exit cap 10
p="$T/cap.pcap"
# the INVITEs to sipfax: T.38 without crypto, then audio with it
tshark -r "$p" -Y 'sip.Method == "INVITE" && udp.dstport == 5070' \
	-T fields -e frame.time_epoch -e sdp.media -e sdp.media_attr \
	>"$T/inv.txt" 2>/dev/null
tail -n 2 "$T/inv.txt" | head -n 1 | grep 'image' | grep -qv 'crypto' ||
	fail "no T.38 re-INVITE without crypto: $(cat "$T/inv.txt")"
tail -n 1 "$T/inv.txt" | grep 'audio [0-9]* RTP/SAVP' | grep -q 'crypto:1 AES_CM_128_HMAC_SHA1_80 inline:' ||
	fail "the re-INVITE back to audio lacks RTP/SAVP and crypto: $(tail -n 1 "$T/inv.txt")"
t=$(tshark -r "$p" -Y 'sip.Status-Code == 200 && sip.CSeq.method == "INVITE" && udp.srcport == 5070' \
	-T fields -e frame.time_epoch 2>/dev/null | tail -n 1)
[ -n "$t" ] || fail "no 200 to the re-INVITE in the capture"
# after it, RTP from the gateway: SRTP-sized (12 + 160 + 10 octets of
# tag: UDP length 190), never plain (180)
f="frame.time_epoch > $t && udp.srcport >= 30000 && udp.srcport <= 30999"
n=$(tshark -r "$p" -Y "$f && udp.length == 190" 2>/dev/null | wc -l)
[ "$n" -ge 25 ] || fail "only $n SRTP packets from the gateway after the return"
n=$(tshark -r "$p" -Y "$f && udp.length == 180" 2>/dev/null | wc -l)
[ "$n" = 0 ] || fail "$n plain RTP packets from the gateway after the return"
# every 2xx of sipfax's to an INVITE was ACKed with its own CSeq, once:
# no 2xx retransmitted (the gateway once ACKed its second re-INVITE, the
# return, with the first one's CSeq)
tshark -r "$p" -Y 'sip.Status-Code == 200 && sip.CSeq.method == "INVITE" && udp.srcport == 5070' \
	-T fields -e sip.Call-ID -e sip.CSeq.seq 2>/dev/null | sort >"$T/ok.txt"
tshark -r "$p" -Y 'sip.Method == "ACK" && udp.dstport == 5070' \
	-T fields -e sip.Call-ID -e sip.CSeq.seq 2>/dev/null | sort -u >"$T/ack.txt"
[ "$(wc -l <"$T/ok.txt")" -ge 6 ] || fail "too few 2xx to INVITEs: $(cat "$T/ok.txt")"
[ -z "$(sort -u "$T/ok.txt" | comm -23 - "$T/ack.txt")" ] ||
	fail "2xx not ACKed with its CSeq: $(sort -u "$T/ok.txt" | comm -23 - "$T/ack.txt")"
[ "$(sort -u "$T/ok.txt" | wc -l)" = "$(wc -l <"$T/ok.txt")" ] ||
	fail "2xx retransmitted (no matching ACK): $(uniq -d "$T/ok.txt")"
# the refused answer's BYE carried cause 58 to sipfax
tshark -r "$p" -Y 'sip.Method == "BYE" && udp.dstport == 5070' -T fields \
	-e sip.Reason 2>/dev/null | grep -q 'cause=58' ||
	fail "no BYE with cause 58 to sipfax"
pass
