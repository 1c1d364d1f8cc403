/* gateway/cdr.c: CSV quoting, time stamps, the line format, the file
 * (header once, append, reopen after a move, failing writes counted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/call_int.h"
#include "gateway/cdr.h"
#include "gateway/log.h"
#include "gateway/metrics.h"

static void csv_plain(void **state)
{
	char b[32];

	assert_int_equal(gw_cdr_csv_field(b, sizeof(b), "2125550100"), 10);
	assert_string_equal(b, "2125550100");
	assert_int_equal(gw_cdr_csv_field(b, sizeof(b), ""), 0);
	assert_string_equal(b, "");
}

static void csv_quoted(void **state)
{
	char b[64];

	gw_cdr_csv_field(b, sizeof(b), "a,b");
	assert_string_equal(b, "\"a,b\"");
	gw_cdr_csv_field(b, sizeof(b), "say \"hi\"");
	assert_string_equal(b, "\"say \"\"hi\"\"\"");
	gw_cdr_csv_field(b, sizeof(b), "two\r\nlines");
	assert_string_equal(b, "\"two\r\nlines\"");
	gw_cdr_csv_field(b, sizeof(b), "\"");
	assert_string_equal(b, "\"\"\"\"");
}

static void csv_too_small(void **state)
{
	char b[6];

	assert_int_equal(gw_cdr_csv_field(b, sizeof(b), "12345"), 5);
	assert_int_equal(gw_cdr_csv_field(b, sizeof(b), "123456"), -1);
	/* quoting makes it longer than the room */
	assert_int_equal(gw_cdr_csv_field(b, sizeof(b), "a,bc"), -1);
	assert_int_equal(gw_cdr_csv_field(b, 0, ""), -1);
}

static void time_iso8601(void **state)
{
	char b[32];

	/* 2026-11-25T13:26:04.123Z */
	assert_int_equal(gw_cdr_time(1795613164123ull, b, sizeof(b)), 24);
	assert_string_equal(b, "2026-11-25T13:26:04.123Z");
	assert_int_equal(gw_cdr_time(0, b, sizeof(b)), 0);
	assert_string_equal(b, "");
	assert_int_equal(gw_cdr_time(1795613164123ull, b, 10), -1);
}

static struct gw_cdr_rec sample(void)
{
	return (struct gw_cdr_rec){
		.id = 7,
		.start_ms = 1795613164000ull,
		.answer_ms = 1795613165500ull,
		.end_ms = 1795613170750ull,
		.direction = "pstn-sip",
		.calling_in = "2125550100",
		.called_in = "5551000",
		.calling_out = "2125550100",
		.called_out = "1000",
		.span = 1,
		.chan = 5,
		.call_id = "abc@127.0.0.1",
		.target = "phone",
		.cause = 16,
		.sip_code = 0,
		.hangup_by = "pstn",
		.codec = "PCMU",
		.have_rtp = true,
		.rtp_rx = 262,
		.rtp_tx = 263,
		.rtp_lost = 1,
		.jitter_us = 1250,
		.fax_pages = -1,
		.fax_result = "",
	};
}

static void format_line(void **state)
{
	struct gw_cdr_rec r = sample();
	char b[1024];
	int n = gw_cdr_format(&r, b, sizeof(b));

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(b));
	assert_string_equal(
		b, "7,2026-11-25T13:26:04.000Z,2026-11-25T13:26:05.500Z,"
		   "2026-11-25T13:26:10.750Z,pstn-sip,2125550100,5551000,"
		   "2125550100,1000,1,5,abc@127.0.0.1,phone,16,,pstn,PCMU,"
		   "5.250,262,263,1,1.250,,,,,,,,,,,,\r\n");
}

/* As many fields as the header names. */
/* A T.38 fax fills the columns at the end; G.711 names its mode only. */
static void format_fax_columns(void **state)
{
	struct gw_cdr_rec r = {
		.id = 9,
		.start_ms = 1000,
		.direction = "pstn-sip",
		.fax_pages = 3,
		.fax_result = "OK",
		.fax_mode = "t38",
		.have_t38 = true,
		.fax_rate = 14400,
		.fax_ecm = true,
		.fax_code = 0,
		.udptl_rx = 1200,
		.udptl_tx = 1100,
		.udptl_recovered = 5,
		.udptl_lost = 1,
		.tcf_good = 2,
		.tcf_bad = 1,
	};
	char b[1024];

	assert_true(gw_cdr_format(&r, b, sizeof(b)) > 0);
	/* ... with localTCF's checks, good then bad, last */
	assert_non_null(
		strstr(b, ",3,OK,t38,14400,yes,0,1200,1100,5,1,2,1\r\n"));
	/* transferredTCF: no checks here, 0 and 0 (not empty: T.38 ran) */
	r.tcf_good = r.tcf_bad = 0;
	assert_true(gw_cdr_format(&r, b, sizeof(b)) > 0);
	assert_non_null(strstr(b, ",1200,1100,5,1,0,0\r\n"));
	r.have_t38 = false;
	r.fax_mode = "g711";
	r.fax_pages = -1;
	r.fax_result = "";
	assert_true(gw_cdr_format(&r, b, sizeof(b)) > 0);
	assert_non_null(strstr(b, ",,,g711,,,,,,,,,\r\n"));
}

static void format_field_count(void **state)
{
	struct gw_cdr_rec r = sample();
	char b[1024];
	size_t commas = 0, hc = 0;

	r.have_rtp = false;
	r.answer_ms = 0;
	r.span = 0;
	r.chan = 0;
	r.cause = 0;
	r.sip_code = 480;
	assert_true(gw_cdr_format(&r, b, sizeof(b)) > 0);
	for (const char *p = b; *p; p++)
		commas += *p == ',';
	for (const char *p = GW_CDR_HEADER; *p; p++)
		hc += *p == ',';
	assert_int_equal(commas, hc);
	/* unanswered: no answer time, duration 0 */
	assert_non_null(strstr(b, "7,2026-11-25T13:26:04.000Z,,"));
	assert_non_null(strstr(b, ",480,pstn,PCMU,0.000,,,,,,,,,,,,,,,,\r\n"));
}

static void format_quotes_fields(void **state)
{
	struct gw_cdr_rec r = sample();
	char b[1024];

	r.calling_in = "Smith, \"J\"";
	assert_true(gw_cdr_format(&r, b, sizeof(b)) > 0);
	assert_non_null(strstr(b, ",pstn-sip,\"Smith, \"\"J\"\"\",5551000,"));
}

static void format_too_small(void **state)
{
	struct gw_cdr_rec r = sample();
	char b[64];

	assert_int_equal(gw_cdr_format(&r, b, sizeof(b)), -1);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void file_header_once(void **state)
{
	char dir[] = "/tmp/gwcdrXXXXXX", path[64], moved[64];
	struct gw_cdr_file f = { .fd = -1 };

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cdr.csv", dir);
	snprintf(moved, sizeof(moved), "%s/cdr.csv.1", dir);
	assert_int_equal(gw_cdr_file_open(&f, path), 0);
	assert_int_equal(gw_cdr_file_write(&f, "a\r\n", 3), 0);
	gw_cdr_file_close(&f);
	/* reopening a file with lines adds no second header */
	assert_int_equal(gw_cdr_file_open(&f, path), 0);
	assert_int_equal(gw_cdr_file_write(&f, "b\r\n", 3), 0);
	assert_string_equal(slurp(path), GW_CDR_HEADER "a\r\nb\r\n");
	assert_int_equal(f.lines, 2);

	/* rotation: moved away, reopened, a new file with its header */
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(gw_cdr_file_reopen(&f), 0);
	assert_int_equal(gw_cdr_file_write(&f, "c\r\n", 3), 0);
	assert_string_equal(slurp(path), GW_CDR_HEADER "c\r\n");
	assert_string_equal(slurp(moved), GW_CDR_HEADER "a\r\nb\r\n");
	gw_cdr_file_close(&f);
	unlink(path);
	unlink(moved);
	rmdir(dir);
}

/* /dev/full: every write fails with ENOSPC, as on a full disk. */
static void file_disk_full(void **state)
{
	struct gw_cdr_file f = { .fd = -1 };

	f.fd = open("/dev/full", O_WRONLY);
	assert_true(f.fd >= 0);
	snprintf(f.path, sizeof(f.path), "/dev/full");
	assert_int_equal(gw_cdr_file_write(&f, "x\r\n", 3), ENOSPC);
	assert_true(f.failing);
	assert_int_equal(gw_cdr_file_write(&f, "y\r\n", 3), ENOSPC);
	assert_int_equal(f.errors, 2);
	assert_int_equal(f.lines, 0);
	gw_cdr_file_close(&f);
	assert_int_equal(f.fd, -1);
	/* closed: counted too, never a crash */
	assert_int_equal(gw_cdr_file_write(&f, "z\r\n", 3), EBADF);
	assert_int_equal(f.errors, 3);
}

static void file_bad_path(void **state)
{
	struct gw_cdr_file f = { .fd = -1 };
	char longp[400];

	assert_int_equal(gw_cdr_file_open(&f, "/nonexistent-dir/cdr.csv"),
			 ENOENT);
	assert_int_equal(f.fd, -1);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(gw_cdr_file_open(&f, longp), ENAMETOOLONG);
}

/* ---- the gateway side: a fake gw and calls without legs ------------- */

static struct gw gw;
static char gdir[32], gpath[64];

static int glue_setup(void **state)
{
	memset(&gw, 0, sizeof(gw));
	snprintf(gdir, sizeof(gdir), "/tmp/gwcdrXXXXXX");
	assert_non_null(mkdtemp(gdir));
	snprintf(gpath, sizeof(gpath), "%s/cdr.csv", gdir);
	snprintf(gw.cfg.cdr_file, sizeof(gw.cfg.cdr_file), "%s", gpath);
	gw.loop = gw_loop_alloc();
	assert_non_null(gw.loop);
	assert_int_equal(gw_metrics_start(&gw), 0);
	assert_int_equal(gw_cdr_start(&gw), 0);
	return 0;
}

static int glue_teardown(void **state)
{
	gw_cdr_stop(&gw);
	gw_metrics_stop(&gw);
	gw_loop_free(gw.loop);
	unlink(gpath);
	rmdir(gdir);
	return 0;
}

static struct gw_call *fake_call(unsigned id, enum call_orig orig)
{
	static struct gw_call c;

	memset(&c, 0, sizeof(c));
	c.gw = &gw;
	c.id = id;
	c.orig = orig;
	c.t_start = gw_loop_now(gw.loop);
	snprintf(c.calling, sizeof(c.calling), "2125550100");
	snprintf(c.called, sizeof(c.called), "1000");
	snprintf(c.cdr.called_in, sizeof(c.cdr.called_in), "5551000");
	snprintf(c.cdr.target, sizeof(c.cdr.target), "phone");
	return &c;
}

static size_t nlines(void)
{
	size_t n = 0;

	for (const char *p = slurp(gpath); *p; p++)
		n += *p == '\n';
	return n;
}

/* No media: the line is written at once; the far end's BYE ended it. */
static void glue_no_media(void **state)
{
	struct gw_call *c = fake_call(3, ORIG_PSTN);

	c->t_answer = c->t_start;
	gw_cdr_note(c, EV_SIP_BYE);
	c->cause = 16;
	c->state = CS_RELEASING;
	gw_cdr_note(c, EV_TDM_RELEASED); /* later events change nothing */
	gw_cdr_call_end(c);
	assert_int_equal(nlines(), 2);
	assert_non_null(
		strstr(slurp(gpath),
		       ",pstn-sip,2125550100,5551000,2125550100,1000,"
		       ",,,phone,16,200,sip,,0.000,,,,,,,,,,,,,,,,\r\n"));
}

/* The gateway refused it: events that follow are not the hangup. */
static void glue_refused(void **state)
{
	struct gw_call *c = fake_call(4, ORIG_SIP);

	c->calling[0] = '\0';
	c->cause = 1;
	c->sip_code = 404;
	gw_cdr_note(c, EV_SIP_ENDED);
	gw_cdr_call_end(c);
	/* an empty caller stays empty towards the PSTN */
	assert_non_null(strstr(slurp(gpath), ",sip-pstn,,5551000,,1000,"));
	assert_non_null(strstr(slurp(gpath), ",phone,1,404,gateway,"));
}

/* With media the line waits for the worker's final statistics. */
static void glue_waits_for_media(void **state)
{
	struct gw_call *c = fake_call(5, ORIG_PSTN);
	struct media_stats st = { .rx_packets = 50,
				  .tx_packets = 51,
				  .rx_lost = 2,
				  .jitter_us = 2500 };

	c->mslot = (struct gw_mslot *)1; /* only tested for NULL */
	snprintf(c->media_res.name, sizeof(c->media_res.name), "PCMA");
	gw_cdr_note(c, EV_TDM_DISCONNECT);
	gw_cdr_call_end(c);
	assert_int_equal(nlines(), 1); /* header only */
	gw_cdr_media(&gw, 99, &st);    /* another call's */
	assert_int_equal(nlines(), 1);
	gw_cdr_media(&gw, 5, &st);
	assert_int_equal(nlines(), 2);
	assert_non_null(
		strstr(slurp(gpath),
		       ",pstn,PCMA,0.000,50,51,2,2.500,,,,,,,,,,,,\r\n"));
	c->mslot = NULL;
}

/* Statistics that never come: written without them after the wait, and
 * whatever still waits is written at stop. */
static void glue_media_timeout(void **state)
{
	struct gw_call *c = fake_call(6, ORIG_PSTN);

	c->mslot = (struct gw_mslot *)1;
	gw_cdr_call_end(c);
	assert_int_equal(nlines(), 1);
	for (int i = 0; i < 40 && nlines() < 2; i++)
		gw_loop_once(gw.loop, 100);
	assert_int_equal(nlines(), 2);
	assert_non_null(
		strstr(slurp(gpath), ",gateway,,0.000,,,,,,,,,,,,,,,,\r\n"));
	c = fake_call(7, ORIG_SIP);
	c->mslot = (struct gw_mslot *)1;
	gw_cdr_call_end(c);
	gw_cdr_stop(&gw);
	assert_int_equal(nlines(), 3);
	assert_null(gw.cdr);
	c->mslot = NULL;
}

/* A call's last fax goes into its line: localTCF's checks included. */
static void glue_fax_tcf(void **state)
{
	struct gw_call *c = fake_call(9, ORIG_PSTN);

	c->fax.rec = (struct gw_cdr_fax){ .mode = "t38",
					  .pages = 2,
					  .result = "OK",
					  .have_t38 = true,
					  .rate = 9600,
					  .udptl_rx = 40,
					  .udptl_tx = 50,
					  .tcf_good = 3,
					  .tcf_bad = 2 };
	gw_cdr_call_end(c);
	assert_non_null(
		strstr(slurp(gpath), ",2,OK,t38,9600,no,0,40,50,0,0,3,2\r\n"));
}

/* Counted in the metrics whether or not a file is configured. */
static void glue_counts(void **state)
{
	struct gw_call *c = fake_call(8, ORIG_SIP);
	struct gw_mbuf b = { 0 };

	c->abandoned = true;
	gw_cdr_call_end(c);
	gw_metrics_render(&gw, &b);
	assert_non_null(strstr(
		b.p,
		"pstngw_calls_ended_total{direction=\"sip-pstn\",result=\"abandoned\"} 1\n"));
	assert_non_null(strstr(b.p, "pstngw_cdr_lines_total 1\n"));
	gw_mbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_plain),
		cmocka_unit_test(csv_quoted),
		cmocka_unit_test(csv_too_small),
		cmocka_unit_test(time_iso8601),
		cmocka_unit_test(format_line),
		cmocka_unit_test(format_field_count),
		cmocka_unit_test(format_fax_columns),
		cmocka_unit_test(format_quotes_fields),
		cmocka_unit_test(format_too_small),
		cmocka_unit_test(file_header_once),
		cmocka_unit_test(file_disk_full),
		cmocka_unit_test(file_bad_path),
		cmocka_unit_test_setup_teardown(glue_no_media, glue_setup,
						glue_teardown),
		cmocka_unit_test_setup_teardown(glue_refused, glue_setup,
						glue_teardown),
		cmocka_unit_test_setup_teardown(glue_waits_for_media,
						glue_setup, glue_teardown),
		cmocka_unit_test_setup_teardown(glue_media_timeout, glue_setup,
						glue_teardown),
		cmocka_unit_test_setup_teardown(glue_fax_tcf, glue_setup,
						glue_teardown),
		cmocka_unit_test_setup_teardown(glue_counts, glue_setup,
						glue_teardown),
	};

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
