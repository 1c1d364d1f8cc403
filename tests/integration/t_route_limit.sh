# Call limits: trunk phone takes one call at a time ([limits] trunk phone
# = 1). The switch places two overlapping calls: the first goes to phone,
# the second skips it (at its limit) for the alternative trunk backup.
# Then with backup also full, a third call is refused with cause 34.
. tests/integration/lib.sh
. tests/integration/route_lib.sh
route_conf "$T/gw.conf" "[trunk backup]
address = 127.0.0.1:5071" <<'ROUTES'
[limits]
trunk phone = 1
trunk backup = 1
[route in]
from = pstn
called = 555
target = trunk phone
alternative = trunk backup
ROUTES
start phone "$B/sipua" --listen 127.0.0.1:5070 --timeout 30
start backup "$B/sipua" --listen 127.0.0.1:5071 --timeout 30
wait_for "$T/phone.log" "event=ready" 5
wait_for "$T/backup.log" "event=ready" 5
start sim "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" --call 5551000 \
	--from 2125550100 --calls 3 --interval 700 --hangup-after 4000 \
	--exit-after 3 --timeout 30
start_gw
wait_exit sim 30
[ "$(grep -c 'event=incoming' "$T/phone.log")" -eq 1 ] ||
	fail "phone took other than one call"
[ "$(grep -c 'event=incoming' "$T/backup.log")" -eq 1 ] ||
	fail "backup took other than one call"
expect_line "$T/gw.log" "route in: trunk phone skipped: at its call limit"
expect_line "$T/gw.log" "route in: trunk backup skipped: at its call limit"
[ "$(grep -c 'event=connect ' "$T/sim.log")" -eq 2 ] ||
	fail "expected two connected calls"
expect_line "$T/sim.log" "event=disconnect .*call=3 cause=34( |$)"
pass
