/*
 * pstnsim's fax machine (see fax.h): spandsp's fax_state_t, one per call
 * that runs send-fax or receive-fax.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <spandsp.h>

#include "tools/pstnsim/fax.h"
#include "tools/faxdoc/faxdoc.h"

struct sim_fax {
	fax_state_t *fs;
	bool send;
	bool done;
	int code;
	int pages_in_file;
	t30_stats_t stats;
};

static void log_line(int level, const char *text)
{
	fprintf(stderr, "pstnsim fax: %s", text);
}

static void phase_e(t30_state_t *t30, void *user, int code)
{
	struct sim_fax *f = user;

	if (f->done)
		return;
	t30_get_transfer_statistics(t30, &f->stats);
	f->code = code;
	f->done = true;
}

struct sim_fax *sim_fax_alloc(const struct sim_fax_cfg *cfg, char *err,
			      size_t errlen)
{
	struct sim_fax *f;
	t30_state_t *t30;
	logging_state_t *ls;
	int pages = -1;

	if (cfg->send) {
		pages = faxdoc_pages(cfg->file, err, errlen);
		if (pages < 0)
			return NULL;
	} else if (faxdoc_creatable(cfg->file, false, err, errlen)) {
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f || !(f->fs = fax_init(NULL, cfg->calling))) {
		free(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->send = cfg->send;
	f->pages_in_file = pages;
	/* a real machine keeps its line busy with silence between signals */
	fax_set_transmit_on_idle(f->fs, 1);
	fax_set_tep_mode(f->fs, 0);
	t30 = fax_get_t30_state(f->fs);
	if (cfg->ident)
		t30_set_tx_ident(t30, cfg->ident);
	t30_set_ecm_capability(t30, cfg->ecm);
	/* T.6 needs ECM; spandsp negotiates down from what both offer */
	t30_set_supported_compressions(
		t30, T30_SUPPORT_T4_1D_COMPRESSION |
			     T30_SUPPORT_T4_2D_COMPRESSION |
			     (cfg->ecm ? T30_SUPPORT_T6_COMPRESSION : 0));
	if (cfg->send)
		t30_set_tx_file(t30, cfg->file, -1, -1);
	else
		t30_set_rx_file(t30, cfg->file, -1);
	t30_set_phase_e_handler(t30, phase_e, f);
	if (cfg->verbose) {
		ls = t30_get_logging_state(t30);
		span_log_set_level(ls, SPAN_LOG_FLOW | SPAN_LOG_SHOW_TAG);
		span_log_set_tag(ls, cfg->send ? "send" : "recv");
		span_log_set_message_handler(ls, log_line);
	}
	return f;
}

void sim_fax_audio(struct sim_fax *f, int16_t *rx, int16_t *tx, size_t n)
{
	int got;

	fax_rx(f->fs, rx, (int)n);
	got = fax_tx(f->fs, tx, (int)n);
	if (got < 0)
		got = 0;
	if ((size_t)got < n)
		memset(tx + got, 0, (n - (size_t)got) * sizeof(*tx));
}

bool sim_fax_done(const struct sim_fax *f, struct sim_fax_result *r)
{
	if (!f->done)
		return false;
	r->send = f->send;
	r->code = f->code;
	r->text = t30_completion_code_to_str(f->code);
	r->pages = f->send ? f->stats.pages_tx : f->stats.pages_rx;
	r->pages_in_file = f->pages_in_file;
	r->bit_rate = f->stats.bit_rate;
	r->ecm = f->stats.error_correcting_mode != 0;
	return true;
}

void sim_fax_stop(struct sim_fax *f)
{
	if (!f || f->done)
		return;
	/* spandsp reports phase E from here, as call dropped */
	t30_terminate(fax_get_t30_state(f->fs));
	if (!f->done) {
		t30_get_transfer_statistics(fax_get_t30_state(f->fs),
					    &f->stats);
		f->code = T30_ERR_CALLDROPPED;
		f->done = true;
	}
}

void sim_fax_free(struct sim_fax *f)
{
	if (!f)
		return;
	fax_free(f->fs);
	free(f);
}
