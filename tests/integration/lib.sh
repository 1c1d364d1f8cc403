# Shared helpers for the integration tests. Each test runs inside its own
# network namespace (run.sh does `unshare -n` and brings lo up), so nothing
# leaves loopback and tests running in parallel never collide on ports.
# A test starts processes with start(), waits for lines with wait_for(),
# asserts with expect_*(); on exit every process it started is stopped by
# PID and, on failure, the logs are printed.

set -u
B=${B:-build}
T=$(mktemp -d /tmp/pstngw-it.XXXXXX)
PROCS_LOGDIR=$T
FAILED=0
NAME=$(basename "$0" .sh)
. tools/procs.sh

cleanup() {
	procs_stop
	if [ "$FAILED" -ne 0 ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $f (last 60 lines)"
			tail -n 60 "$f"
		done
	fi
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL $NAME: $*"
	FAILED=1
	exit 1
}

pass() {
	echo "PASS $NAME"
	exit 0
}

# start NAME CMD...: runs CMD in the background, output in $T/NAME.log;
# its PID lands in PID_<NAME>.
start() { procs_start "$@"; }

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches.
wait_for() {
	procs_wait_for "$1" "$2" "${3:-10}" ||
		fail "timed out after ${3:-10}s waiting for /$2/ in $(basename "$1")"
}

# wait_exit NAME [SECONDS]: until the process started as NAME has exited;
# its status lands in RC_<NAME>.
wait_exit() {
	local name=$1 secs=${2:-15} pid i
	eval "pid=\$PID_$name"
	for i in $(seq $((secs * 20))); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"; eval "RC_$name=$?"
			return 0
		fi
		sleep 0.05
	done
	fail "$name (pid $pid) still running after ${secs}s"
}

expect_line() {
	grep -Eq -- "$2" "$1" || fail "no line matching /$2/ in $(basename "$1")"
}

expect_no_line() {
	! grep -Eq -- "$2" "$1" || fail "unexpected line matching /$2/ in $(basename "$1")"
}

# expect_freq FILE EVENT-REGEX HZ: the first 'heard' line matching the
# regex reports a frequency within 15 Hz of HZ.
expect_freq() {
	local line f
	line=$(grep -E -- "$2" "$1" | head -n 1)
	[ -n "$line" ] || fail "no /$2/ line in $(basename "$1")"
	f=$(printf '%s\n' "$line" | sed -n 's/.* freq=\([0-9]*\).*/\1/p')
	[ -n "$f" ] || fail "no freq in: $line"
	[ "$f" -ge $(($3 - 15)) ] && [ "$f" -le $(($3 + 15)) ] ||
		fail "heard $f Hz, expected $3 Hz: $line"
}

# gw_conf FILE [EXTRA]: a gateway config with one T1 span (CPE, ni2) on
# $T/span1.sock in group pri, SIP on 127.0.0.1:5060, the test phone as
# trunk 'phone' at 127.0.0.1:5070, 555* from the PSTN to the phone and
# 212* from SIP to the span. EXTRA lines are appended.
gw_conf() {
	cat >"$1" <<CONF
[general]
log_level = debug
control_socket = $T/ctl.sock
[sip]
listen = 127.0.0.1:5060
t1_ms = 100
no_answer_s = ${NO_ANSWER_S:-30}
[media]
rtp_port_min = 30000
rtp_port_max = 30999
[span 1]
type = ${SPAN_TYPE:-t1}
role = ${ROLE:-cpe}
switchtype = ${SWITCHTYPE:-ni2}
path = $T/span1.sock
group = pri
[trunk phone]
address = 127.0.0.1:${PHONE_PORT:-5070}
[route pstn-to-sip]
from = pstn
prefix = 555
target = trunk phone
[route sip-to-pstn]
from = sip
prefix = 212
target = group pri
CONF
	[ $# -gt 1 ] && printf '%s\n' "$2" >>"$1"
	return 0
}

# start_gw: pstngw in the foreground on $T/gw.conf; waits for the span.
start_gw() {
	start gw "$B/pstngw" -f -c "$T/gw.conf"
	wait_for "$T/gw.log" "span 1: span_up" 15
}

# udp_send PORT MSG: MSG (printf %b escapes: \r \n \xHH \0) as exactly one
# datagram to 127.0.0.1:PORT. perl-base is essential on Debian; bash's own
# /dev/udp may split a message into several datagrams.
udp_send() {
	printf '%b' "$2" | perl -MIO::Socket::INET -e '
		local $/; my $d = <STDIN>;
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]",
					      Proto => "udp") or die "socket: $!";
		$s->send($d) or die "send: $!";' "$1"
}

# f2b_check: the shipped fail2ban filter on gw.log (fail2ban-regex's
# report in $T/f2b.log) matches every SECURITY failure line (all but the
# operator's unblock).
f2b_check() {
	local n
	fail2ban-regex -d '{NONE}' --print-all-matched "$T/gw.log" \
		conf/fail2ban/filter.d/pstngw.conf >"$T/f2b.log" 2>&1 ||
		fail "fail2ban-regex failed"
	n=$(grep -c "SECURITY: [rab]" "$T/gw.log")
	grep -q "^Lines: .* $n matched" "$T/f2b.log" ||
		fail "fail2ban did not match all $n lines: $(grep '^Lines' "$T/f2b.log")"
}
