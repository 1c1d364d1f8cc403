# make install lays out the binaries, the configuration (sample always,
# pstngw.conf never over an existing one), spool and log directories, the
# systemd unit with the installed paths and the man pages under DESTDIR;
# the installed daemon accepts the installed configuration and defaults to
# it; the man pages format without warnings; systemd-analyze accepts the
# unit when it is available.
. tests/integration/lib.sh
make -s install B="$B" DESTDIR="$T/root" PREFIX=/usr >"$T/install.log" 2>&1 ||
	fail "make install failed: $(cat "$T/install.log")"
R=$T/root
for f in usr/sbin/pstngw usr/bin/pstnsim usr/bin/sipua usr/bin/pstngw-ctl \
	etc/pstngw/pstngw.conf etc/pstngw/pstngw.conf.sample \
	usr/lib/systemd/system/pstngw.service usr/share/man/man8/pstngw.8 \
	usr/share/man/man8/pstngw-ctl.8 usr/share/man/man5/pstngw.conf.5; do
	[ -f "$R/$f" ] || fail "missing $f"
done
for d in var/spool/pstngw var/log/pstngw; do
	[ -d "$R/$d" ] || fail "missing directory $d"
done
[ -x "$R/usr/sbin/pstngw" ] || fail "pstngw not executable"
"$R/usr/sbin/pstngw" --check-config "$R/etc/pstngw/pstngw.conf" ||
	fail "installed configuration refused"
grep -q "^; " "$R/etc/pstngw/pstngw.conf.sample" || fail "sample has no comments"
# an existing configuration is never overwritten
echo "; mine" >"$R/etc/pstngw/pstngw.conf"
make -s install B="$B" DESTDIR="$R" PREFIX=/usr >/dev/null 2>&1
grep -q "; mine" "$R/etc/pstngw/pstngw.conf" || fail "install overwrote pstngw.conf"
"$B/pstngw" --help | grep -q "etc/pstngw/pstngw.conf" || fail "no default config path in --help"

# the unit names the installed paths (PREFIX=/usr: /usr/sbin, /etc/pstngw)
u=$R/usr/lib/systemd/system/pstngw.service
grep -q "^ExecStart=/usr/sbin/pstngw -c /etc/pstngw/pstngw.conf " "$u" ||
	fail "unit ExecStart: $(grep ExecStart= "$u")"
grep -q "^ExecReload=/bin/kill -HUP \$MAINPID$" "$u" || fail "no ExecReload"
grep -q "^DeviceAllow=char-dahdi rw$" "$u" || fail "DAHDI devices not allowed"
# another PREFIX: the unit follows it
make -s install B="$B" DESTDIR="$T/r2" PREFIX=/opt/pstngw >/dev/null 2>&1 ||
	fail "install with PREFIX=/opt/pstngw failed"
grep -q "^ExecStart=/opt/pstngw/sbin/pstngw -c /opt/pstngw/etc/pstngw/pstngw.conf " \
	"$T/r2/opt/pstngw/lib/systemd/system/pstngw.service" ||
	fail "PREFIX not in the unit: $(grep ExecStart= "$T/r2/opt/pstngw/lib/systemd/system/pstngw.service")"
[ -d "$T/r2/opt/pstngw/var/spool/pstngw" ] || fail "no spool under PREFIX"

# man pages: groff formats them without a warning; they name each other
for m in man8/pstngw.8 man8/pstngw-ctl.8 man5/pstngw.conf.5; do
	w=$(groff -man -ww -z "$R/usr/share/man/$m" 2>&1)
	[ -z "$w" ] || fail "$m: $w"
	man -l "$R/usr/share/man/$m" 2>/dev/null | grep -q "SEE ALSO" ||
		fail "$m does not format"
done
man -l "$R/usr/share/man/man8/pstngw-ctl.8" 2>/dev/null | grep -q "trace q931" ||
	fail "pstngw-ctl(8) lacks trace q931"
# every command the daemon knows is in pstngw-ctl(8)
for c in "show spans" "show captures" reload "capture sip" "capture dchan" \
	"trace sip" "originate .*span" hangup block debug; do
	man -l "$R/usr/share/man/man8/pstngw-ctl.8" 2>/dev/null | grep -q "$c" ||
		fail "pstngw-ctl(8) lacks '$c'"
done

# systemd-analyze verify, when present: the unit with its binaries under
# DESTDIR (a copy whose paths point there), man page checks off
if command -v systemd-analyze >/dev/null; then
	sed -e "s|/usr/sbin/pstngw|$R/usr/sbin/pstngw|g" "$u" >"$T/pstngw.service"
	systemd-analyze verify --man=no "$T/pstngw.service" >"$T/verify.log" 2>&1
	grep -v "^$" "$T/verify.log" | grep -iE "pstngw.service" &&
		fail "systemd-analyze verify: $(cat "$T/verify.log")"
fi
pass
