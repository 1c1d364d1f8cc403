#!/bin/sh
# Installs the Debian packages pstngw needs to build and test, only those
# missing, so `make demo` and `make test` work on a fresh Debian 12 machine.
set -eu

# Test peers come in with the tests that use them: SIPp (sip-tester) and
# sipsak today; baresip-core, kamailio and tshark with the issues that test
# against them (kamailio's service would also take port 5060 from the
# demo on a machine with systemd).
PKGS="build-essential pkg-config clang libpri-dev libspandsp-dev libopus-dev
portaudio19-dev libcmocka-dev libtiff-dev libtiff-tools libinih-dev libssl-dev
dahdi-source sip-tester sipsak iproute2 util-linux perl-base libosip2-dev
openssl"

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
