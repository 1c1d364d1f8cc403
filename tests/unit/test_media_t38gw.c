/* media/t38gw.c: a spandsp audio fax machine on the PSTN side and a
 * spandsp T.38 terminal on the IP side, joined by the gateway in memory,
 * in samples (far faster than real time). Faxes go both ways, ECM on and
 * off, T.38 version 0 and 2; pages are compared decoded; the results and
 * the phase trace are checked; bad packets and options are refused. */
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

#define PAGES 2
#define ROWS 300
#define BLOCK MEDIA_T38_BLOCK
#define LIMIT_BLOCKS (240 * 50) /* 4 minutes of line time at most */

static char doc[64], got[64];

static void make_doc(void)
{
	strcpy(doc, "/tmp/test_t38gw_doc.XXXXXX");
	close(mkstemp(doc));
	/* Seed 3: with seeds 1 and 2 spandsp 0.0.6's gateway takes the V.21
	 * post-page command after a V.29 page for V.29 training and its own
	 * report says the fax failed while it passed (README, Tests: fax
	 * simulation). t_modems_v29_only tests the modem choice, not that. */
	assert_int_equal(faxdoc_write(doc, PAGES, ROWS, 3), 0);
}

static int setup(void **state)
{
	(void)state;
	TIFFSetErrorHandler(NULL);
	TIFFSetWarningHandler(NULL);
	make_doc();
	strcpy(got, "/tmp/test_t38gw_got.XXXXXX");
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

/* ---- the IP side: packets in memory, and a T.38 terminal ---- */

#define NET_Q 256

struct pkt {
	uint16_t seq;
	uint16_t len;
	uint8_t buf[MEDIA_T38_IFP_MAX];
};

struct rig {
	struct media_t38gw *gw;
	fax_state_t *fax;	    /* the PSTN machine */
	t38_terminal_state_t *term; /* the fax server, NULL: none */
	t38_core_state_t *tcore;
	struct pkt net[NET_Q]; /* gateway -> terminal */
	unsigned net_n;
	unsigned max_dgram;
	/* checks on what the gateway sent */
	bool have_seq;
	uint16_t next_seq;
	unsigned seq_errors, too_long, copies_bad;
	uint16_t term_seq;
	unsigned drop_every, dup_every; /* impairments terminal -> gateway */
	unsigned n_term, pending_drops, drops_seen, dups;
	t38_core_state_t *spy; /* sees what the terminal sees */
	uint8_t v21[4096];     /* V.21 HDLC octets the spy saw */
	size_t v21_len;
	size_t non_ecm; /* non-ECM data octets the spy saw */
	bool fax_done, term_done;
	int fax_code, term_code;
	t30_stats_t fax_st, term_st;
};

static void gw_tx(void *arg, const uint8_t *ifp, size_t len, uint16_t seq,
		  unsigned copies)
{
	struct rig *r = arg;
	struct pkt *p;

	if (r->have_seq && seq != r->next_seq)
		r->seq_errors++;
	r->have_seq = true;
	r->next_seq = (uint16_t)(seq + 1);
	if (len > r->max_dgram)
		r->too_long++;
	if (copies < 1 || copies > 10)
		r->copies_bad++;
	if (!r->term || r->net_n == NET_Q)
		return;
	p = &r->net[r->net_n++];
	p->seq = seq;
	p->len = (uint16_t)len;
	memcpy(p->buf, ifp, len);
}

/* The terminal hands its packets straight to the gateway, from inside
 * spandsp: the gateway must only queue them. */
static int term_tx(t38_core_state_t *s, void *user, const uint8_t *buf, int len,
		   int count)
{
	struct rig *r = user;

	uint16_t seq = r->term_seq++;

	(void)s;
	(void)count;
	r->n_term++;
	if (r->drop_every && r->n_term % r->drop_every == 0) {
		r->pending_drops++;
		return 0;
	}
	r->drops_seen += r->pending_drops;
	r->pending_drops = 0;
	assert_int_equal(media_t38gw_ifp_in(r->gw, buf, (size_t)len, seq), 0);
	if (r->dup_every && r->n_term % r->dup_every == 0) {
		r->dups++;
		assert_int_equal(
			media_t38gw_ifp_in(r->gw, buf, (size_t)len, seq), 0);
	}
	return 0;
}

static void fax_phase_e(t30_state_t *s, void *user, int code)
{
	struct rig *r = user;

	r->fax_done = true;
	r->fax_code = code;
	t30_get_transfer_statistics(s, &r->fax_st);
}

static void term_phase_e(t30_state_t *s, void *user, int code)
{
	struct rig *r = user;

	r->term_done = true;
	r->term_code = code;
	t30_get_transfer_statistics(s, &r->term_st);
}

static void t30_setup(t30_state_t *t, bool ecm, bool send, const char *file)
{
	t30_set_ecm_capability(t, ecm);
	t30_set_supported_compressions(
		t, T30_SUPPORT_T4_1D_COMPRESSION |
			   T30_SUPPORT_T4_2D_COMPRESSION |
			   (ecm ? T30_SUPPORT_T6_COMPRESSION : 0));
	if (send)
		t30_set_tx_file(t, file, -1, -1);
	else
		t30_set_rx_file(t, file, -1);
}

struct opts {
	bool pstn_sends; /* else the fax server sends */
	bool ecm;
	unsigned version;
	bool no_terminal; /* the fax server never answers */
	unsigned modems;
	bool fill_bit_removal;
	enum media_t38_rate rate;
	unsigned max_dgram;
	bool nsx_suppress;
};

static struct rig *rig_new(const struct opts *o)
{
	struct media_t38_cfg cfg = { .version = o->version,
				     .ecm = o->ecm,
				     .modems = o->modems,
				     .rate = o->rate,
				     .fill_bit_removal = o->fill_bit_removal,
				     .max_datagram = o->max_dgram,
				     .nsx_suppress = o->nsx_suppress,
				     .tag = "call 7" };
	struct rig *r = calloc(1, sizeof(*r));
	t30_state_t *t;

	assert_non_null(r);
	r->max_dgram = o->max_dgram ? o->max_dgram : MEDIA_T38_DEFAULT_DGRAM;
	assert_int_equal(media_t38gw_alloc(&cfg, gw_tx, r, &r->gw), 0);
	/* the machine that sends also calls */
	r->fax = fax_init(NULL, o->pstn_sends);
	assert_non_null(r->fax);
	fax_set_transmit_on_idle(r->fax, 1);
	t = fax_get_t30_state(r->fax);
	t30_setup(t, o->ecm, o->pstn_sends, o->pstn_sends ? doc : got);
	t30_set_phase_e_handler(t, fax_phase_e, r);
	if (o->no_terminal)
		return r;
	r->term = t38_terminal_init(NULL, !o->pstn_sends, term_tx, r);
	assert_non_null(r->term);
	r->tcore = t38_terminal_get_t38_core_state(r->term);
	t38_set_t38_version(r->tcore, (int)o->version);
	t38_set_data_rate_management_method(
		r->tcore, o->rate == MEDIA_T38_TCF_LOCAL ? 1 : 2);
	t38_terminal_set_fill_bit_removal(r->term, o->fill_bit_removal);
	t = t38_terminal_get_t30_state(r->term);
	t30_setup(t, o->ecm, !o->pstn_sends, o->pstn_sends ? got : doc);
	t30_set_phase_e_handler(t, term_phase_e, r);
	return r;
}

static void rig_free(struct rig *r)
{
	media_t38gw_free(r->gw);
	fax_free(r->fax);
	if (r->term)
		t38_terminal_free(r->term);
	free(r);
}

/* Runs until both ends reported phase E (and a little more so the DCN
 * crosses), or the limit; returns blocks run. */
static unsigned run(struct rig *r, unsigned limit)
{
	int16_t from_gw[BLOCK] = { 0 }, to_gw[BLOCK];
	unsigned b, after = 0, i;
	int n;

	for (b = 0; b < limit; b++) {
		if (r->fax_done && (r->term_done || !r->term) && ++after > 50)
			break;
		fax_rx(r->fax, from_gw, BLOCK);
		n = fax_tx(r->fax, to_gw, BLOCK);
		if (n < BLOCK)
			memset(to_gw + n, 0, (BLOCK - n) * sizeof(*to_gw));
		assert_int_equal(
			media_t38gw_process(r->gw, to_gw, from_gw, BLOCK), 0);
		if (!r->term)
			continue;
		for (i = 0; i < r->net_n; i++) {
			t38_core_rx_ifp_packet(r->tcore, r->net[i].buf,
					       r->net[i].len, r->net[i].seq);
			if (r->spy)
				t38_core_rx_ifp_packet(r->spy, r->net[i].buf,
						       r->net[i].len,
						       r->net[i].seq);
		}
		r->net_n = 0;
		t38_terminal_send_timeout(r->term, BLOCK);
	}
	return b;
}

static void transfer(const struct opts *o, unsigned rate)
{
	struct rig *r = rig_new(o);
	struct media_t38_result res;

	run(r, LIMIT_BLOCKS);
	assert_true(r->fax_done);
	assert_true(r->term_done);
	assert_int_equal(r->fax_code, T30_ERR_OK);
	assert_int_equal(r->term_code, T30_ERR_OK);
	assert_int_equal(faxdoc_same_pages(doc, got), PAGES);
	media_t38gw_result(r->gw, &res);
	assert_true(res.done);
	assert_true(res.ok);
	assert_int_equal(res.code, 0);
	assert_string_equal(res.text, t30_completion_code_to_str(0));
	assert_int_equal(res.pages, PAGES);
	assert_int_equal(res.bit_rate, rate);
	assert_int_equal(res.ecm, o->ecm);
	assert_true(res.ifp_tx > 10);
	assert_true(res.ifp_tx_copies >= res.ifp_tx);
	assert_true(res.ifp_rx > 10);
	assert_int_equal(res.ifp_rx_bad, 0);
	assert_int_equal(res.ifp_rx_overflow, 0);
	assert_int_equal(res.ifp_rx_lost, 0);
	assert_int_equal(res.ifp_rx_repeat, 0);
	assert_true(res.frames >= 8);
	assert_int_equal(r->seq_errors, 0);
	assert_int_equal(r->too_long, 0);
	assert_int_equal(r->copies_bad, 0);
	if (getenv("T38_TRACE"))
		fputs(media_t38gw_trace(r->gw), stderr);
	/* the trace saw the session from DIS to DCN, both ways */
	assert_non_null(strstr(media_t38gw_trace(r->gw), "DIS"));
	assert_non_null(strstr(media_t38gw_trace(r->gw), "DCN"));
	assert_non_null(strstr(media_t38gw_trace(r->gw), "pstn->ip"));
	assert_non_null(strstr(media_t38gw_trace(r->gw), "ip->pstn"));
	rig_free(r);
}

static void t_pstn_to_ip_ecm_v0(void **state)
{
	struct opts o = { .pstn_sends = true, .ecm = true, .version = 0 };

	(void)state;
	transfer(&o, 14400);
}

static void t_pstn_to_ip_noecm_v0(void **state)
{
	struct opts o = { .pstn_sends = true, .ecm = false, .version = 0 };

	(void)state;
	transfer(&o, 14400);
}

static void t_pstn_to_ip_ecm_v2(void **state)
{
	struct opts o = { .pstn_sends = true, .ecm = true, .version = 2 };

	(void)state;
	transfer(&o, 14400);
}

static void t_pstn_to_ip_noecm_v2(void **state)
{
	struct opts o = { .pstn_sends = true, .ecm = false, .version = 2 };

	(void)state;
	transfer(&o, 14400);
}

static void t_ip_to_pstn_ecm_v0(void **state)
{
	struct opts o = { .pstn_sends = false, .ecm = true, .version = 0 };

	(void)state;
	transfer(&o, 14400);
}

static void t_ip_to_pstn_noecm_v0(void **state)
{
	struct opts o = { .pstn_sends = false, .ecm = false, .version = 0 };

	(void)state;
	transfer(&o, 14400);
}

static void t_ip_to_pstn_ecm_v2(void **state)
{
	struct opts o = { .pstn_sends = false, .ecm = true, .version = 2 };

	(void)state;
	transfer(&o, 14400);
}

static void t_ip_to_pstn_noecm_v2(void **state)
{
	struct opts o = { .pstn_sends = false, .ecm = false, .version = 2 };

	(void)state;
	transfer(&o, 14400);
}

/* The modem set offered limits the speed the machines pick. */
static void t_modems_v29_only(void **state)
{
	struct opts o = { .pstn_sends = true,
			  .ecm = true,
			  .modems = MEDIA_T38_V29 };

	(void)state;
	transfer(&o, 9600);
}

static void t_modems_v27ter_only(void **state)
{
	struct opts o = { .pstn_sends = false,
			  .ecm = false,
			  .modems = MEDIA_T38_V27TER };

	(void)state;
	transfer(&o, 4800);
}

static void t_fill_bit_removal(void **state)
{
	struct opts o = { .pstn_sends = true,
			  .ecm = false,
			  .version = 3,
			  .fill_bit_removal = true };

	(void)state;
	transfer(&o, 14400);
}

static void t_small_datagrams(void **state)
{
	struct opts o = {
		.pstn_sends = true, .ecm = true, .version = 1, .max_dgram = 160
	};

	(void)state;
	transfer(&o, 14400);
}

/* Nobody answers on the IP side: the fax fails, and the trace says what
 * the PSTN machine did meanwhile. */
static void t_no_receiver_keeps_trace(void **state)
{
	struct opts o = { .pstn_sends = true,
			  .ecm = true,
			  .no_terminal = true };
	struct rig *r = rig_new(&o);
	struct media_t38_result res;
	const char *trace;

	(void)state;
	run(r, 45 * 50);
	media_t38gw_result(r->gw, &res);
	assert_false(res.ok);
	assert_int_equal(res.code, T30_ERR_T1_EXPIRED);
	assert_string_equal(res.text,
			    t30_completion_code_to_str(T30_ERR_T1_EXPIRED));
	assert_int_equal(res.pages, 0);
	assert_true(res.ifp_tx > 0);
	assert_int_equal(res.ifp_rx, 0);
	assert_true(res.samples >= 45 * 8000);
	trace = media_t38gw_trace(r->gw);
	if (getenv("T38_TRACE"))
		fprintf(stderr, "code %d %s\n%s", res.code, res.text, trace);
	assert_non_null(strstr(trace, "call 7"));
	assert_non_null(strstr(trace, "T.38 v0 ecm=1"));
	/* spandsp's gateway sends no CNG indicator; its log shows the
	 * bursts (carrier up/down every 3.5 s) */
	assert_non_null(strstr(trace, "Carrier up"));
	rig_free(r);
}

/* A receiver that goes away mid-fax: the outcome is a failure code, not
 * success, and the trace ends with what happened last. */
static void t_cut_mid_fax(void **state)
{
	struct opts o = { .pstn_sends = true, .ecm = false };
	struct rig *r = rig_new(&o);
	struct media_t38_result res;

	(void)state;
	run(r, 12 * 50); /* into the first page */
	media_t38gw_result(r->gw, &res);
	assert_false(res.done);
	assert_false(res.ok);
	assert_int_equal(res.code, T30_ERR_CALLDROPPED);
	assert_non_null(strstr(media_t38gw_trace(r->gw), "DCS"));
	rig_free(r);
}

/* A small trace keeps the newest lines and says it dropped some. */
static void t_trace_bounded(void **state)
{
	struct media_t38_cfg cfg = { .trace_size = 512, .tag = "tiny" };
	struct rig *r = calloc(1, sizeof(*r));
	struct media_t38_result res;
	int16_t in[BLOCK], out[BLOCK];
	unsigned b;
	fax_state_t *f = fax_init(NULL, 1);

	(void)state;
	assert_non_null(r);
	r->max_dgram = MEDIA_T38_DEFAULT_DGRAM;
	assert_int_equal(media_t38gw_alloc(&cfg, gw_tx, r, &r->gw), 0);
	fax_set_transmit_on_idle(f, 1);
	t30_set_tx_file(fax_get_t30_state(f), doc, -1, -1);
	for (b = 0; b < 20 * 50; b++) {
		fax_rx(f, out, BLOCK);
		memset(in, 0, sizeof(in));
		fax_tx(f, in, BLOCK);
		media_t38gw_process(r->gw, in, out, BLOCK);
	}
	media_t38gw_result(r->gw, &res);
	assert_true(strlen(media_t38gw_trace(r->gw)) <= 512 + 128);
	assert_non_null(
		strstr(media_t38gw_trace(r->gw), "[earlier lines dropped]"));
	fax_free(f);
	media_t38gw_free(r->gw);
	free(r);
}

static void nop_tx(void *arg, const uint8_t *ifp, size_t len, uint16_t seq,
		   unsigned copies)
{
	(void)arg;
	(void)ifp;
	(void)len;
	(void)seq;
	(void)copies;
}

static void t_bad_input(void **state)
{
	struct media_t38_cfg cfg = { 0 };
	struct media_t38gw *g;
	struct media_t38_result res;
	uint8_t big[MEDIA_T38_IFP_MAX + 1] = { 0 };
	uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	int16_t in[BLOCK] = { 0 }, out[BLOCK];
	unsigned i;

	(void)state;
	cfg.version = 4;
	assert_int_equal(media_t38gw_alloc(&cfg, nop_tx, NULL, &g), EINVAL);
	cfg.version = 0;
	cfg.modems = 1u << 3; /* V.34 has no bit here */
	assert_int_equal(media_t38gw_alloc(&cfg, nop_tx, NULL, &g), EINVAL);
	cfg.modems = 0;
	cfg.max_datagram = 50;
	assert_int_equal(media_t38gw_alloc(&cfg, nop_tx, NULL, &g), EINVAL);
	cfg.max_datagram = 0;
	cfg.rate = (enum media_t38_rate)7;
	assert_int_equal(media_t38gw_alloc(&cfg, nop_tx, NULL, &g), EINVAL);
	cfg.rate = MEDIA_T38_TCF_TRANSFERRED;
	cfg.trace_size = 100;
	assert_int_equal(media_t38gw_alloc(&cfg, nop_tx, NULL, &g), EINVAL);
	cfg.trace_size = 0;
	assert_int_equal(media_t38gw_alloc(&cfg, NULL, NULL, &g), EINVAL);
	assert_int_equal(media_t38gw_alloc(&cfg, nop_tx, NULL, &g), 0);

	assert_int_equal(media_t38gw_ifp_in(g, big, 0, 1), EINVAL);
	assert_int_equal(media_t38gw_ifp_in(g, NULL, 3, 1), EINVAL);
	assert_int_equal(media_t38gw_ifp_in(g, big, sizeof(big), 1), EMSGSIZE);
	for (i = 0; i < MEDIA_T38_RXQ; i++)
		assert_int_equal(
			media_t38gw_ifp_in(g, junk, sizeof(junk), (uint16_t)i),
			0);
	assert_int_equal(media_t38gw_ifp_in(g, junk, sizeof(junk), 99),
			 ENOBUFS);
	assert_int_equal(media_t38gw_process(g, in, out, BLOCK), 0);
	assert_int_equal(media_t38gw_process(g, in, out, 10000), EINVAL);
	media_t38gw_result(g, &res);
	assert_int_equal(res.ifp_rx_overflow, 1);
	/* 3 refused at the door, 64 junk packets refused by spandsp */
	assert_int_equal(res.ifp_rx_bad, 3 + MEDIA_T38_RXQ);
	assert_int_equal(res.ifp_rx, 0);
	assert_non_null(strstr(media_t38gw_trace(g), "malformed IFP"));
	/* and it keeps working */
	assert_int_equal(media_t38gw_process(g, in, out, BLOCK), 0);
	assert_false(res.ok);
	media_t38gw_free(g);
	media_t38gw_free(NULL);
	assert_string_equal(media_t38_rate_name(MEDIA_T38_TCF_LOCAL),
			    "localTCF");
	assert_string_equal(media_t38_rate_name((enum media_t38_rate)9), "?");
}

/* NSF from the PSTN machine crosses to the IP side intact, or blanked
 * when suppression is on; the fax goes through either way. A spy T.38
 * core collects the V.21 octets that left on the IP side. */
static int spy_data(t38_core_state_t *s, void *user, int data_type,
		    int field_type, const uint8_t *buf, int len)
{
	struct rig *r = user;

	(void)s;
	if (field_type == T38_FIELD_T4_NON_ECM_DATA ||
	    field_type == T38_FIELD_T4_NON_ECM_SIG_END)
		r->non_ecm += len > 0 ? (size_t)len : 0;
	if (data_type == T38_DATA_V21 && field_type == T38_FIELD_HDLC_DATA &&
	    len > 0 && r->v21_len + (size_t)len <= sizeof(r->v21)) {
		/* T.38 carries bits in line order: back to spandsp's */
		bit_reverse(r->v21 + r->v21_len, buf, len);
		r->v21_len += (size_t)len;
	}
	return 0;
}

static int spy_ind(t38_core_state_t *s, void *user, int indicator)
{
	(void)s;
	(void)user;
	(void)indicator;
	return 0;
}

static int spy_missing(t38_core_state_t *s, void *user, int rx, int exp)
{
	(void)s;
	(void)user;
	(void)rx;
	(void)exp;
	return 0;
}

static const uint8_t nsf[] = { 0x00, 0x00, 0x0e, 0x11, 0x22,
			       0x33, 0x44, 0x55, 0x66, 0x77 };

/* What the NSF looked like on the IP side: its T.35 header octets. */
static bool nsf_crossed(bool suppress, const uint8_t *hdr)
{
	struct opts o = { .pstn_sends = false,
			  .ecm = true,
			  .nsx_suppress = suppress };
	struct rig *r = rig_new(&o);
	uint8_t want[sizeof(nsf)];
	bool found = false;
	size_t i;

	memcpy(want, nsf, sizeof(nsf));
	memcpy(want, hdr, 3);
	r->spy = t38_core_init(NULL, spy_ind, spy_data, spy_missing, r, NULL,
			       NULL);
	assert_non_null(r->spy);
	t30_set_tx_nsf(fax_get_t30_state(r->fax), nsf, sizeof(nsf));
	run(r, LIMIT_BLOCKS);
	assert_int_equal(r->fax_code, T30_ERR_OK);
	assert_int_equal(r->term_code, T30_ERR_OK);
	assert_true(r->v21_len > 10);
	for (i = 0; i + sizeof(want) <= r->v21_len; i++)
		if (!memcmp(r->v21 + i, want, sizeof(want)))
			found = true;
	t38_core_free(r->spy);
	rig_free(r);
	return found;
}

static void t_nsx_suppression(void **state)
{
	static const uint8_t blanked[3] = { 0xff, 0x00, 0x00 };

	(void)state;
	assert_true(nsf_crossed(false, nsf));
	assert_false(nsf_crossed(false, blanked));
	assert_true(nsf_crossed(true, blanked));
	assert_false(nsf_crossed(true, nsf));
}

/* With ECM the only non-ECM data on the IP side is TCF: it crosses
 * (transferredTCF). localTCF is accepted (t38tcf.c's shim). */
static void t_tcf_transferred(void **state)
{
	struct opts o = { .pstn_sends = true, .ecm = true };
	struct media_t38_cfg cfg = { .rate = MEDIA_T38_TCF_LOCAL };
	struct media_t38_cfg bad = { .rate = (enum media_t38_rate)9 };
	struct media_t38gw *g = NULL;
	struct rig *r = rig_new(&o);

	(void)state;
	r->spy = t38_core_init(NULL, spy_ind, spy_data, spy_missing, r, NULL,
			       NULL);
	assert_non_null(r->spy);
	run(r, LIMIT_BLOCKS);
	assert_int_equal(r->fax_code, T30_ERR_OK);
	assert_int_equal(r->term_code, T30_ERR_OK);
	/* 1.5 s of zeros at 14400 bit/s is 2700 octets */
	assert_true(r->non_ecm >= 2000);
	t38_core_free(r->spy);
	rig_free(r);
	assert_int_equal(media_t38gw_alloc(&bad, nop_tx, NULL, &g), EINVAL);
	assert_null(g);
	assert_int_equal(media_t38gw_alloc(&cfg, nop_tx, NULL, &g), 0);
	assert_non_null(g);
	media_t38gw_free(g);
}

/* Packets the UDPTL layer could not recover, and repeats: counted, and
 * the session still ends within bounds. */
static void t_loss_and_repeats_counted(void **state)
{
	struct opts o = { .pstn_sends = true, .ecm = true };
	struct rig *r = rig_new(&o);
	struct media_t38_result res;

	(void)state;
	r->drop_every = 23;
	r->dup_every = 7;
	run(r, LIMIT_BLOCKS);
	media_t38gw_result(r->gw, &res);
	assert_true(r->drops_seen > 0);
	assert_true(r->dups > 0);
	assert_int_equal(res.ifp_rx_lost, r->drops_seen);
	assert_int_equal(res.ifp_rx_repeat, r->dups);
	assert_int_equal(res.ifp_rx_bad, 0);
	/* the gateway's verdict agrees with the endpoints' */
	assert_int_equal(res.ok, r->fax_code == T30_ERR_OK &&
					 r->term_code == T30_ERR_OK);
	rig_free(r);
}

/* A DIS from the IP side that offers V.8 (the way into V.34) and V.17:
 * the PSTN machine hears it without the V.8 bit, and with only the image
 * modems we allow. The audio is demodulated here to see what went out. */
struct dis_catch {
	uint8_t frame[64];
	int len;
};

static void dis_frame(void *user, const uint8_t *pkt, int len, int ok)
{
	struct dis_catch *c = user;

	if (pkt && ok && len >= 5 && len <= (int)sizeof(c->frame) &&
	    pkt[2] == T30_DIS) {
		memcpy(c->frame, pkt, (size_t)len);
		c->len = len;
	}
}

static int core_tx(t38_core_state_t *s, void *user, const uint8_t *buf, int len,
		   int count)
{
	struct media_t38gw *g = user;
	static uint16_t seq;

	(void)s;
	(void)count;
	media_t38gw_ifp_in(g, buf, (size_t)len, seq++);
	return 0;
}

static void t_dis_edited(void **state)
{
	/* address, control, DIS, then octets 3.. in spandsp bit order:
	 * octet 3 bit 6 is "V.8 capabilities", octet 4 holds the modems */
	uint8_t dis[] = { 0xff, 0x13, T30_DIS, 0x20, 0x2c | 0x40, 0xf4, 0x00 };
	uint8_t rev[sizeof(dis)];
	struct media_t38_cfg cfg = { .modems = MEDIA_T38_V27TER };
	struct media_t38gw *g;
	t38_core_state_t *peer;
	struct dis_catch c = { .len = 0 };
	hdlc_rx_state_t *hdlc = hdlc_rx_init(NULL, 0, 0, 5, dis_frame, &c);
	fsk_rx_state_t *fsk = fsk_rx_init(
		NULL, &preset_fsk_specs[FSK_V21CH2], FSK_FRAME_MODE_SYNC,
		(put_bit_func_t)hdlc_rx_put_bit, hdlc);
	int16_t in[BLOCK] = { 0 }, out[BLOCK];
	unsigned b;

	(void)state;
	assert_int_equal(media_t38gw_alloc(&cfg, nop_tx, NULL, &g), 0);
	peer = t38_core_init(NULL, NULL, NULL, NULL, NULL, core_tx, g);
	assert_non_null(peer);
	bit_reverse(rev, dis, sizeof(dis));
	t38_core_send_indicator(peer, T38_IND_V21_PREAMBLE);
	for (b = 0; b < 150 && !c.len; b++) {
		if (b == 10) {
			t38_core_send_data(peer, T38_DATA_V21,
					   T38_FIELD_HDLC_DATA, rev,
					   (int)sizeof(rev),
					   T38_PACKET_CATEGORY_CONTROL_DATA);
			t38_core_send_data(
				peer, T38_DATA_V21,
				T38_FIELD_HDLC_FCS_OK_SIG_END, NULL, 0,
				T38_PACKET_CATEGORY_CONTROL_DATA_END);
		}
		assert_int_equal(media_t38gw_process(g, in, out, BLOCK), 0);
		fsk_rx(fsk, out, BLOCK);
	}
	assert_int_equal(c.len, (int)sizeof(dis));
	assert_int_equal(c.frame[3] & 0x20, 0);	   /* no V.8 */
	assert_int_equal(c.frame[4] & 0x3c, 0x08); /* V.27ter only */
	assert_int_equal(c.frame[4] & 0x40, 0x40); /* the rest untouched */
	assert_memory_equal(c.frame + 5, dis + 5, 2);
	fsk_rx_free(fsk);
	hdlc_rx_free(hdlc);
	t38_core_free(peer);
	media_t38gw_free(g);
}

/* G.711 octets in and out, as the span carries them. */
static void t_law(void **state)
{
	struct media_t38_cfg cfg = { 0 };
	struct media_t38gw *g;
	uint8_t in[BLOCK], out[BLOCK];
	struct media_t38_result res;

	(void)state;
	assert_int_equal(media_t38gw_alloc(&cfg, nop_tx, NULL, &g), 0);
	memset(in, media_law_silence(MEDIA_LAW_ALAW), sizeof(in));
	assert_int_equal(
		media_t38gw_process_law(g, MEDIA_LAW_ALAW, in, out, BLOCK), 0);
	media_t38gw_result(g, &res);
	assert_int_equal(res.samples, BLOCK);
	media_t38gw_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_pstn_to_ip_ecm_v0),
		cmocka_unit_test(t_pstn_to_ip_noecm_v0),
		cmocka_unit_test(t_pstn_to_ip_ecm_v2),
		cmocka_unit_test(t_pstn_to_ip_noecm_v2),
		cmocka_unit_test(t_ip_to_pstn_ecm_v0),
		cmocka_unit_test(t_ip_to_pstn_noecm_v0),
		cmocka_unit_test(t_ip_to_pstn_ecm_v2),
		cmocka_unit_test(t_ip_to_pstn_noecm_v2),
		cmocka_unit_test(t_modems_v29_only),
		cmocka_unit_test(t_modems_v27ter_only),
		cmocka_unit_test(t_fill_bit_removal),
		cmocka_unit_test(t_small_datagrams),
		cmocka_unit_test(t_no_receiver_keeps_trace),
		cmocka_unit_test(t_cut_mid_fax),
		cmocka_unit_test(t_trace_bounded),
		cmocka_unit_test(t_bad_input),
		cmocka_unit_test(t_law),
		cmocka_unit_test(t_tcf_transferred),
		cmocka_unit_test(t_loss_and_repeats_counted),
		cmocka_unit_test(t_nsx_suppression),
		cmocka_unit_test(t_dis_edited),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
