# Shared setup of the scale-out tests (issue 9): Kamailio from
# conf/kamailio/kamailio.cfg on 127.0.0.1:5060 in front of three pstngw
# nodes on 127.0.0.2, .3 and .4 (port 5060 each), every node built from
# conf/kamailio/pstngw-node.conf and routes-node.conf with only addresses,
# paths and timers substituted, each with its own pstnsim on its own span.
# Fax server stand-ins (sipua) listen on 127.0.0.21 and .22. The shipped
# files are the tested ones: the sample's documentation addresses
# (192.0.2.x) map to loopback here.
# Needs lib.sh first. Nodes are numbered 1..3: node N is 127.0.0.(N+1).

SCALE_CONF=conf/kamailio

# scale_addr N: node N's IP address
scale_addr() { echo "127.0.0.$(($1 + 1))"; }

# scale_node_conf N: $T/gwN.conf from the node sample. The span section
# (DAHDI in the sample, the box's cards) becomes a loop span to pstnsim.
scale_node_conf() {
	local n=$1 ip
	ip=$(scale_addr "$n")
	cp "$SCALE_CONF/routes-node.conf" "$T/routes-node.conf"
	sed -e '/^\[span 1\]/,$d' \
		-e "s#^listen = 192.0.2.11:5060#listen = $ip:5060\nt1_ms = 100#" \
		-e 's#192\.0\.2\.10:#127.0.0.1:#' \
		-e 's#192\.0\.2\.21:#127.0.0.21:#' \
		-e 's#192\.0\.2\.22:#127.0.0.22:#' \
		-e 's#^keepalive_s = 10#keepalive_s = 1#' \
		-e 's#^log_target = syslog#log_target = stderr#' \
		-e 's#^log_level = notice#log_level = info#' \
		-e "s#^control_socket = .*#control_socket = $T/ctl$n.sock#" \
		-e "s#^cdr_file = .*#cdr_file = $T/cdr$n.csv#" \
		-e "s#^metrics_listen = .*#metrics_listen = $ip:9464#" \
		-e "s#^rtp_port_min = .*#rtp_port_min = 3$((n * 2))000#" \
		-e "s#^rtp_port_max = .*#rtp_port_max = 3$((n * 2))999#" \
		"$SCALE_CONF/pstngw-node.conf" >"$T/gw$n.conf"
	cat >>"$T/gw$n.conf" <<CONF
[span 1]
type = t1
role = cpe
switchtype = ni2
path = $T/span$n.sock
group = pri
CONF
	grep -q "^listen = $ip:5060" "$T/gw$n.conf" ||
		fail "node sample changed: no listen line to substitute"
}

# scale_sim N [PSTNSIM ARGS...]: node N's switch (answers after 100 ms
# unless told otherwise), log $T/simN.log
scale_sim() {
	local n=$1; shift
	start "sim$n" "$B/pstnsim" --span "1:$T/span$n.sock:t1:ni2" \
		--timeout 90 "$@"
}

# scale_gw N: node N's gateway, up once its span is
scale_gw() {
	start "gw$1" "$B/pstngw" -f -c "$T/gw$1.conf"
	wait_for "$T/gw$1.log" "span 1: span_up" 15
}

# scale_kam: kamailio from the shipped config, probing every second,
# giving up on a silent gateway after 1 s.
scale_kam() {
	sed -e 's#sip:192\.0\.2\.11:#sip:127.0.0.2:#' \
		-e 's#sip:192\.0\.2\.12:#sip:127.0.0.3:#' \
		-e 's#sip:192\.0\.2\.13:#sip:127.0.0.4:#' \
		"$SCALE_CONF/dispatcher.list" >"$T/dispatcher.list"
	start kam kamailio -f "$SCALE_CONF/kamailio.cfg" -DD -E -m 64 -M 8 \
		-A "LISTEN=udp:127.0.0.1:5060" \
		-A "DS_LIST=\"$T/dispatcher.list\"" \
		-A "CTL_SOCK=\"unix:$T/kamctl.sock\"" \
		-A "PING_S=1" -A "FR_MS=1000" -A "CHILDREN=1" ${SCALE_KAM_ARGS:-}
	local i
	for i in $(seq 100); do
		scale_kamcmd core.uptime >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "kamailio does not answer on its control socket"
}

# scale_kamcmd ARGS...: kamailio's RPC through its control socket
scale_kamcmd() { kamcmd -s "unix:$T/kamctl.sock" "$@"; }

# scale_ds_flags N: dispatcher flags of node N (AP active, IP inactive...)
scale_ds_flags() {
	scale_kamcmd dispatcher.list 2>/dev/null |
		awk -v uri="sip:$(scale_addr "$1"):5060" '
			$1 == "URI:" { cur = $2 }
			$1 == "FLAGS:" && cur == uri { print $2; exit }'
}

# scale_wait_ds N REGEX SECONDS: until node N's dispatcher flags match
scale_wait_ds() {
	local i f
	for i in $(seq $(($3 * 10))); do
		f=$(scale_ds_flags "$1")
		printf '%s\n' "$f" | grep -Eq "$2" && return 0
		sleep 0.1
	done
	fail "node $1: dispatcher flags '$f', expected /$2/ within $3 s"
}

# scale_setups N: calls node N's switch has been offered
scale_setups() { grep -c 'event=setup .*dir=in' "$T/sim$1.log" 2>/dev/null; }

# scale_uac NAME CALLS RATE DURATION_MS: SIPp calls 2125551234 through
# kamailio (sipp/uac_rr.xml), in the background; log $T/NAME.log, the
# scenario's statistics in $T/NAME_*.csv
scale_uac() {
	start "$1" sipp -sf tests/integration/sipp/uac_rr.xml 127.0.0.1:5060 \
		-s 2125551234 -i 127.0.0.1 -p "${SCALE_UAC_PORT:-5071}" \
		-mp "${SCALE_UAC_MP:-40000}" -m "$2" -r "$3" -d "$4" \
		-nostdin -timeout 50s -trace_err -error_file "$T/$1_err.log"
}

# scale_active_dialogs: kamailio's active dialog count
scale_active_dialogs() {
	scale_kamcmd dlg.stats_active 2>/dev/null |
		awk '$1 == "all:" { print $2 }'
}

# scale_sim_cmd N LINE...: scenario lines to node N's switch command
# socket ($T/simN.ctl, pstnsim --ctl); returns once each is acknowledged
# (fails the test on an error reply or after 20 s).
scale_sim_cmd() {
	local n=$1; shift
	printf '%s\n' "$@" | perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		my @l = <STDIN>; print $s @l; my $want = @l;
		$SIG{ALRM} = sub { print "TIMEOUT\n"; exit 1 }; alarm 20;
		while ($want > 0 && defined(my $r = <$s>)) {
			next unless $r =~ /^(ok|error) /;
			print $r; exit 1 if $r =~ /^error /; $want--;
		}
		exit($want ? 1 : 0);' "$T/sim$n.ctl" >>"$T/sim$n.cmd.log" 2>&1 ||
		fail "node $n switch refused: $(tail -n 1 "$T/sim$n.cmd.log")"
}

# scale_fax N: a fax server stand-in (sipua answering after 100 ms) on
# 127.0.0.(20+N):5060, log $T/faxN.log
scale_fax() {
	start "fax$1" "$B/sipua" --listen "127.0.0.$((20 + $1)):5060" \
		--answer-delay 100 --timeout 80
	wait_for "$T/fax$1.log" "event=ready" 5
}

# scale_count FILE REGEX: lines of FILE matching REGEX (0 if none)
scale_count() { grep -Ec -- "$2" "$1" 2>/dev/null || true; }

# scale_wait_count FILE REGEX N SECONDS: until FILE has more than N lines
# matching REGEX (N: a count taken before the awaited change)
scale_wait_count() {
	local i
	for i in $(seq $(($4 * 20))); do
		[ "$(scale_count "$1" "$2")" -gt "$3" ] && return 0
		sleep 0.05
	done
	fail "timed out after $4 s waiting for a new /$2/ in $(basename "$1")"
}

# scale_uac_fail NAME CODE HEADER REGEX: one call through kamailio that
# must end with CODE, HEADER matching REGEX (sipp/uac_rr_fail.xml.in);
# runs in the foreground, exit status in RC_NAME.
scale_uac_fail() {
	sed -e "s|@CODE@|$2|g" -e "s|@HDR@|$3|g" -e "s|@REGEX@|$4|g" \
		tests/integration/sipp/uac_rr_fail.xml.in >"$T/$1.xml"
	start "$1" sipp -sf "$T/$1.xml" 127.0.0.1:5060 -s 2125551234 \
		-i 127.0.0.1 -p "${SCALE_UAC_PORT:-5071}" -m 1 -nostdin \
		-timeout 20s -trace_err -error_file "$T/$1_err.log"
}

# scale_ringing_node: the node whose switch has an unanswered call ringing
# (waits up to 10 s); prints its number
scale_ringing_node() {
	local i n
	for i in $(seq 100); do
		for n in 1 2 3; do
			if [ "$(scale_count "$T/sim$n.log" 'event=alerting .*dir=in')" -gt \
				"$(scale_count "$T/sim$n.log" 'event=released')" ]; then
				echo "$n"
				return 0
			fi
		done
		sleep 0.1
	done
	return 1
}
