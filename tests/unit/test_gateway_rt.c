/* gateway/rt.c: SCHED_FIFO for a thread, refused without the right to
 * it, bounds; the media pool's workers get the priority; memory locking
 * only where the limit cannot bite. Refusals are checked in a child that
 * gave up root (RLIMIT_RTPRIO 0), so the test means something as root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/media_worker.h"
#include "gateway/media_worker_int.h"
#include "gateway/rt.h"

/* Runs fn in a child without privileges; its result as exit status. */
static int unprivileged(int (*fn)(void))
{
	int st = -1;
	pid_t pid = fork();

	if (pid == 0) {
		struct rlimit rl = { 0, 0 };

		if (setrlimit(RLIMIT_RTPRIO, &rl) ||
		    setrlimit(RLIMIT_MEMLOCK, &(struct rlimit){ 65536, 65536 }))
			_exit(200);
		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(201);
		_exit(fn());
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int fifo_self(void)
{
	return gw_rt_thread(pthread_self(), 10);
}

static int lock_self(void)
{
	return gw_rt_lock_memory();
}

static void *idle_thread(void *arg)
{
	int fd = *(int *)arg;
	char c;

	/* until the test closes the pipe */
	return read(fd, &c, 1) < 0 ? NULL : arg;
}

static void thread_gets_fifo(void **state)
{
	pthread_t t;
	int pfd[2], prio = -1, err;

	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(pthread_create(&t, NULL, idle_thread, &pfd[0]), 0);
	/* 0: left alone */
	assert_int_equal(gw_rt_thread(t, 0), 0);
	assert_false(gw_rt_is_fifo(t, NULL));
	assert_int_equal(gw_rt_thread(t, GW_RT_PRIO_MAX + 1), EINVAL);
	assert_false(gw_rt_is_fifo(t, NULL));
	err = gw_rt_thread(t, 7);
	if (geteuid() == 0) {
		assert_int_equal(err, 0);
		assert_true(gw_rt_is_fifo(t, &prio));
		assert_int_equal(prio, 7);
	} else {
		/* an ordinary user: whatever RLIMIT_RTPRIO allows */
		assert_true(err == 0 || err == EPERM);
	}
	close(pfd[1]);
	assert_int_equal(pthread_join(t, NULL), 0);
	close(pfd[0]);
}

static void refused_without_rights(void **state)
{
	assert_int_equal(unprivileged(fifo_self), EPERM);
	/* a finite locked-memory limit: not even tried */
	assert_int_equal(unprivileged(lock_self), ENOMEM);
}

static void lock_memory_as_root(void **state)
{
	pid_t pid;
	int st = -1;

	if (geteuid() != 0)
		skip();
	/* in a child: this process stays unlocked */
	pid = fork();
	if (pid == 0)
		_exit(gw_rt_lock_memory());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void pool_workers_fifo(void **state)
{
	struct gw_mpool_cfg cfg = { .workers = 2, .rt_prio = 5 };
	struct gw_mpool *p;
	int prio = -1;

	cfg.rt_prio = GW_RT_PRIO_MAX + 1;
	assert_int_equal(gw_mpool_alloc(&cfg, &p), EINVAL);
	cfg.rt_prio = 5;
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	if (geteuid() == 0) {
		assert_int_equal(gw_mpool_rt_err(p), 0);
		for (unsigned i = 0; i < 2; i++) {
			assert_true(gw_rt_is_fifo(p->w[i].thr, &prio));
			assert_int_equal(prio, 5);
		}
	}
	gw_mpool_free(p);
	/* 0: the workers run as their creator */
	cfg.rt_prio = 0;
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	assert_int_equal(gw_mpool_rt_err(p), 0);
	assert_false(gw_rt_is_fifo(p->w[0].thr, NULL));
	gw_mpool_free(p);
	assert_int_equal(gw_mpool_rt_err(NULL), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(thread_gets_fifo),
		cmocka_unit_test(refused_without_rights),
		cmocka_unit_test(lock_memory_as_root),
		cmocka_unit_test(pool_workers_fifo),
	};

	gw_log_init("test", false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
