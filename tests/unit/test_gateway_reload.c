/* gateway/reload.c: what a reload applies, what it keeps for a restart,
 * and a broken file refused with its file:line errors while the running
 * configuration stays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/reload.h"
#include "gateway/route.h"

#define BASE                                    \
	"[general]\nlog_level = notice\n"       \
	"[sip]\nlisten = 127.0.0.1:5062\n"      \
	"[media]\ncodecs = pcma, pcmu\n"        \
	"[span 1]\ntype = e1\npath = /tmp/s1\n" \
	"group = pri\n"                         \
	"[trunk fax]\naddress = 127.0.0.1:5070\n"

static void load_str(struct gw_cfg *cfg, const char *text)
{
	struct cfg_errors e = { 0 };
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	assert_int_equal(cfg_load_stream(cfg, f, "t.conf", &e), 0);
	fclose(f);
	cfg_errors_release(&e);
}

static struct gw_cfg *cfg_new(const char *text)
{
	struct gw_cfg *c = malloc(sizeof(*c));

	assert_non_null(c);
	load_str(c, text);
	return c;
}

static void diff_same(void **state)
{
	struct gw_cfg *a = cfg_new(BASE), *b = cfg_new(BASE);
	struct gw_reload_res r = { 0 };

	(void)state;
	assert_int_equal(gw_reload_diff(a, b, &r), 0);
	assert_null(r.text);
	free(a);
	free(b);
}

/* comments moving the lines are no change */
static void diff_lines_moved(void **state)
{
	struct gw_cfg *a = cfg_new(BASE), *b = cfg_new("; a comment\n\n" BASE);
	struct gw_reload_res r = { 0 };

	(void)state;
	assert_int_equal(gw_reload_diff(a, b, &r) & ~(unsigned)GW_RELOAD_OTHER,
			 0);
	assert_null(r.text);
	free(a);
	free(b);
}

static void diff_codecs_log(void **state)
{
	struct gw_cfg *a = cfg_new(BASE),
		      *b = cfg_new(BASE "[media]\ncodecs = pcmu\n"
					"[general]\nlog_level = debug\n");
	struct gw_reload_res r = { 0 };
	unsigned w;

	(void)state;
	w = gw_reload_diff(a, b, &r);
	assert_true(w & GW_RELOAD_MEDIA);
	assert_true(w & GW_RELOAD_LOG);
	assert_false(w & GW_RELOAD_TRUNKS);
	assert_false(w & GW_RELOAD_RESTART);
	assert_string_equal(b->codecs, "pcmu"); /* the new value stays */
	free(a);
	free(b);
	gw_reload_res_release(&r);
}

static void diff_trunk_added(void **state)
{
	struct gw_cfg *a = cfg_new(BASE),
		      *b = cfg_new(BASE "[trunk pbx]\naddress = 127.0.0.2\n");
	struct gw_reload_res r = { 0 };
	unsigned w;

	(void)state;
	w = gw_reload_diff(a, b, &r);
	assert_true(w & GW_RELOAD_TRUNKS);
	assert_int_equal(b->ntrunks, 2);
	free(a);
	free(b);
	gw_reload_res_release(&r);
}

/* listen address and a span: kept as they run, named in the report */
static void diff_needs_restart(void **state)
{
	struct gw_cfg *a = cfg_new(BASE),
		      *b = cfg_new("[sip]\nlisten = 127.0.0.1:5099\n"
				   "[general]\nlog_level = notice\n"
				   "[media]\ncodecs = pcma, pcmu\n"
				   "realtime_priority = 20\n"
				   "[security]\nblock_file = /tmp/b2\n"
				   "[span 1]\ntype = t1\npath = /tmp/s1\n"
				   "group = pri\n"
				   "[span 2]\npath = /tmp/s2\ngroup = x\n"
				   "[trunk fax]\naddress = 127.0.0.1:5070\n");
	struct gw_reload_res r = { 0 };
	unsigned w;

	(void)state;
	w = gw_reload_diff(a, b, &r);
	assert_true(w & GW_RELOAD_RESTART);
	assert_non_null(r.text);
	assert_non_null(strstr(r.text, "needs restart: [sip] listen"));
	assert_non_null(strstr(r.text, "needs restart: [span 1] changed"));
	assert_non_null(strstr(r.text, "needs restart: [span 2] added"));
	/* the threads' scheduling is set when they start */
	assert_non_null(
		strstr(r.text, "needs restart: [media] realtime_priority"));
	assert_int_equal(b->realtime_priority, 10);
	assert_non_null(strstr(r.text, "needs restart: [security] block_file"));
	assert_string_equal(b->block_file, a->block_file);
	/* one line for listen although three fields hold it */
	assert_null(strstr(strstr(r.text, "[sip] listen") + 1, "[sip] listen"));
	assert_int_equal(b->sip_port, 5062);
	assert_string_equal(b->sip_listen, "127.0.0.1:5062");
	assert_int_equal(b->nspans, 1);
	assert_int_equal(b->spans[0].type, CFG_SPAN_E1);
	free(a);
	free(b);
	gw_reload_res_release(&r);
}

/* gw_reload() on a bare gateway: refused, then applied. */
static void reload_file(void **state)
{
	static struct gw gw;
	char path[] = "/tmp/test_reload_XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct gw_reload_res r = { 0 };

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	memset(&gw, 0, sizeof(gw));
	load_str(&gw.cfg, BASE);
	gw_mprof_rebuild(&gw);
	gw.cfg_path = path;

	f = fopen(path, "w");
	assert_non_null(f);
	fputs(BASE "[media]\ncodecs = pcmu, nonsense\nptime_ms = 7\n", f);
	fclose(f);
	assert_int_equal(gw_reload(&gw, &r), EINVAL);
	assert_true(r.refused);
	assert_non_null(strstr(r.text, ":14: [media] codecs"));
	assert_non_null(strstr(r.text, ":15: [media] ptime_ms"));
	assert_non_null(strstr(r.text, "reload refused (2 errors)"));
	assert_string_equal(gw.cfg.codecs, "pcma, pcmu");
	assert_int_equal(gw.mprof.ncodecs, 2);
	assert_int_equal(gw.reloads_refused, 1);
	gw_reload_res_release(&r);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs(BASE "[media]\ncodecs = pcmu\n", f);
	fclose(f);
	assert_int_equal(gw_reload(&gw, &r), 0);
	assert_false(r.refused);
	assert_non_null(strstr(r.text, "changed media"));
	assert_string_equal(gw.cfg.codecs, "pcmu");
	assert_int_equal(gw.mprof.ncodecs, 1);
	assert_int_equal(gw.reloads, 1);
	gw_reload_res_release(&r);

	/* the route table is swapped; a call holding the old one keeps it */
	struct gw_route_table *old = gw.routes;

	assert_non_null(old);
	gw_route_table_ref(old); /* as a call in progress does */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(BASE "[media]\ncodecs = pcmu\n[route r1]\nfrom = pstn\n"
		   "target = trunk fax\n",
	      f);
	fclose(f);
	assert_int_equal(gw_reload(&gw, &r), 0);
	assert_non_null(strstr(r.text, "routes"));
	assert_ptr_not_equal(gw.routes, old);
	assert_int_equal(gw.routes->nrules, 1);
	assert_int_equal(old->refs, 1);
	assert_int_equal(old->nrules, 0);
	gw_route_table_unref(old); /* the call ends */
	gw_reload_res_release(&r);

	/* a metrics address the gateway cannot take keeps the old one */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(BASE "[media]\ncodecs = pcmu\n[route r1]\nfrom = pstn\n"
		   "target = trunk fax\n[general]\n"
		   "metrics_listen = 127.0.0.1:9464\n",
	      f);
	fclose(f);
	assert_int_equal(gw_reload(&gw, &r), 0);
	assert_non_null(
		strstr(r.text, "metrics_listen 127.0.0.1:9464 cannot be used"));
	assert_string_equal(gw.cfg.metrics_listen, "");
	assert_int_equal(gw.cfg.metrics_port, 0);
	gw_reload_res_release(&r);

	/* a route file that cannot be read refuses the whole reload */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(BASE "[general]\nroute_file = /nonexistent/routes.conf\n", f);
	fclose(f);
	assert_int_equal(gw_reload(&gw, &r), ENOENT);
	assert_true(r.refused);
	assert_non_null(strstr(r.text, "/nonexistent/routes.conf"));
	assert_int_equal(gw.routes->nrules, 1);
	assert_string_equal(gw.cfg.route_file, "");
	gw_reload_res_release(&r);

	unlink(path);
	assert_int_equal(gw_reload(&gw, &r), ENOENT);
	assert_string_equal(gw.cfg.codecs, "pcmu");
	gw_reload_res_release(&r);
	gw_route_table_unref(gw.routes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diff_same),
		cmocka_unit_test(diff_lines_moved),
		cmocka_unit_test(diff_codecs_log),
		cmocka_unit_test(diff_trunk_added),
		cmocka_unit_test(diff_needs_restart),
		cmocka_unit_test(reload_file),
	};

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
