# Helpers for the routing tests (t_route_*): the gw_conf config with its
# [route] sections replaced by a route file, $T/routes.conf, whose text
# comes on stdin.
# route_conf FILE [EXTRA]: EXTRA lines go into pstngw.conf (trunks, spans).
route_conf() {
	gw_conf "$1"
	sed -i '/^\[route /,$d' "$1"
	sed -i "s|^\[general\]\$|[general]\nroute_file = routes.conf\ncdr_file = $T/cdr.csv|" "$1"
	[ $# -gt 1 ] && printf '%s\n' "$2" >>"$1"
	cat >"$(dirname "$1")/routes.conf"
}
