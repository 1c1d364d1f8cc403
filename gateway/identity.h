#pragma once
/*
 * Numbers and identity between Q.931 and SIP: calling number <-> From and
 * P-Asserted-Identity (RFC 3325), presentation <-> Privacy: id (RFC 3323),
 * screening, TON/NPI <-> E.164 ("+CC...") per span, redirecting number <->
 * Diversion (RFC 5806) and History-Info (RFC 7044, causes of RFC 4458),
 * called number <-> Request-URI user (sip: or tel:).
 *
 * Pure functions over neutral structs: no call, no I/O.
 */
#include <stdbool.h>
#include <stddef.h>

#include "sip/sip.h"
#include "tdm/tdm.h"

/* A span's numbering plan. cc empty: numbers are passed through as they
 * are (only TON international gains its '+'). */
struct gw_numplan {
	const char *cc;	    /* country code, "1", "49" */
	const char *natpfx; /* national (trunk) prefix, "1", "0" */
	const char *intpfx; /* international prefix, "011", "00" */
};

/* Which headers carry a redirecting number towards SIP. */
enum gw_redir_hdr {
	GW_REDIR_DIVERSION,
	GW_REDIR_HISTORY_INFO,
	GW_REDIR_BOTH,
	GW_REDIR_NONE,
};

/* PSTN number -> SIP user part: "+<E.164>" when the TON (or a prefix of
 * a TON unknown number) says which, else the digits as they are. */
void gw_id_to_e164(const struct gw_numplan *np, const char *digits,
		   enum tdm_ton ton, char *out, size_t n);
/* SIP user part (sip: user or tel: number, visual separators and
 * parameters allowed) -> digits with TON/NPI: "+<cc>N" national N, "+N"
 * international N, else TON unknown. EINVAL if it is not a number
 * ("anonymous"), ENOSPC if too long; out untouched then. */
int gw_id_from_user(const struct gw_numplan *np, const char *user, size_t len,
		    struct tdm_number *out);

/* What the INVITE towards a trunk carries for a PSTN call. */
struct gw_id_opts {
	const struct gw_numplan *np;
	const char *domain; /* host of the URIs we write */
	bool trust_pai;	    /* the trunk is trusted (RFC 3325 Spec(T)) */
	enum gw_redir_hdr redir;
};
struct gw_id_sip {
	char from_user[TDM_NUM_MAX + 2];
	const char *from_host; /* NULL: opts' domain */
	char display[TDM_NAME_MAX];
	char hdrs[1024]; /* PAI, Privacy, Diversion, History-Info lines */
};
/* calling: the calling number as it goes to SIP (a route may have
 * rewritten it), NULL: in->calling through the plan; called: the
 * (routed) called number of the Request-URI. Presentation, screening
 * and the redirecting number come from in. */
int gw_id_to_sip(const struct gw_id_opts *o, const struct tdm_call_info *in,
		 const char *calling, const char *called,
		 struct gw_id_sip *out);

/*
 * An incoming INVITE -> the SETUP's calling and redirecting numbers and
 * name (called is the routing's). Takes P-Asserted-Identity only from a
 * trusted trunk (o->trust_pai), and then as screened by the network;
 * From otherwise, as not screened. Privacy: id (or an anonymous From)
 * makes the presentation restricted. A header that does not give a
 * number is ignored (the next source is tried).
 */
void gw_id_from_sip(const struct gw_id_opts *o, const struct sip_msg *inv,
		    struct tdm_call_info *info, char *name, size_t namelen);

const char *gw_redir_hdr_name(enum gw_redir_hdr r);
