# Issue 8, the attack pack on live media: bogus RTCP compounds sent to an
# audio call's RTCP port, and bogus UDPTL to a T.38 fax's port, both "from"
# the call's own peer (tests/tools/udpspoof forges the source, so they are
# parsed, not dropped as foreign). Each is refused and counted exactly;
# well-formed extremes (31 report blocks, hundreds of packets in one
# compound) are taken; the call keeps its audio both ways and clears
# normally, and the fax arrives.
. tests/integration/lib.sh
U="$B/tests/tools/udpspoof"
[ -x "$U" ] || fail "no $U"
"$B/pstnsim-mktiff" "$T/doc.tif" 1 200 || fail "cannot make the test TIFF"
mkdir "$T/spool"
gw_conf "$T/gw.conf" "[general]
metrics_listen = 127.0.0.1:9464
[fax]
mode = t38
initiate = pstn-detect
wait_ms = 200
return_to_audio = no"

# hex helpers: RTCP header (count, type, length in words) and n zero words
hdr() { printf '%02x%02x%04x' $((0x80 | $1)) "$2" "$3"; }
zeros() { printf '00000000%.0s' $(seq "$1"); }
SSRC=00005eed
rr31="$(hdr 31 201 187)$SSRC$(zeros 186)"      # 31 report blocks
app200="$(hdr 0 201 1)$SSRC$(printf '80cc0000%.0s' $(seq 200))" # + 200 APPs
lie_count="$(hdr 31 201 7)$SSRC$(zeros 186)"   # 31 announced, 1 fits
lie_len="$(hdr 1 201 65535)$SSRC$(zeros 6)"    # past the datagram
lie_pad="a1c90007$SSRC$(zeros 5)000000ff"      # padding beyond the packet
v1="$(printf '41c90007')$SSRC$(zeros 6)"       # version 1

# phase 1: an audio call from the PSTN to the phone
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 \
	--exit-after 1 --timeout 30
start phone "$B/sipua" --listen 127.0.0.1:5070 --tone 440 --exit-after 1 \
	--timeout 30
start_gw
wait_for "$T/gw.log" "call 1 .*: media [^ ]+ ptime [0-9]+: local [0-9]+, remote 127.0.0.1:[0-9]+" 10
line=$(grep -E "call 1 .*: media [^ ]+ ptime [0-9]+: local " "$T/gw.log" | head -n 1)
lport=$(printf '%s\n' "$line" | sed -n 's/.*: local \([0-9]*\), remote 127.0.0.1:\([0-9]*\) .*/\1/p')
rport=$(printf '%s\n' "$line" | sed -n 's/.*: local \([0-9]*\), remote 127.0.0.1:\([0-9]*\) .*/\2/p')
[ -n "$lport" ] && [ -n "$rport" ] || fail "no ports in: $line"
wait_for "$T/phone.log" "event=answer call=1" 10
sleep 0.5
"$U" -n 5 127.0.0.1 $((rport + 1)) 127.0.0.1 $((lport + 1)) \
	"$rr31" "$app200" || fail "udpspoof (good RTCP) failed"
"$U" -n 5 127.0.0.1 $((rport + 1)) 127.0.0.1 $((lport + 1)) \
	"$lie_count" "$lie_len" "$lie_pad" "$v1" || fail "udpspoof (bad RTCP) failed"
# 10 good compounds read, 20 bad ones refused, nothing foreign: polled in
# `show rtp` (the workers count), at most 10 s; then the call is ended
rtcp() { sed -n 's/^call 1: rtp rx .*; rtcp \(.*\)/\1/p' "$T/rtp.out"; }
for _ in $(seq 100); do
	"$B/pstngw-ctl" -s "$T/ctl.sock" show rtp >"$T/rtp.out" 2>&1
	rtcp | grep -Eq "(^| )rx 10 .*bad 20 foreign 0" && break
	sleep 0.1
done
rtcp | grep -Eq "(^| )rx 10 .*bad 20 foreign 0" ||
	fail "RTCP not counted as 10 good, 20 bad: $(cat "$T/rtp.out")"
"$B/pstngw-ctl" -s "$T/ctl.sock" hangup 1 16 >"$T/hangup.out" 2>&1 ||
	fail "hangup: $(cat "$T/hangup.out")"
wait_exit sim 30
wait_exit phone 15
expect_freq "$T/sim.log" "event=heard" 440
expect_freq "$T/phone.log" "event=heard" 1000
expect_line "$T/phone.log" "event=bye call=1"
expect_line "$T/gw.log" "call 1: rtcp: tx [0-9]+ rx 10 bad 20 foreign 0; "

# phase 2: a fax from the PSTN, T.38 to sipfax, bogus UDPTL mid-fax
start fax "$B/sipfax" recv --listen 127.0.0.1:5070 --spool "$T/spool" \
	--count 1 --timeout 60
wait_for "$T/fax.log" "event=ready"
start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --send-fax "$T/doc.tif" --fax-hangup 100 \
	--exit-after 1 --timeout 60
wait_for "$T/gw.log" "call 2 .*: media [^ ]+ ptime [0-9]+: local [0-9]+, " 15
lport=$(sed -n 's/.*call 2 .*: media [^ ]* ptime [0-9]*: local \([0-9]*\), .*/\1/p' \
	"$T/gw.log" | head -n 1)
wait_for "$T/gw.log" "call 2 .*T.38 v[0-9] to 127.0.0.1:[0-9]+" 20
fport=$(sed -n 's/.*call 2 .*T.38 v[0-9] to 127.0.0.1:\([0-9]*\),.*/\1/p' \
	"$T/gw.log" | head -n 1)
[ -n "$lport" ] && [ -n "$fport" ] || fail "no UDPTL ports"
sleep 0.5
# lengths past the datagram, 200 secondaries, a secondary past the end,
# fec-npackets 2^32-1, a bad error-recovery choice, trailing octets
"$U" -n 3 127.0.0.1 "$fport" 127.0.0.1 "$lport" \
	000180c8010203 000201aa0080c801bb 000301aa000132 \
	000401aa8004ffffffff0101aa 000501aa4200 000601aa0000dead ||
	fail "udpspoof (bad UDPTL) failed"
wait_exit fax 60
[ "$RC_fax" = 0 ] || fail "sipfax exited $RC_fax"
wait_exit sim2 20
expect_line "$T/fax.log" "event=fax call=1 result=ok dir=recv mode=t38 .* pages=1 "
expect_line "$T/gw.log" "call 2: fax ok: 1 pages"
timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
	printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' >"$T/metrics.txt"
expect_line "$T/metrics.txt" '^pstngw_udptl_packets_total\{kind="malformed"\} 18$'
kill -0 "$PID_gw" || fail "pstngw died"
kill -TERM "$PID_gw"; wait_exit gw 10
[ "$RC_gw" -eq 0 ] || fail "pstngw exited $RC_gw"
pass
