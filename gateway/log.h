#pragma once
/*
 * Logging with levels and module tags, to stderr or syslog. Levels are
 * syslog priorities (LOG_ERR .. LOG_DEBUG), the same numbers the libraries
 * pass through their log hooks, so no library includes this header.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

enum gw_log_mod {
	GW_LOG_MAIN,
	GW_LOG_CFG,
	GW_LOG_SIP,
	GW_LOG_SDP,
	GW_LOG_TDM,
	GW_LOG_ISDN,
	GW_LOG_RTP,
	GW_LOG_CALL,
	GW_LOG_CTL,
	GW_LOG_SIM,
	GW_LOG_FAX,
	GW_LOG_MOD_COUNT
};

const char *gw_log_mod_name(enum gw_log_mod mod);
/* Returns the module for a name, or -1. */
int gw_log_mod_lookup(const char *name);
/* Returns the syslog level for "err", "warning", "notice", "info",
 * "debug", or -1. */
int gw_log_level_lookup(const char *name);
const char *gw_log_level_name(int level);

/* ident names the process in syslog and in stderr lines. */
void gw_log_init(const char *ident, bool use_syslog);
void gw_log_set_level(enum gw_log_mod mod, int level);
void gw_log_set_level_all(int level);
bool gw_log_enabled(enum gw_log_mod mod, int level);

void gw_log(enum gw_log_mod mod, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void gw_vlog(enum gw_log_mod mod, int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#define GW_ERR(m, ...) gw_log(GW_LOG_##m, LOG_ERR, __VA_ARGS__)
#define GW_WARN(m, ...) gw_log(GW_LOG_##m, LOG_WARNING, __VA_ARGS__)
#define GW_NOTICE(m, ...) gw_log(GW_LOG_##m, LOG_NOTICE, __VA_ARGS__)
#define GW_INFO(m, ...) gw_log(GW_LOG_##m, LOG_INFO, __VA_ARGS__)
#define GW_DEBUG(m, ...) gw_log(GW_LOG_##m, LOG_DEBUG, __VA_ARGS__)
