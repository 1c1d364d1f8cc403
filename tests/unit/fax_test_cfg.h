#pragma once
/*
 * Shared by the call_fax tests and fuzz_udptl: a configuration with known [fax] values
 * (the shipped defaults, written out so a changed default does not move
 * the tests' expectations silently).
 */
#include <string.h>

#include "gateway/cfg.h"

static inline void fax_test_defaults(struct gw_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->fax = (struct cfg_fax){
		.mode = CFG_FAX_T38,
		.initiate = CFG_FAX_INIT_PSTN_DETECT,
		.detect = CFG_FAX_DET_ANY,
		.wait_ms = 1500,
		.version = 3,
		.max_bitrate = 14400,
		.ecm = 1,
		.ec = CFG_FAX_EC_REDUNDANCY,
		.redundancy_control = 4,
		.redundancy_image = 2,
		.fec_span = 3,
		.fec_entries = 3,
		.max_datagram = 400,
		.watchdog_ms = 30000,
		.return_to_audio = 1,
		.return_delay_ms = 1000,
	};
}
