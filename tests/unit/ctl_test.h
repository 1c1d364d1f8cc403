#pragma once
/*
 * Shared by the control command tests: runs one line through
 * gw_ctl_exec() and returns the reply as a NUL-terminated string (valid
 * until the next run). The includer includes cmocka first.
 */
#include <stdbool.h>

#include "gateway/ctl.h"
#include "gateway/gw.h"

static inline const char *ctl_run(struct gw *g, struct gw_ctl_out *o,
				  const char *line, bool want_ok)
{
	o->len = 0;
	assert_int_equal(gw_ctl_exec(g, line, o), want_ok);
	gw_ctl_printf(o, "%s", ""); /* NUL-terminate */
	assert_non_null(o->buf);
	return o->buf;
}
