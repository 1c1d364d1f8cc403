/*
 * sip_int.h: private to sip/. Lexer, message builder, timers,
 * transactions, dialogs and the stack object shared by the sip/ files.
 */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include "sip/sip.h"

#define SIP_BRANCH_COOKIE "z9hG4bK"

/* ---- lexer over a view (parse.c) -------------------------------------- */

struct sip_lex {
	const char *p;
	const char *e;
};

/* token characters (RFC 3261 25.1) as a bitmap: alphanumerics and
 * -.!%*_+`'~ ; a table, not strchr(): it is the parser's hottest test. */
static inline bool sip_is_token_char(char c)
{
	static const uint64_t map[2] = { 0x03ff6ca200000000ULL,
					 0x47ffffff87fffffeULL };
	unsigned char u = (unsigned char)c;
	return u < 128 && ((map[u >> 6] >> (u & 63)) & 1);
}

/* The lexer's primitives are inline: they run for every byte parsed. */
static inline void sip_lex_lws(struct sip_lex *lx)
{
	while (lx->p < lx->e && (*lx->p == ' ' || *lx->p == '\t' ||
				 *lx->p == '\r' || *lx->p == '\n'))
		lx->p++;
}

static inline bool sip_lex_token(struct sip_lex *lx, struct sip_pl *tok)
{
	const char *s = lx->p;
	while (lx->p < lx->e && sip_is_token_char(*lx->p))
		lx->p++;
	tok->p = s;
	tok->l = (size_t)(lx->p - s);
	return tok->l > 0;
}

static inline bool sip_lex_char(struct sip_lex *lx, char c)
{
	if (lx->p < lx->e && *lx->p == c) {
		lx->p++;
		return true;
	}
	return false;
}

/* ASCII case-insensitive equality of n bytes (no locale). */
static inline bool sip_ascii_caseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x != y && ((x | 0x20) != (y | 0x20) ||
			       (unsigned)((x | 0x20) - 'a') > 'z' - 'a'))
			return false;
	}
	return true;
}

bool sip_lex_quoted(struct sip_lex *lx, struct sip_pl *q);
int sip_parse_u32(const struct sip_pl *pl, uint32_t max, uint32_t *v);
/* Parses ";name[=value]" params up to ',' or end; rejects empty names. */
int sip_params_parse(struct sip_lex *lx, struct sip_pl *all);
bool sip_param_find(const struct sip_pl *params, const char *name,
		    struct sip_pl *val);
int sip_naddr_parse(struct sip_naddr *na, struct sip_lex *lx);
int sip_via_parse(struct sip_via *via, struct sip_lex *lx);
/* One via-parm of a list: stops before a ',' (or at the end). */
int sip_via_parse_one(struct sip_via *via, struct sip_lex *lx);
/* Header id of a name or compact form; SIP_HDR_OTHER if unknown. */
enum sip_hdr_id sip_hdr_lookup(const struct sip_pl *name);
/* An IPv6 literal without [] (uri.c). */
bool sip_ipv6_valid(const struct sip_pl *host);
/* Checks a known header's value against its grammar (hdr_typed.c). */
int sip_hdr_check(const struct sip_hdr *h);
/* Next comma-separated element of a list header (quotes and <> aware). */
bool sip_list_next(struct sip_lex *lx, struct sip_pl *elem);

/* ---- message builder (msg.c) ------------------------------------------ */

struct sip_mbuf {
	char *buf;
	size_t size;
	size_t len;
	int err; /* sticky: ENOSPC once something did not fit */
};

void sip_mb_init(struct sip_mbuf *mb, char *buf, size_t size);
void sip_mb_printf(struct sip_mbuf *mb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sip_mb_pl(struct sip_mbuf *mb, const struct sip_pl *pl);
void sip_mb_str(struct sip_mbuf *mb, const char *s);
/* Ends headers: Content-Type (if body), Content-Length, blank line, body. */
void sip_mb_body(struct sip_mbuf *mb, const char *ctype, const char *body,
		 size_t blen);
/* A response to req: Vias, From, To (+to_tag if To has none), Call-ID, CSeq. */
void sip_mb_response_head(struct sip_mbuf *mb, const struct sip_msg *req,
			  unsigned code, const char *reason,
			  const char *to_tag);
void sip_mb_ack_cancel(struct sip_mbuf *mb, const struct sip_msg *inv,
		       enum sip_method m, const struct sip_msg *resp,
		       const char *extra);
/* "Reason: Q.850;cause=N" (nothing for cause <= 0), with text="..."
 * from the stack's q850_text hook when it gives a clean one. */
void sip_mb_hdr_reason(struct sip_mbuf *mb, const struct sip_stack *st,
		       int q850_cause);

/* ---- stack ------------------------------------------------------------ */

enum sip_timer_id {
	SIP_TMR_A,
	SIP_TMR_B,
	SIP_TMR_D,
	SIP_TMR_E,
	SIP_TMR_F,
	SIP_TMR_G,
	SIP_TMR_H,
	SIP_TMR_I,
	SIP_TMR_J,
	SIP_TMR_K,
	SIP_TMR_L,
	SIP_TMR_M,
	SIP_TMR_2XX,	 /* UAS 2xx retransmission (RFC 3261 13.3.1.4) */
	SIP_TMR_ACK,	 /* UAS wait for ACK: 64*T1 */
	SIP_TMR_CANCEL,	 /* UAC wait for a final after CANCEL: 64*T1 */
	SIP_TMR_GLARE,	 /* re-INVITE retry after 491 (RFC 3261 14.1) */
	SIP_TMR_REFRESH, /* RFC 4028: refresher sends at half the interval */
	SIP_TMR_EXPIRE,	 /* RFC 4028: the session lapses */
	SIP_TMR_REL1XX,	 /* RFC 3262: reliable 1xx retransmission */
	SIP_TMR_SUBS,	 /* RFC 6665: subscription expiry */
	SIP_TMR_REG,	 /* registration refresh or retry */
	SIP_TMR__COUNT
};
const char *sip_timer_name(enum sip_timer_id id);

/* A running timer embedded in its owner; fn may free the owner. */
struct sip_timer {
	struct sip_stack *st;
	void *h;
	enum sip_timer_id id;
	void (*fn)(void *arg);
	void *arg;
};

void sip_timer_init(struct sip_timer *t, struct sip_stack *st,
		    enum sip_timer_id id, void (*fn)(void *), void *arg);
void sip_timer_start(struct sip_timer *t, uint64_t ms);
void sip_timer_stop(struct sip_timer *t);
static inline bool sip_timer_running(const struct sip_timer *t)
{
	return t->h != NULL;
}

struct sip_trans;
struct sip_call;

struct sip_stack {
	struct sip_hooks h;
	char local_ip[64];
	uint16_t local_port;
	char user_agent[96];
	uint32_t t1, t2, t4;
	size_t max_msg;
	uint32_t session_expires, min_se; /* RFC 4028, seconds */
	struct sip_stats stats;
	struct sip_trans *trans; /* all transactions */
#define SIP_TRANS_HASH 4096	 /* buckets, a power of two */
	struct sip_trans *trans_hash[SIP_TRANS_HASH];
	struct sip_call *calls; /* all calls */
#define SIP_CALL_HASH 4096	/* buckets by Call-ID, a power of two */
	struct sip_call *call_hash[SIP_CALL_HASH];
	struct sip_req *reqs;  /* generic requests (ua_req.c) */
	struct sip_subs *subs; /* subscriptions we serve (ua_subs.c) */
	char allow_events[128];
	const char *(*q850_text)(int cause); /* Reason text, may be NULL */
	unsigned next_call_id;
	uint64_t rnd; /* xorshift state for tags and branches */
	uint16_t tp_port[SIP_TP__COUNT]; /* transp.c: listen port per transport,
					  * 0: local_port */
	char alt_ip[64]; /* transp.c: our address of the other IP family */
	uint16_t alt_port;
	bool shutting_down;
	struct sip_ua_authsrv *authsrv; /* server-side digest (ua_auth.c) */
	bool subs_closed;		/* no new subscriptions */
};

void *sip_zalloc(struct sip_stack *st, size_t size);
void sip_free(struct sip_stack *st, void *p);
char *sip_strdup(struct sip_stack *st, const char *s, size_t len);
void sip_log(struct sip_stack *st, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sip_send(struct sip_stack *st, const struct sip_addr *dst, const char *buf,
	     size_t len);
/* Random token of n hex digits into buf (n + 1 bytes). */
void sip_rand_hex(struct sip_stack *st, char *buf, size_t n);
/* Fills a sip_addr from a URI host:port if the host is an IP literal. */
int sip_addr_from_uri(struct sip_addr *a, const struct sip_uri *uri);

/* ---- transport layer (transp.c) ------------------------------------- */

/*
 * RFC 3261 18.2.1 / RFC 3581: a copy of the request in out with
 * received= (sent-by is not the source address) and rport=<port> (asked
 * for) added to the top Via. Returns its length, or 0 if nothing needs
 * adding (or it does not fit). out NULL: the length it would need.
 */
size_t sip_transp_stamp(const struct sip_msg *req, const struct sip_addr *src,
			char *out, size_t size);
/* The send hook behind sip_send(): the Via names dst's transport; a
 * request over 1300 bytes for UDP goes over TCP (RFC 3261 18.1.1). */
int sip_transp_send(struct sip_stack *st, const struct sip_addr *dst,
		    const char *buf, size_t len);

/* ---- transactions (ctrans.c, strans.c) -------------------------------- */

enum sip_trans_state {
	SIP_TS_CALLING,
	SIP_TS_TRYING,
	SIP_TS_PROCEEDING,
	SIP_TS_COMPLETED,
	SIP_TS_CONFIRMED,
	SIP_TS_ACCEPTED, /* RFC 6026 */
	SIP_TS_TERMINATED,
	SIP_TS__COUNT
};
const char *sip_trans_state_name(enum sip_trans_state s);

/* Client: a response or (msg NULL) an error such as ETIMEDOUT. */
typedef void(sip_ctrans_h)(int err, const struct sip_msg *msg, void *arg);
/* Server: Timer H expired (no ACK) or the transaction ended. */
typedef void(sip_strans_h)(int err, void *arg);

/* Owned by the stack's list; the TU only holds a pointer it must clear
 * from its handler or with sip_trans_detach(). */
struct sip_trans {
	struct sip_trans *next, **pprev; /* st->trans: every transaction */
	/* st->trans_hash by key: found in O(1) among the thousands a busy
	 * stack keeps (Timer J holds each non-INVITE 32 s) */
	struct sip_trans *hnext, **hpprev;
	struct sip_stack *st;
	bool server;
	enum sip_method method;
	enum sip_trans_state state;
	char key[256]; /* client: branch; server: match key */
	struct sip_addr peer;
	char *req; /* client: request sent (retransmissions) */
	size_t req_len;
	char *resp; /* server: last response sent */
	size_t resp_len;
	char *ack; /* client INVITE: ACK for non-2xx */
	size_t ack_len;
	unsigned resp_code;
	uint64_t interval;
	struct sip_timer t_retx; /* A, E, G */
	struct sip_timer t_tmo;	 /* B, F, H, L, M */
	struct sip_timer t_end;	 /* D, I, J, K */
	sip_ctrans_h *ch;
	sip_strans_h *sh;
	void *arg;
	struct sip_trans **ref; /* the TU's pointer, cleared on free */
};

void sip_trans_link(struct sip_trans *t, struct sip_trans **ref);
/* FNV-1a of a key, for the stack's hash tables. */
uint32_t sip_hash(const char *key, size_t len);
/* The bucket of st->trans_hash for a key (server: the match key; client:
 * the branch). */
struct sip_trans **sip_trans_bucket(struct sip_stack *st, const char *key,
				    size_t len);

int sip_ctrans_request(struct sip_trans **tp, struct sip_stack *st,
		       enum sip_method method, const struct sip_addr *dst,
		       const char *branch, const char *buf, size_t len,
		       sip_ctrans_h *h, void *arg);
/* Returns true if the response matched a client transaction. */
bool sip_ctrans_recv(struct sip_stack *st, const struct sip_msg *msg);
/* Server: true if absorbed by an existing transaction (retransmission,
 * ACK for a non-2xx). */
bool sip_strans_recv(struct sip_stack *st, const struct sip_msg *msg,
		     const struct sip_addr *src);
int sip_strans_alloc(struct sip_trans **tp, struct sip_stack *st,
		     const struct sip_msg *req, const struct sip_addr *src,
		     sip_strans_h *h, void *arg);
int sip_strans_reply(struct sip_trans *t, const char *buf, size_t len,
		     unsigned code);
/* The INVITE server transaction a CANCEL refers to, or NULL. */
struct sip_trans *sip_strans_find_invite(struct sip_stack *st,
					 const struct sip_msg *cancel);
void sip_trans_detach(struct sip_trans *t);
void sip_trans_free(struct sip_trans *t);
void sip_trans_key(const struct sip_msg *msg, char *buf, size_t size);

/* ---- dialogs (dialog.c) ---------------------------------------------- */

/* Owned by its call. Strings are heap copies. */
struct sip_dialog {
	struct sip_stack *st;
	bool uac;
	bool confirmed;
	char *call_id;
	char *local_tag;
	char *remote_tag;
	char *local_uri; /* "display" <uri> as sent in From/To */
	char *remote_uri;
	char *remote_target; /* Contact URI */
	char *route;	     /* route set as a Route header value, or NULL */
	uint32_t local_cseq;
	uint32_t remote_cseq;
	struct sip_addr peer; /* where requests go when no IP is in the URI */
};

int sip_dialog_init_uac(struct sip_dialog *d, struct sip_stack *st,
			const char *call_id, const char *local_uri,
			const char *local_tag, const char *remote_uri,
			const char *ruri, uint32_t cseq,
			const struct sip_addr *peer);
/* From a 1xx with To tag or a 2xx: remote tag, target and route set. */
int sip_dialog_update_uac(struct sip_dialog *d, const struct sip_msg *resp);
int sip_dialog_init_uas(struct sip_dialog *d, struct sip_stack *st,
			const struct sip_msg *req, const char *local_tag,
			const struct sip_addr *src);
void sip_dialog_release(struct sip_dialog *d);
/* True if the in-dialog request belongs to d (Call-ID and tags). */
bool sip_dialog_match(const struct sip_dialog *d, const struct sip_msg *req);
/* Checks CSeq ordering of an in-dialog request (RFC 3261 12.2.2). */
bool sip_dialog_check_cseq(struct sip_dialog *d, const struct sip_msg *req);
/*
 * Builds a request in the dialog. cseq 0: the next local CSeq. Writes the
 * next-hop address into dst.
 */
int sip_dialog_request(struct sip_dialog *d, struct sip_mbuf *mb,
		       enum sip_method method, uint32_t cseq,
		       const char *branch, const char *extra, const char *ctype,
		       const char *body, struct sip_addr *dst);

/* ---- digest authentication (digest.c, digest_srv.c) ------------------ */

#define SIP_DIGEST_HEX_MAX 64 /* longest hash in hex (SHA-256) */
#define SIP_DIGEST_PARAMS_MAX 16

/* One auth-param: views; val without quotes, escapes still in it. */
struct sip_digest_param {
	struct sip_pl name;
	struct sip_pl val;
	bool quoted;
};

/*
 * Parses one challenge or credentials list element starting at *pp:
 * scheme, then auth-params up to the start of the next challenge (a token
 * not followed by '=') or e. Advances *pp. EBADMSG on malformed input,
 * E2BIG on more than max params, ENOENT at the end of input.
 */
int sip_digest_params_parse(const char **pp, const char *e,
			    struct sip_pl *scheme, struct sip_digest_param *par,
			    unsigned max, unsigned *n);
/* Copies a value with quoted-pairs resolved; ENAMETOOLONG if too long. */
int sip_digest_param_unq(const struct sip_digest_param *p, char *buf,
			 size_t size);
const struct sip_digest_param *
sip_digest_param_find(const struct sip_digest_param *par, unsigned n,
		      const char *name);
/* Hex of H(parts[0] ":" parts[1] ":" ...) into hex[SIP_DIGEST_HEX_MAX + 1]. */
int sip_digest_hash(enum sip_digest_alg alg, const char *const *parts,
		    unsigned n, char *hex);
/* Hex of HA1 and the response (RFC 7616 3.4.1); cnonce NULL: no qop. */
int sip_digest_response(enum sip_digest_alg alg, const char *user,
			const char *realm, const char *password,
			const char *method, const char *uri, const char *nonce,
			const char *nc, const char *cnonce, char *hex);

/* ---- SDP (sdp.c, sdp_t38.c) ------------------------------------------ */

/* v=, o=, s=, c= and t= of a session we describe. */
void sdp_mb_session(struct sip_mbuf *mb, const char *ip, uint64_t id,
		    uint64_t ver);
/* An m= line refused in an answer: port 0, formats as offered. */
void sdp_mb_rejected(struct sip_mbuf *mb, const struct sdp_media *m);
/* One a=T38... attribute (from "T38" to e) into t; EBADMSG if bad. */
int sdp_t38_attr(struct sdp_t38 *t, const char *p, const char *e);

/* ---- validate.c ------------------------------------------------------ */

/* Answers a request that fails a message-only check of RFC 3261 8.2
 * (501, 416, 415, 406): returns the code sent, or 0 to go on. */
int sip_validate_request(struct sip_stack *st, const struct sip_msg *req,
			 const struct sip_addr *src);

/* ---- ua.c ------------------------------------------------------------ */

/* 420 sent (false) when req requires an extension we do not serve. */
bool sip_ua_check_require(struct sip_stack *st, const struct sip_msg *req,
			  const struct sip_addr *src);
void sip_ua_recv_request(struct sip_stack *st, const struct sip_msg *msg,
			 const struct sip_addr *src);
void sip_ua_reply(struct sip_stack *st, const struct sip_msg *req,
		  const struct sip_addr *src, unsigned code, const char *extra);
void sip_ua_free_calls(struct sip_stack *st);
void sip_ua_auth_release(struct sip_stack *st);
void sip_ua_shutdown(struct sip_stack *st);
size_t sip_ua_dump(const struct sip_stack *st, char *buf, size_t size);
