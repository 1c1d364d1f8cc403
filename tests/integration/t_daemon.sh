# Daemon mode: `pstngw -c FILE -p PIDFILE` returns only once the daemon
# serves (exit 0), writes its PID, answers OPTIONS, logs and ignores
# SIGHUP, and on SIGTERM exits and removes the PID file. A daemon that
# cannot start makes the starting command fail.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
cd "$T" || fail "no temp dir"
# relative paths on purpose: the daemon runs in / and must not lose them
"$OLDPWD/$B/pstngw" -c gw.conf -p gw.pid 2>"$T/start.err"
rc=$?
cd "$OLDPWD" || fail "cannot return"
[ "$rc" -eq 0 ] || fail "daemon start exited $rc: $(cat "$T/start.err")"
[ -s "$T/gw.pid" ] || fail "no PID file"
pid=$(cat "$T/gw.pid")
kill -0 "$pid" 2>/dev/null || fail "no process $pid"
PROCS_PIDS="$PROCS_PIDS $pid" # stopped by PID on any exit
[ "$(readlink "/proc/$pid/cwd")" = / ] || fail "daemon not in /"
command -v sipsak >/dev/null || fail "sipsak is not installed"
# no switch on the span here: the health answer is 503 (sipsak exit 1;
# 3 would be no answer). t_options_health covers the 200.
timeout 10 sipsak -vv -s sip:ping@127.0.0.1:5060 >"$T/sipsak.log" 2>&1
[ $? -eq 1 ] || fail "OPTIONS not answered: $(cat "$T/sipsak.log")"
expect_line "$T/sipsak.log" "^Retry-After: 60 \(no span up\)"
kill -HUP "$pid"
sleep 0.3
kill -0 "$pid" 2>/dev/null || fail "SIGHUP ended the daemon"
timeout 10 sipsak -s sip:ping@127.0.0.1:5060 >/dev/null 2>&1
[ $? -eq 1 ] || fail "OPTIONS not answered after SIGHUP"
kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && fail "daemon still running after SIGTERM"
[ -e "$T/gw.pid" ] && fail "PID file left behind"

# the SIP port taken: the start command reports the failure
start blocker "$B/sipua" --listen 127.0.0.1:5060 --timeout 30
wait_for "$T/blocker.log" "event=ready" 5
"$B/pstngw" -c "$T/gw.conf" -p "$T/gw2.pid" 2>"$T/start2.err"
[ $? -eq 1 ] || fail "a daemon that cannot bind did not fail its start"
expect_line "$T/start2.err" "failed to start"
[ -e "$T/gw2.pid" ] && fail "PID file of a failed daemon left behind"
pass
