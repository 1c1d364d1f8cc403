# tools/: pstnsim (simulated PSTN), sipua (SIP test phone), pstngw-ctl,
# sipfax (SIP fax terminal).
-include tools/faxdoc/module.mk
-include tools/pstnsim/module.mk
-include tools/sipua/module.mk
-include tools/pstngw-ctl/module.mk
-include tools/sipfax/module.mk
