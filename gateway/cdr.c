/*
 * CDRs: formatting (RFC 4180 CSV, ISO 8601 UTC times), the file, and the
 * records of ending calls. A call's RTP statistics come from its media
 * worker after the call is gone, so a call that had media waits (at most
 * GW_CDR_MEDIA_WAIT_MS) for them before its line is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gateway/call_int.h"
#include "gateway/cdr.h"
#include "gateway/metrics.h"

#define GW_CDR_MEDIA_WAIT_MS 2000
#define GW_CDR_LINE_MAX 2048

/* ---- formatting ------------------------------------------------------ */

int gw_cdr_csv_field(char *dst, size_t size, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	size_t n = 0;

	if (quote && n < size)
		dst[n++] = '"';
	for (; *s; s++) {
		if (*s == '"' && n < size)
			dst[n++] = '"';
		if (n < size)
			dst[n++] = *s;
	}
	if (quote && n < size)
		dst[n++] = '"';
	if (n >= size)
		return -1;
	dst[n] = '\0';
	return (int)n;
}

int gw_cdr_time(uint64_t unix_ms, char *buf, size_t size)
{
	time_t t = (time_t)(unix_ms / 1000);
	struct tm tm;
	int n;

	if (!unix_ms) {
		if (!size)
			return -1;
		buf[0] = '\0';
		return 0;
	}
	if (!gmtime_r(&t, &tm))
		return -1;
	n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, (unsigned)(unix_ms % 1000));
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* Appends one field (and the comma before it unless first). */
static bool put(char *buf, size_t size, size_t *len, const char *s, bool first)
{
	int n;

	if (!first) {
		if (*len + 1 >= size)
			return false;
		buf[(*len)++] = ',';
	}
	n = gw_cdr_csv_field(buf + *len, size - *len, s);
	if (n < 0)
		return false;
	*len += (size_t)n;
	return true;
}

int gw_cdr_format(const struct gw_cdr_rec *r, char *buf, size_t size)
{
	char id[16], t0[32], t1[32], t2[32], span[16], chan[16], cause[16],
		code[16], dur[32], rx[24], tx[24], lost[24], jit[24], pages[16];
	char frate[16], fecm[8], fcode[16], urx[24], utx[24], urec[24],
		ulost[24], tgood[24], tbad[24];
	size_t len = 0;

	snprintf(id, sizeof(id), "%u", r->id);
	if (gw_cdr_time(r->start_ms, t0, sizeof(t0)) < 0 ||
	    gw_cdr_time(r->answer_ms, t1, sizeof(t1)) < 0 ||
	    gw_cdr_time(r->end_ms, t2, sizeof(t2)) < 0)
		return -1;
	span[0] = chan[0] = cause[0] = code[0] = '\0';
	rx[0] = tx[0] = lost[0] = jit[0] = pages[0] = '\0';
	if (r->span)
		snprintf(span, sizeof(span), "%u", r->span);
	if (r->chan > 0)
		snprintf(chan, sizeof(chan), "%d", r->chan);
	if (r->cause > 0)
		snprintf(cause, sizeof(cause), "%d", r->cause);
	if (r->sip_code)
		snprintf(code, sizeof(code), "%u", r->sip_code);
	/* duration: answered (talk) time, 0 for an unanswered call */
	uint64_t d = r->answer_ms && r->end_ms > r->answer_ms
			     ? r->end_ms - r->answer_ms
			     : 0;

	snprintf(dur, sizeof(dur), "%" PRIu64 ".%03u", d / 1000,
		 (unsigned)(d % 1000));
	if (r->have_rtp) {
		snprintf(rx, sizeof(rx), "%" PRIu64, r->rtp_rx);
		snprintf(tx, sizeof(tx), "%" PRIu64, r->rtp_tx);
		snprintf(lost, sizeof(lost), "%" PRIu64, r->rtp_lost);
		snprintf(jit, sizeof(jit), "%u.%03u", r->jitter_us / 1000,
			 r->jitter_us % 1000);
	}
	if (r->fax_pages >= 0)
		snprintf(pages, sizeof(pages), "%d", r->fax_pages);
	frate[0] = fecm[0] = fcode[0] = urx[0] = utx[0] = urec[0] = ulost[0] =
		tgood[0] = tbad[0] = '\0';
	if (r->have_t38) {
		snprintf(frate, sizeof(frate), "%u", r->fax_rate);
		snprintf(fecm, sizeof(fecm), "%s", r->fax_ecm ? "yes" : "no");
		snprintf(fcode, sizeof(fcode), "%d", r->fax_code);
		snprintf(urx, sizeof(urx), "%" PRIu64, r->udptl_rx);
		snprintf(utx, sizeof(utx), "%" PRIu64, r->udptl_tx);
		snprintf(urec, sizeof(urec), "%" PRIu64, r->udptl_recovered);
		snprintf(ulost, sizeof(ulost), "%" PRIu64, r->udptl_lost);
		snprintf(tgood, sizeof(tgood), "%" PRIu64, r->tcf_good);
		snprintf(tbad, sizeof(tbad), "%" PRIu64, r->tcf_bad);
	}

	const char *f[] = {
		id,
		t0,
		t1,
		t2,
		r->direction,
		r->calling_in,
		r->called_in,
		r->calling_out,
		r->called_out,
		span,
		chan,
		r->call_id,
		r->target,
		cause,
		code,
		r->hangup_by,
		r->codec,
		dur,
		rx,
		tx,
		lost,
		jit,
		pages,
		r->fax_result,
		r->fax_mode,
		frate,
		fecm,
		fcode,
		urx,
		utx,
		urec,
		ulost,
		tgood,
		tbad,
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!put(buf, size, &len, f[i] ? f[i] : "", i == 0))
			return -1;
	if (len + 3 > size)
		return -1;
	memcpy(buf + len, "\r\n", 3);
	return (int)(len + 2);
}

/* ---- the file -------------------------------------------------------- */

int gw_cdr_file_open(struct gw_cdr_file *f, const char *path)
{
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(f->path))
		return ENAMETOOLONG;
	if (f->path != path)
		snprintf(f->path, sizeof(f->path), "%s", path);
	/* O_APPEND: each line lands whole at the end even if an operator's
	 * tool appends too; regular files never block on write */
	fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) == 0 && st.st_size == 0 &&
	    write(fd, GW_CDR_HEADER, strlen(GW_CDR_HEADER)) !=
		    (ssize_t)strlen(GW_CDR_HEADER)) {
		int err = errno ? errno : EIO;

		close(fd);
		return err;
	}
	f->fd = fd;
	return 0;
}

int gw_cdr_file_reopen(struct gw_cdr_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	return gw_cdr_file_open(f, f->path);
}

void gw_cdr_file_close(struct gw_cdr_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int gw_cdr_file_write(struct gw_cdr_file *f, const char *line, size_t len)
{
	ssize_t n = f->fd >= 0 ? write(f->fd, line, len) : -1;
	int err;

	if (n == (ssize_t)len) {
		if (f->failing)
			GW_NOTICE(MAIN, "CDR file %s: writing again", f->path);
		f->failing = false;
		f->lines++;
		return 0;
	}
	err = f->fd < 0 ? EBADF : n < 0 ? errno : ENOSPC;
	f->errors++;
	if (!f->failing)
		GW_ERR(MAIN,
		       "CDR file %s: write failed: %s (CDRs are lost until it "
		       "works again; counted)",
		       f->path, strerror(err));
	f->failing = true;
	return err;
}

/* ---- records of the gateway's calls ---------------------------------- */

/* A record with its own copies of the strings: it outlives its call. */
struct cdr_entry {
	struct cdr_entry *next;
	struct gw_cdr *owner;
	struct gw_timer *timer;
	struct gw_cdr_rec rec;
	char calling_in[64], called_in[64], calling_out[64], called_out[64];
	char call_id[128], target[CFG_NAME_LEN], codec[16];
	char fax_result[64], fax_mode[8];
};

struct gw_cdr {
	struct gw *gw;
	struct gw_cdr_file file; /* fd -1: no cdr_file configured */
	struct cdr_entry *pending;
};

static void entry_write(struct gw_cdr *cdr, struct cdr_entry *e)
{
	char line[GW_CDR_LINE_MAX];
	int n;

	if (cdr->file.fd < 0 && !cdr->file.path[0])
		return; /* CDRs off */
	n = gw_cdr_format(&e->rec, line, sizeof(line));
	if (n < 0) {
		cdr->file.errors++;
		GW_ERR(MAIN, "call %u: CDR line too long; not written",
		       e->rec.id);
		return;
	}
	gw_cdr_file_write(&cdr->file, line, (size_t)n);
}

static void entry_unlink(struct gw_cdr *cdr, struct cdr_entry *e)
{
	for (struct cdr_entry **pp = &cdr->pending; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	if (e->timer)
		gw_timer_stop(cdr->gw->loop, e->timer);
	free(e);
}

static void entry_timeout(void *arg)
{
	struct cdr_entry *e = arg;

	e->timer = NULL;
	entry_write(e->owner, e);
	entry_unlink(e->owner, e);
}

int gw_cdr_start(struct gw *gw)
{
	struct gw_cdr *cdr = calloc(1, sizeof(*cdr));
	int err;

	if (!cdr)
		return ENOMEM;
	cdr->gw = gw;
	cdr->file.fd = -1;
	gw->cdr = cdr;
	if (!gw->cfg.cdr_file[0])
		return 0;
	err = gw_cdr_file_open(&cdr->file, gw->cfg.cdr_file);
	if (err) {
		GW_ERR(MAIN, "cannot open CDR file %s: %s", gw->cfg.cdr_file,
		       strerror(err));
		return err;
	}
	GW_NOTICE(MAIN, "CDRs to %s", cdr->file.path);
	return 0;
}

void gw_cdr_stop(struct gw *gw)
{
	struct gw_cdr *cdr = gw->cdr;

	if (!cdr)
		return;
	while (cdr->pending) {
		entry_write(cdr, cdr->pending);
		entry_unlink(cdr, cdr->pending);
	}
	gw_cdr_file_close(&cdr->file);
	free(cdr);
	gw->cdr = NULL;
}

/* Reload (reload.c): records go to path from now on ("" stops them).
 * The new file is opened before the old one is closed, so a path that
 * cannot be opened leaves the records where they were. 0 or errno. */
int gw_cdr_set_path(struct gw *gw, const char *path)
{
	struct gw_cdr *cdr = gw->cdr;
	struct gw_cdr_file nf = { .fd = -1 };
	int err;

	if (!cdr)
		return ENOENT;
	if (path[0] && (err = gw_cdr_file_open(&nf, path)))
		return err;
	gw_cdr_file_close(&cdr->file);
	nf.lines = cdr->file.lines;
	nf.errors = cdr->file.errors;
	cdr->file = nf;
	return 0;
}

void gw_cdr_reopen(struct gw *gw)
{
	struct gw_cdr *cdr = gw->cdr;
	int err;

	if (!cdr || !cdr->file.path[0])
		return;
	err = gw_cdr_file_reopen(&cdr->file);
	if (err)
		GW_ERR(MAIN, "cannot reopen CDR file %s: %s", cdr->file.path,
		       strerror(err));
	else
		GW_NOTICE(MAIN, "CDR file %s reopened", cdr->file.path);
}

void gw_cdr_counts(const struct gw *gw, uint64_t *lines, uint64_t *errors)
{
	*lines = gw->cdr ? gw->cdr->file.lines : 0;
	*errors = gw->cdr ? gw->cdr->file.errors : 0;
}

void gw_cdr_note(struct gw_call *c, int ev)
{
	if (c->sip && !c->cdr.call_id[0])
		snprintf(c->cdr.call_id, sizeof(c->cdr.call_id), "%s",
			 sip_call_callid(c->sip));
	if (c->tdm && !c->cdr.chan)
		c->cdr.chan = tdm_call_chan(c->tdm);
	/* a release already under way without one of these events was the
	 * gateway's own (a refusal; the leg's events follow from it) */
	if (c->cause && !c->cdr.hangup_by)
		c->cdr.hangup_by = "gateway";
	if (c->state == CS_RELEASING || c->cdr.hangup_by)
		return;
	/* these events release the call in any state before RELEASING */
	switch (ev) {
	case EV_TDM_DISCONNECT:
	case EV_TDM_RELEASED:
		c->cdr.hangup_by = "pstn";
		break;
	case EV_SIP_FAILED:
	case EV_SIP_CANCELLED:
	case EV_SIP_BYE:
	case EV_SIP_ENDED:
		c->cdr.hangup_by = "sip";
		break;
	case EV_NO_ANSWER:
	case EV_SHUTDOWN:
		c->cdr.hangup_by = "gateway";
		break;
	default:
		break;
	}
}

static uint64_t unix_ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void fax_into(struct cdr_entry *e, const struct gw_cdr_fax *f)
{
	struct gw_cdr_rec *r = &e->rec;

	snprintf(e->fax_result, sizeof(e->fax_result), "%s",
		 f->result ? f->result : "");
	snprintf(e->fax_mode, sizeof(e->fax_mode), "%s",
		 f->mode ? f->mode : "");
	r->fax_pages = f->pages;
	r->have_t38 = f->have_t38;
	r->fax_rate = f->rate;
	r->fax_ecm = f->ecm;
	r->fax_code = f->code;
	r->udptl_rx = f->udptl_rx;
	r->udptl_tx = f->udptl_tx;
	r->udptl_recovered = f->udptl_recovered;
	r->udptl_lost = f->udptl_lost;
	r->tcf_good = f->tcf_good;
	r->tcf_bad = f->tcf_bad;
}

static void fill_entry(struct cdr_entry *e, const struct gw_call *c)
{
	struct gw *gw = c->gw;
	uint64_t mono = gw_loop_now(gw->loop), wall = unix_ms_now();
	struct gw_cdr_rec *r = &e->rec;
	bool pstn = c->orig == ORIG_PSTN;

#define CP(dst, src) snprintf(e->dst, sizeof(e->dst), "%s", src)
	CP(calling_in, c->rule ? c->cdr.calling_in : c->calling);
	CP(called_in, c->cdr.called_in[0] ? c->cdr.called_in : c->called);
	/* what call_setup.c sent: an empty PSTN caller goes out anonymous */
	CP(calling_out, pstn && !c->calling[0] ? "anonymous" : c->calling);
	CP(called_out, c->called);
	CP(call_id, c->cdr.call_id);
	CP(target, c->cdr.target);
	CP(codec, c->media_res.name);
#undef CP
	*r = (struct gw_cdr_rec){
		.id = c->id,
		.start_ms = wall - (mono - c->t_start),
		.answer_ms = c->t_answer ? wall - (mono - c->t_answer) : 0,
		.end_ms = wall,
		.direction = pstn ? "pstn-sip" : "sip-pstn",
		.calling_in = e->calling_in,
		.called_in = e->called_in,
		.calling_out = e->calling_out,
		.called_out = e->called_out,
		.span = c->span ? tdm_span_id(c->span) : 0,
		.chan = c->cdr.chan,
		.call_id = e->call_id,
		.target = e->target,
		.cause = c->cause,
		/* an answered call's final status was 200 */
		.sip_code = c->sip_code	  ? c->sip_code
			    : c->t_answer ? 200
					  : 0,
		.hangup_by = c->cdr.hangup_by ? c->cdr.hangup_by : "gateway",
		.codec = e->codec,
		.fax_pages = -1,
		.fax_result = e->fax_result,
		.fax_mode = e->fax_mode,
	};
	if (c->fax.rec.mode)
		fax_into(e, &c->fax.rec);
}

void gw_cdr_call_end(struct gw_call *c)
{
	struct gw *gw = c->gw;
	struct gw_cdr *cdr = gw->cdr;
	struct cdr_entry *e;
	enum gw_metrics_result res = c->t_answer    ? GW_METRICS_ANSWERED
				     : c->abandoned ? GW_METRICS_ABANDONED
						    : GW_METRICS_FAILED;

	gw_metrics_call_end(gw, c->orig == ORIG_PSTN, res);
	if (!cdr || !cdr->file.path[0])
		return;
	e = calloc(1, sizeof(*e));
	if (!e) {
		cdr->file.errors++;
		GW_ERR(MAIN, "call %u: no memory for its CDR", c->id);
		return;
	}
	e->owner = cdr;
	fill_entry(e, c);
	if (c->mslot) {
		e->timer = gw_timer_start(gw->loop, GW_CDR_MEDIA_WAIT_MS,
					  entry_timeout, e);
		if (e->timer) {
			e->next = cdr->pending;
			cdr->pending = e;
			return;
		}
	}
	entry_write(cdr, e);
	free(e);
}

void gw_cdr_fax(struct gw *gw, unsigned id, const struct gw_cdr_fax *f)
{
	struct gw_cdr *cdr = gw->cdr;

	if (!cdr)
		return;
	for (struct cdr_entry *e = cdr->pending; e; e = e->next)
		if (e->rec.id == id) {
			fax_into(e, f);
			return;
		}
}

void gw_cdr_media(struct gw *gw, unsigned id, const struct media_stats *st)
{
	struct gw_cdr *cdr = gw->cdr;

	gw_metrics_media(gw, st);
	if (!cdr)
		return;
	for (struct cdr_entry *e = cdr->pending; e; e = e->next)
		if (e->rec.id == id) {
			e->rec.have_rtp = true;
			e->rec.rtp_rx = st->rx_packets;
			e->rec.rtp_tx = st->tx_packets;
			e->rec.rtp_lost = st->rx_lost;
			e->rec.jitter_us = st->jitter_us;
			entry_write(cdr, e);
			entry_unlink(cdr, e);
			return;
		}
}
