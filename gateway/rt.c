/* Real-time scheduling and memory locking; see rt.h. */
#include "gateway/rt.h"

#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int gw_rt_thread(pthread_t t, unsigned prio)
{
	struct sched_param sp = { .sched_priority = (int)prio };

	if (!prio)
		return 0;
	if (prio > GW_RT_PRIO_MAX)
		return EINVAL;
	return pthread_setschedparam(t, SCHED_FIFO, &sp);
}

bool gw_rt_is_fifo(pthread_t t, int *prio)
{
	struct sched_param sp;
	int policy;

	if (pthread_getschedparam(t, &policy, &sp))
		return false;
	if (prio)
		*prio = sp.sched_priority;
	return policy == SCHED_FIFO;
}

/* CAP_IPC_LOCK in the effective set: root under a systemd unit whose
 * bounding set lacks it is as limited as anyone. */
static bool can_lock_unlimited(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, d))
		return false;
	return d[CAP_IPC_LOCK / 32].effective & (1u << (CAP_IPC_LOCK % 32));
}

int gw_rt_lock_memory(void)
{
	struct rlimit rl;

	if (!can_lock_unlimited() &&
	    (getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur != RLIM_INFINITY))
		return ENOMEM;
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
		return errno;
	return 0;
}
