#pragma once
/*
 * Adapters from the libraries' hooks (sip/, tdm/, media/) to the event
 * loop and the log. The hook arg of every library points to a struct
 * gw_hookctx, embedded in the user's own context (the daemon's struct gw,
 * the test phone's state): container_of gets back to it.
 */
#include <stddef.h>
#include <stdint.h>

#include "gateway/loop.h"
#include "sip/sip.h"
#include "tdm/tdm.h"

#define gw_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

struct gw_fdhook;

struct gw_hookctx {
	struct gw_loop *loop;
	struct gw_fdhook *fdhooks; /* tdm's fd watches */
};

uint64_t gw_hook_now(void *arg);
void *gw_hook_timer_start(void *arg, uint64_t ms, void (*fn)(void *fnarg),
			  void *fnarg);
void gw_hook_timer_stop(void *arg, void *timer);
/* tdm's readable-fd watch */
int gw_hook_fd_watch(void *arg, int fd, void (*fn)(void *fnarg), void *fnarg);
void gw_hook_fd_unwatch(void *arg, int fd);
void gw_hookctx_release(struct gw_hookctx *ctx);

/* Fill a library's hooks with the adapters above (arg = ctx); the user
 * adds its own I/O and event callbacks. */
void gw_hooks_sip_init(struct sip_hooks *h, struct gw_hookctx *ctx);
void gw_hooks_tdm_init(struct tdm_hooks *h, struct gw_hookctx *ctx);

void gw_hook_log_sip(void *arg, int level, const char *msg);
void gw_hook_log_tdm(void *arg, int level, const char *msg);
void gw_hook_log_rtp(void *arg, int level, const char *msg);
