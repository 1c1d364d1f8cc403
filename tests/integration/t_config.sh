# Configuration errors: --check-config verdicts and exit codes; a daemon
# with a broken file never starts.
. tests/integration/lib.sh
"$B/pstngw" --check-config conf/demo.conf || fail "demo.conf refused"
"$B/pstngw" --check-config conf/pstngw.conf || fail "pstngw.conf refused"
"$B/pstngw" --check-config tests/fixtures/cfg/bad-values.conf 2>"$T/err.log"
[ $? -eq 1 ] || fail "bad-values.conf not refused with exit 1"
expect_line "$T/err.log" "bad-values.conf:6: \[span 1\] switchtype: unknown value 'foo'"
expect_line "$T/err.log" "configuration refused \(6 errors\)"
timeout 5 "$B/pstngw" -f -c tests/fixtures/cfg/bad-refs.conf 2>"$T/err2.log"
[ $? -eq 1 ] || fail "pstngw started with a broken configuration"
expect_line "$T/err2.log" "unknown section \[bogus\]"
"$B/pstngw" --no-such-option 2>/dev/null
[ $? -eq 2 ] || fail "unknown option not refused with exit 2"
"$B/pstngw" --sample-config | "$B/pstngw" --check-config /dev/stdin 2>"$T/err3.log"
expect_line "$T/err3.log" "\[span 1\] path: required"
pass
