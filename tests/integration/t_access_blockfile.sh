# Issue 8 (access): [security] block_file keeps blocks over a restart.
# No file at first (noted, not an error). A refused INVITE blocks
# 127.0.0.9; the file gets it within a few seconds (no .tmp left behind).
# After SIGTERM and a new start the block is restored: 127.0.0.9 goes
# unanswered and is listed by show blocked, 127.0.0.10 is answered. A
# corrupt file is a warning naming its first bad line, the gateway starts
# and keeps the good lines' blocks.
. tests/integration/lib.sh
. tests/integration/access_lib.sh
gw_conf "$T/gw.conf" "[security]
auth_failures = 1
block_s = 60
block_file = $T/blocks"
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --timeout 60
start_gw
expect_line "$T/gw.log" "block_file $T/blocks: none yet"
ctl() { "$B/pstngw-ctl" -s "$T/ctl.sock" -t 5 "$@"; }

r=$(sip_ask 127.0.0.9 5099 2 "$(sip_req INVITE 127.0.0.9 5099)")
[ "$r" = "SIP/2.0 403 Forbidden" ] || fail "INVITE from 127.0.0.9: '$r'"
expect_line "$T/gw.log" "SECURITY: blocked 127\.0\.0\.9 for 60 s"
for i in $(seq 100); do # written within 5 s
	grep -q "^127\.0\.0\.9 [0-9]" "$T/blocks" 2>/dev/null && break
	sleep 0.1
done
grep -q "^127\.0\.0\.9 [0-9]" "$T/blocks" 2>/dev/null ||
	fail "127.0.0.9 not in block_file: $(cat "$T/blocks" 2>&1)"
[ ! -e "$T/blocks.tmp" ] || fail "block_file.tmp left behind"
until=$(awk '$1 == "127.0.0.9" { print $2 }' "$T/blocks")
now=$(date +%s)
[ $((until - now)) -gt 50 ] && [ $((until - now)) -le 61 ] ||
	fail "block_file UNTIL $until is not about now + 60 s ($now)"

# restart: the block survives
kill -TERM "$PID_gw"
wait_exit gw 10
start gw2 "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw2.log" "listening on 127\.0\.0\.1:5060/udp" 10
expect_line "$T/gw2.log" "SECURITY: block_file $T/blocks: 1 block restored, 0 expired"
r=$(sip_ask 127.0.0.9 5098 1 "$(sip_req OPTIONS 127.0.0.9 5098)")
[ "$r" = none ] || fail "127.0.0.9 answered after the restart: '$r'"
r=$(sip_ask 127.0.0.10 5097 2 "$(sip_req OPTIONS 127.0.0.10 5097)")
[ "$r" = "SIP/2.0 200 OK" ] || fail "127.0.0.10 not answered: '$r'"
ctl show blocked >"$T/blocked.txt" || fail "show blocked failed"
grep -Eq "^127\.0\.0\.9 (5[0-9]|60)$" "$T/blocked.txt" ||
	fail "show blocked after the restart: $(cat "$T/blocked.txt")"

# a corrupt file: a warning, the start goes on, the good line counts
kill -TERM "$PID_gw2"
wait_exit gw2 10
grep -q "^127\.0\.0\.9 " "$T/blocks" || fail "the block was not saved at shutdown"
printf 'garbage\x01\xff\n127.0.0.11 %s\n::1 nonsense\n' $(($(date +%s) + 30)) >"$T/blocks"
start gw3 "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw3.log" "listening on 127\.0\.0\.1:5060/udp" 10
expect_line "$T/gw3.log" "warning .*block_file $T/blocks:1: 2 bad lines skipped"
expect_line "$T/gw3.log" "1 block restored"
r=$(sip_ask 127.0.0.11 5096 1 "$(sip_req OPTIONS 127.0.0.11 5096)")
[ "$r" = none ] || fail "127.0.0.11 (a good line) answered: '$r'"
r=$(sip_ask 127.0.0.9 5095 2 "$(sip_req OPTIONS 127.0.0.9 5095)")
[ "$r" = "SIP/2.0 200 OK" ] || fail "127.0.0.9 (not in the file) not answered: '$r'"
pass
