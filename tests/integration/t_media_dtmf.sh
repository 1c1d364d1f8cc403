# Issue 5: DTMF both ways through the gateway in each DTMF mode of the
# trunk (rfc4733, inband, info). sipua calls the span; pstnsim answers,
# detects digits in-band and presses 123 in-band; sipua presses 456 (as
# RFC 4733 events, in-band tones or SIP INFO). Each side must get the
# other's digits once each, in the trunk's mode: never lost, never doubled
# (info mode: no in-band copy leaks next to the INFO). In-band digits
# used to be heard twice when the jitter buffer grew mid-digit on a loaded
# machine (test_media_sess: test_inband_digit_survives_a_gap). As root the
# gateway's media threads run SCHED_FIFO (realtime_priority's default).
. tests/integration/lib.sh

# The peers stand in for a PSTN switch (a card's hard clock) and a phone:
# as root they run SCHED_FIFO too, since a starved pstnsim catching up
# sends two blocks back to back and plays silence mid-digit while our
# answer is on its way (its queue is empty at the second), which splits
# the digit whatever the gateway does.
RT=""
[ "$(id -u)" = 0 ] && RT="chrt -f 5"

# count FILE REGEX: matching lines.
count() { grep -Ec -- "$2" "$1" || true; }

run_mode() {
	local m=$1 via=$1 keys=${2:-456} d
	gw_conf "$T/gw-$m.conf"
	sed -i -e "s|^address = 127.0.0.1:5070\$|&\ndtmf_mode = $m|" \
		-e "s|$T/span1.sock|$T/span-$m.sock|" "$T/gw-$m.conf"
	cat >"$T/sw-$m.scn" <<SCN
wait event=setup called=2125551234
answer
detect dtmf
expect event=connect within=5s
wait 1500ms
digits 123
expect event=dtmf digit=4 within=10s
expect event=dtmf digit=5 within=5s
expect event=dtmf digit=6 within=5s
expect event=released within=15s
exit 0
SCN
	start "sim_$m" $RT "$B/pstnsim" --span "1:$T/span-$m.sock:t1:ni2" \
		--script "$T/sw-$m.scn" --timeout 30
	start "gw_$m" "$B/pstngw" -f -c "$T/gw-$m.conf"
	wait_for "$T/gw_$m.log" "span 1: span_up" 15
	# as root: the media threads and the signalling thread run real time
	if [ "$(id -u)" = 0 ] && [ "$m" = rfc4733 ]; then
		expect_line "$T/gw_$m.log" "media threads run SCHED_FIFO 10; memory locked"
		local fifo=0 tid
		for tid in $(ls "/proc/$(eval echo "\$PID_gw_$m")/task"); do
			chrt -p "$tid" 2>/dev/null | grep -q SCHED_FIFO &&
				fifo=$((fifo + 1))
		done
		[ "$fifo" -ge 2 ] || fail "only $fifo SCHED_FIFO threads in pstngw"
	fi
	start "ph_$m" $RT "$B/sipua" --listen 127.0.0.1:5070 --from 3035550199 \
		--call sip:2125551234@127.0.0.1:5060 --dtmf-mode "$m" \
		--digits "$keys" --hangup-after 6000 --exit-after 1 --timeout 30
	wait_exit "ph_$m" 30
	wait_exit "sim_$m" 20
	eval "[ \"\$RC_sim_$m\" = 0 ]" || fail "$m: pstnsim scenario failed"
	expect_line "$T/gw_$m.log" "media PCMU/0 ptime 20: .*\\(dtmf $m, jb adaptive\\)"
	for d in 1 2 3; do
		[ "$(count "$T/ph_$m.log" "event=dtmf call=1 digit=$d via=$via")" = 1 ] ||
			fail "$m: digit $d not heard once by the phone"
	done
	[ "$(count "$T/ph_$m.log" "event=dtmf ")" = 3 ] ||
		fail "$m: the phone got other digit events than 1 2 3"
	for d in 4 5 6; do
		[ "$(count "$T/sim_$m.log" "event=dtmf .*digit=$d")" = 1 ] ||
			fail "$m: digit $d not heard once by the PSTN"
	done
	kill "$(eval echo "\$PID_gw_$m")"
	wait_exit "gw_$m" 10
}

run_mode rfc4733
expect_line "$T/gw_rfc4733.log" "dtmf 1 begin \\(in-band\\)"
run_mode inband
# info: a bad INFO body (Signal=X) between the digits is refused and
# counted; the call and the digits after it go on
run_mode info 4X56
expect_line "$T/gw_info.log" "DTMF 1 \\([0-9]+ ms\\) sent as INFO"
expect_line "$T/gw_info.log" "DTMF 4 \\([0-9]+ ms\\) by INFO played to the PSTN"
expect_line "$T/gw_info.log" "INFO with a bad dtmf-relay body ignored"
expect_line "$T/gw_info.log" "DTMF INFO sent 3, received 3, bad 1, failed 0"
pass
