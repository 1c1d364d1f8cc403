# Issue 7 (Control): a daemon (running in /) keeps a relative
# control_socket path relative to where it was started, answers on it, and
# removes the socket file on SIGTERM; pstngw-ctl then exits 2.
. tests/integration/lib.sh
gw_conf "$T/gw.conf"
sed -i 's|^control_socket = .*|control_socket = run/ctl.sock|' "$T/gw.conf"
cd "$T" || fail "no temp dir"
"$OLDPWD/$B/pstngw" -c gw.conf -p gw.pid 2>"$T/start.err"
rc=$?
cd "$OLDPWD" || fail "cannot return"
[ "$rc" -eq 0 ] || fail "daemon start exited $rc: $(cat "$T/start.err")"
pid=$(cat "$T/gw.pid")
PROCS_PIDS="$PROCS_PIDS $pid" # stopped by PID on any exit
[ -S "$T/run/ctl.sock" ] || fail "no socket at $T/run/ctl.sock"
out=$("$B/pstngw-ctl" -s "$T/run/ctl.sock" version) || fail "version: exit $?"
case "$out" in pstngw\ *) ;; *) fail "version: $out" ;; esac
kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && fail "daemon still running after SIGTERM"
[ -e "$T/run/ctl.sock" ] && fail "socket file left behind"
"$B/pstngw-ctl" -s "$T/run/ctl.sock" version 2>"$T/gone.err"
[ $? -eq 2 ] || fail "stopped daemon: exit not 2"
grep -q "cannot reach pstngw on $T/run/ctl.sock" "$T/gone.err" ||
	fail "message: $(cat "$T/gone.err")"
pass
