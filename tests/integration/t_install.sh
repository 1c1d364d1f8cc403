# make install lays out the binaries and the configuration under DESTDIR;
# the installed daemon accepts the installed configuration and defaults to
# it.
. tests/integration/lib.sh
make -s install B="$B" DESTDIR="$T/root" PREFIX=/usr >"$T/install.log" 2>&1 ||
	fail "make install failed: $(cat "$T/install.log")"
for f in usr/sbin/pstngw usr/bin/pstnsim usr/bin/sipua usr/bin/pstngw-ctl \
	etc/pstngw/pstngw.conf etc/pstngw/pstngw.conf.sample; do
	[ -f "$T/root/$f" ] || fail "missing $f"
done
[ -x "$T/root/usr/sbin/pstngw" ] || fail "pstngw not executable"
"$T/root/usr/sbin/pstngw" --check-config "$T/root/etc/pstngw/pstngw.conf" ||
	fail "installed configuration refused"
# an existing configuration is never overwritten
echo "; mine" >"$T/root/etc/pstngw/pstngw.conf"
make -s install B="$B" DESTDIR="$T/root" PREFIX=/usr >/dev/null 2>&1
grep -q "; mine" "$T/root/etc/pstngw/pstngw.conf" || fail "install overwrote pstngw.conf"
"$B/pstngw" --help | grep -q "etc/pstngw/pstngw.conf" || fail "no default config path in --help"
pass
