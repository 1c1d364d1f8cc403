# Shared by t_fax_return_audio and t_fax_return_refused: one fax from a
# pstnsim fax machine over PRI, moved to T.38 by the gateway and received
# by sipfax, with [fax] return_to_audio and a capture of lo.
command -v tshark >/dev/null || fail "tshark is not installed"

"$B/pstnsim-mktiff" "$T/doc.tif" 1 200 || fail "cannot make the test TIFF"

run_fax() { # $1: return_to_audio, $2: pcap name, then sipfax options
	local ret=$1 name=$2
	shift 2
	rm -rf "$T/spool" && mkdir "$T/spool"
	gw_conf "$T/gw.conf" "[fax]
mode = t38
initiate = pstn-detect
wait_ms = 500
return_to_audio = $ret
return_delay_ms = 200
${EXTRA_CONF:-}"
	start cap tshark -i lo -f udp -w "$T/cap-$name.pcap"
	wait_for "$T/cap.log" "Capture started" 20
	start fax nice -n -15 "$B/sipfax" recv --listen 127.0.0.1:5070 \
		--spool "$T/spool" --count 1 --timeout 110 "$@"
	wait_for "$T/fax.log" "event=ready"
	start sim nice -n -15 "$B/pstnsim" --span "1:$T/span1.sock:t1:ni2" \
		--call 5551000 --from 2125550100 --send-fax "$T/doc.tif" \
		--play tone:1004 --exit-after 1 --timeout 110 ${SIM_OPTS:-}
	start gw nice -n -15 "$B/pstngw" -f -c "$T/gw.conf"
	wait_for "$T/gw.log" "span 1: span_up" 15
	wait_exit fax 110
	[ "$RC_fax" = 0 ] || fail "sipfax exited $RC_fax"
	wait_exit sim 20
	[ "$RC_sim" = 0 ] || fail "pstnsim exited $RC_sim"
	kill "$PID_gw" && wait_exit gw 10
	sleep 0.5
	kill "$PID_cap" && wait_exit cap 10
	expect_line "$T/fax.log" "event=fax call=1 result=ok dir=recv mode=t38 .* pages=1 "
	expect_line "$T/gw.log" "call [0-9]+: fax ok: 1 pages"
}
