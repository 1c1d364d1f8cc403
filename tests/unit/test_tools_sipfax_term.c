/* tools/sipfax/term.c: two sipfax terminals back to back in memory send a
 * two-page document over T.38 (UDPTL with redundancy or FEC, with and
 * without datagram loss) and over G.711 audio; the pages received are
 * compared decoded. Malformed UDPTL is counted, a session cut short reads
 * as dropped, bad files and parameters are refused. */
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
#include "tools/sipfax/term.h"
#include "tools/faxdoc/faxdoc.h"

#define ROWS 200
static char doc[64], got[64];

static void make_doc(void)
{
	strcpy(doc, "/tmp/test_sipfax_term_doc.XXXXXX");
	close(mkstemp(doc));
	assert_int_equal(faxdoc_write(doc, 2, ROWS, 1), 0);
	snprintf(got, sizeof(got), "/tmp/test_sipfax_term_got.%d.tif",
		 (int)getpid());
	unlink(got);
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

/* One direction of the in-memory network: datagrams wait for the next
 * tick (never delivered from inside spandsp's send handler). */
#define QMAX 64
struct pipe {
	uint8_t pkt[QMAX][1500];
	size_t len[QMAX];
	unsigned n;
	unsigned drop_every; /* 0: none */
	unsigned sent, dropped;
};

static int pipe_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct pipe *p = arg;

	p->sent++;
	if (p->drop_every && p->sent % p->drop_every == 0) {
		p->dropped++;
		return 0;
	}
	if (p->n == QMAX || len > sizeof(p->pkt[0]))
		return ENOBUFS;
	memcpy(p->pkt[p->n], pkt, len);
	p->len[p->n++] = len;
	return 0;
}

static void pipe_deliver(struct pipe *p, struct sf_term *to)
{
	for (unsigned i = 0; i < p->n; i++)
		assert_int_equal(sf_term_udptl_in(to, p->pkt[i], p->len[i]), 0);
	p->n = 0;
}

static struct sf_term *term(bool send, bool ecm)
{
	struct sf_term_cfg c = {
		.send = send,
		.file = send ? doc : got,
		.calling = send,
		.ecm = ecm,
		.ident = send ? "UNIT SEND" : "UNIT RECV",
	};
	char err[256];
	struct sf_term *t = sf_term_alloc(&c, err, sizeof(err));

	assert_non_null(t);
	return t;
}

static bool local_tcf; /* run_t38 with localTCF at both ends */

/* Runs a T.38 transfer; returns the line seconds it took. */
static unsigned run_t38(enum media_udptl_ec ec, unsigned drop_every, bool ecm,
			struct sf_term_result *rs, struct sf_term_result *rr)
{
	static struct pipe ab, ba;
	struct sf_t38_params p = {
		.local_tcf = local_tcf,
		.version = 2,
		.ec = ec,
		.redundancy = 3,
		.max_datagram = 400,
		.rx_max_datagram = 400,
	};
	struct sf_term *s = term(true, ecm), *r = term(false, ecm);
	unsigned ticks;

	memset(&ab, 0, sizeof(ab));
	memset(&ba, 0, sizeof(ba));
	ab.drop_every = drop_every;
	assert_int_equal(sf_term_start_t38(s, &p, pipe_send, &ab), 0);
	assert_int_equal(sf_term_start_t38(r, &p, pipe_send, &ba), 0);
	assert_int_equal(sf_term_mode(s), SF_MODE_T38);
	/* bounded: 300 s of line time */
	for (ticks = 0; ticks < 15000; ticks++) {
		sf_term_t38_tick(s, 160);
		sf_term_t38_tick(r, 160);
		pipe_deliver(&ab, r);
		pipe_deliver(&ba, s);
		if (sf_term_done(s, rs) && sf_term_done(r, rr))
			break;
	}
	assert_true(sf_term_done(s, rs));
	assert_true(sf_term_done(r, rr));
	if (drop_every)
		assert_true(ab.dropped > 0);
	sf_term_free(s);
	sf_term_free(r);
	return ticks / 50;
}

static void check_ok(const struct sf_term_result *rs,
		     const struct sf_term_result *rr, enum sf_mode mode,
		     bool ecm)
{
	assert_int_equal(rs->code, 0);
	assert_int_equal(rr->code, 0);
	assert_int_equal(rs->mode, mode);
	assert_int_equal(rs->pages, 2);
	assert_int_equal(rs->pages_in_file, 2);
	assert_int_equal(rr->pages, 2);
	assert_int_equal(rs->ecm, ecm);
	assert_true(rs->bit_rate >= 9600);
	assert_true(sf_term_result_ok(rs, true));
	assert_true(sf_term_result_ok(rr, false));
	assert_int_equal(faxdoc_same_pages(doc, got), 2);
}

static void test_t38_redundancy(void **state)
{
	struct sf_term_result rs, rr;

	run_t38(MEDIA_UDPTL_EC_REDUNDANCY, 0, true, &rs, &rr);
	check_ok(&rs, &rr, SF_MODE_T38, true);
	assert_true(rs.pkts_tx > 100);
	assert_int_equal(rr.pkts_rx, rs.pkts_tx);
	assert_int_equal(rr.lost, 0);
	assert_int_equal(rr.recovered, 0);
	unlink(got);
}

/* localTCF at both ends (T.38 method 1): the sender's TCF is checked
 * and dropped, the receiver's terminal gets one made up; none crosses. */
static void test_t38_local_tcf(void **state)
{
	struct sf_term_result rs, rr;

	local_tcf = true;
	run_t38(MEDIA_UDPTL_EC_REDUNDANCY, 0, false, &rs, &rr);
	local_tcf = false;
	check_ok(&rs, &rr, SF_MODE_T38, false);
	assert_true(rs.local_tcf);
	assert_true(rr.local_tcf);
	assert_true(rs.tcf.tcf_checked >= 1);
	assert_int_equal(rs.tcf.tcf_bad, 0);
	assert_true(rs.tcf.tx_dropped >= 50);
	assert_int_equal(rr.tcf.tcf_made, rs.tcf.tcf_checked);
	assert_int_equal(rr.tcf.rx_tcf_data, 0);
	assert_int_equal(rr.tcf.tx_dropped, 0);
	unlink(got);
}

/* Every 9th datagram lost: redundancy repairs them all, no ECM needed. */
static void test_t38_loss_redundancy(void **state)
{
	struct sf_term_result rs, rr;

	run_t38(MEDIA_UDPTL_EC_REDUNDANCY, 9, false, &rs, &rr);
	check_ok(&rs, &rr, SF_MODE_T38, false);
	assert_true(rr.recovered > 10);
	assert_int_equal(rr.lost, 0);
	unlink(got);
}

/* Every 11th datagram lost: parity FEC repairs them, page data too. */
static void test_t38_loss_fec(void **state)
{
	struct sf_term_result rs, rr;

	/* ECM off: a lost image IFP not repaired would damage a page */
	run_t38(MEDIA_UDPTL_EC_FEC, 11, false, &rs, &rr);
	check_ok(&rs, &rr, SF_MODE_T38, false);
	assert_int_equal(rr.lost, 0);
	assert_true(rr.recovered > 5);
	unlink(got);
}

/* G.711: both machines on audio, through mu-law companding. */
static void test_audio(void **state)
{
	struct sf_term *s = term(true, true), *r = term(false, true);
	int16_t sr[160] = { 0 }, rs_[160] = { 0 }, ts[160], tr[160];
	uint8_t law[160];
	struct sf_term_result rs, rr;
	unsigned ticks;

	assert_int_equal(sf_term_start_audio(s), 0);
	assert_int_equal(sf_term_start_audio(r), 0);
	assert_false(sf_term_answer_heard(s));
	for (ticks = 0; ticks < 15000; ticks++) {
		sf_term_audio(s, rs_, ts, 160);
		sf_term_audio(r, sr, tr, 160);
		media_linear_to_law(MEDIA_LAW_ULAW, ts, law, 160);
		media_law_to_linear(MEDIA_LAW_ULAW, law, sr, 160);
		media_linear_to_law(MEDIA_LAW_ULAW, tr, law, 160);
		media_law_to_linear(MEDIA_LAW_ULAW, law, rs_, 160);
		if (sf_term_done(s, &rs) && sf_term_done(r, &rr))
			break;
	}
	/* the caller heard the answer (CED, V.21): time for T.38 */
	assert_true(sf_term_answer_heard(s));
	assert_true(sf_term_done(s, &rs));
	assert_true(sf_term_done(r, &rr));
	check_ok(&rs, &rr, SF_MODE_AUDIO, true);
	assert_int_equal(rs.pkts_tx, 0);
	sf_term_free(s);
	sf_term_free(r);
	unlink(got);
}

static void test_bad_udptl_counted(void **state)
{
	static const uint8_t bad[][6] = { { 0x00 },
					  { 0x00, 0x01, 0x05, 0xc0 },
					  { 0x00, 0x04, 0x00, 0x00 } };
	static const size_t len[] = { 1, 4, 4 };
	struct sf_t38_params p = { .version = 0,
				   .ec = MEDIA_UDPTL_EC_REDUNDANCY,
				   .redundancy = 2 };
	struct pipe out;
	struct sf_term *r = term(false, true);
	struct sf_term_result res;

	memset(&out, 0, sizeof(out));
	/* not on T.38 yet: refused without harm */
	assert_int_equal(sf_term_udptl_in(r, bad[0], len[0]), EAGAIN);
	assert_int_equal(sf_term_start_t38(r, &p, pipe_send, &out), 0);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(sf_term_udptl_in(r, bad[i], len[i]), EBADMSG);
	for (unsigned i = 0; i < 50; i++)
		sf_term_t38_tick(r, 160);
	assert_false(sf_term_done(r, &res));
	/* the session goes on; a stop ends it as dropped */
	sf_term_stop(r);
	assert_true(sf_term_done(r, &res));
	assert_int_equal(res.bad, 3);
	assert_int_not_equal(res.code, 0);
	assert_non_null(res.text);
	assert_false(sf_term_result_ok(&res, false));
	sf_term_free(r);
	unlink(got);
}

static void test_bad_files_and_params(void **state)
{
	struct sf_term_cfg c = { .send = true, .file = "/nonexistent/x.tif" };
	struct sf_t38_params p = { .version = 4 };
	char err[256] = "";
	struct sf_term *t;
	FILE *f;

	assert_null(sf_term_alloc(&c, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot open as TIFF"));
	c.send = false;
	assert_null(sf_term_alloc(&c, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
	/* an existing file is never overwritten */
	f = fopen(got, "w");
	assert_non_null(f);
	fclose(f);
	c.file = got;
	assert_null(sf_term_alloc(&c, err, sizeof(err)));
	unlink(got);
	t = term(true, false);
	assert_int_equal(sf_term_start_t38(t, &p, pipe_send, NULL), EINVAL);
	p.version = 0;
	p.redundancy = MEDIA_UDPTL_MAX_DEPTH + 1;
	assert_int_equal(sf_term_start_t38(t, &p, pipe_send, NULL), EINVAL);
	assert_int_equal(sf_term_start_t38(t, &p, NULL, NULL), EINVAL);
	assert_int_equal(sf_term_mode(t), SF_MODE_NONE);
	assert_string_equal(sf_mode_name(SF_MODE_T38), "t38");
	assert_string_equal(sf_mode_name((enum sf_mode)9), "?");
	sf_term_free(t);
	sf_term_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t38_redundancy),
		cmocka_unit_test(test_t38_local_tcf),
		cmocka_unit_test(test_t38_loss_redundancy),
		cmocka_unit_test(test_t38_loss_fec),
		cmocka_unit_test(test_audio),
		cmocka_unit_test(test_bad_udptl_counted),
		cmocka_unit_test(test_bad_files_and_params),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
