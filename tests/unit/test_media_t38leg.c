/* media/t38leg.c: two T.38 legs back to back (PSTN fax machine A <-> leg
 * A <-> UDPTL datagrams in memory <-> leg B <-> PSTN fax machine B), in
 * samples. Faxes pass, with loss repaired by redundancy and by FEC; the
 * copies spandsp asks for are mapped as fax.h says; the watchdog; bad
 * datagrams and options refused and counted. */
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
#include <spandsp.h>

#include "media/fax.h"
#include "tools/faxdoc/faxdoc.h"

#define ROWS 200
#define BLOCK MEDIA_T38_BLOCK
#define LIMIT_BLOCKS (240 * 50) /* 4 minutes of line time at most */
#define NETQ 64
#define DGRAM_MAX 1024

static char doc[64], got[64];

static void make_doc(void)
{
	strcpy(doc, "/tmp/test_t38leg_doc.XXXXXX");
	close(mkstemp(doc));
	assert_int_equal(faxdoc_write(doc, 1, ROWS, 1), 0);
}

static int setup(void **state)
{
	(void)state;
	TIFFSetErrorHandler(NULL);
	TIFFSetWarningHandler(NULL);
	make_doc();
	strcpy(got, "/tmp/test_t38leg_got.XXXXXX");
	close(mkstemp(got));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(doc);
	unlink(got);
	return 0;
}

/* ---- the rig ---- */

struct dgram {
	uint16_t len;
	uint8_t buf[DGRAM_MAX];
};

struct side {
	struct rig *r;
	int id;
	struct media_t38leg *leg;
	fax_state_t *fax;
	bool done;
	int code;
	/* what this leg sent, waiting for the next block */
	struct dgram q[NETQ];
	unsigned qn;
	/* checks on it */
	uint64_t sent, dropped, too_long, repeats_same_block;
	uint8_t prev[DGRAM_MAX];
	size_t prev_len;
	unsigned prev_block;
	uint64_t identical; /* datagrams equal to the one before */
	int send_err;	    /* returned by the send callback */
};

struct rig {
	struct side s[2];
	unsigned block;
	unsigned drop_every; /* 0: none */
	unsigned garbage_every;
	size_t max_dgram[2]; /* what each side may receive */
	enum media_law law;
	unsigned mute_from, mute_to; /* blocks of machine A's audio lost */
};

static int leg_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct side *s = arg;
	struct rig *r = s->r;

	s->sent++;
	if (len > r->max_dgram[!s->id])
		s->too_long++;
	if (len == s->prev_len && !memcmp(pkt, s->prev, len)) {
		s->identical++;
		if (s->prev_block == r->block)
			s->repeats_same_block++;
	}
	memcpy(s->prev, pkt, len);
	s->prev_len = len;
	s->prev_block = r->block;
	if (s->send_err)
		return s->send_err;
	if (r->drop_every && s->sent % r->drop_every == 0) {
		s->dropped++;
		return 0;
	}
	assert_true(len <= DGRAM_MAX);
	assert_true(s->qn < NETQ);
	s->q[s->qn].len = (uint16_t)len;
	memcpy(s->q[s->qn].buf, pkt, len);
	s->qn++;
	return 0;
}

static void phase_e(t30_state_t *t, void *user, int code)
{
	struct side *s = user;

	(void)t;
	s->done = true;
	s->code = code;
}

struct opts {
	bool ecm;
	enum media_udptl_ec ec;
	unsigned drop_every, garbage_every;
	unsigned max_dgram; /* both ways; 0: default */
	unsigned modems;
	enum media_law law;
	bool local_tcf; /* both legs T38FaxRateManagement:localTCF */
	unsigned mute_from, mute_to; /* blocks of machine A's audio lost */
};

static void fax_setup(struct side *s, const struct opts *o, bool sender)
{
	t30_state_t *t;

	s->fax = fax_init(NULL, sender);
	assert_non_null(s->fax);
	fax_set_transmit_on_idle(s->fax, 1);
	t = fax_get_t30_state(s->fax);
	t30_set_ecm_capability(t, o->ecm);
	t30_set_supported_compressions(t,
				       T30_SUPPORT_T4_1D_COMPRESSION |
					       T30_SUPPORT_T4_2D_COMPRESSION);
	if (sender)
		t30_set_tx_file(t, doc, -1, -1);
	else
		t30_set_rx_file(t, got, -1);
	t30_set_phase_e_handler(t, phase_e, s);
}

static struct media_t38leg_cfg leg_cfg(const struct opts *o)
{
	struct media_t38leg_cfg c = {
		.law = o->law,
		.t38 = { .version = 0,
			 .ecm = o->ecm,
			 .modems = o->modems,
			 .max_datagram = o->max_dgram,
			 .tag = "leg" },
		.ec = o->ec,
		.rx_max_datagram = o->max_dgram,
	};
	if (o->local_tcf)
		c.t38.rate = MEDIA_T38_TCF_LOCAL;
	return c;
}

static struct rig *rig_new(const struct opts *o)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct media_t38leg_cfg c = leg_cfg(o);

	assert_non_null(r);
	r->drop_every = o->drop_every;
	r->garbage_every = o->garbage_every;
	r->law = o->law;
	r->mute_from = o->mute_from;
	r->mute_to = o->mute_to;
	for (int i = 0; i < 2; i++) {
		r->s[i].r = r;
		r->s[i].id = i;
		r->max_dgram[i] =
			o->max_dgram ? o->max_dgram : MEDIA_T38_DEFAULT_DGRAM;
		assert_int_equal(media_t38leg_alloc(&c, leg_send, &r->s[i],
						    &r->s[i].leg),
				 0);
		fax_setup(&r->s[i], o, i == 0);
	}
	return r;
}

static void rig_free(struct rig *r)
{
	for (int i = 0; i < 2; i++) {
		media_t38leg_free(r->s[i].leg);
		fax_free(r->s[i].fax);
	}
	free(r);
}

/* One block of a side: machine audio through its leg. */
static void side_block(struct rig *r, struct side *s, int16_t *to_fax)
{
	int16_t lin[BLOCK];
	uint8_t in[BLOCK], out[BLOCK];
	int n;

	fax_rx(s->fax, to_fax, BLOCK);
	n = fax_tx(s->fax, lin, BLOCK);
	if (n < BLOCK)
		memset(lin + n, 0, (BLOCK - n) * sizeof(*lin));
	if (s->id == 0 && r->block >= r->mute_from && r->block < r->mute_to)
		memset(lin, 0, sizeof(lin)); /* the line drops out */
	media_linear_to_law(r->law, lin, in, BLOCK);
	assert_int_equal(media_t38leg_tdm(s->leg, in, out, BLOCK), 0);
	media_law_to_linear(r->law, out, to_fax, BLOCK);
}

/* Datagrams of one side to the other leg, with garbage now and then. */
static void carry(struct rig *r, struct side *from, struct side *to)
{
	static const uint8_t junk[] = { 0x00, 0x07, 0x90, 0xff, 0x01 };

	for (unsigned i = 0; i < from->qn; i++) {
		if (r->garbage_every &&
		    (from->sent + i) % r->garbage_every == 0)
			assert_int_equal(media_t38leg_udptl_in(to->leg, junk,
							       sizeof(junk)),
					 EBADMSG);
		assert_int_equal(media_t38leg_udptl_in(to->leg, from->q[i].buf,
						       from->q[i].len),
				 0);
	}
	from->qn = 0;
}

static unsigned run(struct rig *r, unsigned limit)
{
	int16_t a[BLOCK] = { 0 }, b[BLOCK] = { 0 };
	unsigned after = 0;

	for (r->block = 0; r->block < limit; r->block++) {
		if (r->s[0].done && r->s[1].done && ++after > 50)
			break;
		side_block(r, &r->s[0], a);
		side_block(r, &r->s[1], b);
		carry(r, &r->s[0], &r->s[1]);
		carry(r, &r->s[1], &r->s[0]);
	}
	return r->block;
}

static struct rig *transfer(const struct opts *o, unsigned rate)
{
	struct rig *r = rig_new(o);
	struct media_t38leg_stats st;

	run(r, LIMIT_BLOCKS);
	if (getenv("T38_TRACE"))
		fprintf(stderr, "blocks %u codes %d %d\n%s\n%s", r->block,
			r->s[0].code, r->s[1].code,
			media_t38leg_trace(r->s[0].leg),
			media_t38leg_trace(r->s[1].leg));
	assert_true(r->s[0].done);
	assert_true(r->s[1].done);
	assert_int_equal(r->s[0].code, T30_ERR_OK);
	assert_int_equal(r->s[1].code, T30_ERR_OK);
	assert_int_equal(faxdoc_same_pages(doc, got), 1);
	for (int i = 0; i < 2; i++) {
		media_t38leg_stats(r->s[i].leg, &st);
		assert_true(st.fax.done);
		assert_true(st.fax.ok);
		assert_int_equal(st.fax.pages, 1);
		assert_int_equal(st.fax.bit_rate, rate);
		assert_int_equal(st.fax.ecm, o->ecm);
		assert_int_equal(st.send_errors, 0);
		assert_true(st.udptl.pkts_out > 20);
		assert_int_equal(st.udptl.pkts_out + st.repeats, r->s[i].sent);
		assert_true(st.udptl.pkts_in > 20);
		assert_int_equal(st.udptl.refused, 0);
		assert_int_equal(r->s[i].too_long, 0);
		assert_false(media_t38leg_silent(r->s[i].leg));
		assert_non_null(strstr(media_t38leg_trace(r->s[i].leg), "DCN"));
	}
	return r;
}

static void t_pass_ecm_redundancy(void **state)
{
	struct opts o = { .ecm = true, .ec = MEDIA_UDPTL_EC_REDUNDANCY };
	struct media_t38leg_stats st;
	struct rig *r;

	(void)state;
	r = transfer(&o, 14400);
	media_t38leg_stats(r->s[1].leg, &st);
	assert_int_equal(st.udptl.lost, 0);
	assert_int_equal(st.udptl.bad_total, 0);
	rig_free(r);
}

/* V.29 is left to the simulation (machine <-> leg <-> T.38 terminal):
 * two spandsp 0.0.6 gateways back to back with V.29 lose the DCN (the
 * sending side's gateway takes its V.21 for V.29 training after MCF). */
static void t_pass_ecm_alaw_v27ter(void **state)
{
	struct opts o = { .ecm = true,
			  .ec = MEDIA_UDPTL_EC_REDUNDANCY,
			  .law = MEDIA_LAW_ALAW,
			  .modems = MEDIA_T38_V27TER };

	(void)state;
	rig_free(transfer(&o, 4800));
}

static void t_pass_noecm_v27ter(void **state)
{
	struct opts o = { .ecm = false,
			  .ec = MEDIA_UDPTL_EC_REDUNDANCY,
			  .modems = MEDIA_T38_V27TER };

	(void)state;
	rig_free(transfer(&o, 4800));
}

/* localTCF on both legs (two gateways of method 1): the sending side's
 * leg drops and checks its machine's TCF, the receiving side's leg makes
 * TCF up for its machine; no TCF crosses, the fax passes. */
static void local_tcf(bool ecm, unsigned modems, unsigned rate)
{
	struct opts o = { .ecm = ecm,
			  .ec = MEDIA_UDPTL_EC_REDUNDANCY,
			  .modems = modems,
			  .local_tcf = true };
	struct media_t38leg_stats a, b;
	struct rig *r = transfer(&o, rate);

	media_t38leg_stats(r->s[0].leg, &a);
	media_t38leg_stats(r->s[1].leg, &b);
	/* 1.5 s of TCF is 50 IFPs of 30 ms and its end, at least */
	assert_true(a.fax.tcf.tx_dropped >= 40);
	assert_true(a.fax.tcf.tcf_checked >= 1);
	assert_int_equal(a.fax.tcf.tcf_bad, 0);
	assert_int_equal(b.fax.tcf.ftt_forced + a.fax.tcf.ftt_forced, 0);
	assert_int_equal(b.fax.tcf.tcf_made, a.fax.tcf.tcf_checked);
	/* data and end after each training indicator the peer sent */
	assert_int_equal(b.fax.tcf.rx_injected, 51 * b.fax.tcf.tcf_made);
	assert_int_equal(b.fax.tcf.rx_tcf_data, 0); /* none crossed */
	assert_int_equal(a.fax.tcf.bad_ifp + b.fax.tcf.bad_ifp, 0);
	/* the receiving machine sent no TCF: nothing dropped that way */
	assert_int_equal(b.fax.tcf.tx_dropped, 0);
	rig_free(r);
}

static void t_local_tcf_ecm(void **state)
{
	(void)state;
	local_tcf(true, 0, 14400);
}

/* Machine A's line drops out in the middle of its first TCF (7.6 to
 * 8.0 s: the TCF runs from about 7.3 s): leg A's check finds it bad and
 * turns B's CFR into FTT, so A retrains at 12000 bit/s and the fax
 * passes. */
static void t_local_tcf_bad_ftt(void **state)
{
	struct opts o = { .ecm = true,
			  .ec = MEDIA_UDPTL_EC_REDUNDANCY,
			  .local_tcf = true,
			  .mute_from = 380,
			  .mute_to = 400 };
	struct media_t38leg_stats a, b;
	struct rig *r;

	(void)state;
	r = transfer(&o, 12000);
	media_t38leg_stats(r->s[0].leg, &a);
	media_t38leg_stats(r->s[1].leg, &b);
	assert_int_equal(a.fax.tcf.tcf_checked, 2);
	assert_int_equal(a.fax.tcf.tcf_bad, 1);
	assert_int_equal(a.fax.tcf.ftt_forced, 1);
	assert_int_equal(b.fax.tcf.tcf_made, 2);
	assert_non_null(
		strstr(media_t38leg_trace(r->s[0].leg), "CFR turned into FTT"));
	rig_free(r);
}

static void t_local_tcf_noecm_v27ter(void **state)
{
	(void)state;
	local_tcf(false, MEDIA_T38_V27TER, 4800);
}

/* Every 6th datagram lost both ways: the secondaries bring them back. */
static void t_loss_redundancy(void **state)
{
	struct opts o = { .ecm = false,
			  .ec = MEDIA_UDPTL_EC_REDUNDANCY,
			  .drop_every = 6 };
	struct media_t38leg_stats st;
	uint64_t rec = 0;
	struct rig *r;

	(void)state;
	r = transfer(&o, 14400);
	for (int i = 0; i < 2; i++) {
		media_t38leg_stats(r->s[i].leg, &st);
		assert_true(r->s[!i].dropped > 3);
		assert_true(st.udptl.rec_red > 0);
		rec += st.udptl.rec_red;
		assert_int_equal(st.udptl.lost, 0);
		assert_int_equal(st.fax.ifp_rx_lost, 0);
	}
	assert_true(rec > 20);
	rig_free(r);
}

/* The same with parity FEC (span 3 x 3 entries). */
static void t_loss_fec(void **state)
{
	struct opts o = { .ecm = true,
			  .ec = MEDIA_UDPTL_EC_FEC,
			  .drop_every = 7 };
	struct media_t38leg_stats st;
	struct rig *r;

	(void)state;
	r = transfer(&o, 14400);
	media_t38leg_stats(r->s[1].leg, &st);
	assert_true(st.udptl.rec_fec > 3);
	/* repaired IFPs carry the group's zero padding: spandsp takes them */
	assert_int_equal(st.fax.ifp_rx_bad, 0);
	rig_free(r);
}

/* EC none: copies go out at once as identical datagrams. */
static void t_copies_no_ec(void **state)
{
	struct opts o = { .ecm = true, .ec = MEDIA_UDPTL_EC_NONE };
	struct media_t38leg_stats st;
	struct rig *r;

	(void)state;
	r = transfer(&o, 14400);
	media_t38leg_stats(r->s[0].leg, &st);
	assert_true(st.repeats > 5);
	assert_int_equal(r->s[0].identical, st.repeats);
	assert_int_equal(r->s[0].repeats_same_block, st.repeats);
	/* the receiver dropped them as duplicates */
	media_t38leg_stats(r->s[1].leg, &st);
	assert_true(st.udptl.dup >= r->s[0].identical);
	rig_free(r);
}

/* Redundancy: a copy is sent only in a later block in which nothing
 * newer went out. */
static void t_copies_redundancy(void **state)
{
	struct opts o = { .ecm = true, .ec = MEDIA_UDPTL_EC_REDUNDANCY };
	struct media_t38leg_stats st;
	struct rig *r;

	(void)state;
	r = transfer(&o, 14400);
	media_t38leg_stats(r->s[0].leg, &st);
	assert_true(st.repeats > 2);
	assert_int_equal(r->s[0].identical, st.repeats);
	assert_int_equal(r->s[0].repeats_same_block, 0);
	rig_free(r);
}

/* Small datagrams both ways: never exceeded, fax still passes. */
static void t_small_datagram(void **state)
{
	struct opts o = { .ecm = true,
			  .ec = MEDIA_UDPTL_EC_REDUNDANCY,
			  .max_dgram = 120 };
	struct media_t38leg_stats st;
	struct rig *r;

	(void)state;
	r = transfer(&o, 14400);
	media_t38leg_stats(r->s[0].leg, &st);
	assert_true(st.udptl.red_dropped > 0);
	assert_int_equal(st.udptl.over_max, 0);
	rig_free(r);
}

/* Garbage between good datagrams: rejected, counted, the fax passes and
 * the garbage does not feed the watchdog. */
static void t_bad_datagrams(void **state)
{
	struct opts o = { .ecm = true,
			  .ec = MEDIA_UDPTL_EC_REDUNDANCY,
			  .garbage_every = 9 };
	struct media_t38leg_stats st;
	struct rig *r;

	(void)state;
	r = transfer(&o, 14400);
	media_t38leg_stats(r->s[1].leg, &st);
	assert_true(st.udptl.bad_total > 10);
	assert_true(st.udptl.bad[MEDIA_UDPTL_BAD_LENGTH] > 10);
	rig_free(r);
}

static void t_watchdog(void **state)
{
	struct opts o = { .ec = MEDIA_UDPTL_EC_REDUNDANCY };
	struct media_t38leg_cfg c = leg_cfg(&o);
	struct side s = { 0 };
	struct rig r = { .max_dgram = { 400, 400 } };
	struct media_t38leg_stats st;
	uint8_t in[BLOCK], out[BLOCK];
	static const uint8_t good[] = { 0x00, 0x01, 0x01, 0x06, 0x00, 0x00 };
	static const uint8_t bad[] = { 0x00, 0x02, 0x09, 0x06 };
	unsigned b;

	(void)state;
	s.r = &r;
	c.watchdog_ms = 1000;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &s.leg), 0);
	memset(in, 0xff, sizeof(in));
	assert_false(media_t38leg_silent(s.leg));
	for (b = 0; b < 49; b++)
		assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	assert_false(media_t38leg_silent(s.leg));
	assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	assert_true(media_t38leg_silent(s.leg));
	media_t38leg_stats(s.leg, &st);
	assert_int_equal(st.silent_ms, 1000);
	/* a malformed datagram is no sign of life */
	assert_int_equal(media_t38leg_udptl_in(s.leg, bad, sizeof(bad)),
			 EBADMSG);
	assert_true(media_t38leg_silent(s.leg));
	assert_int_equal(media_t38leg_udptl_in(s.leg, good, sizeof(good)), 0);
	assert_false(media_t38leg_silent(s.leg));
	media_t38leg_stats(s.leg, &st);
	assert_int_equal(st.silent_ms, 0);
	assert_int_equal(st.udptl.bad_total, 1);
	assert_int_equal(st.udptl.pkts_in, 1);
	media_t38leg_finish(s.leg);
	media_t38leg_free(s.leg);
}

/* A gap nobody fills is given up after 40 ms of audio, so the IFPs
 * behind it reach the gateway without waiting for more packets. */
static void t_gap_given_up(void **state)
{
	struct opts o = { .ec = MEDIA_UDPTL_EC_NONE };
	struct media_t38leg_cfg c = leg_cfg(&o);
	struct side s = { 0 };
	struct rig r = { .max_dgram = { 400, 400 } };
	struct media_t38leg_stats st;
	uint8_t in[BLOCK], out[BLOCK];
	/* seq 0 and 2 (1 lost): no-signal indicators */
	static const uint8_t p0[] = { 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
	static const uint8_t p2[] = { 0x00, 0x02, 0x01, 0x00, 0x00, 0x00 };

	(void)state;
	s.r = &r;
	memset(in, 0xff, sizeof(in));
	c.no_playout = true; /* this test times the gap alone */
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &s.leg), 0);
	assert_int_equal(media_t38leg_udptl_in(s.leg, p0, sizeof(p0)), 0);
	assert_int_equal(media_t38leg_udptl_in(s.leg, p2, sizeof(p2)), 0);
	assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	media_t38leg_stats(s.leg, &st);
	assert_int_equal(st.fax.ifp_rx, 1); /* seq 2 waits for 1 */
	assert_int_equal(st.gap_flushes, 0);
	assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	media_t38leg_stats(s.leg, &st);
	assert_int_equal(st.gap_flushes, 1);
	assert_int_equal(st.udptl.lost, 1);
	assert_int_equal(st.fax.ifp_rx, 2);
	media_t38leg_free(s.leg);
}

/* Playout: an indicator and what follows it reach the gateway 60 ms
 * (3 blocks) after it arrived when so configured, the default
 * otherwise; later IFPs pass at once. */
static void t_playout_delay(void **state)
{
	struct opts o = { .ec = MEDIA_UDPTL_EC_NONE };
	struct media_t38leg_cfg c = leg_cfg(&o);
	struct side s = { 0 };
	struct rig r = { .max_dgram = { 400, 400 } };
	struct media_t38leg_stats st;
	uint8_t in[BLOCK], out[BLOCK];
	/* seq 0: indicator v17-14400-long-training (0x0f << 1 = 0x1e... as
	 * 8 << 1); seq 1: v17 data, one field of 1 octet; seq 2: more data */
	static const uint8_t p0[] = { 0x00, 0x00, 0x01, 0x10, 0x00, 0x00 };
	static const uint8_t p1[] = { 0x00, 0x01, 0x06, 0xd0, 0x01, 0x80,
				      0x00, 0x00, 0x55, 0x00, 0x00 };
	static const uint8_t p2[] = { 0x00, 0x02, 0x06, 0xd0, 0x01, 0x80,
				      0x00, 0x00, 0xaa, 0x00, 0x00 };

	(void)state;
	s.r = &r;
	memset(in, 0xff, sizeof(in));
	c.playout_ms = 60;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &s.leg), 0);
	assert_int_equal(media_t38leg_udptl_in(s.leg, p0, sizeof(p0)), 0);
	assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	assert_int_equal(media_t38leg_udptl_in(s.leg, p1, sizeof(p1)), 0);
	assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	media_t38leg_stats(s.leg, &st);
	assert_int_equal(st.fax.ifp_rx, 0); /* 40 ms: still held */
	assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	media_t38leg_stats(s.leg, &st);
	assert_int_equal(st.fax.ifp_rx, 2); /* 60 ms: both, in order */
	assert_int_equal(st.fax.ifp_rx_lost, 0);
	assert_int_equal(media_t38leg_udptl_in(s.leg, p2, sizeof(p2)), 0);
	assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	media_t38leg_stats(s.leg, &st);
	assert_int_equal(st.fax.ifp_rx, 3); /* data passes at once */
	media_t38leg_free(s.leg);

	/* the default */
	c.playout_ms = 0;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &s.leg), 0);
	assert_int_equal(media_t38leg_udptl_in(s.leg, p0, sizeof(p0)), 0);
	for (unsigned b = 1; b < MEDIA_T38LEG_PLAYOUT_DEFAULT_MS / 20; b++) {
		assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
		media_t38leg_stats(s.leg, &st);
		assert_int_equal(st.fax.ifp_rx, 0);
	}
	assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	media_t38leg_stats(s.leg, &st);
	assert_int_equal(st.fax.ifp_rx, 1);
	media_t38leg_free(s.leg);

	/* none: the indicator reaches the gateway at the next block */
	c.no_playout = true;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &s.leg), 0);
	assert_int_equal(media_t38leg_udptl_in(s.leg, p0, sizeof(p0)), 0);
	assert_int_equal(media_t38leg_tdm(s.leg, in, out, BLOCK), 0);
	media_t38leg_stats(s.leg, &st);
	assert_int_equal(st.fax.ifp_rx, 1);
	media_t38leg_free(s.leg);
	/* bounded */
	c.no_playout = false;
	c.playout_ms = MEDIA_T38LEG_PLAYOUT_MAX_MS + 1;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &s.leg), EINVAL);
}

static void t_send_errors_counted(void **state)
{
	struct opts o = { .ecm = true, .ec = MEDIA_UDPTL_EC_REDUNDANCY };
	struct rig *r = rig_new(&o);
	struct media_t38leg_stats st;

	(void)state;
	r->s[0].send_err = EHOSTUNREACH;
	run(r, 250); /* 5 s: CNG/CED indicators at least */
	media_t38leg_stats(r->s[0].leg, &st);
	assert_true(st.send_errors > 0);
	assert_int_equal(st.send_errors, r->s[0].sent);
	assert_false(st.fax.ok);
	rig_free(r);
}

/* IFP lengths by their own fields (T.38 Annex A), zero padding after. */
static void t_ifp_len(void **state)
{
	/* indicator v21-preamble (3 << 1), padded */
	static const uint8_t ind[] = { 0x06, 0, 0, 0 };
	/* extended indicator (v8-ansam..): two octets */
	static const uint8_t ext[] = { 0x20, 0x40, 0, 0 };
	/* v1+: data v21 (0xc0), 1 field hdlc-data present + 2 octets, then
	 * hdlc-fcs-OK-sig-end (4 << 3) without data */
	static const uint8_t d1[] = { 0xc0, 0x02, 0x80, 0x00, 0x01,
				      0xff, 0x13, 0x20, 0,    0 };
	/* v0: the same fields; a field without data takes half an octet */
	static const uint8_t d0[] = { 0xc0, 0x02, 0x80, 0x00, 0x01,
				      0xff, 0x13, 0x40, 0,    0 };
	/* v0: two fields without data share one octet */
	static const uint8_t h0[] = { 0xc0, 0x02, 0x10, 0, 0 };

	(void)state;
	assert_int_equal(media_t38_ifp_len(ind, sizeof(ind), 2), 1);
	assert_int_equal(media_t38_ifp_len(ext, sizeof(ext), 2), 2);
	assert_int_equal(media_t38_ifp_len(d1, sizeof(d1), 2), 8);
	assert_int_equal(media_t38_ifp_len(d0, sizeof(d0), 0), 8);
	assert_int_equal(media_t38_ifp_len(h0, sizeof(h0), 0), 3);
	/* cut short, bogus: 0 */
	assert_int_equal(media_t38_ifp_len(d1, 6, 2), 0);
	assert_int_equal(media_t38_ifp_len(d1, 1, 2), 0);
	assert_int_equal(media_t38_ifp_len(ext, 1, 2), 0);
	assert_int_equal(media_t38_ifp_len(NULL, 4, 2), 0);
	assert_int_equal(media_t38_ifp_len(ind, 0, 2), 0);
	static const uint8_t big[] = { 0xc0, 0x80, 0x01 };
	assert_int_equal(media_t38_ifp_len(big, sizeof(big), 2), 0);
	static const uint8_t longf[] = { 0xc0, 0x01, 0x80, 0xff, 0xff, 1 };
	assert_int_equal(media_t38_ifp_len(longf, sizeof(longf), 2), 0);
}

static void t_bad_options(void **state)
{
	struct opts o = { .ec = MEDIA_UDPTL_EC_REDUNDANCY };
	struct media_t38leg_cfg c;
	struct media_t38leg *l = NULL;
	struct side s = { 0 };
	uint8_t b[BLOCK];

	(void)state;
	c = leg_cfg(&o);
	assert_int_equal(media_t38leg_alloc(&c, NULL, &s, &l), EINVAL);
	assert_int_equal(media_t38leg_alloc(NULL, leg_send, &s, &l), EINVAL);
	c.ec = 7;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &l), EINVAL);
	c = leg_cfg(&o);
	c.depth_control = MEDIA_UDPTL_MAX_DEPTH + 1;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &l), EINVAL);
	c = leg_cfg(&o);
	c.fec_span = MEDIA_UDPTL_MAX_FEC_SPAN + 1;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &l), EINVAL);
	c = leg_cfg(&o);
	c.t38.max_datagram = 50;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &l), EINVAL);
	c = leg_cfg(&o);
	c.rx_max_datagram = 70000;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &l), EINVAL);
	c = leg_cfg(&o);
	c.t38.version = 4;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &l), EINVAL);
	c = leg_cfg(&o);
	c.t38.rate = (enum media_t38_rate)7;
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &l), EINVAL);
	assert_null(l);
	media_t38leg_free(NULL);
	assert_int_equal(media_t38leg_tdm(NULL, b, b, BLOCK), EINVAL);
	assert_int_equal(media_t38leg_udptl_in(NULL, b, 4), EINVAL);
	c = leg_cfg(&o);
	assert_int_equal(media_t38leg_alloc(&c, leg_send, &s, &l), 0);
	assert_int_equal(media_t38leg_tdm(l, b, b, MEDIA_T38_BLOCK * 4 + 1),
			 EINVAL);
	assert_int_equal(media_t38leg_udptl_in(l, b, 0), EBADMSG);
	media_t38leg_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_local_tcf_ecm),
		cmocka_unit_test(t_local_tcf_noecm_v27ter),
		cmocka_unit_test(t_local_tcf_bad_ftt),
		cmocka_unit_test(t_pass_ecm_redundancy),
		cmocka_unit_test(t_pass_ecm_alaw_v27ter),
		cmocka_unit_test(t_pass_noecm_v27ter),
		cmocka_unit_test(t_loss_redundancy),
		cmocka_unit_test(t_loss_fec),
		cmocka_unit_test(t_copies_no_ec),
		cmocka_unit_test(t_copies_redundancy),
		cmocka_unit_test(t_small_datagram),
		cmocka_unit_test(t_bad_datagrams),
		cmocka_unit_test(t_watchdog),
		cmocka_unit_test(t_gap_given_up),
		cmocka_unit_test(t_playout_delay),
		cmocka_unit_test(t_send_errors_counted),
		cmocka_unit_test(t_ifp_len),
		cmocka_unit_test(t_bad_options),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
