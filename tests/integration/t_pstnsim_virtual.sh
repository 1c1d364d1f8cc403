# pstnsim --virtual: both ends of a span pair in one process on a virtual
# clock (issue 4, "real time or virtual time"). Two-page faxes, ECM on a
# T1 and no ECM on an E1, pages compared as decoded images; tones and
# DTMF detected; stamps in virtual time (a fax takes ~30 s of line time,
# whatever the machine's load).
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc.tif" 2 || fail "cannot make the test TIFF"

# vfax NAME SPANTYPE SWITCHTYPE ECM: one fax between span 1 (NET server)
# and span 2 (CPE client) on the same path.
vfax() {
	cat >"$T/$1.scn" <<SCN
wait event=span_up span=1
wait event=span_up span=2
call 5551000 from=2125550100 span=1
wait event=setup span=2 dir=in
answer
expect event=connect call=1
receive-fax $T/$1.tif call=2 ecm=$4
send-fax $T/doc.tif call=1 ecm=$4
expect event=fax call=2 dir=receive result=0 pages=2 within=120s
expect event=fax call=1 dir=send result=0 pages=2 within=10s
expect event=released call=1 within=10s
SCN
	"$B/pstnsim" --virtual --span "1:$T/$1.sock:$2:$3" \
		--span "2:$T/$1.sock:$2:$3:cpe:client" --script "$T/$1.scn" \
		--timeout 300 >"$T/$1.log" 2>&1
	rc=$?
	[ "$rc" = 0 ] || fail "$1: exit $rc"
	expect_line "$T/$1.log" "event=scenario_done"
	tiffcmp -t "$T/doc.tif" "$T/$1.tif" >/dev/null 2>&1 ||
		fail "$1: received pages differ"
	n=$(tiffinfo "$T/$1.tif" 2>/dev/null | grep -c '^=== TIFF directory')
	[ "$n" = 2 ] || fail "$1: $n pages received"
	# line time, not wall time: the fax needs well over 10 s of it
	t=$(sed -n 's/^pstnsim t=\([0-9]*\) event=fax call=2 .*/\1/p' "$T/$1.log")
	[ -n "$t" ] && [ "$t" -ge 10000 ] || fail "$1: fax done at t=$t"
}
vfax ecm t1 ni2 on
expect_line "$T/ecm.log" "event=fax call=2 dir=receive result=0 .* ecm=1"
vfax noecm e1 euroisdn off
expect_line "$T/noecm.log" "event=fax call=2 dir=receive result=0 .* ecm=0"

# tones and DTMF in virtual time
cat >"$T/dtmf.scn" <<'SCN'
wait event=span_up span=1
wait event=span_up span=2
call 5551000 span=1
wait event=setup span=2 dir=in
answer
detect dtmf call=2
detect tone 1000 call=1
digits 42# call=1
play tone:1000 call=2
expect event=dtmf call=2 digit=4
expect event=dtmf call=2 digit=2
expect event=dtmf call=2 digit=#
expect event=tone call=1 freq=1000
SCN
"$B/pstnsim" --virtual --span "1:$T/d.sock:t1:ni2" \
	--span "2:$T/d.sock:t1:ni2:cpe:client" --script "$T/dtmf.scn" \
	--timeout 60 >"$T/dtmf.log" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "dtmf: exit $rc"
# a timeout is virtual too: nothing answers, 30 s pass at once
printf '%s\n' "wait event=span_up span=1" "expect event=setup within=30s" \
	>"$T/to.scn"
"$B/pstnsim" --virtual --span "1:$T/t.sock:t1:ni2" \
	--span "2:$T/t.sock:t1:ni2:cpe:client" --script "$T/to.scn" \
	--timeout 100 >"$T/to.log" 2>&1
rc=$?
[ "$rc" = 3 ] || fail "virtual expect bound: exit $rc"
expect_line "$T/to.log" "^pstnsim t=300[0-9][0-9] event=scenario_failed line=2"
pass
