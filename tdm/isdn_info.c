/*
 * Call information between libpri and the neutral struct tdm_call_info:
 * party numbers with type of number, numbering plan, presentation and
 * screening; redirecting number and reason; progress indicators; name;
 * keypad. libpri packs TON and NPI into one "plan" octet (ton << 4 | npi)
 * and presentation with screening into another (pres << 5 | screen), as
 * octets 3 and 3a of the Q.931 number IEs.
 */
#include <libpri.h>
#include <string.h>

#include "tdm/tdm_int.h"

_Static_assert(TDM_PROG_INBAND == PRI_PROG_INBAND_AVAILABLE, "progress bits");
_Static_assert(TDM_PROG_NOT_E2E_ISDN == PRI_PROG_CALL_NOT_E2E_ISDN,
	       "progress bits");
_Static_assert(TDM_PROG_DEST_NOT_ISDN == PRI_PROG_CALLED_NOT_ISDN,
	       "progress bits");
_Static_assert(TDM_PROG_ORIG_NOT_ISDN == PRI_PROG_CALLER_NOT_ISDN,
	       "progress bits");
_Static_assert(TDM_PROG_DELAY == PRI_PROG_DELAY_AT_INTERF, "progress bits");
_Static_assert(TDM_PROG_INTERWORKING == PRI_PROG_INTERWORKING_WITH_PUBLIC,
	       "progress bits");

#define PROG_MASK 0x3fu

static const int redir_pri[TDM_REDIR__COUNT] = {
	[TDM_REDIR_UNKNOWN] = PRI_REDIR_UNKNOWN,
	[TDM_REDIR_BUSY] = PRI_REDIR_FORWARD_ON_BUSY,
	[TDM_REDIR_NO_REPLY] = PRI_REDIR_FORWARD_ON_NO_REPLY,
	[TDM_REDIR_DEFLECTION] = PRI_REDIR_DEFLECTION,
	[TDM_REDIR_OUT_OF_ORDER] = PRI_REDIR_DTE_OUT_OF_ORDER,
	[TDM_REDIR_BY_DTE] = PRI_REDIR_FORWARDED_BY_DTE,
	[TDM_REDIR_UNCONDITIONAL] = PRI_REDIR_UNCONDITIONAL,
};

void tdm_info_copy(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = 0;
}

static bool ton_known(int t)
{
	return (t >= 0 && t <= 4) || t == 6;
}

static bool npi_known(int n)
{
	return n == 0 || n == 1 || n == 3 || n == 4 || n == 8 || n == 9;
}

/* Reserved codes arrive as unknown: the far end's problem, not ours. */
static void info_plan(struct tdm_number *n, int plan)
{
	int ton = (plan >> 4) & 7, npi = plan & 15;

	n->ton = ton_known(ton) ? (enum tdm_ton)ton : TDM_TON_UNKNOWN;
	n->npi = npi_known(npi) ? (enum tdm_npi)npi : TDM_NPI_UNKNOWN;
}

static void info_pres(struct tdm_number *n, int pres)
{
	int p = (pres & PRI_PRES_RESTRICTION) >> 5;

	n->pres = p <= 2 ? (enum tdm_pres)p : TDM_PRES_RESTRICTED;
	n->screen = (enum tdm_screen)(pres & PRI_PRES_NUMBER_TYPE);
}

int tdm_info_plan(const struct tdm_number *n)
{
	return (int)((unsigned)n->ton << 4 | (unsigned)n->npi);
}

int tdm_info_pres(const struct tdm_number *n)
{
	return (int)((unsigned)n->pres << 5 | (unsigned)n->screen);
}

int tdm_info_redir_pri(enum tdm_redir r)
{
	return (unsigned)r < TDM_REDIR__COUNT ? redir_pri[r]
					      : PRI_REDIR_UNKNOWN;
}

enum tdm_redir tdm_info_redir_tdm(int pri_reason)
{
	for (int i = 0; i < TDM_REDIR__COUNT; i++)
		if (redir_pri[i] == pri_reason)
			return (enum tdm_redir)i;
	return TDM_REDIR_UNKNOWN;
}

unsigned tdm_info_progress(int pri_mask)
{
	return (unsigned)pri_mask & PROG_MASK;
}

void tdm_info_from_ring(struct tdm_call_info *info, const void *ring)
{
	const pri_event_ring *r = ring;

	memset(info, 0, sizeof(*info));
	tdm_info_copy(info->called.digits, sizeof(info->called.digits),
		      r->callednum);
	info_plan(&info->called, r->calledplan);
	tdm_info_copy(info->calling.digits, sizeof(info->calling.digits),
		      r->callingnum);
	info_plan(&info->calling, r->callingplan);
	info_pres(&info->calling, r->callingpres);
	tdm_info_copy(info->calling_name, sizeof(info->calling_name),
		      r->callingname);
	tdm_info_copy(info->redirecting.digits,
		      sizeof(info->redirecting.digits), r->redirectingnum);
	if (info->redirecting.digits[0]) {
		info_plan(&info->redirecting, r->callingplanrdnis);
		info->redirect_reason =
			tdm_info_redir_tdm(r->redirectingreason);
	}
	tdm_info_copy(info->keypad, sizeof(info->keypad), r->keypad_digits);
	info->progress = tdm_info_progress(r->progressmask);
	info->complete = r->complete;
}

/* Fills a libpri setup request from the neutral info. The strings are
 * the info's own: libpri copies them in pri_setup(). */
void tdm_info_to_sr(const struct tdm_call_info *info, void *srp, bool complete)
{
	struct pri_sr *sr = srp;
	const struct tdm_number *cg = &info->calling;
	const struct tdm_number *rd = &info->redirecting;

	pri_sr_set_called(sr, (char *)info->called.digits,
			  tdm_info_plan(&info->called), complete);
	pri_sr_set_caller(
		sr, cg->digits[0] ? (char *)cg->digits : NULL,
		info->calling_name[0] ? (char *)info->calling_name : NULL,
		tdm_info_plan(cg),
		cg->digits[0] ? tdm_info_pres(cg) : PRES_NUMBER_NOT_AVAILABLE);
	if (rd->digits[0])
		pri_sr_set_redirecting(
			sr, (char *)rd->digits, tdm_info_plan(rd),
			tdm_info_pres(rd),
			tdm_info_redir_pri(info->redirect_reason));
	if (info->keypad[0])
		pri_sr_set_keypad_digits(sr, info->keypad);
}
