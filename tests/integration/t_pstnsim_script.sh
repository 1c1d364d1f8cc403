# pstnsim scenario files (--script): a good scenario on two spans at
# once (calls with numbers and names, answer, reject with a cause, a call
# series, tones and in-band DTMF both ways, detection with spandsp), bad
# lines refused with FILE:LINE before anything starts, and expect/actions
# failing the run (exit 3) when they should.
. tests/integration/lib.sh

# The switch: two NET spans, one scenario driving both.
cat >"$T/sw.scn" <<'SCN'
# wait for both spans' layer 2
wait event=span_up span=1
wait event=span_up span=2
call 5551000 from=2125550100 name="Alice B" span=1
# waits in a row may be met in any order: setup came before connect
expect event=connect call=1 within=5s
expect event=setup call=1 called=5551000
play tone:1000 call=1
detect dtmf call=1
expect event=dtmf call=1 digit=9 within=5s
expect event=dtmf call=1 digit=# within=5s
# three calls on span 2, 200 ms apart: the phone rejects the first
call 5552000 span=2 count=3 interval=200ms
expect event=disconnect call=2 cause=17 within=5s
expect event=connect call=3 within=5s
expect event=connect call=4 within=5s
hangup call=3 cause=31
expect event=released call=3 cause=31
SCN
# The phones: two CPE client spans in one process.
cat >"$T/ph.scn" <<'SCN'
wait event=setup span=1 called=5551000 calling=2125550100 name="Alice B"
answer
detect tone 1000
expect event=tone call=1 freq=1000 within=5s
digits 9#
wait event=setup span=2 called=5552000
reject cause=17
wait event=setup span=2 called=5552000
answer
# answer took the call that rang first (3), whenever 4 came in
expect event=connect call=3
wait event=setup span=2 called=5552000
answer call=4
expect event=disconnect call=3 cause=31 within=5s
expect event=released call=3
SCN
start sw "$B/pstnsim" --span "1:$T/s1.sock:t1:ni2" \
	--span "2:$T/s2.sock:e1:euroisdn" --script "$T/sw.scn" --timeout 40
start ph "$B/pstnsim" --span "1:$T/s1.sock:t1:ni2:cpe:client" \
	--span "2:$T/s2.sock:e1:euroisdn:cpe:client" --script "$T/ph.scn" \
	--timeout 40
wait_exit ph 45
[ "$RC_ph" = 0 ] || fail "phone side exited $RC_ph"
wait_exit sw 45
[ "$RC_sw" = 0 ] || fail "switch side exited $RC_sw"
expect_line "$T/sw.log" "event=setup span=2 chan=[0-9]+ call=4 dir=out called=5552000"
expect_line "$T/sw.log" "event=scenario_done"
expect_line "$T/ph.log" "event=hangup span=2 chan=[0-9]+ call=2 cause=17"
expect_line "$T/ph.log" "event=scenario_done"
# the series really was spaced by its interval
t2=$(sed -n 's/^pstnsim t=\([0-9]*\) event=setup .*call=2 .*/\1/p' "$T/sw.log")
t4=$(sed -n 's/^pstnsim t=\([0-9]*\) event=setup .*call=4 .*/\1/p' "$T/sw.log")
[ -n "$t2" ] && [ -n "$t4" ] && [ $((t4 - t2)) -ge 390 ] ||
	fail "calls 2 and 4 placed $t2 ms and $t4 ms: not 200 ms apart"

# A full T1: 23 calls at once with numbers counting up, all answered by
# a phone side without a scenario; the 24th finds no channel (EBUSY).
printf '%s\n' "wait event=span_up" \
	"call 5551098 count=23 interval=10ms step=1 from=2125550100" \
	"expect event=connect call=23" "call 5559999" >"$T/full.scn"
start full "$B/pstnsim" --span "1:$T/f.sock:t1:ni2" --script "$T/full.scn" \
	--timeout 20
start fph "$B/pstnsim" --span "1:$T/f.sock:t1:ni2:cpe:client" --timeout 20
wait_exit full 25
[ "$RC_full" = 3 ] || fail "full span: exit $RC_full, expected 3"
grep -q "full.scn:4: call 5559999 on span 1: Device or resource busy" \
	"$T/full.log" || fail "full span: no EBUSY for the 24th call"
[ "$(grep -c 'event=connect' "$T/full.log")" = 23 ] ||
	fail "full span: not 23 calls connected"
nums=$(sed -n 's/.*event=setup .*called=\([0-9]*\) .*/\1/p' "$T/fph.log" |
	sort -u | tr '\n' ' ')
[ "$nums" = "$(seq -s ' ' 5551098 5551120) " ] ||
	fail "full span: called numbers $nums"

# bad_script FILE WANT...: pstnsim refuses FILE with exit 2 and each WANT
# (a regex) on stderr, before it starts anything.
bad_script() {
	local f=$1 w
	shift
	"$B/pstnsim" --span "1:$T/x.sock" --script "$f" --timeout 5 \
		>"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	[ "$rc" = 2 ] || fail "$(basename "$f"): exit $rc, expected 2"
	for w in "$@"; do
		grep -Eq -- "$w" "$T/bad.err" ||
			fail "$(basename "$f"): no /$w/ on stderr: $(cat "$T/bad.err")"
	done
	[ ! -s "$T/bad.out" ] || fail "$(basename "$f"): started: $(cat "$T/bad.out")"
	[ ! -e "$T/x.sock" ] || fail "$(basename "$f"): span was started"
}
printf '%s\n' "# ok so far" "wait event=span_up" "dance now" "answer" \
	"hangup cause=300" "wait 2 parsecs" 'call 555 name="open' \
	"call 5551000 span=9" "send-fax $T/none.tif" "expect within=1s" \
	>"$T/bad.scn"
bad_script "$T/bad.scn" "bad.scn:3: unknown action 'dance'" \
	"bad.scn:5: bad value for cause: '300'" "bad.scn:6: wait: unexpected word" \
	"bad.scn:7: unterminated quote" "bad.scn:8: call: no --span with id 9" \
	"bad.scn:9: send-fax: .*none.tif: No such file" \
	"bad.scn:10: expect needs KEY=VALUE"
# the good lines are not reported
! grep -Eq "bad.scn:(1|2|4):" "$T/bad.err" || fail "good lines reported: $(cat "$T/bad.err")"
bad_script "$T/missing.scn" "missing.scn: No such file"

# expect failing: nobody connects to the span, so no span_up comes.
printf '%s\n' "expect event=span_up within=300ms" "exit 0" >"$T/exp.scn"
"$B/pstnsim" --span "1:$T/y.sock" --script "$T/exp.scn" --timeout 10 \
	>"$T/exp.out" 2>"$T/exp.err"
rc=$?
[ "$rc" = 3 ] || fail "failed expect: exit $rc, expected 3"
grep -q "exp.scn:1: expect event=span_up: no such event within 300 ms" \
	"$T/exp.err" || fail "failed expect: message: $(cat "$T/exp.err")"
expect_line "$T/exp.out" "event=scenario_failed line=1 action=expect"
expect_no_line "$T/exp.out" "event=scenario_done"
# an action that cannot be done fails the same way: no call to answer
printf '%s\n' "wait 100ms" "answer" >"$T/ans.scn"
"$B/pstnsim" --span "1:$T/z.sock" --script "$T/ans.scn" --timeout 10 \
	>"$T/ans.out" 2>"$T/ans.err"
rc=$?
[ "$rc" = 3 ] || fail "answer without a call: exit $rc, expected 3"
grep -q "ans.scn:2: no call to answer" "$T/ans.err" ||
	fail "answer without a call: message: $(cat "$T/ans.err")"
# exit CODE ends the run with that status
printf '%s\n' "exit 7" >"$T/ex.scn"
"$B/pstnsim" --span "1:$T/w.sock" --script "$T/ex.scn" --timeout 10 \
	>"$T/ex.out" 2>&1
rc=$?
[ "$rc" = 7 ] || fail "exit 7: exit $rc"
pass
