/*
 * Virtual clock for simulations. The loop driver and the span take their
 * time from the hooks, but libpri schedules its Q.921/Q.931 timers on
 * gettimeofday() (and stamps with time()). A simulation binary that runs
 * spans in virtual time calls tdm_vclock_set() before each callback;
 * the definitions below then interpose the C library's in that binary
 * (symbols of the executable win over libc's for libpri.so: the
 * libfaketime technique). This object is linked only into binaries that
 * call tdm_vclock_*(): the daemon never does. Until the first
 * tdm_vclock_set() they return the real time.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tdm/tdm.h"

static bool vclock_on;
static uint64_t vclock_us;

void tdm_vclock_set(uint64_t us)
{
	vclock_on = true;
	vclock_us = us;
}

void tdm_vclock_off(void)
{
	vclock_on = false;
}

bool tdm_vclock_active(void)
{
	return vclock_on;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	if (!vclock_on)
		return (int)syscall(SYS_gettimeofday, tv, tz);
	/* glibc declares tv nonnull */
	tv->tv_sec = (time_t)(vclock_us / 1000000u);
	tv->tv_usec = (suseconds_t)(vclock_us % 1000000u);
	return 0;
}

time_t time(time_t *t)
{
	struct timeval tv;
	time_t now;

	gettimeofday(&tv, NULL);
	now = tv.tv_sec;
	if (t)
		*t = now;
	return now;
}
