# SIPp with -lost 5 (5% of its messages dropped) both ways; t_sipp_lost
# does 10%. Every call completes or fails by the RFC timers (T1 = 100 ms
# here), and then the operator's view is empty: no call, SIP dialog, SIP
# transaction or busy B-channel (metrics, pstngw-ctl show calls), and the
# switch saw every SETUP released (fault_lib.sh: sipp_lost).
. tests/integration/lib.sh
. tests/integration/fault_lib.sh
sipp_lost 5 15 12
pass
