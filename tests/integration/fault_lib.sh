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
# calls lists none, and libpri never saw a call it had freed.
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
