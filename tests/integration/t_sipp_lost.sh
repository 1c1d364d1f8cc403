# SIPp with -lost 10 (10% of its messages dropped) both ways: every call
# completes or fails by the RFC timers (T1 = 100 ms here), and afterwards
# the gateway holds no call, dialog, transaction or busy channel: each
# SETUP on the span is released, and the shutdown line counts zero
# (fault_lib.sh: sipp_lost; t_fault_sip_lost does 5%).
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
sipp_lost 10 20 15
pass
