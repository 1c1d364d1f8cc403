/*
 * block_file (see access.h): the per-source blocks kept over a restart.
 * One "IP UNTIL" line per blocked source, UNTIL in Unix seconds (the
 * guard counts in the loop's monotonic milliseconds, which a restart
 * resets). Written whole to PATH.tmp and renamed over PATH, so a crash
 * leaves the old file or the new one, never half of one.
 */
#include "gateway/access.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER "# pstngw blocked sources: IP UNTIL (Unix seconds)\n"

struct save_ctx {
	FILE *f;
	uint64_t now_ms;
	int64_t wall_s;
};

static void save_one(void *arg, const struct sockaddr *sa, uint64_t until_ms)
{
	struct save_ctx *x = arg;
	char ip[64];

	/* rounded up: a block never comes back shorter */
	int64_t left_s = (int64_t)((until_ms - x->now_ms + 999) / 1000);

	fprintf(x->f, "%s %lld\n", gw_access_ip_str(sa, ip, sizeof(ip)),
		(long long)(x->wall_s + left_s));
}

int gw_access_file_save(struct gw_guard *g, const char *path, uint64_t now_ms,
			int64_t wall_s, unsigned *n)
{
	char tmp[4096 + 8];
	struct save_ctx x = { .now_ms = now_ms, .wall_s = wall_s };
	int err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return ENAMETOOLONG;
	x.f = fopen(tmp, "w");
	if (!x.f)
		return errno;
	fputs(HEADER, x.f);
	unsigned cnt = gw_guard_each_blocked(g, now_ms, save_one, &x);

	if (fflush(x.f) || fsync(fileno(x.f)))
		err = errno ? errno : EIO;
	if (fclose(x.f) && !err)
		err = errno ? errno : EIO;
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	if (n)
		*n = cnt;
	return 0;
}

/* "IP UNTIL" into ss and until; 0 or -1 */
static int parse_line(char *line, struct sockaddr_storage *ss, long long *until)
{
	char ip[64], *end;
	const char *sp = strchr(line, ' ');

	if (!sp || (size_t)(sp - line) >= sizeof(ip))
		return -1;
	memcpy(ip, line, (size_t)(sp - line));
	ip[sp - line] = '\0';
	if (gw_access_ip_parse(ss, ip))
		return -1;
	errno = 0;
	*until = strtoll(sp + 1, &end, 10);
	if (end == sp + 1 || errno || (*end && *end != '\n') || *until < 0)
		return -1;
	return 0;
}

int gw_access_file_load(struct gw_guard *g, const char *path, uint64_t now_ms,
			int64_t wall_s, struct gw_access_file_res *r)
{
	char line[256];
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");

	memset(r, 0, sizeof(*r));
	if (!f)
		return errno;
	while (fgets(line, sizeof(line), f)) {
		struct sockaddr_storage ss;
		long long until;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!strchr(line, '\n') && !feof(f)) {
			/* overlong: skip its rest */
			int ch;

			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			goto bad;
		}
		if (parse_line(line, &ss, &until))
			goto bad;
		if (until <= wall_s) {
			r->expired++;
			continue;
		}
		/* capped at a week: a clock set far back must not make a
		 * block eternal (block_s is at most a week too) */
		uint64_t left_ms = (uint64_t)(until - wall_s) * 1000;

		if (left_ms > 604800000ull)
			left_ms = 604800000ull;
		if (!gw_guard_block(g, (const struct sockaddr *)&ss, now_ms,
				    now_ms + left_ms))
			r->restored++;
		continue;
	bad:
		if (!r->bad++)
			r->first_bad = lineno;
	}
	fclose(f);
	return 0;
}
