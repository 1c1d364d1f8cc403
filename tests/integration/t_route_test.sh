# `pstngw-ctl route test FROM TO [SOURCE]` against the running daemon:
# the rule that matched (file:line, name), the rewritten numbers, the
# targets with their state and the failover causes, without placing a
# call; then a broken route file is refused at start (and by
# --check-config) with file:line errors, and the daemon does not start.
. tests/integration/lib.sh
. tests/integration/route_lib.sh
S=$T/ctl.sock
ctl() { "$B/pstngw-ctl" -s "$S" -t 5 "$@"; }
route_conf "$T/gw.conf" "[trunk backup]
address = 127.0.0.1:5071" <<'ROUTES'
# fax DIDs first: they always go to the fax server
[limits]
trunk backup = 2

[route fax]
from = group pri
called = ~^555(9[0-9]{3})$
called_out = +1555\1
calling = ~^([2-9][0-9]{9})$
calling_out = +1\1
target = trunk phone
alternative = trunk backup
failover = 503,34
fax = yes

[route out]
from = sip
called = 212
target = group pri
ROUTES
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --timeout 60
start_gw
wait_for "$T/gw.log" "control socket $S" 5

out=$(ctl route test 2125550100 5559001 group:pri) || fail "route test: exit $?"
printf '%s\n' "$out" >"$T/rt1.log"
expect_line "$T/rt1.log" "^rule fax \(.*routes.conf:5\)$"
expect_line "$T/rt1.log" "^called 5559001 -> \+15559001$"
expect_line "$T/rt1.log" "^calling 2125550100 -> \+12125550100$"
expect_line "$T/rt1.log" "^target trunk phone \(usable\)$"
expect_line "$T/rt1.log" "^alternative trunk backup \(usable, 0/2 calls\)$"
expect_line "$T/rt1.log" "^failover on 503 34$"
expect_line "$T/rt1.log" "^fax yes$"

out=$(ctl route test - 2125551234 sip) || fail "route test sip: exit $?"
printf '%s\n' "$out" >"$T/rt2.log"
expect_line "$T/rt2.log" "^rule out \(.*routes.conf:16\)$"
expect_line "$T/rt2.log" "^target group pri \(usable\)$"

ctl route test 2125550100 4441000 >"$T/rt3.log" 2>&1 && fail "no route: exit 0"
expect_line "$T/rt3.log" "^pstngw-ctl: error: no route matches$"
ctl route test 1 2 mars >"$T/rt4.log" 2>&1 && fail "bad source: exit 0"
expect_line "$T/rt4.log" "^pstngw-ctl: error: unknown source"
# nothing was placed
expect_no_line "$T/gw.log" "INVITE sip:"
expect_no_line "$T/sim.log" "event=setup"
kill -TERM "$PID_gw"; wait_exit gw 10

# a broken route file: every error with file:line; the daemon refuses
cat >"$T/routes.conf" <<'ROUTES'
[route a]
called = ~^(12
target = trunk nosuch
failover = 200
ROUTES
"$B/pstngw" --check-config "$T/gw.conf" >"$T/check.log" 2>&1 &&
	fail "--check-config accepted a broken route file"
expect_line "$T/check.log" "routes.conf:2: called: bad regular expression"
expect_line "$T/check.log" "routes.conf:3: target: no \[trunk nosuch\]"
expect_line "$T/check.log" "routes.conf:4: failover: '200' is neither"
expect_line "$T/check.log" "configuration refused \(3 errors\)"
start gw2 "$B/pstngw" -f -c "$T/gw.conf"
wait_exit gw2 10
[ "$RC_gw2" -ne 0 ] || fail "the daemon started with a broken route file"
expect_line "$T/gw2.log" "routes.conf:2: called: bad regular expression"
pass
