#!/bin/sh
# Installs the Debian packages pstngw needs to build and test, only those
# missing, so `make demo` and `make test` work on a fresh Debian 12 machine.
set -eu

# Test peers come in with the tests that use them: SIPp (sip-tester),
# sipsak, kamailio and baresip-core (the interop tests of issue 3; not the
# baresip metapackage, which pulls a desktop); tshark with the issue that
# uses it.
PKGS="build-essential pkg-config clang libpri-dev libspandsp-dev libopus-dev
portaudio19-dev libcmocka-dev libtiff-dev libtiff-tools libinih-dev libssl-dev
dahdi-source sip-tester sipsak iproute2 util-linux perl-base libosip2-dev
kamailio baresip-core openssl libsrtp2-dev fail2ban"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing

# kamailio's and fail2ban's packages install system services that may
# start on install: kamailio would take port 5060, the demo's SIP port, and
# fail2ban would start banning on this machine (its default sshd jail).
# The tests run their own kamailio in a network namespace and use only
# fail2ban-regex, so both services are stopped and disabled.
for svc in kamailio fail2ban; do
	case " $missing " in
	*" $svc "*) ;;
	*) continue ;;
	esac
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
	elif command -v service >/dev/null 2>&1; then
		$SUDO service "$svc" stop >/dev/null 2>&1 || true
		$SUDO update-rc.d "$svc" disable >/dev/null 2>&1 || true
	fi
done
