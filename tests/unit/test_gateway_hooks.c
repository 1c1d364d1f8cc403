/* gateway/hooks.c: the library hook adapters on a real loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/hooks.h"

struct ctx {
	int before;
	struct gw_hookctx h; /* not first: container_of must still work */
	int fired, reads;
	int fd;
};

static void on_timer(void *arg)
{
	struct ctx *c = arg;

	c->fired++;
	gw_loop_stop(c->h.loop);
}

static void on_readable(void *arg)
{
	struct ctx *c = arg;
	char b;

	if (read(c->fd, &b, 1) == 1)
		c->reads++;
	gw_loop_stop(c->h.loop);
}

static void timers(void **state)
{
	struct ctx c = { .h.loop = gw_loop_alloc() };
	void *t;

	assert_ptr_equal(gw_container_of(&c.h, struct ctx, h), &c);
	uint64_t t0 = gw_hook_now(&c.h);

	t = gw_hook_timer_start(&c.h, 100000, on_timer, &c);
	assert_non_null(t);
	gw_hook_timer_stop(&c.h, t); /* never fires */
	assert_non_null(gw_hook_timer_start(&c.h, 1, on_timer, &c));
	gw_loop_run(c.h.loop);
	assert_int_equal(c.fired, 1);
	assert_true(gw_hook_now(&c.h) >= t0 + 1); /* the loop's clock moved */
	gw_loop_free(c.h.loop);
}

static void fd_watch(void **state)
{
	struct ctx c = { .h.loop = gw_loop_alloc() };
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	c.fd = sv[0];
	assert_int_equal(gw_hook_fd_watch(&c.h, sv[0], on_readable, &c), 0);
	assert_int_not_equal(gw_hook_fd_watch(&c.h, sv[0], on_readable, &c), 0);
	assert_int_equal(write(sv[1], "a", 1), 1);
	gw_loop_run(c.h.loop);
	assert_int_equal(c.reads, 1);
	gw_hook_fd_unwatch(&c.h, sv[0]);
	gw_hook_fd_unwatch(&c.h, sv[0]); /* twice: harmless */
	/* watches left behind are released with the context */
	assert_int_equal(gw_hook_fd_watch(&c.h, sv[1], on_readable, &c), 0);
	gw_hookctx_release(&c.h);
	assert_null(c.h.fdhooks);
	gw_loop_free(c.h.loop);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers),
		cmocka_unit_test(fd_watch),
	};

	return cmocka_run_group_tests_name("gateway_hooks", tests, NULL, NULL);
}
