# pstnsim's own call handling, two pstnsim back to back (switch side and
# card side, no gateway): --reject, --no-answer with --timeout, a SETUP
# nobody answers cleared by a shortened T303, and usage errors.
. tests/integration/lib.sh

# --reject: the switch refuses with cause 21; both ends clear and exit 0.
start sw "$B/pstnsim" --span "1:$T/s.sock:t1:ni2" --reject 21 \
	--exit-after 1 --timeout 20
start a "$B/pstnsim" --span "1:$T/s.sock:t1:ni2:cpe:client" --call 5551000 \
	--from 2125550100 --timeout 15
wait_exit a 20
wait_exit sw 10
[ "$RC_a" = 0 ] || fail "card side exited $RC_a after a rejected call"
[ "$RC_sw" = 0 ] || fail "switch exited $RC_sw after rejecting"
expect_line "$T/sw.log" "event=setup span=1 chan=1 call=1 dir=in called=5551000 calling=2125550100"
expect_line "$T/sw.log" "event=hangup span=1 chan=1 call=1 cause=21"
expect_line "$T/sw.log" "event=released span=1 chan=1 call=1 cause=21"
expect_no_line "$T/sw.log" "event=connect"
expect_line "$T/a.log" "event=disconnect span=1 chan=1 call=1 cause=21"
expect_line "$T/a.log" "event=released span=1 chan=1 call=1 cause=21"
expect_no_line "$T/a.log" "event=connect"
expect_line "$T/a.log" "event=exit code=0"

# --no-answer: the call rings until the card side's --timeout (exit 1);
# the switch sees the wire go and its call released, and exits 0.
rm -f "$T/s.sock"
start sw2 "$B/pstnsim" --span "1:$T/s.sock:t1:ni2" --no-answer \
	--exit-after 1 --timeout 20
start b "$B/pstnsim" --span "1:$T/s.sock:t1:ni2:cpe:client" --call 5551000 \
	--timeout 2
wait_exit b 10
[ "$RC_b" = 1 ] || fail "card side exited $RC_b on --timeout, expected 1"
expect_line "$T/b.log" "event=alerting span=1 chan=1 call=1 dir=out"
expect_line "$T/b.log" "event=timeout"
expect_line "$T/b.log" "event=exit code=1"
expect_no_line "$T/b.log" "event=connect"
expect_line "$T/sw2.log" "event=alerting span=1 chan=1 call=1 dir=in"
wait_exit sw2 10
[ "$RC_sw2" = 0 ] || fail "switch exited $RC_sw2 after the card left"
expect_line "$T/sw2.log" "event=l1_down span=1"
expect_line "$T/sw2.log" "event=released span=1 chan=1 call=1"
expect_no_line "$T/sw2.log" "event=connect"

# A switch that stops responding: T303 (300 ms, twice) clears the SETUP
# with cause 18 (no user responding) long before layer 2 gives up; the
# card side is done (exit 0). Call 1 is normal; the switch is stopped
# between it and call 2.
rm -f "$T/s.sock"
start sw3 "$B/pstnsim" --span "1:$T/s.sock:t1:ni2" --timeout 30
for _ in $(seq 100); do [ -S "$T/s.sock" ] && break; sleep 0.05; done
[ -S "$T/s.sock" ] || fail "the switch does not listen on s.sock"
start c "$B/pstnsim" --span "1:$T/s.sock:t1:ni2:cpe:client" --call 5551000 \
	--calls 2 --interval 1500 --hangup-after 200 --t303 300 --timeout 15
wait_for "$T/c.log" "event=released span=1 chan=1 call=1 cause=16" 5
kill -STOP "$PID_sw3"
wait_exit c 10
kill -CONT "$PID_sw3"
[ "$RC_c" = 0 ] || fail "card side exited $RC_c after T303, expected 0"
expect_line "$T/c.log" "event=setup span=1 chan=1 call=2 dir=out"
expect_line "$T/c.log" "event=disconnect span=1 chan=1 call=2 cause=18"
expect_line "$T/c.log" "event=released span=1 chan=1 call=2 cause=18"
expect_no_line "$T/c.log" "event=(proceeding|alerting|connect) .*call=2"
expect_line "$T/c.log" "event=exit code=0"
s=$(sed -n 's/^pstnsim t=\([0-9]*\) event=setup .*call=2 .*/\1/p' "$T/c.log")
t=$(sed -n 's/^pstnsim t=\([0-9]*\) event=released .*call=2 .*/\1/p' "$T/c.log")
[ -n "$s" ] && [ -n "$t" ] && [ $((t - s)) -ge 500 ] && [ $((t - s)) -le 2500 ] ||
	fail "T303 cleared call 2 after $((t - s)) ms, expected about 600"

# Usage errors: exit 2 and a message on stderr naming the problem.
usage_err() {
	local want=$1; shift
	"$B/pstnsim" "$@" >"$T/u.out" 2>"$T/u.err"
	local rc=$?
	[ "$rc" = 2 ] || fail "pstnsim $* exited $rc, expected 2"
	grep -Eq -- "$want" "$T/u.err" ||
		fail "pstnsim $*: no /$want/ on stderr: $(cat "$T/u.err")"
	[ ! -s "$T/u.out" ] || fail "pstnsim $*: wrote to stdout"
}
usage_err "invalid value for --span: 'nonsense'" --span nonsense
usage_err "invalid value for --span" --span "1:$T/x.sock:t3"
usage_err "invalid value for --span" --span "1:$T/x.sock:t1:foo"
usage_err "invalid value for --span" --span "1:$T/x.sock:t1:ni2:cpe:sideways"
usage_err "invalid value for --span" --span "0:$T/x.sock"
usage_err "invalid value for --reject: '0'" --span "1:$T/x.sock" --reject 0
usage_err "invalid value for --reject: '128'" --span "1:$T/x.sock" --reject 128
usage_err "invalid value for --t303: 'soon'" --span "1:$T/x.sock" --t303 soon
usage_err "tone:FREQ needs" --span "1:$T/x.sock" --play tone:0
usage_err "--play $T/none.wav" --span "1:$T/x.sock" --play "$T/none.wav"
printf 'RIFF\0\0\0\0WAVEjunk' >"$T/bad.wav"
usage_err "not a 16-bit 8 kHz mono PCM WAV" --span "1:$T/x.sock" \
	--play "$T/bad.wav"
usage_err "at least one --span" --call 100
usage_err "--from/--name need --call" --span "1:$T/x.sock" --from 100
usage_err "unexpected argument 'extra'" --span "1:$T/x.sock" extra
usage_err "usage: pstnsim" --span "1:$T/x.sock" --no-such-option
"$B/pstnsim" --help >"$T/h.out" 2>&1 || fail "--help exited $?"
grep -q "^usage: pstnsim" "$T/h.out" || fail "--help: no usage text"
pass
