# Helpers for the fault-injection tests (t_fault_*): a gateway with the
# metrics page and short Q.921/Q.931 timers, and the operator's view of
# "nothing left behind" (metrics gauges and pstngw-ctl show).
. tests/integration/drain_lib.sh

# fault_conf FILE [SPAN-LINES] [EXTRA]: gw_conf with metrics on
# 127.0.0.1:9464; SPAN-LINES (newline separated) go into [span 1].
fault_conf() {
	gw_conf "$1" "[general]
metrics_listen = 127.0.0.1:9464${3:+
$3}"
	if [ -n "${2:-}" ]; then
		printf '%s\n' "$2" >"$T/span_lines"
		sed -i "/^group = pri$/r $T/span_lines" "$1"
	fi
}

# metric NAME: the value of the metrics line starting with NAME (a full
# name with labels, e.g. 'pstngw_channels{span="1",state="in_use"}').
metric() {
	scrape | tr -d '\r' | awk -v n="$1" 'index($0, n " ") == 1 { print $2 }'
}

# expect_idle SECONDS: within SECONDS, no call, SIP dialog, SIP
# transaction or busy B-channel is left (metrics), pstngw-ctl show
# calls lists none, and libpri reported no error (such as a call it had
# freed: "invalid call ptr").
expect_idle() {
	local i c d t u
	for i in $(seq $(($1 * 4))); do
		c=$(metric pstngw_calls_active)
		d=$(metric pstngw_sip_dialogs)
		t=$(metric pstngw_sip_transactions)
		u=$(metric 'pstngw_channels{span="1",state="in_use"}')
		[ "$c" = 0 ] && [ "$d" = 0 ] && [ "$t" = 0 ] && [ "$u" = 0 ] &&
			break
		sleep 0.25
	done
	[ "$c" = 0 ] && [ "$d" = 0 ] && [ "$t" = 0 ] && [ "$u" = 0 ] ||
		fail "not idle after ${1}s: calls $c dialogs $d transactions $t channels in use $u"
	$CTL show calls >"$T/calls.txt" || fail "pstngw-ctl show calls failed"
	expect_no_line "$T/calls.txt" "^ *[0-9]+ "
	expect_no_line "$T/gw.log" "libpri: .*invalid call ptr"
	$CTL show spans >"$T/spans_idle.txt" || fail "pstngw-ctl show spans failed"
	expect_no_line "$T/spans_idle.txt" "pri_errors [1-9]"
}

# wait_count FILE REGEX N SECONDS: until N lines of FILE match.
wait_count() {
	local i
	for i in $(seq $(($4 * 10))); do
		[ "$(grep -Ec -- "$2" "$1")" -ge "$3" ] && return 0
		sleep 0.1
	done
	fail "fewer than $3 lines matching /$2/ in $(basename "$1") after ${4}s"
}

# fault_start [PHONE-OPTION...]: the scene most fault tests start from:
# fault_conf, pstnsim answering after 100 ms with its command socket
# $T/sim.sock (more options in SIM_OPTS), the SIP phone on 5070 (with
# PHONE-OPTIONs) for calls from the PSTN, then the gateway.
fault_start() {
	fault_conf "$T/gw.conf"
	# shellcheck disable=SC2086 # SIM_OPTS: words on purpose
	start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" ${SIM_OPTS:-} \
		--ctl "$T/sim.sock" --answer-delay 100 --timeout 60
	start phone "$B/sipua" --listen 127.0.0.1:5070 "$@" --timeout 60
	start_gw
}

# sip_calls NAME PORT N HANGUP-MS [INTERVAL-MS]: a sipua on PORT places
# N calls to the span, each hung up HANGUP-MS after its answer, and exits
# once all have ended.
sip_calls() {
	start "$1" "$B/sipua" --listen "127.0.0.1:$2" --calls "$3" \
		--interval "${5:-50}" --call sip:2125551234@127.0.0.1:5060 \
		--hangup-after "$4" --exit-after "$3" --timeout 40
}

# sip_call_works NAME PORT: one short call to the span is answered.
sip_call_works() {
	sip_calls "$1" "$2" 1 300
	wait_exit "$1" 10
	expect_line "$T/$1.log" "event=answered call=1"
}

# sip_call_fails NAME PORT REGEX: one call to the span fails at once,
# its event=failed line matching REGEX (e.g. "code=503").
sip_call_fails() {
	start "$1" "$B/sipua" --listen "127.0.0.1:$2" \
		--call sip:2125551234@127.0.0.1:5060 --exit-after 1 --timeout 10
	wait_exit "$1" 5
	expect_line "$T/$1.log" "event=failed call=1 $3"
}

# both_ways_work NAME PORT: after the fault, a call SIP -> PSTN (a sipua
# named NAME on PORT) and one PSTN -> SIP (pstnsim's command socket, to
# the phone) complete, and nothing is left behind.
both_ways_work() {
	sip_call_works "$1" "$2"
	sim_cmd "$T/sim.sock" "call 5551000 from=2125550100" \
		"expect event=connect within=5s" "hangup" \
		"expect event=released within=5s" ||
		fail "the PSTN call after the fault failed"
	expect_idle 10
}

# sipp_lost PCT CALLS MIN: SIPp drops PCT% of its messages both ways.
# CALLS calls SIP -> PSTN (at least MIN reach the switch), then 10 from
# the PSTN to SIPp's UAS: every call completes or fails by the RFC timers
# (T1 = 100 ms here); then the operator's view is empty (no call, SIP
# dialog, SIP transaction or busy B-channel), every SETUP the switch saw
# is released, and the shutdown line counts zero.
sipp_lost() {
	local rc s n_setup n_rel
	command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
	fault_conf "$T/gw.conf"
	start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" \
		--answer-delay 100 --timeout 100
	start_gw
	(cd "$T" && exec sipp -sn uac 127.0.0.1:5060 -s 2125551234 \
		-i 127.0.0.1 -p 5071 -m "$2" -r 10 -d 300 -lost "$1" -nostdin \
		-timeout 40s >"$T/uac.log" 2>&1)
	rc=$?
	[ "$rc" -le 1 ] || fail "sipp uac exited $rc"
	# the slowest failure: 2xx retransmitted for 64*T1, then BYE with
	# Timer F
	expect_idle 20
	start uas sipp -sn uas -i 127.0.0.1 -p 5070 -lost "$1" -nostdin \
		-timeout 45s
	kill -TERM "$PID_sim"
	wait_exit sim 10
	start sim2 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" \
		--call 5551000 --from 2125550100 --calls 10 --interval 200 \
		--hangup-after 400 --timeout 40
	wait_count "$T/sim2.log" "event=released" 10 40
	expect_idle 20
	for s in sim sim2; do
		n_setup=$(grep -c 'event=setup' "$T/$s.log")
		n_rel=$(grep -c 'event=released' "$T/$s.log")
		[ "$n_rel" -ge "$n_setup" ] ||
			fail "$s: $n_setup SETUPs, $n_rel releases"
	done
	[ "$(grep -c 'event=setup' "$T/sim.log")" -ge "$3" ] ||
		fail "too few calls got through"
	[ "$(grep -c 'event=setup' "$T/sim2.log")" -eq 10 ] ||
		fail "pstnsim did not place 10 calls"
	$CTL show channels 1 >"$T/chans.txt" || fail "show channels failed"
	[ "$(grep -c ': idle' "$T/chans.txt")" -eq 23 ] ||
		fail "a B-channel is not idle"
	kill -TERM "$PID_gw"
	wait_exit gw 15
	kill -TERM "$PID_uas" 2>/dev/null
	expect_line "$T/gw.log" \
		"releasing 0 call\(s\), SIP dialogs 0, transactions 0"
}
