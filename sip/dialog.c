/*
 * dialog.c: dialog state (RFC 3261 12): identifiers, route set from
 * Record-Route, remote target from Contact, CSeq, and requests built
 * inside the dialog.
 */
#include <errno.h>
#include <string.h>
#include "sip/sip_int.h"

#define MAX_ROUTES 16

static int set_str(struct sip_dialog *d, char **dst, const char *s, size_t l)
{
	char *c = sip_strdup(d->st, s, l);
	if (!c)
		return ENOMEM;
	sip_free(d->st, *dst);
	*dst = c;
	return 0;
}

static int set_pl(struct sip_dialog *d, char **dst, const struct sip_pl *pl)
{
	return set_str(d, dst, pl->p ? pl->p : "", pl->l);
}

/* Record-Route elements in message order; reverse for the UAC. */
static int set_route(struct sip_dialog *d, const struct sip_msg *msg,
		     bool reverse)
{
	struct sip_pl el[MAX_ROUTES];
	unsigned n = 0;
	const struct sip_hdr *h = NULL;
	while ((h = sip_msg_hdr(msg, SIP_HDR_RECORD_ROUTE, h))) {
		struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
		struct sip_pl e;
		while (sip_list_next(&lx, &e)) {
			if (n == MAX_ROUTES)
				return E2BIG;
			el[n++] = e;
		}
	}
	sip_free(d->st, d->route);
	d->route = NULL;
	if (!n)
		return 0;
	char buf[2048];
	struct sip_mbuf mb;
	sip_mb_init(&mb, buf, sizeof(buf));
	for (unsigned i = 0; i < n; i++) {
		if (i)
			sip_mb_str(&mb, ", ");
		sip_mb_pl(&mb, &el[reverse ? n - 1 - i : i]);
	}
	if (mb.err)
		return mb.err;
	return set_str(d, &d->route, buf, mb.len);
}

/* "display" <uri> without header params, as used in From/To. */
static int set_naddr(struct sip_dialog *d, char **dst,
		     const struct sip_naddr *na)
{
	char buf[512];
	struct sip_mbuf mb;
	sip_mb_init(&mb, buf, sizeof(buf));
	if (na->dname.l) {
		sip_mb_str(&mb, "\"");
		sip_mb_pl(&mb, &na->dname);
		sip_mb_str(&mb, "\" ");
	}
	sip_mb_str(&mb, "<");
	sip_mb_pl(&mb, &na->uri_str);
	sip_mb_str(&mb, ">");
	if (mb.err)
		return mb.err;
	return set_str(d, dst, buf, mb.len);
}

int sip_dialog_init_uac(struct sip_dialog *d, struct sip_stack *st,
			const char *call_id, const char *local_uri,
			const char *local_tag, const char *remote_uri,
			const char *ruri, uint32_t cseq,
			const struct sip_addr *peer)
{
	memset(d, 0, sizeof(*d));
	d->st = st;
	d->uac = true;
	d->local_cseq = cseq;
	d->peer = *peer;
	if (set_str(d, &d->call_id, call_id, strlen(call_id)) ||
	    set_str(d, &d->local_uri, local_uri, strlen(local_uri)) ||
	    set_str(d, &d->local_tag, local_tag, strlen(local_tag)) ||
	    set_str(d, &d->remote_uri, remote_uri, strlen(remote_uri)) ||
	    set_str(d, &d->remote_target, ruri, strlen(ruri))) {
		sip_dialog_release(d);
		return ENOMEM;
	}
	return 0;
}

int sip_dialog_update_uac(struct sip_dialog *d, const struct sip_msg *resp)
{
	int err;
	if (!resp->to.tag.l)
		return EINVAL;
	if (d->confirmed)
		return 0;
	err = set_pl(d, &d->remote_tag, &resp->to.tag);
	if (!err && resp->has_contact)
		err = set_pl(d, &d->remote_target, &resp->contact.uri_str);
	if (!err)
		err = set_route(d, resp, true);
	if (!err && resp->code >= 200 && resp->code < 300)
		d->confirmed = true;
	return err;
}

int sip_dialog_init_uas(struct sip_dialog *d, struct sip_stack *st,
			const struct sip_msg *req, const char *local_tag,
			const struct sip_addr *src)
{
	int err;
	memset(d, 0, sizeof(*d));
	d->st = st;
	d->remote_cseq = req->cseq;
	d->local_cseq = 1;
	d->peer = *src;
	const struct sip_pl *target =
		req->has_contact ? &req->contact.uri_str : &req->from.uri_str;
	err = set_pl(d, &d->call_id, &req->call_id);
	if (!err)
		err = set_pl(d, &d->remote_tag, &req->from.tag);
	if (!err)
		err = set_str(d, &d->local_tag, local_tag, strlen(local_tag));
	if (!err)
		err = set_naddr(d, &d->remote_uri, &req->from);
	if (!err)
		err = set_naddr(d, &d->local_uri, &req->to);
	if (!err)
		err = set_pl(d, &d->remote_target, target);
	if (!err)
		err = set_route(d, req, false);
	if (err)
		sip_dialog_release(d);
	return err;
}

void sip_dialog_release(struct sip_dialog *d)
{
	if (!d || !d->st)
		return;
	sip_free(d->st, d->call_id);
	sip_free(d->st, d->local_tag);
	sip_free(d->st, d->remote_tag);
	sip_free(d->st, d->local_uri);
	sip_free(d->st, d->remote_uri);
	sip_free(d->st, d->remote_target);
	sip_free(d->st, d->route);
	memset(d, 0, sizeof(*d));
}

static bool pl_eq_str(const struct sip_pl *pl, const char *s)
{
	return s ? sip_pl_eq(pl, s) : pl->l == 0;
}

bool sip_dialog_match(const struct sip_dialog *d, const struct sip_msg *req)
{
	return d->call_id && sip_pl_eq(&req->call_id, d->call_id) &&
	       pl_eq_str(&req->to.tag, d->local_tag) &&
	       pl_eq_str(&req->from.tag, d->remote_tag);
}

bool sip_dialog_check_cseq(struct sip_dialog *d, const struct sip_msg *req)
{
	if (req->method == SIP_METHOD_ACK || req->method == SIP_METHOD_CANCEL)
		return true;
	if (d->remote_cseq && req->cseq <= d->remote_cseq)
		return false;
	d->remote_cseq = req->cseq;
	return true;
}

/* Loose routing (RFC 3261 12.2.1.1); a first hop without ;lr is strict. */
int sip_dialog_request(struct sip_dialog *d, struct sip_mbuf *mb,
		       enum sip_method method, uint32_t cseq,
		       const char *branch, const char *extra, const char *ctype,
		       const char *body, struct sip_addr *dst)
{
	struct sip_stack *st = d->st;
	const char *ruri = d->remote_target;
	struct sip_pl first = { NULL, 0 }, rest = { NULL, 0 };
	struct sip_naddr hop;
	bool strict = false, have_hop = false;

	if (d->route) {
		struct sip_lex lx = { d->route, d->route + strlen(d->route) };
		if (sip_list_next(&lx, &first)) {
			struct sip_lex fl = { first.p, first.p + first.l };
			if (!sip_naddr_parse(&hop, &fl)) {
				have_hop = true;
				strict = !sip_uri_param(&hop.uri, "lr", NULL);
			}
			sip_lex_lws(&lx);
			rest.p = lx.p;
			rest.l = (size_t)(lx.e - lx.p);
		}
	}
	if (!cseq)
		cseq = ++d->local_cseq;

	/* next hop: an IP literal in the URI, else where the dialog's peer
	 * is; the transport stays the dialog's (sip_addr.tp) */
	struct sip_uri target;
	*dst = d->peer;
	if (have_hop) {
		sip_addr_from_uri(dst, &hop.uri);
	} else if (!sip_uri_parse(&target, ruri, strlen(ruri))) {
		sip_addr_from_uri(dst, &target);
	}
	dst->tp = d->peer.tp;

	if (strict) {
		sip_mb_printf(mb, "%s ", sip_method_name(method));
		sip_mb_pl(mb, &hop.uri_str);
		sip_mb_str(mb, " SIP/2.0\r\n");
	} else {
		sip_mb_printf(mb, "%s %s SIP/2.0\r\n", sip_method_name(method),
			      ruri);
	}
	bool v6 = strchr(st->local_ip, ':') != NULL;
	sip_mb_printf(mb, "Via: SIP/2.0/%s %s%s%s:%u;branch=%s;rport\r\n",
		      sip_transport_name(dst->tp), v6 ? "[" : "", st->local_ip,
		      v6 ? "]" : "", st->local_port, branch);
	sip_mb_str(mb, "Max-Forwards: 70\r\n");
	sip_mb_printf(mb, "From: %s;tag=%s\r\n", d->local_uri, d->local_tag);
	sip_mb_printf(mb, "To: %s", d->remote_uri);
	if (d->remote_tag && *d->remote_tag)
		sip_mb_printf(mb, ";tag=%s", d->remote_tag);
	sip_mb_printf(mb, "\r\nCall-ID: %s\r\nCSeq: %u %s\r\n", d->call_id,
		      cseq, sip_method_name(method));
	if (strict) {
		sip_mb_str(mb, "Route: ");
		if (rest.l) {
			sip_mb_pl(mb, &rest);
			sip_mb_str(mb, ", ");
		}
		sip_mb_printf(mb, "<%s>\r\n", ruri);
	} else if (d->route) {
		sip_mb_printf(mb, "Route: %s\r\n", d->route);
	}
	/* target refresh and dialog-forming methods carry our Contact */
	if (method == SIP_METHOD_INVITE || method == SIP_METHOD_UPDATE ||
	    method == SIP_METHOD_SUBSCRIBE || method == SIP_METHOD_NOTIFY ||
	    method == SIP_METHOD_REFER)
		sip_mb_printf(mb, "Contact: <sip:%s%s%s:%u>\r\n", v6 ? "[" : "",
			      st->local_ip, v6 ? "]" : "", st->local_port);
	if (st->user_agent[0])
		sip_mb_printf(mb, "User-Agent: %s\r\n", st->user_agent);
	if (extra)
		sip_mb_str(mb, extra);
	sip_mb_body(mb, ctype, body, body ? strlen(body) : 0);
	return mb->err;
}
