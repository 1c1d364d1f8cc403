# Issue 8: SRTP keys renewed mid-call (RFC 4568 6.1). sipua answers a PSTN
# call over RTP/SAVP and, 1 s into it, re-INVITEs with a new key of its
# own; the gateway installs it for what it receives (replay window afresh),
# keeps its own key (same suite: its index runs on) and answers; sipua
# then sends under the new key. Audio must be good both ways afterwards:
# the gateway drops only the few packets still under the old key.
# 2. the same with a new suite in the re-INVITE (AES_CM_128_HMAC_SHA1_32 ->
#    AEAD_AES_128_GCM, RFC 7714): the gateway answers with its line of that
#    suite, a key never used yet, and sends under it; then back to
#    AES_CM_128_HMAC_SHA1_32: the gateway's line of that suite has a fresh
#    key by then (its first key, once retired, never protects again).
. tests/integration/lib.sh

gw_conf "$T/gw.conf"
sed -i -e 's/^address = 127.0.0.1:5070$/&\nsrtp = required\nsrtp_suites = AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32,AEAD_AES_128_GCM/' \
	"$T/gw.conf"
# two 4 s calls from the PSTN, 8 s apart; a phone for each in turn
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --play tone:1000 --calls 2 --interval 8000 \
	--hangup-after 4000 --exit-after 2 --timeout 40

# phase N SUITE [REKEY_SUITE]: call N, re-keyed 1 s after the answer (with
# REKEY_SUITE: to it, then back to SUITE 1 s later)
phase() {
	start "phone$1" "$B/sipua" --listen 127.0.0.1:5070 --tone 440 \
		--srtp "$2" ${3:+--rekey-suite "$3" --rekeys 2} --rekey-after 1000 \
		--exit-after 1 --timeout 30
	[ "$1" = 1 ] && start_gw
	wait_exit "phone$1" 20
	expect_line "$T/phone$1.log" "event=rekeyed call=1 suite=${3:-$2}"
	expect_freq "$T/phone$1.log" "event=heard" 1000
}

phase 1 AES_CM_128_HMAC_SHA1_80
expect_line "$T/gw.log" "call 1 .*SRTP keys renewed: AES_CM_128_HMAC_SHA1_80, peer tag 1, our key kept"
expect_line "$T/gw.log" "call 1 .*re-offer answered, remote sendrecv"
phase 2 AES_CM_128_HMAC_SHA1_32 AEAD_AES_128_GCM
expect_line "$T/gw.log" "call 2 .*SRTP keys renewed: AEAD_AES_128_GCM, peer tag 1, our key new"
expect_line "$T/gw.log" "call 2 .*SRTP keys renewed: AES_CM_128_HMAC_SHA1_32, peer tag 1, our key new"
first=$(sed -n 's/.*event=srtp call=1 suite=AES_CM_128_HMAC_SHA1_32 peer_key=\([0-9a-f]*\)$/\1/p' "$T/phone2.log")
last=$(sed -n 's/.*event=rekeyed call=1 suite=AES_CM_128_HMAC_SHA1_32 peer_key=\([0-9a-f]*\)$/\1/p' "$T/phone2.log")
[ -n "$first" ] && [ -n "$last" ] || fail "no key ids in phone2.log"
[ "$first" != "$last" ] || fail "the gateway's AES_CM_128_HMAC_SHA1_32 key came back: $first"

wait_exit sim 20
wait_for "$T/gw.log" "call 2: srtp: dropped" 5
expect_freq "$T/sim.log" "event=heard call=1 " 440
expect_freq "$T/sim.log" "event=heard call=2 " 440
# what each end dropped: only packets in flight during the key change
# (sipua sends under its old key until the 200 arrives), never the rest
# of the call (about 150 packets after the change)
for n in 1 2; do
	line=$(grep -E "call $n: srtp: dropped auth" "$T/gw.log") ||
		fail "no SRTP stats line for call $n"
	auth=$(printf '%s\n' "$line" | sed -n 's/.*dropped auth \([0-9]*\) .*/\1/p')
	[ "${auth:-99}" -le 10 ] || fail "call $n: too many dropped: $line"
	expect_line "$T/gw.log" "call $n: srtp: .*rekeys $n"
	d=$(sed -n 's/.*event=heard .*srtp_dropped=\([0-9]*\).*/\1/p' "$T/phone$n.log")
	[ "${d:-99}" -le 10 ] || fail "phone $n dropped $d"
done
expect_no_line "$T/gw.log" "re-offer not acceptable"
pass
