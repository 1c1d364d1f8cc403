/*
 * Logging: one level per module, lines to stderr (with a monotonic stamp,
 * so a test log diffs cleanly once time is virtual) or to syslog.
 */
#include "gateway/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const mod_names[GW_LOG_MOD_COUNT] = {
	[GW_LOG_MAIN] = "main", [GW_LOG_CFG] = "cfg",	[GW_LOG_SIP] = "sip",
	[GW_LOG_SDP] = "sdp",	[GW_LOG_TDM] = "tdm",	[GW_LOG_ISDN] = "isdn",
	[GW_LOG_RTP] = "rtp",	[GW_LOG_CALL] = "call", [GW_LOG_CTL] = "ctl",
	[GW_LOG_SIM] = "sim",	[GW_LOG_FAX] = "fax",
};

static const struct {
	const char *name;
	int level;
} level_names[] = {
	{ "err", LOG_ERR },	    { "error", LOG_ERR },
	{ "warning", LOG_WARNING }, { "warn", LOG_WARNING },
	{ "notice", LOG_NOTICE },   { "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
};

static struct {
	const char *ident;
	bool syslog;
	int level[GW_LOG_MOD_COUNT];
} g = { .ident = "pstngw" };

const char *gw_log_mod_name(enum gw_log_mod mod)
{
	return (unsigned)mod < GW_LOG_MOD_COUNT ? mod_names[mod] : "?";
}

int gw_log_mod_lookup(const char *name)
{
	for (int i = 0; i < GW_LOG_MOD_COUNT; i++)
		if (!strcmp(name, mod_names[i]))
			return i;
	return -1;
}

int gw_log_level_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++)
		if (!strcmp(name, level_names[i].name))
			return level_names[i].level;
	return -1;
}

const char *gw_log_level_name(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "err";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void gw_log_init(const char *ident, bool use_syslog)
{
	if (g.syslog && !use_syslog)
		closelog();
	g.ident = ident ? ident : "pstngw";
	g.syslog = use_syslog;
	if (use_syslog)
		openlog(g.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	for (int i = 0; i < GW_LOG_MOD_COUNT; i++)
		if (!g.level[i])
			g.level[i] = LOG_INFO;
}

void gw_log_set_level(enum gw_log_mod mod, int level)
{
	if ((unsigned)mod < GW_LOG_MOD_COUNT)
		g.level[mod] = level;
}

void gw_log_set_level_all(int level)
{
	for (int i = 0; i < GW_LOG_MOD_COUNT; i++)
		g.level[i] = level;
}

bool gw_log_enabled(enum gw_log_mod mod, int level)
{
	int max = (unsigned)mod < GW_LOG_MOD_COUNT && g.level[mod]
			  ? g.level[mod]
			  : LOG_INFO;

	return level <= max;
}

void gw_vlog(enum gw_log_mod mod, int level, const char *fmt, va_list ap)
{
	char line[1024];

	if (!gw_log_enabled(mod, level))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (g.syslog) {
		syslog(level, "%s: %s", gw_log_mod_name(mod), line);
		return;
	}
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "%llu.%03ld %s %s %s: %s\n",
		(unsigned long long)ts.tv_sec, ts.tv_nsec / 1000000L, g.ident,
		gw_log_level_name(level), gw_log_mod_name(mod), line);
}

void gw_log(enum gw_log_mod mod, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gw_vlog(mod, level, fmt, ap);
	va_end(ap);
}
