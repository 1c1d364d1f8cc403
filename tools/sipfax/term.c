/*
 * sipfax's fax terminal (see term.h): spandsp's fax_state_t on audio or
 * t38_terminal_state_t on UDPTL, one at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <spandsp.h>

#include "media/fax.h"
#include "tools/sipfax/term.h"
#include "tools/faxdoc/faxdoc.h"

#define SF_MAX_IFP 1024
#define SF_UDPTL_WINDOW 3

struct sf_term {
	struct sf_term_cfg cfg;
	char file[4096];
	char ident[21];
	enum sf_mode mode;
	fax_state_t *fax;
	t38_terminal_state_t *t38;
	struct media_udptl *udptl;
	modem_connect_tones_rx_state_t *answer_det;
	bool answer_heard;
	unsigned version; /* T.38 version in use */
	sf_term_send_fn send;
	void *send_arg;
	uint64_t send_errors;
	bool done;
	int code;
	int pages_in_file;
	t30_stats_t stats;
	/* counters of T.38 sessions ended by a restart are kept here */
	uint64_t bad_outside;
	/* localTCF: the terminal behind media's shim, on T.38 time */
	bool local_tcf;
	struct media_t38tcf tcf;
	uint64_t now; /* samples of T.38 time */
};

static const char *const mode_names[] = {
	[SF_MODE_NONE] = "none",
	[SF_MODE_AUDIO] = "g711",
	[SF_MODE_T38] = "t38",
};

const char *sf_mode_name(enum sf_mode m)
{
	return (unsigned)m < sizeof(mode_names) / sizeof(mode_names[0])
		       ? mode_names[m]
		       : "?";
}

static void log_line(int level, const char *text)
{
	fprintf(stderr, "sipfax spandsp: %s", text);
}

static void phase_e(t30_state_t *t30, void *user, int code)
{
	struct sf_term *t = user;

	if (t->done)
		return;
	t30_get_transfer_statistics(t30, &t->stats);
	t->code = code;
	t->done = true;
}

struct sf_term *sf_term_alloc(const struct sf_term_cfg *cfg, char *err,
			      size_t errlen)
{
	struct sf_term *t;
	int pages = -1;

	if (!cfg->file || strlen(cfg->file) >= sizeof(t->file)) {
		snprintf(err, errlen, "bad file name");
		return NULL;
	}
	if (cfg->send) {
		pages = faxdoc_pages(cfg->file, err, errlen);
		if (pages < 0)
			return NULL;
	} else if (faxdoc_creatable(cfg->file, true, err, errlen)) {
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->cfg = *cfg;
	snprintf(t->file, sizeof(t->file), "%s", cfg->file);
	t->cfg.file = t->file;
	if (cfg->ident) {
		snprintf(t->ident, sizeof(t->ident), "%s", cfg->ident);
		t->cfg.ident = t->ident;
	}
	t->pages_in_file = pages;
	return t;
}

/* Drops whichever engine runs; its UDPTL counters are lost with it, so a
 * T.38 session is only ever replaced before any page (see sipfax.c). */
static void engine_free(struct sf_term *t)
{
	if (t->fax)
		fax_free(t->fax);
	if (t->t38)
		t38_terminal_free(t->t38);
	if (t->answer_det)
		modem_connect_tones_rx_free(t->answer_det);
	media_udptl_free(t->udptl);
	t->fax = NULL;
	t->t38 = NULL;
	t->udptl = NULL;
	t->answer_det = NULL;
	t->mode = SF_MODE_NONE;
}

void sf_term_free(struct sf_term *t)
{
	if (!t)
		return;
	engine_free(t);
	free(t);
}

enum sf_mode sf_term_mode(const struct sf_term *t)
{
	return t->mode;
}

static void t30_setup(struct sf_term *t, t30_state_t *t30)
{
	logging_state_t *ls;

	if (t->cfg.ident)
		t30_set_tx_ident(t30, t->cfg.ident);
	t30_set_ecm_capability(t30, t->cfg.ecm);
	/* T.6 needs ECM; spandsp negotiates down from what both offer */
	t30_set_supported_compressions(
		t30, T30_SUPPORT_T4_1D_COMPRESSION |
			     T30_SUPPORT_T4_2D_COMPRESSION |
			     (t->cfg.ecm ? T30_SUPPORT_T6_COMPRESSION : 0));
	if (t->cfg.send)
		t30_set_tx_file(t30, t->file, -1, -1);
	else
		t30_set_rx_file(t30, t->file, -1);
	t30_set_phase_e_handler(t30, phase_e, t);
	if (t->cfg.verbose) {
		ls = t30_get_logging_state(t30);
		span_log_set_level(ls, SPAN_LOG_FLOW | SPAN_LOG_SHOW_TAG);
		span_log_set_tag(ls, t->cfg.send ? "send" : "recv");
		span_log_set_message_handler(ls, log_line);
	}
}

static void answer_tone(void *user, int code, int level, int delay)
{
	struct sf_term *t = user;

	if (code == MODEM_CONNECT_TONES_FAX_CED ||
	    code == MODEM_CONNECT_TONES_FAX_PREAMBLE)
		t->answer_heard = true;
}

int sf_term_start_audio(struct sf_term *t)
{
	engine_free(t);
	t->done = false;
	t->fax = fax_init(NULL, t->cfg.calling);
	if (!t->fax)
		return ENOMEM;
	/* a real machine keeps its line busy with silence between signals */
	fax_set_transmit_on_idle(t->fax, 1);
	fax_set_tep_mode(t->fax, 0);
	t30_setup(t, fax_get_t30_state(t->fax));
	if (t->cfg.calling) {
		t->answer_det = modem_connect_tones_rx_init(
			NULL, MODEM_CONNECT_TONES_FAX_CED_OR_PREAMBLE,
			answer_tone, t);
		if (!t->answer_det) {
			engine_free(t);
			return ENOMEM;
		}
	}
	t->mode = SF_MODE_AUDIO;
	return 0;
}

/* Indicators and V.21 (T.30 control) data are few and vital: deeper
 * redundancy. IFP octet 0: 0x40 set = data; data type in bits 1..4 with
 * 0 = V.21 (spandsp's encoding of T.38 clause 7.3 as aligned PER). */
static enum media_udptl_kind ifp_kind(const uint8_t *buf, int len)
{
	if (len < 1 || !(buf[0] & 0x40))
		return MEDIA_UDPTL_CONTROL;
	if ((buf[0] & 0x20) == 0 && ((buf[0] >> 1) & 0x0f) == T38_DATA_V21)
		return MEDIA_UDPTL_CONTROL;
	return MEDIA_UDPTL_IMAGE;
}

static int t38_tx(t38_core_state_t *core, void *user, const uint8_t *buf,
		  int len, int count)
{
	struct sf_term *t = user;
	uint8_t pkt[2048];
	size_t n;
	int copies;

	/* localTCF: our TCF is checked by the shim and not sent */
	if (len > 0 && t->local_tcf &&
	    !media_t38tcf_tx(&t->tcf, buf, (size_t)len))
		return 0;
	if (len <= 0 || !t->udptl ||
	    media_udptl_send(t->udptl, buf, (size_t)len, ifp_kind(buf, len),
			     pkt, sizeof(pkt), &n))
		return -1;
	/* without UDPTL redundancy spandsp's own repeat count protects the
	 * packet: copies with the same sequence number (T.38 9.1) */
	copies = count < 1 ? 1 : count;
	if (copies > 4)
		copies = 4;
	for (int i = 0; i < copies; i++)
		if (t->send(t->send_arg, pkt, n))
			t->send_errors++;
	return 0;
}

static void core_in(void *arg, const uint8_t *ifp, size_t len, uint16_t seq)
{
	struct sf_term *t = arg;

	t38_core_rx_ifp_packet(t38_terminal_get_t38_core_state(t->t38), ifp,
			       (int)len, seq);
}

static void udptl_deliver(void *arg, uint16_t seq, const uint8_t *ifp,
			  size_t len, bool recovered)
{
	struct sf_term *t = arg;
	size_t own;

	/* parity FEC carries no length: a repaired IFP is zero padded to the
	 * longest of its group, and spandsp refuses the padding */
	if (recovered) {
		own = media_t38_ifp_len(ifp, len, t->version);
		if (own)
			len = own;
	}
	if (t->t38 && t->local_tcf)
		media_t38tcf_rx(&t->tcf, ifp, len, seq, t->now, core_in, t);
	else if (t->t38)
		core_in(t, ifp, len, seq);
}

int sf_term_start_t38(struct sf_term *t, const struct sf_t38_params *p,
		      sf_term_send_fn send, void *arg)
{
	struct media_udptl_cfg uc = {
		.ec = p->ec,
		.depth_control = p->redundancy,
		/* image data is many and late is useless: shallower */
		.depth_image = p->redundancy > 1 ? 1 : p->redundancy,
		.fec_span = 3,
		.fec_entries = 3,
		.max_datagram = p->max_datagram ? p->max_datagram : 1400,
		.max_ifp = SF_MAX_IFP,
		.rx_max_datagram = p->rx_max_datagram,
		.window = SF_UDPTL_WINDOW,
		.deliver = udptl_deliver,
		.arg = t,
	};
	t38_core_state_t *core;
	int err;

	if (p->version > 3 || !send || p->redundancy > MEDIA_UDPTL_MAX_DEPTH)
		return EINVAL;
	if (uc.max_datagram < 16)
		uc.max_datagram = 16;
	if (uc.max_ifp > uc.max_datagram)
		uc.max_ifp = uc.max_datagram;
	engine_free(t);
	t->done = false;
	t->answer_heard = false;
	err = media_udptl_alloc(&uc, &t->udptl);
	if (err)
		return err;
	t->send = send;
	t->send_arg = arg;
	t->t38 = t38_terminal_init(NULL, t->cfg.calling, t38_tx, t);
	if (!t->t38) {
		engine_free(t);
		return ENOMEM;
	}
	core = t38_terminal_get_t38_core_state(t->t38);
	t38_set_t38_version(core, (int)p->version);
	t->version = p->version;
	t->local_tcf = p->local_tcf;
	t->now = 0;
	media_t38tcf_init(&t->tcf, p->version);
	t38_set_data_rate_management_method(
		core, p->local_tcf ? T38_DATA_RATE_MANAGEMENT_LOCAL_TCF
				   : T38_DATA_RATE_MANAGEMENT_TRANSFERRED_TCF);
	t38_terminal_set_fill_bit_removal(t->t38, p->fill_bit_removal);
	if (p->max_bitrate)
		t38_set_fastest_image_data_rate(core, (int)p->max_bitrate);
	if (p->ec != MEDIA_UDPTL_EC_NONE)
		for (int c = T38_PACKET_CATEGORY_INDICATOR;
		     c <= T38_PACKET_CATEGORY_IMAGE_DATA_END; c++)
			t38_set_redundancy_control(core, c, 1);
	t38_terminal_set_tep_mode(t->t38, 0);
	t30_setup(t, t38_terminal_get_t30_state(t->t38));
	t->mode = SF_MODE_T38;
	return 0;
}

void sf_term_audio(struct sf_term *t, const int16_t *rx, int16_t *tx, size_t n)
{
	int got = 0;

	if (t->fax) {
		/* spandsp's rx takes a non-const buffer it does not keep */
		fax_rx(t->fax, (int16_t *)rx, (int)n);
		if (t->answer_det && !t->answer_heard)
			modem_connect_tones_rx(t->answer_det, rx, (int)n);
		got = fax_tx(t->fax, tx, (int)n);
		if (got < 0)
			got = 0;
	}
	if ((size_t)got < n)
		memset(tx + got, 0, (n - (size_t)got) * sizeof(*tx));
}

bool sf_term_answer_heard(const struct sf_term *t)
{
	return t->answer_heard;
}

void sf_term_t38_tick(struct sf_term *t, size_t n)
{
	t->now += n;
	if (t->t38 && t->local_tcf)
		media_t38tcf_tick(&t->tcf, t->now, core_in, t);
	if (t->t38)
		t38_terminal_send_timeout(t->t38, (int)n);
}

int sf_term_udptl_in(struct sf_term *t, const uint8_t *pkt, size_t len)
{
	if (!t->udptl) {
		t->bad_outside++;
		return EAGAIN;
	}
	return media_udptl_recv(t->udptl, pkt, len);
}

bool sf_term_done(const struct sf_term *t, struct sf_term_result *r)
{
	if (!t->done)
		return false;
	memset(r, 0, sizeof(*r));
	r->mode = t->mode;
	r->code = t->code;
	r->text = t30_completion_code_to_str(t->code);
	r->pages = t->cfg.send ? t->stats.pages_tx : t->stats.pages_rx;
	r->pages_in_file = t->pages_in_file;
	r->bit_rate = t->stats.bit_rate;
	r->ecm = t->stats.error_correcting_mode != 0;
	if (t->udptl) {
		const struct media_udptl_stats *s = media_udptl_stats(t->udptl);

		r->pkts_tx = s->pkts_out;
		r->pkts_rx = s->pkts_in;
		r->recovered = s->rec_red + s->rec_fec;
		r->lost = s->lost;
		r->bad = s->bad_total;
	}
	r->local_tcf = t->mode == SF_MODE_T38 && t->local_tcf;
	r->tcf = t->tcf.st;
	return true;
}

void sf_term_stop(struct sf_term *t)
{
	t30_state_t *t30 = NULL;

	if (!t || t->done)
		return;
	if (t->fax)
		t30 = fax_get_t30_state(t->fax);
	else if (t->t38)
		t30 = t38_terminal_get_t30_state(t->t38);
	if (t->udptl)
		media_udptl_flush(t->udptl);
	/* spandsp reports phase E from here, as call dropped */
	if (t30)
		t30_terminate(t30);
	if (!t->done) {
		if (t30)
			t30_get_transfer_statistics(t30, &t->stats);
		t->code = T30_ERR_CALLDROPPED;
		t->done = true;
	}
}

bool sf_term_result_ok(const struct sf_term_result *r, bool send)
{
	if (r->code != T30_ERR_OK || r->pages < 1)
		return false;
	return !send || r->pages == r->pages_in_file;
}
