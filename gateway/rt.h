#pragma once
/*
 * Real-time scheduling for the threads that carry the TDM clock: the
 * signalling thread (it drives the spans' 20 ms blocks and takes the
 * workers' answers) and the media workers. On a loaded machine an
 * ordinary thread waits for a time slice after its wake-up; SCHED_FIFO
 * runs it at once, which is what keeps the added latency below 1 ms.
 * The kernel's RT throttling (sched_rt_runtime_us) still leaves the rest
 * of the machine 5 % should one of them spin.
 */
#include <pthread.h>
#include <stdbool.h>

#define GW_RT_PRIO_MAX 98 /* 99 is the kernel's watchdogs' */

/* SCHED_FIFO at prio for thread t; prio 0 leaves it as it is. 0, EINVAL
 * (prio out of range), or the error pthread_setschedparam() gave (EPERM:
 * no CAP_SYS_NICE and RLIMIT_RTPRIO below prio). */
int gw_rt_thread(pthread_t t, unsigned prio);
/* Whether thread t runs SCHED_FIFO now; its priority in *prio. */
bool gw_rt_is_fifo(pthread_t t, int *prio);
/* Keeps the process's pages in memory once touched (mlockall with
 * MCL_ONFAULT: nothing is populated ahead, RSS stays what it was), so
 * the media path never waits for a page coming back from swap. Tried
 * only when the locked-memory limit cannot bite (unlimited, or
 * CAP_IPC_LOCK):
 * a finite limit would make later allocations fail instead. 0, ENOMEM
 * when the limit is finite, or mlockall()'s error. */
int gw_rt_lock_memory(void);
