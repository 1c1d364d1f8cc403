/* The fax's outcome as a T.38 gateway sees it: spandsp's t38_gateway runs
 * no T.30 engine of its own, so the completion code and the pages are
 * inferred from the T.30 control frames and the T.38 indicators passing
 * through, and named with spandsp's t30 codes so reports read like an
 * endpoint's.
 *
 * One spandsp 0.0.6 quirk is covered here: after a V.29 image, its
 * gateway sometimes takes the sender's V.21 post-page command (EOP, or
 * PPS-EOP with ECM) for another V.29 training. The command still reaches
 * the far machine, which answers MCF, but the frame never reaches the
 * gateway's frame handler (nor its own page count). Counting only MCFs
 * that answer a post-page command then reported a delivered fax as failed
 * (code "unexpected message", 0 pages). So an MCF after image data whose
 * command was missed confirms a page too, and when DCN follows that MCF
 * directly, the page was the last one: after MPS the next page's image
 * follows, after EOM a new phase B (DIS, DCS), never DCN.
 *
 * A page counts once per image: a post-page command the sender repeats
 * (its MCF was lost) is answered MCF again without a new page. */
#include <spandsp.h>

#include "media/priv.h"

static bool is_post_page(int fcf)
{
	switch (fcf) {
	case T30_MPS:
	case T30_EOM:
	case T30_EOP:
	case T30_PRI_MPS:
	case T30_PRI_EOM:
	case T30_PRI_EOP:
	case T30_EOS:
		return true;
	default:
		return false;
	}
}

static bool is_eop(int fcf)
{
	return fcf == T30_EOP || fcf == T30_PRI_EOP;
}

int media_t30mon_code(const struct media_t30mon *m, bool t1)
{
	if (m->done)
		return m->code;
	if (m->success)
		return T30_ERR_OK;
	if (m->last_ftt)
		return T30_ERR_CANNOT_TRAIN;
	if (m->page_cmd)
		return T30_ERR_CALLDROPPED;
	return t1 ? T30_ERR_T1_EXPIRED : T30_ERR_CALLDROPPED;
}

/* The outcome when DCN ends the session. */
static int dcn_code(const struct media_t30mon *m)
{
	if (m->success)
		return T30_ERR_OK;
	if (m->last_ftt)
		return T30_ERR_CANNOT_TRAIN;
	if (m->page_cmd)
		return T30_ERR_TX_BADPG;
	if (!m->seen_dcs)
		return T30_ERR_RX_DCNWHY;
	return T30_ERR_UNEXPECTED;
}

static void post_page(struct media_t30mon *m, int fcf, int fcf2)
{
	if (fcf == (T30_PPS & 0xFE)) {
		/* ECM: the post-page command inside; NULL ends a block of
		 * a page, not the page */
		m->page_cmd = T30_PPS;
		m->page_end = fcf2 != T30_NULL;
		m->page_eop = is_eop(fcf2);
	} else {
		m->page_cmd = fcf;
		m->page_end = true;
		m->page_eop = is_eop(fcf);
	}
}

static void mcf(struct media_t30mon *m)
{
	if (m->page_cmd) {
		/* a command repeated because its MCF was lost on the way
		 * back gets a second MCF: one page (no image between) */
		m->pages += m->page_end && m->image;
		if (m->page_eop)
			m->success = true;
	} else if (m->image) {
		/* the command was missed (see the top of the file) */
		m->pages++;
		m->guessed++;
		m->mcf_guessed = true;
	}
	m->page_cmd = 0;
	m->image = false;
}

void media_t30mon_frame(struct media_t30mon *m, const uint8_t *msg, size_t len)
{
	bool after_guess = m->mcf_guessed;
	int fcf, fcf2 = -1;

	if (len < 3 || m->done)
		return;
	fcf = msg[2] & 0xFE;
	if (fcf == (T30_PPS & 0xFE)) {
		if (len < 4)
			return;
		fcf2 = msg[3] & 0xFE;
	}
	m->mcf_guessed = false;
	switch (fcf) {
	case T30_DIS & 0xFE: /* and DTC, DIS with the low bit set */
		m->seen_dis = true;
		break;
	case T30_DCS & 0xFE:
		/* TCF follows, not image data */
		m->seen_dcs = true;
		m->last_ftt = false;
		m->phase_c = false;
		break;
	case T30_FTT & 0xFE:
		m->last_ftt = true;
		break;
	case T30_CFR & 0xFE:
		m->last_ftt = false;
		m->phase_c = true;
		m->image = false;
		break;
	case T30_MCF & 0xFE:
		mcf(m);
		break;
	case T30_DCN & 0xFE:
		if (after_guess)
			m->success = true;
		m->code = dcn_code(m);
		m->done = true;
		break;
	default:
		if (fcf == (T30_PPS & 0xFE) || is_post_page(fcf))
			post_page(m, fcf, fcf2);
		break;
	}
}

void media_t30mon_indicator(struct media_t30mon *m, unsigned ind)
{
	/* trainings: V.27ter 2400 (4) up to V.17 14400 long (15) */
	if (m->phase_c && ind >= 4 && ind <= 15)
		m->image = true;
}
