/* tools/pstnsim/fax.c: two fax machines back to back in memory (through
 * A-law, as on an E1 span) send a two-page document, with and without
 * ECM; a call cut short reads as dropped; bad files are refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <tiffio.h>

#include "media/media.h"
#include "tools/pstnsim/fax.h"
#include "tools/faxdoc/faxdoc.h"

static char doc[64], got[64];

static void make_doc(void)
{
	strcpy(doc, "/tmp/test_pstnsim_fax_doc.XXXXXX");
	close(mkstemp(doc));
	assert_int_equal(faxdoc_write(doc, 2, 200, 1), 0);
	strcpy(got, "/tmp/test_pstnsim_fax_got.XXXXXX");
	close(mkstemp(got));
}

static int setup(void **state)
{
	make_doc();
	return 0;
}

static int teardown(void **state)
{
	unlink(doc);
	unlink(got);
	return 0;
}

/* Runs both machines until both are done or limit seconds of line time
 * pass; returns the seconds used. */
static unsigned run(struct sim_fax *a, struct sim_fax *b, unsigned limit)
{
	int16_t ab[160] = { 0 }, ba[160] = { 0 }, ta[160], tb[160];
	uint8_t law[160];
	struct sim_fax_result r;
	unsigned blocks;

	for (blocks = 0; blocks < limit * 50; blocks++) {
		if (sim_fax_done(a, &r) && sim_fax_done(b, &r))
			break;
		sim_fax_audio(a, ba, ta, 160);
		sim_fax_audio(b, ab, tb, 160);
		media_linear_to_law(MEDIA_LAW_ALAW, ta, law, 160);
		media_law_to_linear(MEDIA_LAW_ALAW, law, ab, 160);
		media_linear_to_law(MEDIA_LAW_ALAW, tb, law, 160);
		media_law_to_linear(MEDIA_LAW_ALAW, law, ba, 160);
	}
	return blocks / 50;
}

static int pages_of(const char *path)
{
	TIFF *t = TIFFOpen(path, "r");
	int n;

	if (!t)
		return -1;
	n = TIFFNumberOfDirectories(t);
	TIFFClose(t);
	return n;
}

static void transfer(bool ecm)
{
	char err[256] = "";
	struct sim_fax_cfg tx = { .send = true,
				  .file = doc,
				  .ecm = ecm,
				  .calling = true,
				  .ident = "A" };
	struct sim_fax_cfg rx = {
		.send = false, .file = got, .ecm = ecm, .calling = false
	};
	struct sim_fax *a = sim_fax_alloc(&tx, err, sizeof(err));
	struct sim_fax *b = sim_fax_alloc(&rx, err, sizeof(err));
	struct sim_fax_result ra, rb;

	assert_non_null(a);
	assert_non_null(b);
	assert_false(sim_fax_done(a, &ra));
	run(a, b, 300);
	/* the sender's session ends with the call */
	sim_fax_stop(a);
	sim_fax_stop(b);
	assert_true(sim_fax_done(b, &rb));
	assert_true(sim_fax_done(a, &ra));
	assert_int_equal(rb.code, 0);
	assert_string_equal(rb.text, "OK");
	assert_false(rb.send);
	assert_int_equal(rb.pages, 2);
	assert_int_equal(rb.ecm, ecm);
	assert_true(rb.bit_rate >= 2400);
	assert_int_equal(ra.code, 0);
	assert_true(ra.send);
	assert_int_equal(ra.pages, 2);
	assert_int_equal(ra.pages_in_file, 2);
	assert_int_equal(pages_of(got), 2);
	sim_fax_free(a);
	sim_fax_free(b);
}

static void t_transfer_ecm(void **state)
{
	transfer(true);
}

static void t_transfer_no_ecm(void **state)
{
	transfer(false);
}

static void t_dropped(void **state)
{
	char err[256] = "";
	struct sim_fax_cfg tx = {
		.send = true, .file = doc, .ecm = true, .calling = true
	};
	struct sim_fax_cfg rx = { .send = false, .file = got, .ecm = true };
	struct sim_fax *a = sim_fax_alloc(&tx, err, sizeof(err));
	struct sim_fax *b = sim_fax_alloc(&rx, err, sizeof(err));
	struct sim_fax_result r;

	run(a, b, 3); /* training has not even finished */
	assert_false(sim_fax_done(b, &r));
	sim_fax_stop(b);
	sim_fax_stop(b); /* twice is harmless */
	assert_true(sim_fax_done(b, &r));
	assert_int_not_equal(r.code, 0);
	assert_int_equal(r.pages, 0);
	sim_fax_stop(a);
	assert_true(sim_fax_done(a, &r));
	assert_int_not_equal(r.code, 0);
	sim_fax_free(a);
	sim_fax_free(b);
	sim_fax_stop(NULL);
	sim_fax_free(NULL);
}

static void t_bad_files(void **state)
{
	char err[256];
	char notiff[64] = "/tmp/test_pstnsim_fax_bad.XXXXXX";
	struct sim_fax_cfg c = { .send = true, .file = "/nonexistent/a.tif" };
	FILE *f;

	assert_null(sim_fax_alloc(&c, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot open as TIFF"));
	close(mkstemp(notiff));
	f = fopen(notiff, "w");
	fputs("this is no image\n", f);
	fclose(f);
	c.file = notiff;
	err[0] = 0;
	assert_null(sim_fax_alloc(&c, err, sizeof(err)));
	assert_non_null(strstr(err, notiff));
	unlink(notiff);
	c.send = false;
	c.file = "/nonexistent/dir/in.tif";
	assert_null(sim_fax_alloc(&c, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_transfer_ecm),
		cmocka_unit_test(t_transfer_no_ecm),
		cmocka_unit_test(t_dropped),
		cmocka_unit_test(t_bad_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
