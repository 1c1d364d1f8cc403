/*
 * Prometheus metrics: the gateway's counters and states rendered in the
 * text exposition format 0.0.4, and a tiny HTTP/1.0 responder for GET
 * /metrics on the signalling loop. Each connection gets one response and
 * is closed; requests are bounded in size (GW_METRICS_REQ_MAX), time
 * (GW_METRICS_TIMEOUT_MS) and number (GW_METRICS_MAX_CONNS).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/cdr.h"
#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/media_net.h"
#include "gateway/metrics.h"
#include "gateway/net.h"

struct mconn {
	struct gw_metrics *m;
	int fd; /* -1: free slot */
	char in[GW_METRICS_REQ_MAX];
	size_t inlen;
	struct gw_mbuf out;
	size_t outoff;
	struct gw_timer *timer;
};

struct gw_metrics {
	struct gw *gw;
	int lfd;
	struct mconn conns[GW_METRICS_MAX_CONNS];
	/* [from pstn/sip][result] */
	uint64_t calls[2][GW_METRICS__RESULTS];
	uint64_t rtp_reports, rtp_rx, rtp_tx, rtp_lost;
	uint64_t jitter_us_sum;
	uint64_t http_requests, http_rejected, http_refused;
};

/* ---- text ------------------------------------------------------------ */

void gw_mbuf_printf(struct gw_mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 4096;

		while (cap - b->len <= (size_t)n)
			cap *= 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

void gw_mbuf_release(struct gw_mbuf *b)
{
	free(b->p);
	*b = (struct gw_mbuf){ 0 };
}

int gw_metrics_label_escape(char *dst, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		const char *rep = *s == '\\'   ? "\\\\"
				  : *s == '"'  ? "\\\""
				  : *s == '\n' ? "\\n"
					       : NULL;
		size_t k = rep ? 2 : 1;

		if (n + k >= size)
			return -1;
		if (rep)
			memcpy(dst + n, rep, 2);
		else
			dst[n] = *s;
		n += k;
	}
	if (n >= size)
		return -1;
	dst[n] = '\0';
	return (int)n;
}

static void family(struct gw_mbuf *b, const char *name, const char *type,
		   const char *help)
{
	gw_mbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		       type);
}

/* A label value as the format wants it (names are ours: no escaping). */
static const char *esc(const char *s, char *buf, size_t size)
{
	return gw_metrics_label_escape(buf, size, s) < 0 ? "" : buf;
}

static void render_spans(const struct gw *gw, struct gw_mbuf *b)
{
	static const char *const alarms[] = { "red", "yellow", "blue" };
	/* enum tdm_chan_state order, in the lower case labels use */
	static const char *const states[] = { "idle", "in_use", "blocked",
					      "maint" };

	family(b, "pstngw_span_layer1_up", "gauge",
	       "1 when the span's layer 1 is up.");
	for (size_t i = 0; i < gw->nspans; i++)
		gw_mbuf_printf(b, "pstngw_span_layer1_up{span=\"%u\"} %d\n",
			       tdm_span_id(gw->spans[i].span),
			       tdm_span_state(gw->spans[i].span) !=
				       TDM_SPAN_DOWN);
	family(b, "pstngw_span_layer2_up", "gauge",
	       "1 when the span's D-channel (layer 2) is up.");
	for (size_t i = 0; i < gw->nspans; i++)
		gw_mbuf_printf(b, "pstngw_span_layer2_up{span=\"%u\"} %d\n",
			       tdm_span_id(gw->spans[i].span),
			       tdm_span_state(gw->spans[i].span) ==
				       TDM_SPAN_UP);
	family(b, "pstngw_span_alarm", "gauge",
	       "1 while the span has this layer 1 alarm.");
	for (size_t i = 0; i < gw->nspans; i++) {
		unsigned a = tdm_span_alarms(gw->spans[i].span);

		for (unsigned k = 0; k < 3; k++)
			gw_mbuf_printf(
				b,
				"pstngw_span_alarm{span=\"%u\",alarm=\"%s\"} %d\n",
				tdm_span_id(gw->spans[i].span), alarms[k],
				(a >> k) & 1);
	}
	family(b, "pstngw_channels", "gauge", "B-channels by span and state.");
	for (size_t i = 0; i < gw->nspans; i++) {
		const struct tdm_span *sp = gw->spans[i].span;
		unsigned n[4] = { 0 };
		int nb = tdm_span_bchans(sp);

		for (int k = 0; k < nb; k++) {
			int st = tdm_span_chan_state(sp,
						     tdm_span_bchan_ts(sp, k));

			if (st >= 0 && st < 4)
				n[st]++;
		}
		for (unsigned k = 0; k < 4; k++)
			gw_mbuf_printf(
				b,
				"pstngw_channels{span=\"%u\",state=\"%s\"} %u\n",
				tdm_span_id(sp), states[k], n[k]);
	}
	family(b, "pstngw_span_frames_rejected_total", "counter",
	       "D-channel frames rejected as malformed.");
	gw_mbuf_printf(b, "pstngw_span_frames_rejected_total %" PRIu64 "\n",
		       gw->stats.span_frames_rejected);
}

static void render_calls(const struct gw *gw, struct gw_mbuf *b)
{
	static const char *const dirs[] = { "pstn-sip", "sip-pstn" };
	static const char *const results[] = { "answered", "failed",
					       "abandoned" };
	const struct gw_metrics *m = gw->metrics;

	family(b, "pstngw_calls_started_total", "counter",
	       "Calls that arrived, by direction.");
	gw_mbuf_printf(b,
		       "pstngw_calls_started_total{direction=\"pstn-sip\"} "
		       "%" PRIu64 "\n"
		       "pstngw_calls_started_total{direction=\"sip-pstn\"} "
		       "%" PRIu64 "\n",
		       gw->stats.calls_from_pstn, gw->stats.calls_from_sip);
	family(b, "pstngw_calls_ended_total", "counter",
	       "Calls that ended, by direction and result.");
	for (unsigned d = 0; d < 2; d++)
		for (unsigned r = 0; r < GW_METRICS__RESULTS; r++)
			gw_mbuf_printf(
				b,
				"pstngw_calls_ended_total{direction=\"%s\",result=\"%s\"} %" PRIu64
				"\n",
				dirs[d], results[r], m ? m->calls[d][r] : 0);
	family(b, "pstngw_calls_active", "gauge", "Calls in progress.");
	gw_mbuf_printf(b, "pstngw_calls_active %u\n", gw->ncalls);
	family(b, "pstngw_calls_refused_total", "counter",
	       "Calls refused before setup, by reason.");
	gw_mbuf_printf(
		b,
		"pstngw_calls_refused_total{reason=\"no_route\"} %" PRIu64 "\n"
		"pstngw_calls_refused_total{reason=\"no_channel\"} %" PRIu64
		"\n"
		"pstngw_calls_refused_total{reason=\"stopping\"} %" PRIu64 "\n",
		gw->stats.no_route, gw->stats.no_channel,
		gw->stats.refused_stopping);
	/* access control (access_gw.c) */
	family(b, "pstngw_sip_refused_total", "counter",
	       "SIP requests and packets refused by access control, by reason.");
	gw_mbuf_printf(
		b,
		"pstngw_sip_refused_total{reason=\"acl\"} %" PRIu64 "\n"
		"pstngw_sip_refused_total{reason=\"auth\"} %" PRIu64 "\n"
		"pstngw_sip_refused_total{reason=\"rate\"} %" PRIu64 "\n"
		"pstngw_sip_refused_total{reason=\"blocked\"} %" PRIu64 "\n"
		"pstngw_sip_refused_total{reason=\"dialog\"} %" PRIu64 "\n",
		gw->stats.refused_acl, gw->stats.refused_auth,
		gw->stats.refused_rate, gw->stats.refused_blocked,
		gw->stats.refused_dialog);
	family(b, "pstngw_sip_blocks_total", "counter",
	       "Temporary blocks of SIP sources started.");
	gw_mbuf_printf(b, "pstngw_sip_blocks_total %" PRIu64 "\n",
		       gw->guard.blocks_started);
	family(b, "pstngw_sip_blocked_sources", "gauge",
	       "SIP source addresses blocked now.");
	gw_mbuf_printf(b, "pstngw_sip_blocked_sources %u\n",
		       gw_access_nblocked((struct gw *)gw));
	/* routing (route_gw.c, call_setup.c) */
	gw_mbuf_printf(
		b,
		"pstngw_calls_refused_total{reason=\"route_down\"} %" PRIu64
		"\n",
		gw->stats.route_refused_down);
	family(b, "pstngw_route_failovers_total", "counter",
	       "Calls passed to the next alternative of their route.");
	gw_mbuf_printf(b, "pstngw_route_failovers_total %" PRIu64 "\n",
		       gw->stats.route_failovers);
	family(b, "pstngw_route_limited_total", "counter",
	       "Route targets skipped at their call limit.");
	gw_mbuf_printf(b, "pstngw_route_limited_total %" PRIu64 "\n",
		       gw->stats.route_limited);
	uint64_t lines, errors;

	gw_cdr_counts(gw, &lines, &errors);
	family(b, "pstngw_cdr_lines_total", "counter", "CDR lines written.");
	gw_mbuf_printf(b, "pstngw_cdr_lines_total %" PRIu64 "\n", lines);
	family(b, "pstngw_cdr_write_errors_total", "counter",
	       "CDRs lost to failed writes.");
	gw_mbuf_printf(b, "pstngw_cdr_write_errors_total %" PRIu64 "\n",
		       errors);
}

static void render_sip(const struct gw *gw, struct gw_mbuf *b)
{
	struct sip_stats ss = { 0 };
	char e[2 * CFG_NAME_LEN + 1];

	if (gw->sip)
		sip_stack_stats(gw->sip, &ss);
	family(b, "pstngw_sip_messages_total", "counter",
	       "SIP messages received and sent.");
	gw_mbuf_printf(b,
		       "pstngw_sip_messages_total{dir=\"rx\"} %" PRIu64 "\n"
		       "pstngw_sip_messages_total{dir=\"tx\"} %" PRIu64 "\n",
		       ss.rx_msgs, ss.tx_msgs);
	family(b, "pstngw_sip_retransmissions_total", "counter",
	       "SIP retransmissions sent.");
	gw_mbuf_printf(b, "pstngw_sip_retransmissions_total %" PRIu64 "\n",
		       ss.retransmissions);
	family(b, "pstngw_sip_rejected_total", "counter",
	       "SIP messages rejected, by reason.");
	for (unsigned r = 1; r < SIP_REJ__COUNT; r++)
		gw_mbuf_printf(
			b,
			"pstngw_sip_rejected_total{reason=\"%s\"} %" PRIu64
			"\n",
			sip_rej_name((enum sip_rej)r), ss.rx_rej[r]);
	family(b, "pstngw_sip_transactions", "gauge", "Live SIP transactions.");
	gw_mbuf_printf(b, "pstngw_sip_transactions %u\n", ss.active_trans);
	family(b, "pstngw_sip_dialogs", "gauge", "Live SIP calls (dialogs).");
	gw_mbuf_printf(b, "pstngw_sip_dialogs %u\n", ss.active_calls);

	family(b, "pstngw_registration_state", "gauge",
	       "1 for the trunk registration's current state.");
	for (size_t i = 0; i < gw->cfg.ntrunks && i < CFG_MAX_TRUNKS; i++) {
		if (!gw->regs[i])
			continue;
		enum sip_reg_state st = sip_reg_state(gw->regs[i]);

		for (unsigned k = 0; k < SIP_REG__COUNT; k++)
			gw_mbuf_printf(
				b,
				"pstngw_registration_state{trunk=\"%s\",state=\"%s\"} %d\n",
				esc(gw->cfg.trunks[i].name, e, sizeof(e)),
				sip_reg_state_name((enum sip_reg_state)k),
				k == (unsigned)st);
	}
	family(b, "pstngw_trunk_up", "gauge",
	       "Keep-alive state of trunks with keepalive_s: 1 up, 0 down, "
	       "-1 not known yet.");
	for (size_t i = 0; i < gw->cfg.ntrunks && i < CFG_MAX_TRUNKS; i++) {
		if (!gw->cfg.trunks[i].keepalive_s)
			continue;
		enum gw_trunk_state st = gw_trunk_state(gw, i, NULL);

		gw_mbuf_printf(b, "pstngw_trunk_up{trunk=\"%s\"} %d\n",
			       esc(gw->cfg.trunks[i].name, e, sizeof(e)),
			       st == GW_TRUNK_UP     ? 1
			       : st == GW_TRUNK_DOWN ? 0
						     : -1);
	}
	family(b, "pstngw_trunk_options_total", "counter",
	       "Keep-alive OPTIONS by outcome.");
	for (size_t i = 0; i < gw->cfg.ntrunks && i < CFG_MAX_TRUNKS; i++) {
		struct gw_trunk_counts n;

		if (!gw->cfg.trunks[i].keepalive_s)
			continue;
		gw_trunk_state(gw, i, &n);
		esc(gw->cfg.trunks[i].name, e, sizeof(e));
		gw_mbuf_printf(
			b,
			"pstngw_trunk_options_total{trunk=\"%s\",outcome=\"sent\"} %" PRIu64
			"\n"
			"pstngw_trunk_options_total{trunk=\"%s\",outcome=\"answered\"} %" PRIu64
			"\n"
			"pstngw_trunk_options_total{trunk=\"%s\",outcome=\"failed\"} %" PRIu64
			"\n",
			e, n.sent, e, n.answered, e, n.failed);
	}
}

static void render_rtp(const struct gw *gw, struct gw_mbuf *b)
{
	const struct gw_metrics *m = gw->metrics;
	uint64_t z = 0;

	family(b, "pstngw_rtp_packets_total", "counter",
	       "RTP packets of ended calls (counted at each call's end).");
	gw_mbuf_printf(b,
		       "pstngw_rtp_packets_total{dir=\"rx\"} %" PRIu64 "\n"
		       "pstngw_rtp_packets_total{dir=\"tx\"} %" PRIu64 "\n",
		       m ? m->rtp_rx : z, m ? m->rtp_tx : z);
	family(b, "pstngw_rtp_lost_packets_total", "counter",
	       "RTP packets lost on receive, of ended calls.");
	gw_mbuf_printf(b, "pstngw_rtp_lost_packets_total %" PRIu64 "\n",
		       m ? m->rtp_lost : z);
	family(b, "pstngw_rtp_jitter_seconds", "summary",
	       "Interarrival jitter (RFC 3550) at each call's end.");
	gw_mbuf_printf(
		b,
		"pstngw_rtp_jitter_seconds_sum %" PRIu64 ".%06" PRIu64 "\n"
		"pstngw_rtp_jitter_seconds_count %" PRIu64 "\n",
		(m ? m->jitter_us_sum : z) / 1000000,
		(m ? m->jitter_us_sum : z) % 1000000, m ? m->rtp_reports : z);
	family(b, "pstngw_release_tones_total", "counter",
	       "Busy or congestion tones played before a failed call was "
	       "released (release_tone), by tone and the side that heard it.");
	for (int to = 0; to < 2; to++)
		for (int t = 0; t < 2; t++)
			gw_mbuf_printf(b,
				       "pstngw_release_tones_total{tone=\"%s\","
				       "to=\"%s\"} %" PRIu64 "\n",
				       t ? "congestion" : "busy",
				       to ? "pstn" : "sip",
				       gw->stats.release_tone_by[to][t]);
	family(b, "pstngw_rtp_rejected_total", "counter",
	       "RTP and RTCP datagrams dropped (malformed or foreign).");
	gw_mbuf_printf(b, "pstngw_rtp_rejected_total %" PRIu64 "\n",
		       gw->stats.rtp_rx_rejected);
	family(b, "pstngw_srtp_dropped_total", "counter",
	       "SRTP and SRTCP datagrams dropped: failed authentication or "
	       "replay (ended calls; also in pstngw_rtp_rejected_total).");
	gw_mbuf_printf(b, "pstngw_srtp_dropped_total %" PRIu64 "\n",
		       gw->stats.srtp_rx_dropped);
	family(b, "pstngw_metrics_http_requests_total", "counter",
	       "Metrics HTTP requests by outcome.");
	gw_mbuf_printf(
		b,
		"pstngw_metrics_http_requests_total{outcome=\"ok\"} %" PRIu64
		"\n"
		"pstngw_metrics_http_requests_total{outcome=\"rejected\"} %" PRIu64
		"\n"
		"pstngw_metrics_http_requests_total{outcome=\"refused\"} %" PRIu64
		"\n",
		m ? m->http_requests : z, m ? m->http_rejected : z,
		m ? m->http_refused : z);
}

/* Fax (call_fax.c): counted as faxes end, whether or not calls did. */
static void render_fax(const struct gw *gw, struct gw_mbuf *b)
{
	const struct gw_counters *s = &gw->stats;

	family(b, "pstngw_faxes_total", "counter",
	       "Faxes by result: T.38 ones by their T.30 outcome; g711 counts "
	       "calls that went on as G.711 pass-through.");
	gw_mbuf_printf(b,
		       "pstngw_faxes_total{result=\"ok\"} %" PRIu64 "\n"
		       "pstngw_faxes_total{result=\"failed\"} %" PRIu64 "\n"
		       "pstngw_faxes_total{result=\"g711\"} %" PRIu64 "\n",
		       s->fax_ok, s->fax_failed, s->fax_g711);
	family(b, "pstngw_fax_pages_total", "counter",
	       "Pages confirmed by the receiving machine (T.38).");
	gw_mbuf_printf(b, "pstngw_fax_pages_total %" PRIu64 "\n", s->fax_pages);
	family(b, "pstngw_fax_t38_switches_total", "counter",
	       "T.38 re-INVITEs: ours offered and refused, the far end's "
	       "accepted and rejected.");
	gw_mbuf_printf(
		b,
		"pstngw_fax_t38_switches_total{event=\"offered\"} %" PRIu64 "\n"
		"pstngw_fax_t38_switches_total{event=\"refused\"} %" PRIu64 "\n"
		"pstngw_fax_t38_switches_total{event=\"accepted\"} %" PRIu64
		"\n"
		"pstngw_fax_t38_switches_total{event=\"rejected\"} %" PRIu64
		"\n",
		s->fax_t38_offered, s->fax_t38_refused, s->fax_t38_accepted,
		s->fax_t38_rejected);
	family(b, "pstngw_fax_watchdog_total", "counter",
	       "Calls released (cause 41) because their UDPTL went silent "
	       "during a fax.");
	gw_mbuf_printf(b, "pstngw_fax_watchdog_total %" PRIu64 "\n",
		       s->fax_watchdog);
	family(b, "pstngw_fax_t38_idle_total", "counter",
	       "T.38 calls whose UDPTL went silent after the fax's DCN: kept "
	       "up, or released with cause 16 ([fax] idle_release).");
	gw_mbuf_printf(
		b,
		"pstngw_fax_t38_idle_total{action=\"kept\"} %" PRIu64 "\n"
		"pstngw_fax_t38_idle_total{action=\"released\"} %" PRIu64 "\n",
		s->fax_t38_idle_kept, s->fax_t38_idle_released);
	family(b, "pstngw_fax_local_tcf_total", "counter",
	       "localTCF: TCFs from the PSTN machine checked here, by "
	       "result (a bad one turns the far end's CFR into FTT).");
	gw_mbuf_printf(
		b,
		"pstngw_fax_local_tcf_total{result=\"good\"} %" PRIu64 "\n"
		"pstngw_fax_local_tcf_total{result=\"bad\"} %" PRIu64 "\n",
		s->fax_tcf_good, s->fax_tcf_bad);
	family(b, "pstngw_udptl_packets_total", "counter",
	       "UDPTL datagrams of ended T.38 sessions: sent, received, IFPs "
	       "recovered by redundancy or FEC, lost, refused by latching, "
	       "malformed, and RTP still arriving after the switch.");
	gw_mbuf_printf(
		b,
		"pstngw_udptl_packets_total{kind=\"tx\"} %" PRIu64 "\n"
		"pstngw_udptl_packets_total{kind=\"rx\"} %" PRIu64 "\n"
		"pstngw_udptl_packets_total{kind=\"recovered\"} %" PRIu64 "\n"
		"pstngw_udptl_packets_total{kind=\"lost\"} %" PRIu64 "\n"
		"pstngw_udptl_packets_total{kind=\"foreign\"} %" PRIu64 "\n"
		"pstngw_udptl_packets_total{kind=\"malformed\"} %" PRIu64 "\n"
		"pstngw_udptl_packets_total{kind=\"stale_rtp\"} %" PRIu64 "\n",
		s->udptl_tx, s->udptl_rx, s->udptl_recovered, s->udptl_lost,
		s->udptl_foreign, s->udptl_malformed, s->udptl_stale_rtp);
}

/* Live objects (gauges): after a drain each must be back to 0 (the soak
 * test, tests/soak/soak.sh, checks them with the calls, transactions,
 * dialogs and busy B-channels above). */
static void render_live(const struct gw *gw, struct gw_mbuf *b)
{
	family(b, "pstngw_media_sessions", "gauge",
	       "Media sessions the media workers run.");
	gw_mbuf_printf(b, "pstngw_media_sessions %u\n",
		       gw_mpool_sessions(gw->mpool));
	family(b, "pstngw_rtp_sockets", "gauge",
	       "RTP and RTCP sockets open (two per call with media).");
	gw_mbuf_printf(b, "pstngw_rtp_sockets %u\n", gw_rtp_sockets());
	family(b, "pstngw_sip_tcp_connections", "gauge",
	       "SIP TCP and TLS connections open.");
	gw_mbuf_printf(b, "pstngw_sip_tcp_connections %u\n",
		       gw->siptcp.conns.n);
}

void gw_metrics_render(const struct gw *gw, struct gw_mbuf *b)
{
	render_spans(gw, b);
	render_calls(gw, b);
	render_sip(gw, b);
	render_rtp(gw, b);
	render_fax(gw, b);
	render_live(gw, b);
	gw_drain_metrics(gw, b);    /* drain.c */
	gw_overload_metrics(gw, b); /* overload.c */
}

void gw_metrics_call_end(struct gw *gw, bool from_pstn,
			 enum gw_metrics_result res)
{
	if (gw->metrics && (unsigned)res < GW_METRICS__RESULTS)
		gw->metrics->calls[from_pstn ? 0 : 1][res]++;
}

void gw_metrics_media(struct gw *gw, const struct media_stats *st)
{
	struct gw_metrics *m = gw->metrics;

	if (!m)
		return;
	m->rtp_reports++;
	m->rtp_rx += st->rx_packets;
	m->rtp_tx += st->tx_packets;
	m->rtp_lost += st->rx_lost;
	m->jitter_us_sum += st->jitter_us;
}

/* ---- HTTP ------------------------------------------------------------ */

/* End of the head (after its blank line), or NULL. */
static const char *head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return buf + i + 2;
		if (i + 3 < len && !memcmp(buf + i, "\r\n\r\n", 4))
			return buf + i + 4;
	}
	return NULL;
}

int gw_metrics_http_parse(const char *buf, size_t len, size_t max)
{
	const char *end = head_end(buf, len), *p = buf, *sp1, *sp2, *eol;

	if (!end)
		return len >= max ? 431 : 0;
	if ((size_t)(end - buf) > max)
		return 431;
	for (const char *q = buf; q < end; q++)
		if ((*q < 0x20 && *q != '\r' && *q != '\n' && *q != '\t') ||
		    *q == 0x7f)
			return 400;
	eol = memchr(buf, '\n', (size_t)(end - buf));
	sp1 = memchr(p, ' ', (size_t)(eol - p));
	if (!sp1 || sp1 == p)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1 || sp1[1] != '/')
		return 400;
	size_t vlen = (size_t)(eol - sp2 - 1);

	if (vlen && sp2[vlen] == '\r')
		vlen--;
	if (vlen != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) ||
	    (sp2[8] != '0' && sp2[8] != '1'))
		return vlen >= 5 && !memcmp(sp2 + 1, "HTTP/", 5) ? 505 : 400;
	for (const char *q = p; q < sp1; q++)
		if (*q < 'A' || *q > 'Z')
			return 400;
	/* every header line needs a name and a colon */
	for (const char *l = eol + 1; l < end;) {
		const char *n = memchr(l, '\n', (size_t)(end - l));
		const char *colon = memchr(l, ':', (size_t)(n - l));

		if (n == l || (n == l + 1 && *l == '\r'))
			break; /* the blank line */
		if (!colon || colon == l || *l == ' ' || *l == '\t')
			return 400;
		l = n + 1;
	}
	if (sp1 - p != 3 || memcmp(p, "GET", 3))
		return 405;
	size_t tlen = (size_t)(sp2 - sp1 - 1);

	if ((tlen == 8 || (tlen > 8 && sp1[9] == '?')) &&
	    !memcmp(sp1 + 1, "/metrics", 8))
		return 200;
	return 404;
}

static void conn_close(struct mconn *c)
{
	struct gw_loop *loop = c->m->gw->loop;

	if (c->timer)
		gw_timer_stop(loop, c->timer);
	c->timer = NULL;
	gw_loop_fd_del(loop, c->fd);
	close(c->fd);
	c->fd = -1;
	c->inlen = c->outoff = 0;
	gw_mbuf_release(&c->out);
}

static void conn_timeout(void *arg)
{
	struct mconn *c = arg;

	c->timer = NULL;
	c->m->http_rejected++;
	GW_INFO(CTL, "metrics: request timed out; closed");
	conn_close(c);
}

static void conn_flush(struct mconn *c)
{
	while (c->outoff < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->outoff,
				 c->out.len - c->outoff, MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			gw_loop_fd_mod(c->m->gw->loop, c->fd, EPOLLOUT);
			return;
		}
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->outoff += (size_t)n;
	}
	conn_close(c);
}

static void respond(struct mconn *c, int status)
{
	static const char *const reasons[] = {
		[0] = "OK",
		[1] = "Bad Request",
		[2] = "Not Found",
		[3] = "Method Not Allowed",
		[4] = "Request Header Fields Too Large",
		[5] = "HTTP Version Not Supported",
	};
	int k = status == 200	? 0
		: status == 404 ? 2
		: status == 405 ? 3
		: status == 431 ? 4
		: status == 505 ? 5
				: 1;
	struct gw_mbuf body = { 0 };

	if (status == 200) {
		gw_metrics_render(c->m->gw, &body);
		if (body.oom) {
			gw_mbuf_release(&body);
			conn_close(c);
			return;
		}
		c->m->http_requests++;
	} else {
		gw_mbuf_printf(&body, "%d %s\n", status, reasons[k]);
		c->m->http_rejected++;
		GW_INFO(CTL, "metrics: request answered %d", status);
	}
	gw_mbuf_printf(
		&c->out,
		"HTTP/1.0 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"%sConnection: close\r\n\r\n",
		status, reasons[k],
		status == 200 ? "text/plain; version=0.0.4; charset=utf-8"
			      : "text/plain",
		body.len, status == 405 ? "Allow: GET\r\n" : "");
	if (body.len)
		gw_mbuf_printf(&c->out, "%.*s", (int)body.len, body.p);
	gw_mbuf_release(&body);
	if (c->out.oom) {
		conn_close(c);
		return;
	}
	/* nothing more is read: a request body or a second request is
	 * ignored (HTTP/1.0, one response per connection) */
	conn_flush(c);
}

static void conn_event(void *arg, uint32_t events)
{
	struct mconn *c = arg;

	if (c->out.len) {
		conn_flush(c);
		return;
	}
	ssize_t n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		conn_close(c); /* the client went away */
		return;
	}
	c->inlen += (size_t)n;
	int st = gw_metrics_http_parse(c->in, c->inlen, sizeof(c->in));

	if (st)
		respond(c, st);
}

static void accept_ready(void *arg, uint32_t events)
{
	struct gw_metrics *m = arg;

	for (int k = 0; k < 16; k++) {
		int fd = accept4(m->lfd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct mconn *c = NULL;

		if (fd < 0)
			return;
		for (unsigned i = 0; i < GW_METRICS_MAX_CONNS; i++)
			if (m->conns[i].fd < 0) {
				c = &m->conns[i];
				break;
			}
		if (!c) {
			m->http_refused++;
			close(fd); /* bounded: a scraper retries */
			continue;
		}
		c->fd = fd;
		c->inlen = c->outoff = 0;
		c->timer = gw_timer_start(m->gw->loop, GW_METRICS_TIMEOUT_MS,
					  conn_timeout, c);
		if (!c->timer ||
		    gw_loop_fd_add(m->gw->loop, fd, EPOLLIN, conn_event, c)) {
			if (c->timer)
				gw_timer_stop(m->gw->loop, c->timer);
			c->timer = NULL;
			close(fd);
			c->fd = -1;
		}
	}
}

int gw_metrics_start(struct gw *gw)
{
	struct gw_metrics *m = calloc(1, sizeof(*m));
	int err;

	if (!m)
		return ENOMEM;
	m->gw = gw;
	m->lfd = -1;
	for (unsigned i = 0; i < GW_METRICS_MAX_CONNS; i++) {
		m->conns[i].fd = -1;
		m->conns[i].m = m;
	}
	gw->metrics = m;
	if (!gw->cfg.metrics_host[0])
		return 0;
	err = gw_tcp_listen(gw->cfg.metrics_host, gw->cfg.metrics_port, 16,
			    &m->lfd);
	if (!err && (err = gw_loop_fd_add(gw->loop, m->lfd, EPOLLIN,
					  accept_ready, m))) {
		close(m->lfd);
		m->lfd = -1;
	}
	if (err) {
		GW_ERR(MAIN, "metrics: cannot listen on %s: %s",
		       gw->cfg.metrics_listen, strerror(err));
		return err;
	}
	GW_NOTICE(MAIN, "metrics on http://%s/metrics", gw->cfg.metrics_listen);
	return 0;
}

int gw_metrics_relisten(struct gw *gw, const char *host, unsigned port)
{
	struct gw_metrics *m = gw->metrics;
	int fd = -1, err;

	if (!m)
		return ENOENT;
	/* the new socket first: if it cannot be had, the old one stays */
	if (host[0]) {
		err = gw_tcp_listen(host, port, 16, &fd);
		if (!err && (err = gw_loop_fd_add(gw->loop, fd, EPOLLIN,
						  accept_ready, m)))
			close(fd);
		if (err)
			return err;
	}
	if (m->lfd >= 0) {
		gw_loop_fd_del(gw->loop, m->lfd);
		close(m->lfd);
	}
	m->lfd = fd; /* counters and open connections go on */
	return 0;
}

unsigned gw_metrics_port(const struct gw *gw)
{
	return gw->metrics && gw->metrics->lfd >= 0
		       ? gw_sock_port(gw->metrics->lfd)
		       : 0;
}

void gw_metrics_stop(struct gw *gw)
{
	struct gw_metrics *m = gw->metrics;

	if (!m)
		return;
	for (unsigned i = 0; i < GW_METRICS_MAX_CONNS; i++)
		if (m->conns[i].fd >= 0)
			conn_close(&m->conns[i]);
	if (m->lfd >= 0) {
		gw_loop_fd_del(gw->loop, m->lfd);
		close(m->lfd);
	}
	free(m);
	gw->metrics = NULL;
}
