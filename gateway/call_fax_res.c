/*
 * call_fax_res.c: a fax's results. The worker hands the T.38 leg back
 * when the call returns to audio or its media stops; its statistics go
 * to the log, the counters behind the metrics and the CDR, and a failed
 * fax's T.30 phase trace to a file in [fax] trace_dir (else to the log at
 * warning level, line by line). Then the leg is freed here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gateway/call_int.h"
#include "gateway/cdr.h"
#include "gateway/ctl.h"

/* The trace into dir/fax-<call>-<unix time>.txt; 0 or errno. One small
 * write per failed fax: tolerable on the signalling thread. */
static int trace_file(const char *dir, unsigned id, const char *trace,
		      char *path, size_t size)
{
	size_t len = strlen(trace), off = 0;
	int fd, n;

	n = snprintf(path, size, "%s/fax-%u-%lld.txt", dir, id,
		     (long long)time(NULL));
	if (n < 0 || (size_t)n >= size)
		return ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return errno;
	while (off < len) {
		ssize_t w = write(fd, trace + off, len - off);

		if (w <= 0) {
			int err = w < 0 ? errno : EIO;

			close(fd);
			return err;
		}
		off += (size_t)w;
	}
	return close(fd) ? errno : 0;
}

static void trace_log(unsigned id, const char *trace)
{
	const char *p = trace;

	while (*p) {
		const char *e = strchr(p, '\n');
		int n = e ? (int)(e - p) : (int)strlen(p);

		gw_log(GW_LOG_FAX, LOG_WARNING, "call %u: trace: %.*s", id, n,
		       p);
		p += n + (e ? 1 : 0);
	}
}

void gw_call_t38_done(void *arg, uint64_t cookie, struct media_t38leg *leg,
		      uint64_t foreign, bool end)
{
	struct gw *gw = arg;
	struct gw_call *c = call_of_cookie(gw, cookie);
	const struct cfg_fax *f = &gw->cfg.fax;
	struct media_t38leg_stats st;
	const struct media_t38_result *r = &st.fax;
	const struct media_udptl_stats *u = &st.udptl;
	unsigned id = (unsigned)cookie;
	char result[64];
	struct gw_cdr_fax rec;

	media_t38leg_stats(leg, &st);
	snprintf(result, sizeof(result), "%s",
		 r->text ? r->text : (r->done ? "?" : "not finished (no DCN)"));
	/* a fax that never got past the start is no fax: no result */
	bool ok = r->done && r->ok;

	gw_log(GW_LOG_FAX, ok ? LOG_NOTICE : LOG_WARNING,
	       "call %u: fax %s: %u pages, %u bit/s, ECM %s, T.30 code %d "
	       "(%s)%s",
	       id, ok ? "ok" : "failed", r->pages, r->bit_rate,
	       r->ecm ? "yes" : "no", r->code, result,
	       end ? "" : ", back to audio");
	gw_log(GW_LOG_FAX, LOG_INFO,
	       "call %u: udptl: tx %llu rx %llu recovered %llu (redundancy) "
	       "%llu (fec), lost %llu, dup %llu, late %llu, bad %llu, "
	       "stale rtp %llu, foreign %llu, send errors %llu; "
	       "ifp tx %llu rx %llu",
	       id, (unsigned long long)u->pkts_out,
	       (unsigned long long)u->pkts_in, (unsigned long long)u->rec_red,
	       (unsigned long long)u->rec_fec, (unsigned long long)u->lost,
	       (unsigned long long)u->dup, (unsigned long long)u->late,
	       (unsigned long long)u->bad_total,
	       (unsigned long long)u->stale_rtp, (unsigned long long)foreign,
	       (unsigned long long)st.send_errors,
	       (unsigned long long)r->ifp_tx, (unsigned long long)r->ifp_rx);
	if (r->tcf.tcf_checked || r->tcf.tcf_made)
		gw_log(GW_LOG_FAX, LOG_INFO,
		       "call %u: localTCF: %llu TCF checked here (%llu bad, "
		       "%llu CFR made FTT), %llu made up",
		       id, (unsigned long long)r->tcf.tcf_checked,
		       (unsigned long long)r->tcf.tcf_bad,
		       (unsigned long long)r->tcf.ftt_forced,
		       (unsigned long long)r->tcf.tcf_made);
	if (ok)
		gw->stats.fax_ok++;
	else
		gw->stats.fax_failed++;
	gw->stats.fax_pages += r->pages;
	gw->stats.udptl_rx += u->pkts_in;
	gw->stats.udptl_tx += u->pkts_out;
	gw->stats.udptl_recovered += u->rec_red + u->rec_fec;
	gw->stats.udptl_lost += u->lost;
	gw->stats.udptl_foreign += foreign;
	gw->stats.udptl_malformed += u->bad_total;
	gw->stats.udptl_stale_rtp += u->stale_rtp;
	gw->stats.fax_tcf_good += r->tcf.tcf_checked - r->tcf.tcf_bad;
	gw->stats.fax_tcf_bad += r->tcf.tcf_bad;
	if (!ok) {
		const char *trace = media_t38leg_trace(leg);
		char path[512];
		int err;

		if (!f->trace_dir[0]) {
			trace_log(id, trace);
		} else if ((err = trace_file(f->trace_dir, id, trace, path,
					     sizeof(path)))) {
			gw_log(GW_LOG_FAX, LOG_WARNING,
			       "call %u: trace not written to %s: %s", id,
			       f->trace_dir, strerror(err));
			trace_log(id, trace);
		} else {
			gw_log(GW_LOG_FAX, LOG_WARNING,
			       "call %u: T.30 trace in %s", id, path);
		}
	}
	rec = (struct gw_cdr_fax){
		.mode = "t38",
		.pages = (int)r->pages,
		.result = result,
		.have_t38 = true,
		.rate = r->bit_rate,
		.ecm = r->ecm,
		.code = r->code,
		.udptl_rx = u->pkts_in,
		.udptl_tx = u->pkts_out,
		.udptl_recovered = u->rec_red + u->rec_fec,
		.udptl_lost = u->lost,
		.tcf_good = r->tcf.tcf_checked - r->tcf.tcf_bad,
		.tcf_bad = r->tcf.tcf_bad,
	};
	if (c) { /* the call lives on: its record takes it at the end */
		snprintf(c->fax.result, sizeof(c->fax.result), "%s", result);
		c->fax.rec = rec;
		c->fax.rec.result = c->fax.result;
	} else {
		gw_cdr_fax(gw, id, &rec);
	}
	media_t38leg_free(leg);
}

void gw_ctl_show_fax(struct gw *gw, struct gw_ctl_out *out)
{
	uint64_t now = gw_loop_now(gw->loop);
	unsigned n = 0;

	for (const struct gw_call *c = gw->calls; c; c = c->next) {
		const struct call_fax *f = &c->fax;

		bool t38 = f->st == FAX_T38 || f->st == FAX_RETURNING;

		if (f->st == FAX_IDLE && !f->rec.mode)
			continue;
		n++;
		gw_ctl_printf(
			out,
			"call %u: fax %s tone %s %s -> %s %llu s peer %s:%u "
			"t38 v%u last %s %s\n",
			c->id, call_fax_state_name(f->st),
			f->tone ? media_faxtone_name(
					  (enum media_faxtone)f->tone)
				: "-",
			c->calling[0] ? c->calling : "-",
			c->called[0] ? c->called : "-",
			(unsigned long long)(f->t_start
						     ? (now - f->t_start) / 1000
						     : 0),
			t38 ? f->neg.addr : "-", t38 ? f->neg.port : 0,
			t38 ? f->neg.t38.version : 0,
			f->rec.mode ? f->rec.mode : "-",
			f->rec.mode && f->result[0] ? f->result : "-");
	}
	if (!n)
		gw_ctl_printf(out, "no fax sessions\n");
	gw_ctl_printf(out,
		      "faxes: ok %llu failed %llu g711 %llu pages %llu; "
		      "t38 offered %llu refused %llu accepted %llu rejected "
		      "%llu; watchdog %llu\n",
		      (unsigned long long)gw->stats.fax_ok,
		      (unsigned long long)gw->stats.fax_failed,
		      (unsigned long long)gw->stats.fax_g711,
		      (unsigned long long)gw->stats.fax_pages,
		      (unsigned long long)gw->stats.fax_t38_offered,
		      (unsigned long long)gw->stats.fax_t38_refused,
		      (unsigned long long)gw->stats.fax_t38_accepted,
		      (unsigned long long)gw->stats.fax_t38_rejected,
		      (unsigned long long)gw->stats.fax_watchdog);
}
