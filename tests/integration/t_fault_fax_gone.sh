# The fax server dies (SIGKILL) in the middle of a T.38 fax from the
# PSTN: its UDPTL stops, the gateway's fax watchdog (4 s here: more than
# a CED, during which a healthy receiver sends nothing) releases the
# PSTN side with cause 41, the CDR says the fax failed and why, and
# nothing is left behind. A new fax server on the same address then
# receives the next fax, although it stays silent for about 6 s while
# the page and the post-page command go to it: the watchdog counts from
# the last new T.38 message either way, not only from the far end's.
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
"$B/pstnsim-mktiff" "$T/doc.tif" 1 300 || fail "cannot make the test TIFF"
mkdir "$T/spool"
fault_conf "$T/gw.conf" "" "cdr_file = $T/cdr.csv
[fax]
mode = t38
initiate = pstn-detect
wait_ms = 500
watchdog_ms = 4000"
start fax nice -n -15 "$B/sipfax" recv --listen 127.0.0.1:5070 \
	--spool "$T/spool" --count 1 --timeout 60
wait_for "$T/fax.log" "event=ready"
start sim nice -n -15 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" \
	--ctl "$T/sim.sock" --send-fax "$T/doc.tif" --timeout 90
start gw nice -n -15 "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw.log" "span 1: span_up" 15
sim_cmd "$T/sim.sock" "call 5551000 from=2125550100" || fail "call refused"
wait_for "$T/fax.log" "event=reoffer call=1 answer=200 t38=1" 20
sleep 2
kill -KILL "$PID_fax"
wait_exit fax 5
k=$(date +%s%N)
wait_for "$T/sim.log" "event=disconnect .*call=1 cause=41" 12
d=$((($(date +%s%N) - k) / 1000000))
[ "$d" -le 9000 ] || fail "PSTN side released $d ms after the kill (watchdog 4000)"
wait_for "$T/gw.log" "no UDPTL datagram for 4000 ms: releasing \(cause 41\)" 3
# CDR: cause 41 by the gateway, the fax failed (T.30 49: the call
# dropped prematurely)
wait_for "$T/cdr.csv" "^1,.*,41,200,gateway,.*,The call dropped prematurely,t38,[0-9]+,(yes|no),49," 5
expect_idle 10
[ "$(metric pstngw_fax_watchdog_total)" = 1 ] || fail "watchdog not counted"
[ "$(metric 'pstngw_faxes_total{result="failed"}')" = 1 ] || fail "failed fax not counted"

# a new fax server: the next fax goes through
start fax2 nice -n -15 "$B/sipfax" recv --listen 127.0.0.1:5070 \
	--spool "$T/spool" --count 1 --timeout 60
wait_for "$T/fax2.log" "event=ready"
sim_cmd "$T/sim.sock" "call 5551000 from=2125550100" || fail "call refused"
wait_exit fax2 60
[ "$RC_fax2" = 0 ] || fail "sipfax exited $RC_fax2"
expect_line "$T/fax2.log" "event=fax call=1 result=ok dir=recv mode=t38 .* pages=1"
wait_for "$T/sim.log" "event=fax .*call=2 dir=send result=0" 10
wait_for "$T/gw.log" "call [0-9]+: fax ok: 1 pages?" 10
expect_idle 10
pass
