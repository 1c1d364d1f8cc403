#!/bin/sh
# Runs one unit test binary in a private network namespace with only
# loopback up, where that is permitted (root, or user namespaces): the
# fixed loopback ports some tests bind then collide with no other run on
# the machine (make test and make check side by side), and nothing a test
# sends can leave the machine. Elsewhere it runs as it is.
if unshare -n true 2>/dev/null; then
	exec unshare -n sh -c 'ip link set lo up && exec "$0" "$@"' "$@"
fi
exec "$@"
