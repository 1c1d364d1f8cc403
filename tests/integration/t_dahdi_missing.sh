# A span on driver = dahdi where the machine has no DAHDI (this one): the
# daemon refuses to start with exit 1 and a message naming the device,
# the channel and the likely cause, instead of running without its span.
. tests/integration/lib.sh
cat >"$T/dahdi.conf" <<CONF
[sip]
listen = 127.0.0.1:5060
[span 1]
driver = dahdi
dahdi_base = 1
CONF
"$B/pstngw" --check-config "$T/dahdi.conf" || fail "a dahdi span without path refused"
timeout 5 "$B/pstngw" -f -c "$T/dahdi.conf" 2>"$T/err.log"
[ $? -eq 1 ] || fail "pstngw did not exit 1 without /dev/dahdi"
expect_line "$T/err.log" "span 1: dahdi: cannot open /dev/dahdi/channel for channel 24: No such file or directory \(are the DAHDI modules loaded"
expect_line "$T/err.log" "span 1: cannot start"
pass
