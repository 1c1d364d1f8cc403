/* The fax simulation (faxsim.h): machines, gateway, network and fax
 * server stepped together in 20 ms blocks of virtual time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <spandsp.h>

#include "media/media.h"
#include "sip/sip.h"
#include "tests/sim/faxsim.h"
#include "tools/faxdoc/faxdoc.h"

#define BLOCK MEDIA_T38_BLOCK
#define NETQ 512
#define DGRAM 1500
#define SERVER_DGRAM 400 /* the fax server's T38FaxMaxDatagram */
#define GW_DGRAM 400	 /* ours */

/* ---- seeded randomness and the network ---- */

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64*: small, seeded, the same on every machine */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static double rnd01(uint64_t *s)
{
	return (double)(rnd(s) >> 11) / (double)(1ull << 53);
}

struct dgram {
	uint64_t due; /* block it arrives in */
	uint64_t order;
	uint16_t len;
	uint8_t buf[DGRAM];
};

/* One direction: datagrams in flight, each with its arrival block. */
struct link {
	struct dgram q[NETQ];
	unsigned n;
	uint64_t order;
};

struct sim;
typedef int (*rx_fn)(struct sim *s, const uint8_t *p, size_t len);

struct sim {
	const struct faxsim_opts *o;
	uint64_t rng;
	uint64_t block;
	struct link to_ip, to_pstn; /* gateway -> server, server -> gateway */
	uint64_t sent, lost;
	/* PSTN machine */
	fax_state_t *pfax;
	bool pdone;
	int pcode;
	/* T.38: gateway leg and fax server */
	struct media_t38leg *leg;
	t38_terminal_state_t *term;
	t38_core_state_t *tcore;
	struct media_udptl *tu;
	enum media_udptl_ec tec;
	unsigned tversion;
	uint8_t tlast[DGRAM];
	size_t tlast_len;
	unsigned trepeat;
	bool tsent;
	uint64_t tgap;
	bool tlocal;		    /* server does local TCF ... */
	struct media_t38tcf ttcf;   /* ... with this shim */
	struct media_t38tcf obs[2]; /* TCF observers: to server, to gw */
	uint64_t tcf_crossed;
	/* G.711: two sessions and an audio fax terminal */
	struct media_sess *sa, *sb;
	fax_state_t *ifax;
	bool idone;
	int icode;
	struct media_addr addr_a, addr_b;
};

/* Loss and delay happen here: 20 ms base, plus uniform jitter. */
static void net_send(struct sim *s, struct link *l, const void *p, size_t len)
{
	struct dgram *d;
	uint64_t jit = 0;

	s->sent++;
	if (s->o->loss > 0 && rnd01(&s->rng) < s->o->loss) {
		s->lost++;
		return;
	}
	if (l->n == NETQ || len > DGRAM) {
		s->lost++;
		return;
	}
	if (s->o->jitter_ms)
		jit = rnd(&s->rng) % (s->o->jitter_ms + 1);
	d = &l->q[l->n++];
	d->due = s->block + 1 + jit / 20;
	d->order = l->order++;
	d->len = (uint16_t)len;
	memcpy(d->buf, p, len);
}

/* Delivers what is due, earliest first (jitter reorders). */
static void net_deliver(struct sim *s, struct link *l, rx_fn rx)
{
	for (;;) {
		unsigned best = l->n;

		for (unsigned i = 0; i < l->n; i++)
			if (l->q[i].due <= s->block &&
			    (best == l->n || l->q[i].due < l->q[best].due ||
			     (l->q[i].due == l->q[best].due &&
			      l->q[i].order < l->q[best].order)))
				best = i;
		if (best == l->n)
			return;
		rx(s, l->q[best].buf, l->q[best].len);
		l->q[best] = l->q[--l->n];
	}
}

/* ---- document ---- */

/* ---- machines ---- */

static void pstn_phase_e(t30_state_t *t, void *user, int code)
{
	struct sim *s = user;

	(void)t;
	s->pdone = true;
	s->pcode = code;
}

static void ip_phase_e(t30_state_t *t, void *user, int code)
{
	struct sim *s = user;

	(void)t;
	s->idone = true;
	s->icode = code;
}

static void t30_common(t30_state_t *t, const struct faxsim_opts *o, bool send,
		       const char *doc, const char *got)
{
	int m = 0;
	unsigned modems = o->modems ? o->modems : MEDIA_T38_MODEMS_ALL;

	if (modems & MEDIA_T38_V27TER)
		m |= T30_SUPPORT_V27TER;
	if (modems & MEDIA_T38_V29)
		m |= T30_SUPPORT_V29;
	if (modems & MEDIA_T38_V17)
		m |= T30_SUPPORT_V17;
	t30_set_supported_modems(t, m);
	t30_set_ecm_capability(t, o->ecm);
	t30_set_supported_compressions(t,
				       T30_SUPPORT_T4_1D_COMPRESSION |
					       T30_SUPPORT_T4_2D_COMPRESSION);
	if (send)
		t30_set_tx_file(t, doc, -1, -1);
	else
		t30_set_rx_file(t, got, -1);
}

static fax_state_t *audio_fax(struct sim *s, bool calling, bool send,
			      const char *doc, const char *got,
			      t30_phase_e_handler_t h)
{
	fax_state_t *f = fax_init(NULL, calling);
	t30_state_t *t;

	if (!f)
		return NULL;
	fax_set_transmit_on_idle(f, 1);
	t = fax_get_t30_state(f);
	t30_common(t, s->o, send, doc, got);
	t30_set_phase_e_handler(t, h, s);
	return f;
}

/* ---- T.38: gateway leg and fax server ---- */

static int leg_send(void *arg, const uint8_t *p, size_t len)
{
	struct sim *s = arg;

	net_send(s, &s->to_ip, p, len);
	return 0;
}

static int leg_rx(struct sim *s, const uint8_t *p, size_t len)
{
	if (s->o->rec_dgram)
		s->o->rec_dgram(s->o->rec_arg, p, len);
	return media_t38leg_udptl_in(s->leg, p, len);
}

/* Counts TCF data crossing IP: an observer's "tx" verdict is exactly
 * "fast-modem data after a DCS, before the next V.21 signal". */
static void observe(struct sim *s, int way, const uint8_t *ifp, size_t len)
{
	if (!media_t38tcf_tx(&s->obs[way], ifp, len))
		s->tcf_crossed++;
}

static void term_core_in(void *arg, const uint8_t *ifp, size_t len,
			 uint16_t seq)
{
	struct sim *s = arg;

	t38_core_rx_ifp_packet(s->tcore, ifp, (int)len, seq);
}

static void term_deliver(void *arg, uint16_t seq, const uint8_t *ifp,
			 size_t len, bool recovered)
{
	struct sim *s = arg;

	if (recovered) {
		size_t n = media_t38_ifp_len(ifp, len, s->tversion);

		if (n)
			len = n;
	}
	observe(s, 0, ifp, len);
	if (s->tlocal)
		media_t38tcf_rx(&s->ttcf, ifp, len, seq, s->block * BLOCK,
				term_core_in, s);
	else
		t38_core_rx_ifp_packet(s->tcore, ifp, (int)len, seq);
}

static int term_rx(struct sim *s, const uint8_t *p, size_t len)
{
	return media_udptl_recv(s->tu, p, len);
}

/* The fax server frames its IFPs with our UDPTL and maps spandsp's
 * copies as the gateway does (fax.h). */
static int term_tx(t38_core_state_t *c, void *user, const uint8_t *buf, int len,
		   int count)
{
	struct sim *s = user;
	enum media_udptl_kind kind = (buf[0] & 0x40) && (buf[0] & 0x3e)
					     ? MEDIA_UDPTL_IMAGE
					     : MEDIA_UDPTL_CONTROL;

	(void)c;
	if (s->tlocal && !media_t38tcf_tx(&s->ttcf, buf, (size_t)len))
		return 0; /* TCF: checked here, not sent */
	observe(s, 1, buf, (size_t)len);
	if (media_udptl_send(s->tu, buf, (size_t)len, kind, s->tlast,
			     sizeof(s->tlast), &s->tlast_len))
		return 0;
	net_send(s, &s->to_pstn, s->tlast, s->tlast_len);
	s->tsent = true;
	if (s->tec == MEDIA_UDPTL_EC_NONE) {
		for (int i = 1; i < count; i++)
			net_send(s, &s->to_pstn, s->tlast, s->tlast_len);
		s->trepeat = 0;
	} else {
		s->trepeat = count > 1 ? (unsigned)count - 1 : 0;
	}
	return 0;
}

static enum media_udptl_ec ec_of(enum sdp_t38_ec e)
{
	return e == SDP_T38_EC_FEC	    ? MEDIA_UDPTL_EC_FEC
	       : e == SDP_T38_EC_REDUNDANCY ? MEDIA_UDPTL_EC_REDUNDANCY
					    : MEDIA_UDPTL_EC_NONE;
}

/* The gateway offers T.38 (as after CNG/CED), the fax server answers;
 * both sides configure themselves from what was negotiated. */
static int negotiate(struct sim *s, struct sdp_t38_result *gw,
		     struct sdp_t38_result *srv)
{
	const struct faxsim_opts *o = s->o;
	struct sdp_t38_local us = {
		.ip = "127.0.0.1",
		.port = 40000,
		.caps = { .version = o->version0  ? 0
				     : o->version ? o->version
						  : 3,
			  .rate_mgmt = SDP_T38_TRANSFERRED_TCF,
			  .max_buffer = 2000,
			  .max_datagram = GW_DGRAM,
			  .udp_ec = o->ec < 0 ? SDP_T38_EC_REDUNDANCY
					      : (enum sdp_t38_ec)o->ec,
			  .fill_bit_removal = false },
		.sess_id = 1,
		.sess_version = 2,
	};
	struct sdp_t38_local them = {
		.ip = "127.0.0.2",
		.port = 50000,
		.caps = { .version = 3,
			  .rate_mgmt = SDP_T38_TRANSFERRED_TCF,
			  .max_buffer = 4000,
			  .max_datagram = SERVER_DGRAM,
			  .udp_ec = SDP_T38_EC_FEC },
		.sess_id = 7,
		.sess_version = 1,
	};
	static struct sdp_session offer, answer;
	char buf[2048];
	size_t len;
	int err;

	struct sdp_t38_local *off = &us, *ans = &them;
	struct sdp_t38_result *off_res = gw, *ans_res = srv;

	if (o->local_tcf) {
		/* the server offers localTCF; the gateway answers as
		 * gateway/call_fax.c does (the method is the offer's) */
		them.caps.rate_mgmt = SDP_T38_LOCAL_TCF;
		off = &them;
		ans = &us;
		off_res = srv;
		ans_res = gw;
	}
	err = sdp_t38_build_offer(off, buf, sizeof(buf), &len);
	if (!err)
		err = sdp_parse(&offer, buf, len);
	if (!err)
		err = sdp_t38_answer(&offer, ans, ans_res, buf, sizeof(buf),
				     &len);
	if (!err)
		err = sdp_parse(&answer, buf, len);
	if (!err)
		err = sdp_t38_accept_answer(&answer, off, off_res);
	return err;
}

static int t38_setup(struct sim *s, const char *doc, const char *got)
{
	const struct faxsim_opts *o = s->o;
	struct sdp_t38_result gw, srv;
	struct media_t38leg_cfg lc = { 0 };
	struct media_udptl_cfg uc = { 0 };
	t30_state_t *t;
	int err = negotiate(s, &gw, &srv);

	if (err)
		return err;
	lc.law = o->law;
	lc.t38.version = gw.t38.version;
	lc.t38.ecm = o->ecm;
	lc.t38.modems = o->modems;
	lc.t38.fill_bit_removal = gw.t38.fill_bit_removal;
	lc.t38.max_datagram = gw.remote_max_datagram;
	lc.t38.tag = "sim";
	lc.t38.rate = gw.t38.rate_mgmt == SDP_T38_LOCAL_TCF
			      ? MEDIA_T38_TCF_LOCAL
			      : MEDIA_T38_TCF_TRANSFERRED;
	lc.ec = ec_of(gw.t38.udp_ec);
	if (o->depth_image) {
		lc.depth_control = 4;
		lc.depth_image = o->depth_image;
	}
	lc.rx_max_datagram = gw.t38.max_datagram;
	err = media_t38leg_alloc(&lc, leg_send, s, &s->leg);
	if (err)
		return err;
	s->tec = ec_of(srv.t38.udp_ec);
	uc.ec = s->tec;
	uc.depth_control = 4;
	uc.depth_image = o->depth_image ? o->depth_image : 4; /* as ours */
	uc.fec_span = 3;
	uc.fec_entries = 3;
	uc.max_datagram =
		srv.remote_max_datagram ? srv.remote_max_datagram : GW_DGRAM;
	uc.max_ifp = MEDIA_T38_IFP_MAX;
	uc.rx_max_datagram = SERVER_DGRAM;
	uc.window = 3;
	uc.deliver = term_deliver;
	uc.arg = s;
	err = media_udptl_alloc(&uc, &s->tu);
	if (err)
		return err;
	s->term = t38_terminal_init(NULL, !o->pstn_sends, term_tx, s);
	if (!s->term)
		return ENOMEM;
	s->tcore = t38_terminal_get_t38_core_state(s->term);
	t38_set_t38_version(s->tcore, (int)srv.t38.version);
	s->tversion = srv.t38.version;
	s->tlocal = srv.t38.rate_mgmt == SDP_T38_LOCAL_TCF;
	media_t38tcf_init(&s->ttcf, srv.t38.version);
	media_t38tcf_init(&s->obs[0], srv.t38.version);
	media_t38tcf_init(&s->obs[1], srv.t38.version);
	t38_set_max_datagram_size(s->tcore, (int)uc.max_datagram - 8);
	t38_terminal_set_fill_bit_removal(s->term, srv.t38.fill_bit_removal);
	t = t38_terminal_get_t30_state(s->term);
	t30_common(t, o, !o->pstn_sends, doc, got);
	t30_set_phase_e_handler(t, ip_phase_e, s);
	return 0;
}

static void t38_block(struct sim *s, int16_t *to_pfax)
{
	int16_t lin[BLOCK];
	uint8_t in[BLOCK], out[BLOCK];
	int n;

	fax_rx(s->pfax, to_pfax, BLOCK);
	n = fax_tx(s->pfax, lin, BLOCK);
	if (n < BLOCK)
		memset(lin + n, 0, (BLOCK - (size_t)n) * sizeof(*lin));
	media_linear_to_law(s->o->law, lin, in, BLOCK);
	if (s->o->rec_tdm)
		s->o->rec_tdm(s->o->rec_arg, in, BLOCK);
	media_t38leg_tdm(s->leg, in, out, BLOCK);
	media_law_to_linear(s->o->law, out, to_pfax, BLOCK);

	s->tsent = false;
	if (s->tlocal)
		media_t38tcf_tick(&s->ttcf, s->block * BLOCK, term_core_in, s);
	t38_terminal_send_timeout(s->term, BLOCK);
	if (!s->tsent && s->trepeat) {
		s->trepeat--;
		net_send(s, &s->to_pstn, s->tlast, s->tlast_len);
	}
	/* the server gives up a receive gap after 40 ms too */
	if (media_udptl_pending(s->tu)) {
		s->tgap += BLOCK;
		if (s->tgap >= 2 * BLOCK) {
			media_udptl_flush(s->tu);
			s->tgap = 0;
		}
	} else {
		s->tgap = 0;
	}
	net_deliver(s, &s->to_ip, term_rx);
	net_deliver(s, &s->to_pstn, leg_rx);
}

/* ---- G.711 pass-through ---- */

static uint64_t sim_now(void *arg)
{
	struct sim *s = arg;

	return s->block * 20000;
}

static int rtp_a(void *arg, const struct media_addr *dst, const void *p,
		 size_t len)
{
	struct sim *s = arg;

	(void)dst;
	net_send(s, &s->to_ip, p, len);
	return 0;
}

static int rtp_b(void *arg, const struct media_addr *dst, const void *p,
		 size_t len)
{
	struct sim *s = arg;

	(void)dst;
	net_send(s, &s->to_pstn, p, len);
	return 0;
}

static int rx_b(struct sim *s, const uint8_t *p, size_t len)
{
	return media_sess_rtp_in(s->sb, p, len, &s->addr_a);
}

static int rx_a(struct sim *s, const uint8_t *p, size_t len)
{
	return media_sess_rtp_in(s->sa, p, len, &s->addr_b);
}

static int g711_setup(struct sim *s, const char *doc, const char *got)
{
	struct media_hooks ha = { .arg = s,
				  .rtp_send = rtp_a,
				  .now_us = sim_now };
	struct media_hooks hb = { .arg = s,
				  .rtp_send = rtp_b,
				  .now_us = sim_now };
	struct media_sess_cfg c = { 0 };
	int err;

	s->addr_a = (struct media_addr){ .family = 4,
					 .port = 40000,
					 .ip = { 127, 0, 0, 1 } };
	s->addr_b = (struct media_addr){ .family = 4,
					 .port = 50000,
					 .ip = { 127, 0, 0, 2 } };
	c.tdm_law = s->o->law;
	c.codec = s->o->law == MEDIA_LAW_ALAW ? MEDIA_CODEC_PCMA
					      : MEDIA_CODEC_PCMU;
	c.pt = s->o->law == MEDIA_LAW_ALAW ? 8 : 0;
	c.ptime_ms = 20;
	c.ssrc = 0x1234;
	/* fixed, deep enough for the jitter simulated */
	c.jb_ms = 60 + s->o->jitter_ms;
	c.peer = s->addr_b;
	err = media_sess_alloc(&ha, &c, &s->sa);
	if (err)
		return err;
	c.ssrc = 0x5678;
	c.peer = s->addr_a;
	err = media_sess_alloc(&hb, &c, &s->sb);
	if (err)
		return err;
	media_sess_fax_mode(s->sa);
	media_sess_fax_mode(s->sb);
	s->ifax = audio_fax(s, !s->o->pstn_sends, !s->o->pstn_sends, doc, got,
			    ip_phase_e);
	return s->ifax ? 0 : ENOMEM;
}

static void g711_side(struct sim *s, fax_state_t *f, struct media_sess *ms,
		      int16_t *to_fax)
{
	int16_t lin[BLOCK];
	uint8_t law[BLOCK];
	int n;

	fax_rx(f, to_fax, BLOCK);
	n = fax_tx(f, lin, BLOCK);
	if (n < BLOCK)
		memset(lin + n, 0, (BLOCK - (size_t)n) * sizeof(*lin));
	media_linear_to_law(s->o->law, lin, law, BLOCK);
	media_sess_tdm_in(ms, law, BLOCK);
	media_sess_tdm_out(ms, law, BLOCK);
	media_law_to_linear(s->o->law, law, to_fax, BLOCK);
}

static void g711_block(struct sim *s, int16_t *to_pfax, int16_t *to_ifax)
{
	g711_side(s, s->pfax, s->sa, to_pfax);
	g711_side(s, s->ifax, s->sb, to_ifax);
	net_deliver(s, &s->to_ip, rx_b);
	net_deliver(s, &s->to_pstn, rx_a);
}

/* ---- the run ---- */

static void sim_free(struct sim *s)
{
	media_t38leg_free(s->leg);
	media_udptl_free(s->tu);
	if (s->term)
		t38_terminal_free(s->term);
	media_sess_free(s->sa);
	media_sess_free(s->sb);
	if (s->pfax)
		fax_free(s->pfax);
	if (s->ifax)
		fax_free(s->ifax);
}

int faxsim_run(const struct faxsim_opts *o, struct faxsim_result *r)
{
	static struct sim s; /* big (link queues): not on the stack */
	char doc[64], got[64];
	int16_t to_p[BLOCK] = { 0 }, to_i[BLOCK] = { 0 };
	uint64_t limit, after = 0;
	unsigned pages = o->pages ? o->pages : 1;
	int err, fd;

	memset(&s, 0, sizeof(s));
	memset(r, 0, sizeof(*r));
	r->code_pstn = r->code_ip = -1;
	s.o = o;
	s.rng = o->seed * 0x9E3779B97F4A7C15ull + 1;
	TIFFSetErrorHandler(NULL);
	TIFFSetWarningHandler(NULL);
	strcpy(doc, "/tmp/faxsim_doc.XXXXXX");
	strcpy(got, "/tmp/faxsim_got.XXXXXX");
	fd = mkstemp(doc);
	if (fd < 0)
		return errno;
	close(fd);
	fd = mkstemp(got);
	if (fd < 0) {
		unlink(doc);
		return errno;
	}
	close(fd);
	err = faxdoc_write(doc, pages, o->rows ? o->rows : 300,
			   (unsigned long)o->seed);
	if (err)
		goto out;
	s.pfax = audio_fax(&s, o->pstn_sends, o->pstn_sends, doc, got,
			   pstn_phase_e);
	if (!s.pfax) {
		err = ENOMEM;
		goto out;
	}
	err = o->g711 ? g711_setup(&s, doc, got) : t38_setup(&s, doc, got);
	if (err)
		goto out;
	limit = (uint64_t)(o->limit_s ? o->limit_s : 300) * 50;
	for (s.block = 0; s.block < limit; s.block++) {
		/* a little more after both ended, so the DCN crosses */
		if (s.pdone && s.idone && ++after > 25)
			break;
		if (o->g711)
			g711_block(&s, to_p, to_i);
		else
			t38_block(&s, to_p);
	}
	r->line_s = (double)s.block / 50.0;
	r->code_pstn = s.pdone ? s.pcode : -1;
	r->code_ip = s.idone ? s.icode : -1;
	r->pages_sent = pages;
	r->pages_equal = faxdoc_same_pages(doc, got);
	r->dgrams_sent = s.sent;
	r->dgrams_lost = s.lost;
	r->server_tcf = s.ttcf.st;
	r->tcf_ifps_crossed = s.tcf_crossed;
	if (s.tu)
		r->server = *media_udptl_stats(s.tu);
	if (s.leg) {
		media_t38leg_finish(s.leg);
		media_t38leg_stats(s.leg, &r->leg);
	}
	r->ok = r->code_pstn == 0 && r->code_ip == 0 && r->pages_equal == pages;
	if (!r->ok) {
		snprintf(r->why, sizeof(r->why),
			 "codes pstn %d (%s) ip %d (%s), pages %u/%u equal, "
			 "%.1f s",
			 r->code_pstn,
			 r->code_pstn >= 0
				 ? t30_completion_code_to_str(r->code_pstn)
				 : "no end",
			 r->code_ip,
			 r->code_ip >= 0
				 ? t30_completion_code_to_str(r->code_ip)
				 : "no end",
			 r->pages_equal, pages, r->line_s);
	}
	if (o->verbose && s.leg)
		snprintf(r->trace, sizeof(r->trace), "%s",
			 media_t38leg_trace(s.leg));
out:
	sim_free(&s);
	unlink(doc);
	unlink(got);
	return err;
}
