#pragma once
/*
 * tdm/ private: the DAHDI driver's device access. Every open, ioctl, read,
 * write and close goes through these ops, so the unit tests can put an
 * in-process fake of /dev/dahdi/channel behind the driver.
 */
#include <stddef.h>
#include <sys/types.h>

#define TDM_DAHDI_DEV "/dev/dahdi/channel"

struct tdm_dahdi_ops {
	int (*open)(const char *path, int flags);
	int (*close)(int fd);
	int (*ioctl)(int fd, unsigned long req, void *arg);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
};

/* NULL restores the real system calls. */
void tdm_dahdi_set_ops(const struct tdm_dahdi_ops *ops);

/* DAHDI channel number of a span's timeslot ts (1-based): spans are laid
 * out as DAHDI numbers them, base + ts - 1 (the D-channel included). */
static inline int tdm_dahdi_channo(int base, int ts)
{
	return base + ts - 1;
}
