# Helpers for the interop tests with kamailio and baresip (issue 3).

# bs_conf DIR PORT ACCOUNT: a headless baresip: SIP on 127.0.0.1:PORT, a
# 440 Hz sine as microphone, audio out to nowhere (aubridge), commands on
# UDP 127.0.0.1:(PORT+465) through the cons module (5090 -> 5555).
bs_conf() {
	mkdir -p "$1"
	cat >"$1/config" <<CONF
poll_method		epoll
sip_listen		127.0.0.1:$2
net_interface		127.0.0.1
audio_player		aubridge,none
audio_source		ausine,440
audio_alert		aubridge,none
ausrc_srate		48000
ausrc_channels		2
module_path		/usr/lib/baresip/modules
module			g711.so
module			ausine.so
module			aubridge.so
module			cons.so
module			account.so
module_app		menu.so
cons_listen		127.0.0.1:$(($2 + 465))
CONF
	printf '%s\n' "$3" >"$1/accounts"
}

# kam_gw_conf FILE PASSWORD [EXTRA]: the gateway registered at kamailio
# (127.0.0.1:5080) as gw@pstngw.test; 555* from the PSTN go through
# kamailio, 212* from SIP go to the span.
kam_gw_conf() {
	cat >"$1" <<CONF
[general]
log_level = debug
[sip]
listen = 127.0.0.1:5060
t1_ms = 100
[media]
rtp_port_min = 30000
rtp_port_max = 30999
[span 1]
type = t1
role = cpe
switchtype = ni2
path = $T/span1.sock
group = pri
[trunk kam]
address = 127.0.0.1:5080
domain = pstngw.test
user = gw
password = $2
register = yes
expires = 120
[route pstn-to-sip]
from = pstn
prefix = 555
target = trunk kam
[route sip-to-pstn]
from = sip
prefix = 212
target = group pri
CONF
	[ $# -gt 2 ] && printf '%s\n' "$3" >>"$1"
	return 0
}
