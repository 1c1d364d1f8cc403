/*
 * Numbers and identity between Q.931 and SIP (see identity.h): E.164
 * normalisation per span, the identity headers of INVITEs we send, and
 * the calling and redirecting numbers of INVITEs we receive.
 */
#include "gateway/identity.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const redir_hdr_names[] = { "diversion", "history-info",
					       "both", "none" };

const char *gw_redir_hdr_name(enum gw_redir_hdr r)
{
	return (unsigned)r < 4 ? redir_hdr_names[r] : "?";
}

/* Redirecting reasons: Diversion's reason (RFC 5806 4) and the cause URI
 * parameter of History-Info (RFC 4458 2, as RFC 7044 uses it). The
 * first row of a reason is what we send; later rows are accepted too. */
static const struct {
	enum tdm_redir r;
	const char *div;
	unsigned cause;
} redir_map[] = {
	{ TDM_REDIR_UNKNOWN, "unknown", 404 },
	{ TDM_REDIR_BUSY, "user-busy", 486 },
	{ TDM_REDIR_NO_REPLY, "no-answer", 408 },
	{ TDM_REDIR_DEFLECTION, "deflection", 487 },
	{ TDM_REDIR_OUT_OF_ORDER, "out-of-service", 503 },
	{ TDM_REDIR_BY_DTE, "do-not-disturb", 480 },
	{ TDM_REDIR_UNCONDITIONAL, "unconditional", 302 },
	{ TDM_REDIR_OUT_OF_ORDER, "unavailable", 503 },
	{ TDM_REDIR_DEFLECTION, "deflection", 480 },
};
#define NREDIR (sizeof(redir_map) / sizeof(redir_map[0]))

static bool starts(const char *s, const char *pfx)
{
	return pfx && *pfx && !strncmp(s, pfx, strlen(pfx));
}

void gw_id_to_e164(const struct gw_numplan *np, const char *digits,
		   enum tdm_ton ton, char *out, size_t n)
{
	const char *cc = np && np->cc ? np->cc : "";

	if (!digits[0]) {
		snprintf(out, n, "%s", "");
		return;
	}
	if (digits[0] == '+') { /* already E.164 */
		snprintf(out, n, "%s", digits);
		return;
	}
	if (ton == TDM_TON_INTERNATIONAL) {
		snprintf(out, n, "+%s", digits);
		return;
	}
	if (!cc[0]) {
		snprintf(out, n, "%s", digits);
		return;
	}
	if (ton == TDM_TON_NATIONAL) {
		snprintf(out, n, "+%s%s", cc, digits);
		return;
	}
	if (ton == TDM_TON_UNKNOWN) {
		/* the prefixes say it; the international one first, since
		 * it often begins with the national one ("00" vs "0") */
		if (starts(digits, np->intpfx) && digits[strlen(np->intpfx)]) {
			snprintf(out, n, "+%s", digits + strlen(np->intpfx));
			return;
		}
		if (starts(digits, np->natpfx) && digits[strlen(np->natpfx)]) {
			snprintf(out, n, "+%s%s", cc,
				 digits + strlen(np->natpfx));
			return;
		}
	}
	/* subscriber, network specific, abbreviated: no E.164 form */
	snprintf(out, n, "%s", digits);
}

int gw_id_from_user(const struct gw_numplan *np, const char *user, size_t len,
		    struct tdm_number *out)
{
	char d[TDM_NUM_MAX];
	size_t k = 0;
	bool plus = false;
	const char *cc = np && np->cc ? np->cc : "";

	for (size_t i = 0; i < len; i++) {
		char ch = user[i];

		if (ch == ';')
			break; /* tel: or user=phone parameters */
		if (ch == '-' || ch == '.' || ch == '(' || ch == ')')
			continue; /* RFC 3966 visual separators */
		if (ch == '+' && i == 0 && !plus) {
			plus = true;
			continue;
		}
		if (!((ch >= '0' && ch <= '9') || ch == '*' || ch == '#'))
			return EINVAL;
		if (k + 1 >= sizeof(d))
			return ENOSPC;
		d[k++] = ch;
	}
	d[k] = '\0';
	if (!k)
		return EINVAL;

	struct tdm_number num = { .npi = TDM_NPI_E164 };
	const char *digits = d;

	if (plus && cc[0] && starts(d, cc) && d[strlen(cc)]) {
		num.ton = TDM_TON_NATIONAL;
		digits = d + strlen(cc);
	} else if (plus) {
		num.ton = TDM_TON_INTERNATIONAL;
	} else {
		num.ton = TDM_TON_UNKNOWN;
	}
	snprintf(num.digits, sizeof(num.digits), "%s", digits);
	*out = num;
	return 0;
}

/* ---- towards SIP ------------------------------------------------------ */

/* Appends to buf; a line that does not fit is dropped whole. */
static void add(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	int w = vsnprintf(buf + used, size - used, fmt, ap);

	va_end(ap);
	if (w < 0 || (size_t)w >= size - used)
		buf[used] = '\0';
}

/* A display name goes between quotes: drop what would end them. */
static void copy_display(char *dst, size_t n, const char *src)
{
	size_t k = 0;

	for (; *src && k + 1 < n; src++)
		if ((unsigned char)*src >= 0x20 && *src != '"' &&
		    *src != '\\' && *src != 0x7f)
			dst[k++] = *src;
	dst[k] = '\0';
}

static const char *redir_reason(enum tdm_redir r, unsigned *cause)
{
	for (size_t i = 0; i < NREDIR; i++)
		if (redir_map[i].r == r) {
			*cause = redir_map[i].cause;
			return redir_map[i].div;
		}
	*cause = 404;
	return "unknown";
}

int gw_id_to_sip(const struct gw_id_opts *o, const struct tdm_call_info *in,
		 const char *calling, const char *called, struct gw_id_sip *out)
{
	const struct tdm_number *cg = &in->calling;
	char num[TDM_NUM_MAX + 2];
	/* RFC 3325 asserts an identity the network vouches for: a number
	 * the network provided or screened and passed, not one it did not
	 * check (Q.1912.5 6.1.1 for ISUP's calling party number) */
	bool screened = cg->screen == TDM_SCREEN_NETWORK ||
			cg->screen == TDM_SCREEN_USER_PASSED;

	memset(out, 0, sizeof(*out));
	if (calling)
		snprintf(num, sizeof(num), "%s", calling);
	else
		gw_id_to_e164(o->np, cg->digits, cg->ton, num, sizeof(num));
	bool hidden = cg->pres != TDM_PRES_ALLOWED || !num[0];

	if (hidden) {
		/* RFC 3323 4.1.1.3: an anonymous From */
		snprintf(out->from_user, sizeof(out->from_user), "anonymous");
		out->from_host = "anonymous.invalid";
		snprintf(out->display, sizeof(out->display), "Anonymous");
	} else {
		snprintf(out->from_user, sizeof(out->from_user), "%s", num);
		copy_display(out->display, sizeof(out->display),
			     in->calling_name);
	}
	/* "not available": no number goes anywhere */
	if (o->trust_pai && screened && num[0] &&
	    cg->pres != TDM_PRES_UNAVAILABLE)
		add(out->hdrs, sizeof(out->hdrs),
		    "P-Asserted-Identity: <sip:%s@%s;user=phone>\r\n", num,
		    o->domain);
	if (cg->pres == TDM_PRES_RESTRICTED)
		add(out->hdrs, sizeof(out->hdrs), "Privacy: id\r\n");

	const struct tdm_number *rd = &in->redirecting;

	if (!rd->digits[0] || o->redir == GW_REDIR_NONE)
		return 0;
	char rnum[TDM_NUM_MAX + 2];
	unsigned cause;
	const char *why = redir_reason(in->redirect_reason, &cause);

	gw_id_to_e164(o->np, rd->digits, rd->ton, rnum, sizeof(rnum));
	if (o->redir == GW_REDIR_DIVERSION || o->redir == GW_REDIR_BOTH)
		add(out->hdrs, sizeof(out->hdrs),
		    "Diversion: <sip:%s@%s;user=phone>;reason=%s;counter=1%s\r\n",
		    rnum, o->domain, why,
		    rd->pres == TDM_PRES_ALLOWED ? "" : ";privacy=full");
	if (o->redir == GW_REDIR_HISTORY_INFO || o->redir == GW_REDIR_BOTH)
		/* RFC 7044: the redirecting user, then the retargeted one
		 * with its cause (RFC 4458) and where it came from (mp) */
		add(out->hdrs, sizeof(out->hdrs),
		    "History-Info: <sip:%s@%s;user=phone>;index=1, "
		    "<sip:%s@%s;user=phone;cause=%u>;index=1.1;mp=1\r\n",
		    rnum, o->domain, called, o->domain, cause);
	return 0;
}

/* ---- from SIP --------------------------------------------------------- */

/* name[=value] in ";"-separated params (no leading ';'). */
static bool param_find(const struct sip_pl *params, const char *name,
		       struct sip_pl *val)
{
	const char *p = params->p, *e = p ? p + params->l : NULL;
	size_t nl = strlen(name);

	while (p && p < e) {
		const char *end = memchr(p, ';', (size_t)(e - p));
		const char *eq;

		if (!end)
			end = e;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		eq = memchr(p, '=', (size_t)(end - p));
		size_t kl = (size_t)((eq ? eq : end) - p);

		while (kl && (p[kl - 1] == ' ' || p[kl - 1] == '\t'))
			kl--;
		if (kl == nl && !strncasecmp(p, name, nl)) {
			if (eq) {
				val->p = eq + 1;
				val->l = (size_t)(end - eq - 1);
			} else {
				val->p = end;
				val->l = 0;
			}
			return true;
		}
		p = end + 1;
	}
	return false;
}

/* The number in a sip: or tel: URI, or EINVAL. */
static int uri_number(const struct gw_numplan *np, const struct sip_uri *u,
		      struct tdm_number *out)
{
	if (u->scheme != SIP_URI_SIP && u->scheme != SIP_URI_SIPS &&
	    u->scheme != SIP_URI_TEL)
		return EINVAL;
	return gw_id_from_user(np, u->user.p, u->user.l, out);
}

static bool pl_to_redir(const struct sip_pl *why, unsigned cause,
			enum tdm_redir *r)
{
	struct sip_pl w;

	if (why) { /* RFC 5806 allows reason="user-busy" too */
		w = *why;
		if (w.l >= 2 && w.p[0] == '"' && w.p[w.l - 1] == '"') {
			w.p++;
			w.l -= 2;
		}
		why = &w;
	}
	for (size_t i = 0; i < NREDIR; i++)
		if ((why && sip_pl_casecmp(why, redir_map[i].div)) ||
		    (!why && redir_map[i].cause == cause)) {
			*r = redir_map[i].r;
			return true;
		}
	return false;
}

/* Diversion: the first value is the latest redirection (RFC 5806 4). */
static bool from_diversion(const struct gw_numplan *np,
			   const struct sip_msg *inv,
			   struct tdm_call_info *info)
{
	struct sip_hiter it;
	struct sip_pl v, why;
	struct sip_naddr na;

	sip_hiter_init(&it, inv, SIP_HDR_DIVERSION);
	if (!sip_hiter_next(&it, &v) || sip_naddr_parse_pl(&na, &v) ||
	    uri_number(np, &na.uri, &info->redirecting))
		return false;
	info->redirect_reason = TDM_REDIR_UNKNOWN;
	if (param_find(&na.params, "reason", &why))
		pl_to_redir(&why, 0, &info->redirect_reason);
	if (param_find(&na.params, "privacy", &why) &&
	    sip_pl_casecmp(&why, "full"))
		info->redirecting.pres = TDM_PRES_RESTRICTED;
	return true;
}

/* History-Info: the last entry retargeted with a cause (RFC 4458) is the
 * latest redirection; the entry before it names who redirected. */
static bool from_history(const struct gw_numplan *np, const struct sip_msg *inv,
			 struct tdm_call_info *info)
{
	struct sip_hiter it;
	struct sip_pl v, cv;
	struct sip_naddr na, prev = { 0 }, redirector = { 0 };
	bool have_prev = false, found = false;
	unsigned cause = 0;

	sip_hiter_init(&it, inv, SIP_HDR_HISTORY_INFO);
	for (int i = 0; i < 32 && sip_hiter_next(&it, &v); i++) {
		if (sip_naddr_parse_pl(&na, &v))
			continue;
		if (have_prev && sip_uri_param(&na.uri, "cause", &cv)) {
			unsigned c = 0;

			for (size_t k = 0; k < cv.l && k < 3; k++)
				if (cv.p[k] >= '0' && cv.p[k] <= '9')
					c = c * 10 + (unsigned)(cv.p[k] - '0');
			redirector = prev;
			cause = c;
			found = true;
		}
		prev = na;
		have_prev = true;
	}
	if (!found || uri_number(np, &redirector.uri, &info->redirecting))
		return false;
	info->redirect_reason = TDM_REDIR_UNKNOWN;
	pl_to_redir(NULL, cause, &info->redirect_reason);
	return true;
}

void gw_id_from_sip(const struct gw_id_opts *o, const struct sip_msg *inv,
		    struct tdm_call_info *info, char *name, size_t namelen)
{
	struct tdm_number *cg = &info->calling;
	bool got = false, anon;
	struct sip_pl host = inv->from.uri.host;

	memset(cg, 0, sizeof(*cg));
	if (name && namelen)
		name[0] = '\0';
	if (o->trust_pai) {
		struct sip_hiter it;
		struct sip_pl v;
		struct sip_naddr na;

		sip_hiter_init(&it, inv, SIP_HDR_P_ASSERTED_IDENTITY);
		for (int i = 0; i < 4 && !got && sip_hiter_next(&it, &v); i++)
			if (!sip_naddr_parse_pl(&na, &v) &&
			    !uri_number(o->np, &na.uri, cg)) {
				cg->screen = TDM_SCREEN_NETWORK;
				got = true;
			}
	}
	anon = sip_pl_casecmp(&host, "anonymous.invalid") ||
	       sip_pl_casecmp(&inv->from.uri.user, "anonymous");
	if (!got && !anon && !uri_number(o->np, &inv->from.uri, cg)) {
		cg->screen = TDM_SCREEN_USER_NOT_SCREENED;
		got = true;
	}
	/* RFC 3323: "header" hides the identity headers too */
	if (sip_msg_privacy(inv, "id") || sip_msg_privacy(inv, "header") ||
	    anon) {
		cg->pres = TDM_PRES_RESTRICTED;
	} else {
		cg->pres = got ? TDM_PRES_ALLOWED : TDM_PRES_UNAVAILABLE;
		if (name && namelen)
			sip_pl_copy(&inv->from.dname, name, namelen);
	}

	memset(&info->redirecting, 0, sizeof(info->redirecting));
	info->redirect_reason = TDM_REDIR_UNKNOWN;
	if (!from_diversion(o->np, inv, info) &&
	    !from_history(o->np, inv, info))
		memset(&info->redirecting, 0, sizeof(info->redirecting));
}
