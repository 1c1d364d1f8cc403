# Issue 6, signalling with real processes: a pstnsim fax machine calls
# over PRI; the gateway hears its CNG, waits [fax] wait_ms for the far end
# (SIPp) to re-INVITE, then re-INVITEs to T.38 itself.
#  1. SIPp refuses T.38 with 488: the call goes on as G.711 fax (media
#     tuned) with a V.152 re-offer (a=gpmd:0 vbd=yes); the CDR says g711.
#  2. SIPp accepts T.38 and sends no UDPTL: the watchdog releases the
#     call (BYE with Q.850 cause 41), the failed fax's T.30 trace lands in
#     trace_dir, the CDR and the metrics count a failed T.38 fax.
. tests/integration/lib.sh
command -v sipp >/dev/null || fail "sipp (sip-tester) is not installed"
S=$PWD/tests/integration/sipp
"$B/pstnsim-mktiff" "$T/doc.tif" 1 || fail "cannot make the test TIFF"
mkdir -p "$T/traces"
gw_conf "$T/gw.conf" "[fax]
wait_ms = 300
watchdog_ms = 2000
trace_dir = $T/traces"
sed -i "s|^\[general\]|[general]\ncdr_file = $T/cdr.csv\nmetrics_listen = 127.0.0.1:9464|" "$T/gw.conf"

# fax_call NAME SCENARIO: one fax call from the PSTN to SIPp.
fax_call() {
	start "uas_$1" sipp -sf "$S/$2" -i 127.0.0.1 -p 5070 -m 1 -nostdin \
		-timeout 30s -trace_err -error_file "$T/sipp_err_$RANDOM.log" -trace_msg -message_file "$T/$1.msg"
	start "pstn_$1" "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" \
		--call 5551000 --from 2125550100 --send-fax "$T/doc.tif" \
		--exit-after 1 --timeout 30
	# pstnsim is the span's server: the gateway (re)connects to it
	[ -n "${PID_gw:-}" ] || start_gw
	wait_exit "uas_$1" 35
	eval "rc=\$RC_uas_$1"
	[ "$rc" -eq 0 ] || fail "sipp ($2) exited $rc: $(tail -5 "$T/uas_$1.log")"
	wait_exit "pstn_$1" 35
}

fax_call refuse uas_t38_refuse.xml
expect_line "$T/gw.log" "fax \{wait\}: no T.38 re-INVITE from the far end in 300 ms"
expect_line "$T/gw.log" "re-INVITE to T.38 \(version <= 3\)"
expect_line "$T/gw.log" "T.38 refused with 488"
expect_line "$T/gw.log" "G.711 pass-through \(T.38 refused\), codec PCMU"
expect_line "$T/gw.log" "fax/modem: jitter buffer fixed, EC off"
grep -q "a=gpmd:0 vbd=yes" "$T/refuse.msg" || fail "no V.152 re-offer seen by SIPp"
# CN in the call's INVITE only, not in the fax re-offer
[ "$(grep -c "CN/8000" "$T/refuse.msg")" -eq 1 ] || fail "CN offered for a fax"

fax_call silent uas_t38_silent.xml
expect_line "$T/gw.log" "T.38 v0 to 127.0.0.1:6002"
expect_line "$T/gw.log" "no UDPTL datagram for 2000 ms: releasing \(cause 41\)"
expect_line "$T/gw.log" "fax failed: 0 pages"
wait_for "$T/gw.log" "T.30 trace in $T/traces/fax-[0-9]+-[0-9]+.txt" 5
ls "$T"/traces/fax-*.txt >/dev/null 2>&1 || fail "no trace file"
[ -s "$(ls "$T"/traces/fax-*.txt | head -1)" ] || fail "empty trace file"

out=$("$B/pstngw-ctl" -s "$T/ctl.sock" show fax) || fail "show fax failed"
echo "$out" | grep -q "faxes: ok 0 failed 1 g711 1" || fail "show fax: $out"
echo "$out" | grep -q "t38 offered 2 refused 1" || fail "show fax: $out"
m=$(perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:9464") or die;
	print $s "GET /metrics HTTP/1.0\r\n\r\n"; local $/; print <$s>;')
echo "$m" | grep -q 'pstngw_faxes_total{result="failed"} 1' || fail "metrics: no failed fax"
echo "$m" | grep -q 'pstngw_faxes_total{result="g711"} 1' || fail "metrics: no g711 fax"
echo "$m" | grep -q 'pstngw_fax_watchdog_total 1' || fail "metrics: no watchdog release"

kill -TERM "$PID_gw"
wait_exit gw 15
# the records: fax columns at the end
head -1 "$T/cdr.csv" | grep -q ",fax_pages,fax_result,fax_mode,fax_rate,fax_ecm,fax_t30_code,udptl_rx,udptl_tx,udptl_recovered,udptl_lost" ||
	fail "CDR header without the fax columns"
[ "$(grep -c ',g711,,,,,,,' "$T/cdr.csv")" -eq 1 ] || fail "no g711 fax CDR: $(cat "$T/cdr.csv")"
grep -Eq ',0,[^,]*,t38,[0-9]+,(yes|no),-?[0-9]+,0,[0-9]+,0,0' "$T/cdr.csv" ||
	fail "no t38 fax CDR: $(cat "$T/cdr.csv")"
pass
