/*
 * Hook adapters shared by the daemon and the tools, so that each library
 * sees the one event loop and the one log without knowing about them.
 */
#include "gateway/hooks.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "gateway/log.h"

struct gw_fdhook {
	struct gw_fdhook *next;
	int fd;
	void (*fn)(void *fnarg);
	void *fnarg;
};

uint64_t gw_hook_now(void *arg)
{
	struct gw_hookctx *ctx = arg;

	return gw_loop_now(ctx->loop);
}

void *gw_hook_timer_start(void *arg, uint64_t ms, void (*fn)(void *fnarg),
			  void *fnarg)
{
	struct gw_hookctx *ctx = arg;

	return gw_timer_start(ctx->loop, ms, fn, fnarg);
}

void gw_hook_timer_stop(void *arg, void *timer)
{
	struct gw_hookctx *ctx = arg;

	gw_timer_stop(ctx->loop, timer);
}

static void fdhook_ready(void *arg, uint32_t events)
{
	struct gw_fdhook *h = arg;

	h->fn(h->fnarg);
}

int gw_hook_fd_watch(void *arg, int fd, void (*fn)(void *fnarg), void *fnarg)
{
	struct gw_hookctx *ctx = arg;
	struct gw_fdhook *h = calloc(1, sizeof(*h));
	int err;

	if (!h)
		return ENOMEM;
	h->fd = fd;
	h->fn = fn;
	h->fnarg = fnarg;
	err = gw_loop_fd_add(ctx->loop, fd, EPOLLIN, fdhook_ready, h);
	if (err) {
		free(h);
		return err;
	}
	h->next = ctx->fdhooks;
	ctx->fdhooks = h;
	return 0;
}

void gw_hook_fd_unwatch(void *arg, int fd)
{
	struct gw_hookctx *ctx = arg;

	for (struct gw_fdhook **pp = &ctx->fdhooks; *pp; pp = &(*pp)->next) {
		struct gw_fdhook *h = *pp;

		if (h->fd != fd)
			continue;
		gw_loop_fd_del(ctx->loop, fd);
		*pp = h->next;
		free(h);
		return;
	}
}

void gw_hookctx_release(struct gw_hookctx *ctx)
{
	while (ctx->fdhooks)
		gw_hook_fd_unwatch(ctx, ctx->fdhooks->fd);
}

void gw_hooks_sip_init(struct sip_hooks *h, struct gw_hookctx *ctx)
{
	*h = (struct sip_hooks){
		.arg = ctx,
		.now = gw_hook_now,
		.timer_start = gw_hook_timer_start,
		.timer_stop = gw_hook_timer_stop,
		.log = gw_hook_log_sip,
	};
}

void gw_hooks_tdm_init(struct tdm_hooks *h, struct gw_hookctx *ctx)
{
	*h = (struct tdm_hooks){
		.arg = ctx,
		.now = gw_hook_now,
		.timer_start = gw_hook_timer_start,
		.timer_stop = gw_hook_timer_stop,
		.fd_watch = gw_hook_fd_watch,
		.fd_unwatch = gw_hook_fd_unwatch,
		.log = gw_hook_log_tdm,
	};
}

void gw_hook_log_sip(void *arg, int level, const char *msg)
{
	gw_log(GW_LOG_SIP, level, "%s", msg);
}

void gw_hook_log_tdm(void *arg, int level, const char *msg)
{
	gw_log(GW_LOG_TDM, level, "%s", msg);
}

void gw_hook_log_rtp(void *arg, int level, const char *msg)
{
	gw_log(GW_LOG_RTP, level, "%s", msg);
}
