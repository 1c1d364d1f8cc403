# Process helpers shared by tools/demo.sh and tests/integration/lib.sh:
# start background processes with their output in LOGDIR/NAME.log, wait for
# a line, and stop exactly the processes started here, by PID.
# Set PROCS_LOGDIR before procs_start.

PROCS_PIDS=""

# procs_start NAME CMD...: PID lands in PID_<NAME>
procs_start() {
	local name=$1; shift
	"$@" >"$PROCS_LOGDIR/$name.log" 2>&1 &
	PROCS_PIDS="$PROCS_PIDS $!"
	eval "PID_$name=$!"
}

# procs_stop: SIGTERM to each, SIGKILL to what is left after 5 s
procs_stop() {
	local p
	for p in $PROCS_PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $PROCS_PIDS; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	PROCS_PIDS=""
}

# procs_wait_for FILE REGEX SECONDS: 0 once a line matches, 1 on timeout
procs_wait_for() {
	for _ in $(seq $(($3 * 20))); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
