/* media/t30mon.c: the fax outcome inferred from T.30 frames and T.38
 * indicators, including spandsp's missed post-page command after V.29. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <spandsp.h>

#include "media/priv.h"

#define IND_NOSIG 0
#define IND_V21 3
#define IND_V29_9600 7

static void frame(struct media_t30mon *m, int fcf)
{
	const uint8_t f[3] = { 0xFF, 0x13, (uint8_t)fcf };

	media_t30mon_frame(m, f, sizeof(f));
}

static void pps(struct media_t30mon *m, int fcf2)
{
	const uint8_t f[7] = { 0xFF, 0x13, T30_PPS, (uint8_t)fcf2, 0, 0, 0 };

	media_t30mon_frame(m, f, sizeof(f));
}

/* DIS, DCS, TCF, CFR: the machines are ready for phase C */
static void phase_b(struct media_t30mon *m)
{
	frame(m, T30_DIS);
	frame(m, T30_DCS);
	media_t30mon_indicator(m, IND_V29_9600); /* TCF: no image */
	frame(m, T30_CFR);
}

static void image(struct media_t30mon *m)
{
	media_t30mon_indicator(m, IND_V29_9600);
	media_t30mon_indicator(m, IND_NOSIG);
	media_t30mon_indicator(m, IND_V21);
}

static void test_normal_two_pages(void **state)
{
	struct media_t30mon m = { 0 };

	(void)state;
	phase_b(&m);
	image(&m);
	frame(&m, T30_MPS);
	frame(&m, T30_MCF);
	image(&m);
	frame(&m, T30_EOP);
	frame(&m, T30_MCF);
	/* confirmed before DCN: a call dropped now still delivered it */
	assert_false(m.done);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_OK);
	frame(&m, T30_DCN);
	assert_true(m.done);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_OK);
	assert_int_equal(m.pages, 2);
	assert_int_equal(m.guessed, 0);
}

/* The quirk: EOP taken for V.29 training, so only the MCF and the DCN
 * are seen. Before, this read "unexpected message", 0 pages. */
static void test_missed_eop(void **state)
{
	struct media_t30mon m = { 0 };

	(void)state;
	phase_b(&m);
	image(&m);
	media_t30mon_indicator(&m, IND_V29_9600); /* the EOP, misread */
	frame(&m, T30_MCF);
	frame(&m, T30_DCN);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_OK);
	assert_int_equal(m.pages, 1);
	assert_int_equal(m.guessed, 1);
}

/* ECM: PPS-MPS missed, then the second page's PPS-EOP seen. */
static void test_ecm_missed_pps_mps(void **state)
{
	struct media_t30mon m = { 0 };

	(void)state;
	phase_b(&m);
	image(&m);
	frame(&m, T30_MCF); /* to a PPS-MPS not seen */
	image(&m);
	pps(&m, T30_EOP);
	frame(&m, T30_MCF);
	frame(&m, T30_DCN);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_OK);
	assert_int_equal(m.pages, 2);
	assert_int_equal(m.guessed, 1);
}

/* The MCF to MPS is lost on its way to the sender, which repeats MPS and
 * gets a second MCF: still one page (found in t_fax_pstn_to_sip under
 * load: "4 pages" for 3). */
static void test_repeated_command(void **state)
{
	struct media_t30mon m = { 0 };

	(void)state;
	phase_b(&m);
	image(&m);
	pps(&m, T30_MPS);
	frame(&m, T30_MCF);
	pps(&m, T30_MPS);
	frame(&m, T30_MCF);
	image(&m);
	frame(&m, T30_EOP);
	frame(&m, T30_MCF);
	frame(&m, T30_EOP);
	frame(&m, T30_MCF);
	frame(&m, T30_DCN);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_OK);
	assert_int_equal(m.pages, 2);
}

/* PPS-NULL ends a block, not a page; its MCF counts no page. */
static void test_ecm_pps_null(void **state)
{
	struct media_t30mon m = { 0 };

	(void)state;
	phase_b(&m);
	image(&m);
	pps(&m, T30_NULL);
	frame(&m, T30_MCF);
	image(&m);
	pps(&m, T30_EOP | 1); /* the X bit does not matter */
	frame(&m, T30_MCF);
	frame(&m, T30_DCN);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_OK);
	assert_int_equal(m.pages, 1);
	assert_int_equal(m.guessed, 0);
}

/* A guessed MCF followed by more than DCN (a new phase B after EOM) is
 * not the end: a DCN later without a confirmed last page fails. */
static void test_guess_needs_dcn_next(void **state)
{
	struct media_t30mon m = { 0 };

	(void)state;
	phase_b(&m);
	image(&m);
	frame(&m, T30_MCF);
	frame(&m, T30_DIS);
	frame(&m, T30_DCS);
	frame(&m, T30_DCN);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_UNEXPECTED);
	assert_int_equal(m.pages, 1);
}

/* An MCF with no image before it (e.g. a repeated frame) counts nothing;
 * neither does TCF, which is a training before CFR. */
static void test_no_image_no_page(void **state)
{
	struct media_t30mon m = { 0 };

	(void)state;
	frame(&m, T30_DIS);
	frame(&m, T30_DCS);
	media_t30mon_indicator(&m, IND_V29_9600);
	frame(&m, T30_MCF);
	frame(&m, T30_DCN);
	assert_int_equal(m.pages, 0);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_UNEXPECTED);
}

static void test_failures(void **state)
{
	struct media_t30mon m = { 0 };

	(void)state;
	/* training refused, then hang-up */
	frame(&m, T30_DIS);
	frame(&m, T30_DCS);
	frame(&m, T30_FTT);
	frame(&m, T30_DCN);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_CANNOT_TRAIN);
	/* a page sent, its EOP unanswered, DCN */
	memset(&m, 0, sizeof(m));
	phase_b(&m);
	image(&m);
	frame(&m, T30_EOP);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_CALLDROPPED);
	frame(&m, T30_DCN);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_TX_BADPG);
	/* DCN before any DCS */
	memset(&m, 0, sizeof(m));
	frame(&m, T30_DIS);
	frame(&m, T30_DCN);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_RX_DCNWHY);
	/* nothing at all */
	memset(&m, 0, sizeof(m));
	assert_int_equal(media_t30mon_code(&m, true), T30_ERR_T1_EXPIRED);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_CALLDROPPED);
}

/* Short and late frames are ignored; nothing changes after DCN. */
static void test_bad_frames(void **state)
{
	struct media_t30mon m = { 0 };
	const uint8_t pps_short[3] = { 0xFF, 0x13, T30_PPS };
	const uint8_t two[2] = { 0xFF, 0x13 };

	(void)state;
	media_t30mon_frame(&m, two, sizeof(two));
	media_t30mon_frame(&m, pps_short, sizeof(pps_short));
	assert_int_equal(m.page_cmd, 0);
	phase_b(&m);
	image(&m);
	frame(&m, T30_EOP);
	frame(&m, T30_MCF);
	frame(&m, T30_DCN);
	frame(&m, T30_FTT);
	frame(&m, T30_MCF);
	media_t30mon_indicator(&m, 99);
	assert_int_equal(media_t30mon_code(&m, false), T30_ERR_OK);
	assert_int_equal(m.pages, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal_two_pages),
		cmocka_unit_test(test_missed_eop),
		cmocka_unit_test(test_ecm_missed_pps_mps),
		cmocka_unit_test(test_ecm_pps_null),
		cmocka_unit_test(test_repeated_command),
		cmocka_unit_test(test_guess_needs_dcn_next),
		cmocka_unit_test(test_no_image_no_page),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_bad_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
