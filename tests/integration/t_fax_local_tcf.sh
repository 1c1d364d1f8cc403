# Issue 6, localTCF end to end: a pstnsim fax machine sends two pages over
# PRI; sipfax (the fax server) re-INVITEs to T.38 itself once the call is
# up, offering T38FaxRateManagement:localTCF; pstngw answers localTCF. TCF
# then never crosses IP: the gateway drops and checks its machine's TCF,
# sipfax makes one up for its T.38 terminal (media/t38tcf.c at both ends).
# Pages are compared decoded (tiffcmp -t). Priorities as in
# t_fax_pstn_to_sip.sh. The checks made here are counted in the metrics
# (pstngw_fax_local_tcf_total) and the call's CDR (fax_tcf_local_*).
. tests/integration/lib.sh

"$B/pstnsim-mktiff" "$T/doc.tif" 2 300 || fail "cannot make the test TIFF"
mkdir "$T/spool"
gw_conf "$T/gw.conf" "[fax]
mode = t38
initiate = sip-only"
sed -i "s|^\[general\]|[general]\ncdr_file = $T/cdr.csv\nmetrics_listen = 127.0.0.1:9464|" "$T/gw.conf"
start fax nice -n -15 "$B/sipfax" recv --listen 127.0.0.1:5070 --spool "$T/spool" \
	--count 1 --timeout 110 --t38-reinvite --local-tcf
wait_for "$T/fax.log" "event=ready"
start sim nice -n -15 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" \
	--call 5551000 --from 2125550100 --send-fax "$T/doc.tif" \
	--exit-after 1 --timeout 110
start gw nice -n -15 "$B/pstngw" -f -c "$T/gw.conf"
wait_for "$T/gw.log" "span 1: span_up" 15

wait_exit fax 110
[ "$RC_fax" = 0 ] || fail "sipfax exited $RC_fax"
wait_exit sim 20
[ "$RC_sim" = 0 ] || fail "pstnsim exited $RC_sim"

expect_line "$T/gw.log" "T.38 offered with localTCF: TCF made and checked here"
expect_line "$T/gw.log" "fax \{t38\}: T.38 v0 to 127.0.0.1:[0-9]+, .*, localTCF"
expect_line "$T/gw.log" "call [0-9]+: fax ok: 2 pages"
# the machine's TCF was checked at the gateway, good every time
expect_line "$T/gw.log" "call [0-9]+: localTCF: [1-9][0-9]* TCF checked here \(0 bad, 0 CFR made FTT\), 0 made up"
# sipfax made TCF up for its terminal and got none over IP
expect_line "$T/fax.log" "localTCF: 0 TCF checked \(0 bad\), [1-9][0-9]* made, 0 TCF packets received"
expect_line "$T/fax.log" "event=fax call=1 result=ok dir=recv mode=t38 .* pages=2 "
expect_line "$T/sim.log" "event=fax call=1 dir=send result=0 text=\"OK\" pages=2 pages_in_file=2"
f=$(ls "$T"/spool/*.tif 2>/dev/null | head -n 1)
[ -n "$f" ] || fail "nothing in the spool"
tiffcmp -t "$T/doc.tif" "$f" >"$T/cmp.out" 2>&1 ||
	fail "$f: pages differ from the sent ones: $(tail -3 "$T/cmp.out")"
# the same checks in the metrics and the CDR: good ones as the log says,
# none bad
n=$(sed -nE 's/.*localTCF: ([0-9]+) TCF checked here.*/\1/p' "$T/gw.log" | head -1)
m=$(perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:9464") or die;
	print $s "GET /metrics HTTP/1.0\r\n\r\n"; local $/; print <$s>;')
echo "$m" | grep -q "pstngw_fax_local_tcf_total{result=\"good\"} $n\$" ||
	fail "metrics: not $n good localTCF checks: $(echo "$m" | grep local_tcf)"
echo "$m" | grep -q 'pstngw_fax_local_tcf_total{result="bad"} 0$' ||
	fail "metrics: bad localTCF checks: $(echo "$m" | grep local_tcf)"
kill -TERM "$PID_gw"
wait_exit gw 15
head -1 "$T/cdr.csv" | grep -q ',udptl_lost,fax_tcf_local_good,fax_tcf_local_bad' ||
	fail "CDR header without the localTCF columns"
grep -Eq ",2,OK,t38,[0-9]+,(yes|no),0,[0-9]+,[0-9]+,[0-9]+,[0-9]+,$n,0[[:space:]]*\$" "$T/cdr.csv" ||
	fail "no t38 CDR with $n good localTCF checks: $(cat "$T/cdr.csv")"
pass
