/*
 * fuzz_ctl: control protocol commands (gateway/ctl*.c) on a bare gateway
 * (no spans, no calls, two trunks), one per input line, as the control
 * socket hands them over. Commands that write files the input names
 * (capture) are left out: the fuzzer must not write all over the disk.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "gateway/ctl.h"
#include "gateway/gw.h"
#include "gateway/log.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t sink;

static bool writes_files(const char *line)
{
	line += strspn(line, " \t");
	return !strncmp(line, "capture", 7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gw gw;
	static bool log_ready;
	struct gw_ctl_out out = { 0 };
	char line[GW_CTL_LINE_MAX + 16];

	if (!log_ready) {
		gw_log_init("fuzz", false);
		log_ready = true;
	}
	gw_log_set_level_all(LOG_CRIT);
	memset(&gw, 0, sizeof(gw));
	gw.loop = gw_loop_alloc();
	if (!gw.loop)
		return 0;
	gw.cfg_path = "/nonexistent/pstngw.conf";
	gw.cfg.ntrunks = 2;
	snprintf(gw.cfg.trunks[0].name, CFG_NAME_LEN, "carrier");
	snprintf(gw.cfg.trunks[0].addr, CFG_HOST_LEN, "192.0.2.1:5061");
	gw.cfg.trunks[0].transport = CFG_TP_TLS;
	gw.cfg.trunks[0].reg = 1;
	snprintf(gw.cfg.trunks[0].user, 64, "alice");
	snprintf(gw.cfg.trunks[1].name, CFG_NAME_LEN, "pbx");
	snprintf(gw.cfg.trunks[1].addr, CFG_HOST_LEN, "192.0.2.2");

	const uint8_t *part;
	size_t plen, pos = 0;

	for (unsigned n = 0;
	     n < 32 && fuzz_next_part(data, size, &pos, "\n", 1, &part, &plen);
	     n++) {
		if (plen >= sizeof(line))
			plen = sizeof(line) - 1;
		memcpy(line, part, plen);
		line[plen] = '\0';
		if (writes_files(line))
			continue;
		out.len = 0;
		sink += gw_ctl_exec(&gw, line, &out);
		gw_log_set_level_all(LOG_CRIT); /* "debug all 7": stay quiet */
	}
	gw_ctl_out_release(&out);
	gw_ctl_stop(&gw);
	gw_loop_free(gw.loop);
	return 0;
}
