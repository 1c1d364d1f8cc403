/* Per-call T.38 gateway: spandsp's t38_gateway demodulates the PSTN fax
 * machine's audio into T.38 IFP packets and remodulates the packets of
 * the IP side into audio. Around it this file keeps what a gateway
 * operator needs and spandsp leaves to its user:
 *
 * - our own 16-bit IFP sequence number for what we send (spandsp asks for
 *   several copies of one packet: they share a number);
 * - a fixed queue of received packets, delivered at the start of each
 *   audio block and never from inside a spandsp callback (a test, or a
 *   looped-back peer, may hand us a packet from within our own tx
 *   callback);
 * - the fax's outcome: spandsp's gateway runs no T.30 engine of its own,
 *   so the completion code is inferred from the T.30 control frames
 *   passing through (the real-time frame handler), named with spandsp's
 *   t30 codes so reports read like an endpoint's;
 * - a bounded phase trace: those frames plus spandsp's flow log, kept
 *   for an operator when a fax fails.
 *
 * spandsp's log handlers take no user pointer, so the object currently
 * inside a spandsp call is kept in a thread-local variable: spandsp only
 * logs synchronously from calls we make. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#include "media/fax.h"
#include "media/priv.h"

#define T1_SAMPLES (35 * MEDIA_RATE) /* T.30 T1: no first message */
#define TRACE_LINE 256

struct rxq_ent {
	uint16_t seq;
	uint16_t len;
	uint8_t buf[MEDIA_T38_IFP_MAX];
};

struct ring {
	char *buf;
	size_t size, pos, used;
	bool wrapped;
};

/* Owned by the call that allocated it. */
struct media_t38gw {
	struct media_t38_cfg cfg;
	char tag[32];
	t38_gateway_state_t *gw;
	t38_core_state_t *core;
	media_t38_tx_fn tx;
	void *arg;
	uint16_t tx_seq;
	bool have_rx_seq;
	uint16_t rx_next; /* sequence number expected next */

	struct rxq_ent q[MEDIA_T38_RXQ];
	unsigned q_head, q_n;

	struct media_t30mon mon; /* T.30 as seen passing through */

	struct media_t38_result st;

	/* phase trace: the T.30 frames, and spandsp's flow log, each in a
	 * byte ring keeping the newest lines */
	struct ring frames, flow;
	char *lin; /* both laid out for media_t38gw_trace() */
	size_t lin_size;

	int16_t pin[MEDIA_T38_BLOCK * 4], pout[MEDIA_T38_BLOCK * 4];
};

static _Thread_local struct media_t38gw *cur_gw;

static const char *const rate_names[] = {
	[MEDIA_T38_TCF_TRANSFERRED] = "transferredTCF",
	[MEDIA_T38_TCF_LOCAL] = "localTCF",
};

const char *media_t38_rate_name(enum media_t38_rate r)
{
	if ((unsigned)r > MEDIA_T38_TCF_LOCAL)
		return "?";
	return rate_names[r];
}

static void ring_put(struct ring *r, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		r->buf[r->pos] = s[i];
		r->pos = (r->pos + 1) % r->size;
	}
	r->used += n;
	if (r->used > r->size) {
		r->used = r->size;
		r->wrapped = true;
	}
}

static void trace_line(struct media_t38gw *g, struct ring *r, const char *text)
{
	char line[TRACE_LINE];
	size_t n;
	int k;

	k = snprintf(line, sizeof(line), "%s %7.2f %s", g->tag,
		     (double)g->st.samples / MEDIA_RATE, text);
	if (k < 0)
		return;
	n = (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1;
	if (n && line[n - 1] != '\n') {
		if (n == sizeof(line) - 1)
			n--;
		line[n++] = '\n';
	}
	ring_put(r, line, n);
}

__attribute__((format(printf, 2, 3))) static void
trace_fmt(struct media_t38gw *g, const char *fmt, ...)
{
	char text[TRACE_LINE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	trace_line(g, &g->frames, text);
}

static void span_msg(int level, const char *text)
{
	(void)level;
	/* ECM image frames say nothing about the phases and would push
	 * everything else out */
	if (cur_gw && !strstr(text, "type FCD"))
		trace_line(cur_gw, &cur_gw->flow, text);
}

/* spandsp hands us each complete, CRC-good control frame; from_pstn is
 * true for frames the PSTN machine sent. */
static void frame_seen(t38_gateway_state_t *s, void *user, int from_pstn,
		       const uint8_t *msg, int len)
{
	struct media_t38gw *g = user;

	(void)s;
	if (len < 3)
		return;
	g->st.frames++;
	trace_fmt(g, "%s %s", from_pstn ? "pstn->ip" : "ip->pstn",
		  t30_frametype(msg[2]));
	media_t30mon_frame(&g->mon, msg, (size_t)len);
}

/* Indicators (CNG, CED, preambles, trainings) are the phases' signals:
 * they go to the frame trace. An IFP starting with two zero bits is a
 * t30-indicator; the four bits below are its value (T.38 annex A; the
 * extension bit, for V.8/V.34 indicators of version 2 and up, is not
 * decoded). */
static void trace_indicator(struct media_t38gw *g, const uint8_t *buf,
			    size_t len, bool from_pstn)
{
	if (len < 1 || (buf[0] & 0xC0))
		return;
	media_t30mon_indicator(&g->mon, (buf[0] >> 1) & 0x0F);
	trace_fmt(g, "%s indicator %s", from_pstn ? "pstn->ip" : "ip->pstn",
		  t38_indicator_to_str((buf[0] >> 1) & 0x0F));
}

static int tx_packet(t38_core_state_t *s, void *user, const uint8_t *buf,
		     int len, int count)
{
	struct media_t38gw *g = user;
	uint16_t seq = g->tx_seq++;

	(void)s;
	if (len <= 0)
		return 0;
	if (count < 1)
		count = 1; /* spandsp's 0 means "indicators off": not ours */
	g->st.ifp_tx++;
	trace_indicator(g, buf, (size_t)len, true);
	g->st.ifp_tx_copies += (uint64_t)count;
	g->tx(g->arg, buf, (size_t)len, seq, (unsigned)count);
	return 0;
}

static int check_cfg(const struct media_t38_cfg *c)
{
	if (c->version > 3 || (c->modems & ~(unsigned)MEDIA_T38_MODEMS_ALL) ||
	    (unsigned)c->rate > MEDIA_T38_TCF_LOCAL)
		return EINVAL;
	if (c->max_datagram &&
	    (c->max_datagram < MEDIA_T38_MIN_DGRAM || c->max_datagram > 65535))
		return EINVAL;
	if (c->trace_size && c->trace_size < 256)
		return EINVAL;
	/* spandsp 0.0.6's gateway always relays TCF, whatever the core's
	 * rate management method says (measured: the same TCF octets cross
	 * either way). T.38 requires transferredTCF over UDP anyway, so the
	 * SDP answer must say transferredTCF. */
	if (c->rate == MEDIA_T38_TCF_LOCAL)
		return ENOTSUP;
	return 0;
}

static void set_logging(logging_state_t *ls, int level)
{
	span_log_set_level(ls, level);
	span_log_set_message_handler(ls, span_msg);
}

static void configure(struct media_t38gw *g)
{
	static const uint8_t blank[16] = { 0xff };
	const struct media_t38_cfg *c = &g->cfg;
	unsigned m = c->modems ? c->modems : MEDIA_T38_MODEMS_ALL;
	int sm = 0;

	if (m & MEDIA_T38_V27TER)
		sm |= T30_SUPPORT_V27TER;
	if (m & MEDIA_T38_V29)
		sm |= T30_SUPPORT_V29;
	if (m & MEDIA_T38_V17)
		sm |= T30_SUPPORT_V17;
	/* Never T30_SUPPORT_V34HDX; spandsp also clears the V.8 bit of
	 * every DIS passing through, so no machine is tempted into V.34. */
	t38_gateway_set_supported_modems(g->gw, sm);
	t38_gateway_set_ecm_capability(g->gw, c->ecm);
	t38_gateway_set_transmit_on_idle(g->gw, 1);
	t38_gateway_set_tep_mode(g->gw, 0);
	t38_gateway_set_fill_bit_removal(g->gw, c->fill_bit_removal);
	/* spandsp overwrites the first len octets after the FCF when len is
	 * below 10 (with its own 0xFF 00 00 ..., whatever is passed) and
	 * leaves NSx alone otherwise. Three octets are the T.35 country and
	 * provider codes: no machine recognises its maker any more. */
	if (c->nsx_suppress)
		t38_gateway_set_nsx_suppression(g->gw, blank, 3, blank, 3);
	else
		t38_gateway_set_nsx_suppression(g->gw, blank, 10, blank, 10);
	t38_set_t38_version(g->core, (int)c->version);
	t38_set_data_rate_management_method(
		g->core, T38_DATA_RATE_MANAGEMENT_TRANSFERRED_TCF);
	t38_set_fill_bit_removal(g->core, c->fill_bit_removal);
	t38_set_max_datagram_size(
		g->core, (int)(c->max_datagram ? c->max_datagram
					       : MEDIA_T38_DEFAULT_DGRAM));
	t38_set_sequence_number_handling(g->core, 1);
	t38_gateway_set_real_time_frame_handler(g->gw, frame_seen, g);
	/* the gateway's flow tells the phases; the core's flow is every
	 * packet in hex, so only its complaints are kept */
	set_logging(t38_gateway_get_logging_state(g->gw), SPAN_LOG_FLOW);
	set_logging(t38_core_get_logging_state(g->core),
		    SPAN_LOG_PROTOCOL_WARNING);
}

int media_t38gw_alloc(const struct media_t38_cfg *cfg, media_t38_tx_fn tx,
		      void *arg, struct media_t38gw **out)
{
	struct media_t38gw *g;
	struct media_t38gw *saved = cur_gw;
	size_t size;
	int err;

	if (!cfg || !tx || !out)
		return EINVAL;
	err = check_cfg(cfg);
	if (err)
		return err;
	g = calloc(1, sizeof(*g));
	if (!g)
		return ENOMEM;
	g->cfg = *cfg;
	snprintf(g->tag, sizeof(g->tag), "%s", cfg->tag ? cfg->tag : "t38");
	g->cfg.tag = NULL;
	g->tx = tx;
	g->arg = arg;
	size = cfg->trace_size ? cfg->trace_size : MEDIA_T38_TRACE_DEFAULT;
	/* a quarter for the frames: a fax has a few dozen */
	g->frames.size = size / 4;
	g->flow.size = size - g->frames.size;
	g->frames.buf = malloc(g->frames.size);
	g->flow.buf = malloc(g->flow.size);
	g->lin_size = size + 128;
	g->lin = malloc(g->lin_size);
	cur_gw = g;
	if (g->frames.buf && g->flow.buf && g->lin)
		g->gw = t38_gateway_init(NULL, tx_packet, g);
	cur_gw = saved;
	if (!g->gw) {
		media_t38gw_free(g);
		return ENOMEM;
	}
	g->core = t38_gateway_get_t38_core_state(g->gw);
	configure(g);
	trace_fmt(g,
		  "T.38 v%u ecm=%d modems=%s%s%s %s fill-bit-removal=%d "
		  "nsx-suppress=%d max-datagram=%u",
		  cfg->version, cfg->ecm,
		  (!cfg->modems || cfg->modems & MEDIA_T38_V17) ? "V.17 " : "",
		  (!cfg->modems || cfg->modems & MEDIA_T38_V29) ? "V.29 " : "",
		  (!cfg->modems || cfg->modems & MEDIA_T38_V27TER) ? "V.27ter"
								   : "",
		  media_t38_rate_name(cfg->rate), cfg->fill_bit_removal,
		  cfg->nsx_suppress,
		  cfg->max_datagram ? cfg->max_datagram
				    : MEDIA_T38_DEFAULT_DGRAM);
	*out = g;
	return 0;
}

void media_t38gw_free(struct media_t38gw *g)
{
	if (!g)
		return;
	if (g->gw)
		t38_gateway_free(g->gw);
	free(g->frames.buf);
	free(g->flow.buf);
	free(g->lin);
	free(g);
}

int media_t38gw_ifp_in(struct media_t38gw *g, const uint8_t *ifp, size_t len,
		       uint16_t seq)
{
	struct rxq_ent *e;

	if (!g)
		return EINVAL;
	if (!ifp || !len) {
		g->st.ifp_rx_bad++;
		return EINVAL;
	}
	if (len > MEDIA_T38_IFP_MAX) {
		g->st.ifp_rx_bad++;
		return EMSGSIZE;
	}
	if (g->q_n == MEDIA_T38_RXQ) {
		/* spandsp sees the gap in the sequence and recovers */
		g->st.ifp_rx_overflow++;
		return ENOBUFS;
	}
	e = &g->q[(g->q_head + g->q_n) % MEDIA_T38_RXQ];
	e->seq = seq;
	e->len = (uint16_t)len;
	memcpy(e->buf, ifp, len);
	g->q_n++;
	return 0;
}

/* Sequence accounting (UDPTL has already recovered what redundancy and
 * FEC could): a jump forward counts the packets skipped as lost, a
 * number at or behind the expected one as a repeat. spandsp does its
 * own gap handling; these counts are for the report. */
static void account_seq(struct media_t38gw *g, uint16_t seq)
{
	uint16_t ahead = (uint16_t)(seq - g->rx_next);

	if (!g->have_rx_seq) {
		g->have_rx_seq = true;
	} else if (ahead >= 0x8000) {
		g->st.ifp_rx_repeat++;
		return;
	} else {
		g->st.ifp_rx_lost += ahead;
	}
	g->rx_next = (uint16_t)(seq + 1);
}

static void drain(struct media_t38gw *g)
{
	/* bounded: what is queued now, not what arrives meanwhile */
	unsigned n = g->q_n;

	while (n--) {
		struct rxq_ent *e = &g->q[g->q_head];

		g->q_head = (g->q_head + 1) % MEDIA_T38_RXQ;
		g->q_n--;
		account_seq(g, e->seq);
		if (t38_core_rx_ifp_packet(g->core, e->buf, e->len, e->seq) <
		    0) {
			g->st.ifp_rx_bad++;
			trace_fmt(g, "malformed IFP seq %u len %u dropped",
				  e->seq, e->len);
		} else {
			g->st.ifp_rx++;
			trace_indicator(g, e->buf, e->len, false);
		}
	}
}

int media_t38gw_process(struct media_t38gw *g, const int16_t *in, int16_t *out,
			size_t n)
{
	struct media_t38gw *saved = cur_gw;
	int got;

	if (!g || !in || !out || n > MEDIA_T38_BLOCK * 4)
		return EINVAL;
	cur_gw = g;
	drain(g);
	/* spandsp wants a writable buffer it does not write to */
	memcpy(g->pin, in, n * sizeof(*in));
	t38_gateway_rx(g->gw, g->pin, (int)n);
	got = t38_gateway_tx(g->gw, out, (int)n);
	cur_gw = saved;
	if (got < 0)
		got = 0;
	if ((size_t)got < n)
		memset(out + got, 0, (n - (size_t)got) * sizeof(*out));
	g->st.samples += n;
	return 0;
}

int media_t38gw_process_law(struct media_t38gw *g, enum media_law law,
			    const uint8_t *in, uint8_t *out, size_t n)
{
	int16_t lin[MEDIA_T38_BLOCK * 4];
	int err;

	if (!g || !in || !out || n > MEDIA_T38_BLOCK * 4)
		return EINVAL;
	media_law_to_linear(law, in, lin, n);
	err = media_t38gw_process(g, lin, g->pout, n);
	if (!err)
		media_linear_to_law(law, g->pout, out, n);
	return err;
}

bool media_t38gw_done(const struct media_t38gw *g)
{
	return g->mon.done;
}

void media_t38gw_result(const struct media_t38gw *g, struct media_t38_result *r)
{
	t38_stats_t ts;

	*r = g->st;
	t38_gateway_get_transfer_statistics(g->gw, &ts);
	/* spandsp counts only MCFs to post-page commands it saw; ours
	 * also those whose command it missed (t30mon.c) */
	r->pages = g->mon.pages;
	if (ts.pages_transferred > 0 &&
	    (unsigned)ts.pages_transferred > r->pages)
		r->pages = (unsigned)ts.pages_transferred;
	r->bit_rate = ts.bit_rate > 0 ? (unsigned)ts.bit_rate : 0;
	r->ecm = ts.error_correcting_mode != 0;
	r->done = g->mon.done;
	r->code = media_t30mon_code(
		&g->mon, !g->st.frames && g->st.samples >= T1_SAMPLES);
	r->ok = r->code == T30_ERR_OK;
	r->text = t30_completion_code_to_str(r->code);
}

/* Lays one ring out at lin + o; returns the new offset. */
static size_t ring_out(const struct ring *r, char *lin, size_t o)
{
	size_t start = 0, i = 0, n = r->used;

	if (r->wrapped) {
		/* the oldest byte is at pos; skip the partial line there */
		start = r->pos;
		while (i < r->size && r->buf[(start + i) % r->size] != '\n')
			i++;
		i++;
		memcpy(lin + o, "[earlier lines dropped]\n", 24);
		o += 24;
	}
	for (; i < n; i++)
		lin[o++] = r->buf[(start + i) % r->size];
	return o;
}

const char *media_t38gw_trace(const struct media_t38gw *g)
{
	char *lin = g->lin; /* our own scratch, not the caller's */
	size_t o;

	memcpy(lin, "T.30 frames:\n", 13);
	o = ring_out(&g->frames, lin, 13);
	memcpy(lin + o, "spandsp log:\n", 13);
	o = ring_out(&g->flow, lin, o + 13);
	lin[o] = 0;
	return lin;
}
