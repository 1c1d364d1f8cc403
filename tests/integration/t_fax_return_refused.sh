# Issue 6: the far end refuses our re-INVITE back to audio after a T.38
# fax (sipfax answers 488): T.38 stays, no retry; the fax over, sipfax's
# UDPTL goes silent and the watchdog (10 s: a receiver says nothing from
# its CFR to its MCF, training and page included, 5 s here) keeps the
# call up until sipfax's BYE 16 s after its fax (pstnsim stays on line
# 20 s); with [fax] idle_release = yes it ends the call itself with cause
# 16. (The return taken: t_fax_return_audio.)
# Each part needs a fax to reach its DCN: on a loaded 2-core machine the
# loop driver's audio can break one, like t_fax_pstn_to_sip's.
. tests/integration/lib.sh
. tests/integration/fax_return_lib.sh

# 1. the far end refuses: T.38 until the hangup, not tried again; its
# silence after the fax is no failure
EXTRA_CONF="watchdog_ms = 10000" SIM_OPTS="--fax-hangup 20000" \
	run_fax yes refused --refuse-audio --bye-wait 16000
expect_line "$T/gw.log" "fax ended: re-INVITE back to audio"
expect_line "$T/fax.log" "event=reoffer call=1 answer=488 t38=0"
expect_line "$T/gw.log" "re-INVITE to audio refused with 488: T.38 until hangup"
expect_no_line "$T/gw.log" "back to audio \(our re-INVITE\)"
[ "$(grep -c 're-INVITE back to audio' "$T/gw.log")" = 1 ] ||
	fail "the refused re-INVITE was tried again"
expect_line "$T/gw.log" "no UDPTL datagram for 10000 ms after the fax: kept until hangup"
expect_no_line "$T/gw.log" "releasing \(cause 41\)"
# sipfax's BYE ended it: pstnsim was told 16, before its own on-hook
expect_line "$T/sim.log" "event=disconnect .* cause=16"
expect_no_line "$T/sim.log" "event=hangup "

# 2. the same with idle_release: we end the finished fax's call, cause 16
EXTRA_CONF="watchdog_ms = 10000
idle_release = yes" SIM_OPTS="--fax-hangup 20000" \
	run_fax yes idle --refuse-audio --bye-wait 16000
expect_line "$T/gw.log" "re-INVITE to audio refused with 488: T.38 until hangup"
expect_line "$T/gw.log" "no UDPTL datagram for 10000 ms after the fax: releasing \(cause 16\)"
expect_no_line "$T/gw.log" "releasing \(cause 41\)"
expect_line "$T/sim.log" "event=disconnect .* cause=16"
expect_no_line "$T/sim.log" "event=hangup "

pass
