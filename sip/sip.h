/*
 * sip.h: public interface of the pstngw SIP stack (RFC 3261).
 *
 * The stack is sans-I/O: datagrams come in through sip_stack_recv(), bytes
 * leave through the send hook, time comes from the now/timer hooks. Nothing
 * here reads a socket, sleeps or calls time().
 *
 * Views: a struct sip_pl is a (pointer, length) view into a buffer owned by
 * someone else (usually the received datagram). Views handed to callbacks
 * are valid only for the duration of the callback; copy what you keep
 * (sip_pl_copy()).
 *
 * Errors: functions return 0 or a positive errno; lookups return NULL.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* ---- views ------------------------------------------------------------ */

struct sip_pl {
	const char *p;
	size_t l;
};

bool sip_pl_isset(const struct sip_pl *pl);
bool sip_pl_eq(const struct sip_pl *pl, const char *s); /* exact */
bool sip_pl_casecmp(const struct sip_pl *pl,
		    const char *s); /* true if equal, ignoring case */
/* Copies into buf as a C string; ENOSPC (and an empty string) if it does not fit. */
int sip_pl_copy(const struct sip_pl *pl, char *buf, size_t size);

/* ---- addresses -------------------------------------------------------- */

enum sip_transport { SIP_TP_UDP, SIP_TP_TCP, SIP_TP_TLS, SIP_TP__COUNT };
const char *sip_transport_name(enum sip_transport tp);

struct sip_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	enum sip_transport tp;
};

/* Fills addr from a numeric IPv4/IPv6 literal and port (UDP). */
int sip_addr_set(struct sip_addr *addr, const char *ip, uint16_t port);
/* "192.0.2.1:5060" or "[2001:db8::1]:5060" into buf. */
const char *sip_addr_str(const struct sip_addr *addr, char *buf, size_t size);

/* ---- messages --------------------------------------------------------- */

enum sip_method {
	SIP_METHOD_OTHER,
	SIP_METHOD_INVITE,
	SIP_METHOD_ACK,
	SIP_METHOD_BYE,
	SIP_METHOD_CANCEL,
	SIP_METHOD_OPTIONS,
	SIP_METHOD_REGISTER,
	SIP_METHOD_PRACK,
	SIP_METHOD_INFO,
	SIP_METHOD_UPDATE,
	SIP_METHOD_SUBSCRIBE,
	SIP_METHOD_NOTIFY,
	SIP_METHOD_REFER,
	SIP_METHOD_MESSAGE,
	SIP_METHOD__COUNT
};
const char *sip_method_name(enum sip_method m);
enum sip_method sip_method_from_pl(const struct sip_pl *pl);

enum sip_hdr_id {
	SIP_HDR_OTHER,
	SIP_HDR_VIA,
	SIP_HDR_FROM,
	SIP_HDR_TO,
	SIP_HDR_CALL_ID,
	SIP_HDR_CSEQ,
	SIP_HDR_CONTACT,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_ROUTE,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_REQUIRE,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_SUPPORTED,
	SIP_HDR_ALLOW,
	SIP_HDR_ACCEPT,
	SIP_HDR_REASON,
	SIP_HDR_USER_AGENT,
	SIP_HDR_SERVER,
	SIP_HDR_DATE,
	SIP_HDR_EXPIRES,
	SIP_HDR_SUBJECT,
	SIP_HDR_UNSUPPORTED,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_SESSION_EXPIRES,
	SIP_HDR_MIN_SE,
	SIP_HDR_RSEQ,
	SIP_HDR_RACK,
	SIP_HDR_P_ASSERTED_IDENTITY,
	SIP_HDR_PRIVACY,
	SIP_HDR_DIVERSION,
	SIP_HDR_HISTORY_INFO,
	SIP_HDR_REFER_TO,
	SIP_HDR_REFERRED_BY,
	SIP_HDR_EVENT,
	SIP_HDR_SUBSCRIPTION_STATE,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_ALLOW_EVENTS,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_CONTENT_DISPOSITION,
	SIP_HDR_MIN_EXPIRES,
	SIP_HDR_WARNING,
	SIP_HDR__COUNT
};
const char *sip_hdr_name(enum sip_hdr_id id);

enum sip_uri_scheme {
	SIP_URI_SIP,
	SIP_URI_SIPS,
	SIP_URI_TEL,
	SIP_URI_OTHER, /* any other absoluteURI: only validated */
	SIP_URI__COUNT
};
const char *sip_uri_scheme_name(enum sip_uri_scheme s);

/* A parsed URI: views into the text it was parsed from. */
struct sip_uri {
	enum sip_uri_scheme scheme;
	struct sip_pl user; /* tel: the number */
	struct sip_pl password;
	struct sip_pl host; /* without [] for IPv6 */
	uint16_t port;	    /* 0 if absent */
	bool ipv6;
	struct sip_pl params;  /* after the first ';', without it */
	struct sip_pl headers; /* after '?', without it */
};
int sip_uri_parse(struct sip_uri *uri, const char *s, size_t len);
/* Looks up a URI parameter; *val is empty for a parameter without value. */
bool sip_uri_param(const struct sip_uri *uri, const char *name,
		   struct sip_pl *val);

/*
 * URI equality by RFC 3261 19.1.4: %-escapes decoded before comparing,
 * user and password case-sensitive, host and parameter names not; user,
 * ttl, method, maddr and transport must match when either URI has them,
 * other parameters only when both have them; headers must all match.
 */
bool sip_uri_eq(const struct sip_uri *a, const struct sip_uri *b);

/* name-addr / addr-spec of From, To, Contact, Route. */
struct sip_naddr {
	struct sip_pl dname;   /* display name, quotes removed, escapes kept */
	struct sip_pl uri_str; /* URI text, without <> */
	struct sip_uri uri;
	struct sip_pl
		params; /* header params after the URI, without leading ';' */
	struct sip_pl tag;
};

struct sip_via {
	struct sip_pl transport; /* "UDP" */
	struct sip_pl host;
	uint16_t port;
	struct sip_pl sentby; /* host[:port] as written */
	struct sip_pl branch;
	struct sip_pl received; /* without [] for IPv6 */
	bool rport;
	uint16_t rport_port; /* rport=N in a response, else 0 */
	struct sip_pl maddr;
	int ttl; /* 0..255, -1 if absent */
	struct sip_pl params;
};

struct sip_hdr {
	enum sip_hdr_id id;
	struct sip_pl name;
	struct sip_pl val; /* may contain folded CRLF + WS */
};

#define SIP_MAX_HDRS 96
#define SIP_MAX_HDR_LEN 4096 /* one header's value, folding included */

/* Why a message was rejected: each reason has its own counter. */
enum sip_rej {
	SIP_REJ_NONE,
	SIP_REJ_SIZE,	     /* larger than the configured maximum */
	SIP_REJ_HDR_COUNT,   /* more than SIP_MAX_HDRS header lines */
	SIP_REJ_HDR_LEN,     /* a value longer than SIP_MAX_HDR_LEN */
	SIP_REJ_START_LINE,  /* request or status line */
	SIP_REJ_VERSION,     /* not SIP/2.0 */
	SIP_REJ_HDR_SYNTAX,  /* header name, colon, control bytes, NUL */
	SIP_REJ_HDR_VALUE,   /* a known header's value is malformed */
	SIP_REJ_MISSING,     /* Via, From, To, Call-ID or CSeq missing */
	SIP_REJ_DUPLICATE,   /* a single-valued header repeated */
	SIP_REJ_CLEN,	     /* Content-Length bad or beyond the datagram */
	SIP_REJ_CSEQ_METHOD, /* CSeq method differs from the request's */
	SIP_REJ_APP,	     /* well-formed, refused: 501, 416, 415, 406 */
	SIP_REJ__COUNT
};
const char *sip_rej_name(enum sip_rej r);

/*
 * A parsed message. Caller storage; every view points into the buffer that
 * was parsed, which must outlive the message. No allocation.
 */
struct sip_msg {
	const char *buf;
	size_t len;
	bool req;
	/* request line */
	enum sip_method method;
	struct sip_pl method_str;
	struct sip_pl ruri_str;
	struct sip_uri ruri;
	/* status line */
	unsigned code;
	struct sip_pl reason;
	/* headers in order */
	struct sip_hdr hdr[SIP_MAX_HDRS];
	unsigned nhdr;
	/* parsed shortcuts */
	struct sip_via via; /* top Via */
	struct sip_naddr from, to;
	struct sip_naddr contact; /* first Contact, if any */
	bool has_contact;
	struct sip_pl call_id;
	uint32_t cseq;
	enum sip_method cseq_method;
	struct sip_pl cseq_method_str;
	int max_forwards; /* -1 if absent */
	struct sip_pl ctype;
	struct sip_pl body;
	/* set when parsing failed: a short static reason for logs */
	const char *err;
	enum sip_rej rej;
};

/*
 * Parses one datagram. Returns 0, EMSGSIZE (larger than max_size), E2BIG
 * (more than SIP_MAX_HDRS headers), EPROTONOSUPPORT (not SIP/2.0) or
 * EBADMSG; msg->err names the problem. On error the fields needed for a
 * 400 (Via, From, To, Call-ID, CSeq) may still be set: see
 * sip_msg_can_reply().
 */
int sip_msg_parse(struct sip_msg *msg, const void *buf, size_t len,
		  size_t max_size);
/* True if a response can be built for this (possibly malformed) request. */
bool sip_msg_can_reply(const struct sip_msg *msg);

/* First header with id after 'prev' (NULL: from the start). */
const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg, enum sip_hdr_id id,
				  const struct sip_hdr *prev);
/* First header by name (case-insensitive, for headers without an id). */
const struct sip_hdr *sip_msg_hdr_name(const struct sip_msg *msg,
				       const char *name);

/* Accessors used by the app on an incoming INVITE (views). */
struct sip_pl sip_msg_ruri_user(const struct sip_msg *msg);
struct sip_pl sip_msg_from_user(const struct sip_msg *msg);
struct sip_pl sip_msg_from_display(const struct sip_msg *msg);
struct sip_pl sip_msg_to_user(const struct sip_msg *msg);
struct sip_pl sip_msg_call_id(const struct sip_msg *msg);
/* Body and its Content-Type (views; empty if none). */
struct sip_pl sip_msg_body(const struct sip_msg *msg, struct sip_pl *ctype);
/* Q.850 cause from a Reason header, or -1. */
int sip_msg_q850_cause(const struct sip_msg *msg);

/* ---- typed header views (hdr_*.c) ----------------------------------- *
 * Parsed on demand from msg->hdr, views into the message buffer, no
 * allocation. sip_msg_parse() has already checked every header below, so
 * on a parsed message these only fail for a header it does not know.
 */

/* Walks the comma-separated values of every header with one id, in
 * order: "Route: <a>, <b>" then "Route: <c>" gives a, b and c. */
struct sip_hiter {
	const struct sip_msg *msg;
	enum sip_hdr_id id;
	const struct sip_hdr *h;
	const char *p, *e;
};
void sip_hiter_init(struct sip_hiter *it, const struct sip_msg *msg,
		    enum sip_hdr_id id);
bool sip_hiter_next(struct sip_hiter *it, struct sip_pl *val);

/* From, To, Route, Record-Route, P-Asserted-Identity, Diversion,
 * History-Info, Refer-To, Referred-By: one value. */
int sip_naddr_parse_pl(struct sip_naddr *na, const struct sip_pl *val);

struct sip_contact {
	bool star; /* "Contact: *" (REGISTER removing every binding) */
	struct sip_naddr addr;
	bool has_expires;
	uint32_t expires;
	int q; /* q=0.5 -> 500, 0..1000; -1 if absent */
};
int sip_contact_parse(struct sip_contact *c, const struct sip_pl *val);

struct sip_cseq {
	uint32_t num;
	enum sip_method method;
	struct sip_pl method_str;
};
int sip_cseq_parse(struct sip_cseq *c, const struct sip_pl *val);

struct sip_ctype {
	struct sip_pl type, subtype;
	struct sip_pl params; /* without the leading ';' */
};
int sip_ctype_parse(struct sip_ctype *ct, const struct sip_pl *val);
bool sip_ctype_is(const struct sip_ctype *ct, const char *type,
		  const char *subtype);

/* WWW-/Proxy-Authenticate, Authorization, Proxy-Authorization: one whole
 * header value (its commas separate auth-params, not values). */
struct sip_auth {
	struct sip_pl scheme; /* "Digest" */
	struct sip_pl params; /* "realm=\"x\", nonce=..." */
};
int sip_auth_parse(struct sip_auth *a, const struct sip_pl *val);
/* One auth-param by name (case-insensitive), quotes removed. */
bool sip_auth_param(const struct sip_auth *a, const char *name,
		    struct sip_pl *val);

/* Expires, Min-Expires, Max-Forwards, RSeq (no params); Min-SE and
 * Session-Expires (delta then params). */
int sip_delta_parse(const struct sip_pl *val, uint32_t *delta,
		    struct sip_pl *params);

struct sip_sess_expires {
	uint32_t delta;
	struct sip_pl refresher; /* "uac", "uas" or empty */
	struct sip_pl params;
};
int sip_sess_expires_parse(struct sip_sess_expires *se,
			   const struct sip_pl *val);

struct sip_rack {
	uint32_t rseq, cseq;
	enum sip_method method;
	struct sip_pl method_str;
};
int sip_rack_parse(struct sip_rack *r, const struct sip_pl *val);

struct sip_reason {
	struct sip_pl protocol; /* "Q.850", "SIP" */
	int cause;		/* -1 if absent */
	struct sip_pl text;	/* quotes removed */
	struct sip_pl params;
};
int sip_reason_parse(struct sip_reason *r, const struct sip_pl *val);

struct sip_event {
	struct sip_pl package; /* event-type, templates included */
	struct sip_pl id;
	struct sip_pl params;
};
int sip_event_parse(struct sip_event *ev, const struct sip_pl *val);

struct sip_substate {
	struct sip_pl state; /* "active", "pending", "terminated" */
	struct sip_pl reason;
	int64_t expires;     /* -1 if absent */
	int64_t retry_after; /* -1 if absent */
	struct sip_pl params;
};
int sip_substate_parse(struct sip_substate *ss, const struct sip_pl *val);

struct sip_retry_after {
	uint32_t delta;
	struct sip_pl comment; /* without the parentheses */
	int64_t duration;      /* -1 if absent */
	struct sip_pl params;
};
int sip_retry_after_parse(struct sip_retry_after *ra, const struct sip_pl *val);

/* True if a token list header (Allow, Supported, Require, Proxy-Require,
 * Unsupported, Allow-Events, Content-Encoding) names tok, in any of its
 * lines (case-insensitive). */
bool sip_msg_has_token(const struct sip_msg *msg, enum sip_hdr_id id,
		       const char *tok);
/* Privacy: "id; header" (RFC 3323: ';'-separated). */
bool sip_msg_privacy(const struct sip_msg *msg, const char *value);

/* ---- stack ------------------------------------------------------------ */

struct sip_stack;
struct sip_call;
struct sip_reg;

enum sip_call_state {
	SIP_CALL_CALLING,     /* UAC: INVITE sent, nothing back */
	SIP_CALL_PROCEEDING,  /* UAC: 1xx received */
	SIP_CALL_INCOMING,    /* UAS: INVITE received, 100 sent */
	SIP_CALL_EARLY,	      /* UAS: 1xx > 100 sent */
	SIP_CALL_ANSWERED,    /* UAS: 2xx sent, waiting for ACK */
	SIP_CALL_CONFIRMED,   /* dialog confirmed */
	SIP_CALL_CANCELLING,  /* UAC: CANCEL sent */
	SIP_CALL_TERMINATING, /* BYE sent, or final error sent awaiting ACK */
	SIP_CALL_ENDED,
	SIP_CALL__COUNT
};
const char *sip_call_state_name(enum sip_call_state s);

enum sip_call_ev_type {
	SIP_CALL_EV_PROGRESS,  /* 1xx (code, sdp if any) */
	SIP_CALL_EV_ANSWERED,  /* UAC: 2xx received and ACKed (sdp) */
	SIP_CALL_EV_CONFIRMED, /* UAS: ACK for our 2xx received (sdp if any) */
	SIP_CALL_EV_FAILED,    /* final >= 300, or 408 on timeout */
	SIP_CALL_EV_CANCELLED, /* remote CANCEL: 200 and 487 already sent */
	SIP_CALL_EV_BYE,       /* remote BYE: 200 already sent */
	SIP_CALL_EV_ENDED,     /* last event: the call is freed after it */
	/*
	 * re-INVITE or UPDATE in the dialog (sdp: the offer, empty for an
	 * offerless re-INVITE or a bare refresh). Answer with
	 * sip_call_answer() during the callback; otherwise the stack answers
	 * 200 with the last local SDP (488 if there is none).
	 */
	SIP_CALL_EV_OFFER,
	SIP_CALL_EV_INFO,  /* INFO (msg: body, Content-Type); 200 sent */
	SIP_CALL_EV_REFER, /* REFER (refer_to); 202 sent */
	SIP_CALL_EV_SESSION_EXPIRED, /* RFC 4028: no refresh; BYE follows */
	SIP_CALL_EV_REOFFER_DONE,    /* our re-offer: code, answer sdp */
	SIP_CALL_EV__COUNT
};
const char *sip_call_ev_name(enum sip_call_ev_type t);

/* Event payload; views are valid during the callback only. */
struct sip_call_event {
	enum sip_call_ev_type type;
	unsigned code;		   /* SIP status, 0 if none */
	struct sip_pl reason;	   /* reason phrase */
	int q850_cause;		   /* from a Reason header, -1 if none */
	struct sip_pl sdp;	   /* body if Content-Type is application/sdp */
	const struct sip_msg *msg; /* the message behind the event, or NULL */
	struct sip_pl refer_to;	   /* REFER: the Refer-To value */
};

struct sip_hooks {
	void *arg;
	uint64_t (*now)(void *arg); /* monotonic ms */
	void *(*timer_start)(void *arg, uint64_t ms, void (*fn)(void *fnarg),
			     void *fnarg);
	/* never called for a timer that has fired */
	void (*timer_stop)(void *arg, void *timer);
	int (*send)(void *arg, const struct sip_addr *dst, const void *buf,
		    size_t len);
	void (*log)(void *arg, int level,
		    const char *msg); /* LOG_ERR..LOG_DEBUG */
	void (*call_incoming)(void *arg, struct sip_call *call,
			      const struct sip_msg *invite);
	void (*call_event)(void *arg, struct sip_call *call,
			   const struct sip_call_event *ev);
	/*
	 * SUBSCRIBE (RFC 6665): writes the current state of an event package
	 * named in sip_stack_cfg.allow_events into body (text/plain) and
	 * returns its length, or -1 if there is none to give.
	 */
	int (*event_state)(void *arg, const char *event, char *body,
			   size_t size);
	/*
	 * optional: the status for an out-of-dialog OPTIONS (a health probe,
	 * such as a load balancer's): 200, or e.g. 503 while the user cannot
	 * take calls, with extra header lines written into hdrs (NUL-
	 * terminated, "Retry-After: 30\r\n"). NULL: always 200. In-dialog
	 * OPTIONS are always 200 (the call exists).
	 */
	unsigned (*options)(void *arg, const struct sip_msg *req, char *hdrs,
			    size_t size);
	/*
	 * optional: screens an out-of-dialog request other than ACK and
	 * CANCEL by its transport source, before authentication and before
	 * any transaction or call exists: 0 lets it pass, a status >= 300
	 * refuses it with that status, 1 drops it unanswered. Requests in a
	 * subscription's dialog are screened alike. NULL: all pass.
	 */
	unsigned (*screen)(void *arg, const struct sip_addr *src,
			   const struct sip_msg *req);
	/*
	 * optional: screens a request inside a call's dialog (and a CANCEL
	 * of a call's INVITE) by its transport source, before the dialog
	 * looks at it (CSeq, offer, BYE): 0 lets it pass, a status >= 300
	 * refuses it with that status, 1 drops it unanswered. An ACK refused
	 * is dropped. Knowing Call-ID and tags must not be enough to end a
	 * call or move its media from elsewhere. NULL: all pass.
	 */
	unsigned (*dialog_screen)(void *arg, struct sip_call *call,
				  const struct sip_addr *src,
				  const struct sip_msg *req);
	/*
	 * optional: admission of a new out-of-dialog INVITE, asked before
	 * any call, dialog or transaction exists: 0 takes it; a status
	 * (503 under overload) refuses it statelessly, with extra header
	 * lines written into hdrs ("Retry-After: 5\r\n"), so refusing
	 * costs one parse and one send. NULL: every INVITE is taken.
	 */
	unsigned (*invite_admit)(void *arg, const struct sip_msg *req,
				 char *hdrs, size_t size);
	/* optional: NULL means calloc/free */
	void *(*zalloc)(void *arg, size_t size);
	void (*free)(void *arg, void *ptr);
};

struct sip_stack_cfg {
	const char *local_ip;	      /* for Via and Contact */
	uint16_t local_port;	      /* 0: 5060 */
	const char *user_agent;	      /* NULL: none sent */
	uint32_t t1_ms, t2_ms, t4_ms; /* 0: 500, 4000, 5000 */
	size_t max_msg_size;	      /* 0: 65535 */
	/* RFC 4028: asked for in our INVITEs (s); 0: none asked */
	uint32_t session_expires;
	uint32_t min_se; /* smallest interval accepted (s); 0: 90 */
	/* event packages served to SUBSCRIBE ("x-pstngw-trunks"); NULL none */
	const char *allow_events;
	/* optional: the text="" of a Q.850 cause in the Reason headers we
	 * send (RFC 3326); NULL, or a NULL return: cause only */
	const char *(*q850_text)(int cause);
};

struct sip_stats {
	uint64_t rx_msgs;
	uint64_t rx_rejected;
	uint64_t rx_rej[SIP_REJ__COUNT]; /* parse rejections by reason */
	uint64_t tx_msgs;
	uint64_t retransmissions;
	uint64_t tx_tcp_upgrades; /* requests > 1300 bytes moved to TCP */
	unsigned active_trans;
	unsigned active_calls;
	unsigned active_subs; /* subscriptions we serve */
};

int sip_stack_alloc(struct sip_stack **stp, const struct sip_stack_cfg *cfg,
		    const struct sip_hooks *hooks);
/* Stops every timer and frees every call without sending anything. */
void sip_stack_free(struct sip_stack *st);
/* Hangs up every call (BYE, CANCEL or 503) for a clean exit. */
void sip_stack_shutdown(struct sip_stack *st);
/* Ends every subscription we serve (NOTIFY terminated;reason=noresource);
 * new SUBSCRIBEs get 503 from then on. Part of sip_stack_shutdown(). */
void sip_stack_end_subscriptions(struct sip_stack *st);
/* One UDP datagram from src. Returns 0, or an errno if it was rejected. */
int sip_stack_recv(struct sip_stack *st, const struct sip_addr *src,
		   const void *buf, size_t len);
void sip_stack_stats(const struct sip_stack *st, struct sip_stats *stats);
/* The state of event package 'event' changed: NOTIFY every subscriber. */
void sip_stack_event_changed(struct sip_stack *st, const char *event);
/* Writes one line per live transaction and call (for the control tool). */
size_t sip_stack_dump(const struct sip_stack *st, char *buf, size_t size);

/* ---- calls ------------------------------------------------------------ */

struct sip_call_params {
	const char *ruri; /* "sip:5551234@192.0.2.10" */
	const char *from_user;
	const char *from_display; /* may be NULL */
	const char *from_host;	  /* NULL: local_ip */
	const char *to_uri;	  /* NULL: ruri */
	const char *to_display;	  /* may be NULL */
	struct sip_addr dst;	  /* next hop */
	const char *sdp;	  /* NUL-terminated, may be NULL */
	const char *extra_hdrs;	  /* "Name: value\r\n"..., may be NULL */
	/* digest credentials for 401/407 (INVITE, in-dialog); NULL: none */
	const char *auth_user;
	const char *auth_password;
};

/* Sends an INVITE; *callp is the stack-owned call until its ENDED event. */
int sip_call_invite(struct sip_stack *st, const struct sip_call_params *p,
		    void *user, struct sip_call **callp);
/* UAS: 1xx (180, 183 with SDP) or final. reason NULL: the standard phrase. */
int sip_call_respond(struct sip_call *call, unsigned code, const char *reason,
		     const char *sdp);
/* The same with extra header lines ("Retry-After: 60\r\n"; NULL: none). */
int sip_call_respond_hdrs(struct sip_call *call, unsigned code,
			  const char *reason, const char *sdp,
			  const char *extra_hdrs);
/* Ends the call whatever its state (CANCEL, final response or BYE). */
int sip_call_hangup(struct sip_call *call, unsigned sip_code, int q850_cause);

/*
 * UAC, during the FAILED event of a final response (401/407 from a trunk,
 * or any other): sends the INVITE again, same Call-ID and From tag, next
 * CSeq, with add_hdrs (e.g. "Proxy-Authorization: ...\r\n") appended to
 * the original extra headers (replacing those of an earlier retry). The
 * call then goes on (no ENDED). EPROTO outside that event.
 */
int sip_call_retry(struct sip_call *call, const char *add_hdrs);
/* During an OFFER event: the response (2xx with the answer, or 488...). */
int sip_call_answer(struct sip_call *call, unsigned code, const char *sdp);
/*
 * Sends a new offer in the confirmed dialog (re-INVITE; sdp NULL: the last
 * local SDP). Glare (491) is retried after the RFC 3261 14.1 delay. The
 * result comes as a REOFFER_DONE event. EBUSY while an offer is pending.
 */
int sip_call_reoffer(struct sip_call *call, const char *sdp);
/*
 * Sends a session refresh now (RFC 4028: either side may), as the session
 * timer's refresher does: UPDATE if the peer allows it, else a re-INVITE
 * with the last local SDP. A 481 or 408 (or no answer) ends the call
 * (RFC 3261 12.2.1.2), so a peer that lost the dialog is found. EPROTO
 * outside a confirmed dialog, EBUSY while an offer is pending.
 */
int sip_call_refresh(struct sip_call *call);
/*
 * REFER progress (RFC 3515): NOTIFY with a message/sipfrag "SIP/2.0
 * code reason"; code >= 200 terminates the implicit subscription.
 */
int sip_call_refer_notify(struct sip_call *call, unsigned code);

void sip_call_set_user(struct sip_call *call, void *user);
void *sip_call_user(const struct sip_call *call);
unsigned sip_call_id(const struct sip_call *call);
enum sip_call_state sip_call_state(const struct sip_call *call);
/* UAS: the transport source of the initial INVITE (the datagram's or the
 * connection's peer, never a header); NULL for our own calls. */
const struct sip_addr *sip_call_source(const struct sip_call *call);
/* The peer the dialog was set up with: UAS the source above, UAC where
 * the first INVITE was sent. */
const struct sip_addr *sip_call_peer(const struct sip_call *call);
/* The Call-ID header value (NUL-terminated, owned by the call). */
const char *sip_call_callid(const struct sip_call *call);

/* ---- generic requests (any method but INVITE, ACK, CANCEL) ---------- */

/*
 * A request the stack sends and retransmits (a non-INVITE client
 * transaction), out of dialog (OPTIONS keep-alive, REGISTER, MESSAGE) or in
 * a call's dialog (INFO, NOTIFY, REFER, UPDATE, OPTIONS). The handler sees
 * the final response only (provisional ones are absorbed), or err
 * (ETIMEDOUT: Timer F; resp NULL). The request is freed when the handler
 * returns unless the handler called sip_req_resend() (auth retry).
 */
struct sip_req;
typedef void(sip_req_h)(void *arg, struct sip_req *req, int err,
			const struct sip_msg *resp);

struct sip_req_params {
	enum sip_method method;
	const char *ruri;	  /* "sip:trunk.example.com" */
	const char *from_uri;	  /* NULL: sip:<local_ip> */
	const char *from_display; /* may be NULL */
	const char *to_uri;	  /* NULL: ruri */
	const char *call_id;	  /* NULL: a new one (refreshes reuse it) */
	uint32_t cseq;		  /* 0: 1 */
	/* non-NULL: adds Contact <sip:user@local_ip:port> ("" no user) */
	const char *contact_user;
	struct sip_addr dst;	/* next hop (outbound proxy or the peer) */
	const char *extra_hdrs; /* "Name: value\r\n"..., may be NULL */
	const char *ctype;	/* body type, with body */
	const char *body;	/* NUL-terminated, may be NULL */
};

/* Out of dialog. *reqp (may be NULL) is valid until the handler returns. */
int sip_req_send(struct sip_stack *st, const struct sip_req_params *p,
		 sip_req_h *h, void *arg, struct sip_req **reqp);
/* In the call's dialog (established or early): route set, tags, CSeq. */
int sip_call_request(struct sip_call *call, enum sip_method method,
		     const char *extra_hdrs, const char *ctype,
		     const char *body, sip_req_h *h, void *arg,
		     struct sip_req **reqp);
/*
 * Sends the same request again with a new branch and the next CSeq, with
 * add_hdrs (e.g. "Authorization: ...\r\n") appended to the original extra
 * headers; the add_hdrs of an earlier resend are replaced, not kept.
 * Call it from the handler; the request then lives on until the next
 * final response. ENOENT if its call has ended.
 */
int sip_req_resend(struct sip_req *req, const char *add_hdrs);
/* Drops the handler; the transaction still runs to completion. */
void sip_req_abandon(struct sip_req *req);
enum sip_method sip_req_method(const struct sip_req *req);
const char *sip_req_callid(const struct sip_req *req);
uint32_t sip_req_cseq(const struct sip_req *req); /* of the last sent */
/* The call of an in-dialog request (NULL out of dialog or when ended). */
struct sip_call *sip_req_call(const struct sip_req *req);

/* Standard reason phrase for a status code ("" if unknown). */
const char *sip_reason_phrase(unsigned code);

/* ---- digest authentication (RFC 7616, RFC 8760; digest.c) ------------ */

/* In order of strength: the client answers the strongest one offered. */
enum sip_digest_alg {
	SIP_DIGEST_MD5,
	SIP_DIGEST_SHA256,
	SIP_DIGEST_SHA512_256,
	SIP_DIGEST__COUNT
};
const char *sip_digest_alg_name(enum sip_digest_alg a); /* "SHA-256" */
/* Case-insensitive; EINVAL for an unknown or a -sess algorithm. */
int sip_digest_alg_parse(const char *s, size_t len, enum sip_digest_alg *a);

#define SIP_DIGEST_STR_MAX 256 /* longest realm, nonce, opaque, user kept */

/* One challenge (WWW-Authenticate in a 401, Proxy-Authenticate in a 407),
 * copied out of the message with quotes and escapes removed. */
struct sip_digest_chal {
	enum sip_digest_alg alg;
	bool proxy; /* answer with Proxy-Authorization */
	bool stale;
	bool qop_auth; /* qop offered and includes "auth" */
	char realm[SIP_DIGEST_STR_MAX];
	char nonce[SIP_DIGEST_STR_MAX];
	char opaque[SIP_DIGEST_STR_MAX]; /* empty if none */
};

/*
 * Parses one challenge value ("Digest realm=..., nonce=..."). ENOTSUP for
 * another scheme, an unknown algorithm or a qop without "auth" (no qop:
 * the RFC 2069 form, with any algorithm, as servers send it); EBADMSG
 * for malformed input or missing realm/nonce; ENAMETOOLONG if a value
 * does not fit.
 */
int sip_digest_chal_parse(struct sip_digest_chal *ch, const char *val,
			  size_t len);
/*
 * Picks the strongest usable challenge of a 401 (WWW-Authenticate) or 407
 * (Proxy-Authenticate), several per header allowed. ENOENT if none usable.
 */
int sip_digest_chal_pick(struct sip_digest_chal *ch,
			 const struct sip_msg *resp);

/* Random bytes for cnonces and server secrets; 0 or an errno. */
typedef int(sip_digest_rand_h)(void *arg, uint8_t *buf, size_t n);

/* Client side of one protection space: the challenge and the nonce count
 * for its nonce. Caller storage, zeroed before first use. */
struct sip_digest_client {
	struct sip_digest_chal ch;
	bool have; /* a challenge was taken */
	uint32_t nc;
	sip_digest_rand_h *rand; /* NULL: OpenSSL RAND_bytes */
	void *rand_arg;
};

/* Takes a challenge; the nonce count restarts when the nonce changes. */
void sip_digest_client_take(struct sip_digest_client *cl,
			    const struct sip_digest_chal *ch);
/*
 * Writes the value of the (Proxy-)Authorization header for method and
 * digest-uri (the Request-URI), counting the nonce up. ENOSPC if buf is
 * too small, EINVAL without a challenge.
 */
int sip_digest_client_answer(struct sip_digest_client *cl, const char *user,
			     const char *password, const char *method,
			     const char *uri, char *buf, size_t size);
/* Header names for a challenge's answer: "Authorization" or
 * "Proxy-Authorization". */
const char *sip_digest_answer_hdr(const struct sip_digest_chal *ch);
/* The answer with a given nc and cnonce (no qop: both ignored). */
int sip_digest_answer(const struct sip_digest_chal *ch, const char *user,
		      const char *password, const char *method, const char *uri,
		      uint32_t nc, const char *cnonce, char *buf, size_t size);

/* Server: verifies answers to challenges it issued. */
#define SIP_DIGEST_NC_SLOTS 256

/* Highest nonce count seen for one nonce, plus a window below it. */
struct sip_digest_nc {
	bool used;
	uint64_t ts; /* the nonce's issue time */
	uint8_t mac[8];
	uint32_t top;	 /* highest nc accepted */
	uint64_t window; /* bit i: nc top - i accepted */
};

struct sip_digest_server_stats {
	uint64_t challenges, ok, denied, stale, replayed, bad;
};

/*
 * Nonces are time + sequence + HMAC-SHA-256(secret, time, sequence,
 * realm): no state until one is used. Used nonces keep their nonce
 * counts in a bounded table; a nonce evicted from it becomes stale,
 * so a full table never reopens a replay. Caller storage.
 */
struct sip_digest_server {
	uint8_t secret[32];
	uint64_t ttl_ms;
	uint64_t floor; /* nonces issued at or before: stale */
	uint32_t seq;
	struct sip_digest_nc nc[SIP_DIGEST_NC_SLOTS];
	struct sip_digest_server_stats stats;
};

enum sip_digest_result {
	SIP_DIGEST_OK,
	SIP_DIGEST_NONE,   /* no credentials for our realm: challenge */
	SIP_DIGEST_STALE,  /* right password, old or reused nonce: stale=true */
	SIP_DIGEST_DENIED, /* wrong user or password (never said which) */
	SIP_DIGEST_BAD,	   /* malformed, or uri is not the Request-URI: 400 */
	SIP_DIGEST__RESULTS
};
const char *sip_digest_result_name(enum sip_digest_result r);

/* Password of user, or NULL if there is no such user. */
typedef const char *(sip_digest_lookup_h)(void *arg, const char *user);

/* secret NULL: random from rand (NULL: RAND_bytes). ttl_ms 0: 300 s. */
int sip_digest_server_init(struct sip_digest_server *s, const uint8_t *secret,
			   size_t len, uint64_t ttl_ms, sip_digest_rand_h *rand,
			   void *rand_arg);
/* Writes one challenge value for the WWW- or Proxy-Authenticate header. */
int sip_digest_server_challenge(struct sip_digest_server *s, uint64_t now,
				const char *realm, enum sip_digest_alg alg,
				bool stale, char *buf, size_t size);
/*
 * Verifies one credentials value against method and Request-URI. user
 * (if not NULL) receives the user name on SIP_DIGEST_OK.
 */
enum sip_digest_result sip_digest_server_verify(
	struct sip_digest_server *s, uint64_t now, const char *val, size_t len,
	const char *method, const struct sip_pl *ruri, const char *realm,
	sip_digest_lookup_h *lookup, void *arg, char *user, size_t user_size);
/* The same for a request: its (Proxy-)Authorization for our realm. */
enum sip_digest_result
sip_digest_server_verify_msg(struct sip_digest_server *s, uint64_t now,
			     const struct sip_msg *req, bool proxy,
			     const char *realm, sip_digest_lookup_h *lookup,
			     void *arg, char *user, size_t user_size);

/* Server side in the stack (ua_auth.c): out-of-dialog requests other than
 * ACK and CANCEL from peers the policy names get a 401 until they carry
 * valid credentials; malformed ones get 400. */
struct sip_auth_policy {
	const char *realm;
	uint32_t nonce_ttl_s; /* 0: 300 */
	bool (*required)(void *arg, const struct sip_addr *src,
			 const struct sip_msg *req);
	/* Password of user for requests from src, or NULL. */
	const char *(*lookup)(void *arg, const struct sip_addr *src,
			      const char *user);
	/* optional: credentials were wrong (DENIED) or malformed (BAD) */
	void (*failed)(void *arg, const struct sip_addr *src,
		       const struct sip_msg *req, enum sip_digest_result r);
	void *arg;
	/* challenges sent, in order of preference (0: SHA-256, MD5); some
	 * clients (baresip 1.0) take the first and fail on SHA-256 */
	enum sip_digest_alg algs[SIP_DIGEST__COUNT];
	unsigned nalgs;
};
/* Turns challenges on (policy NULL: off). Copies what it keeps. */
int sip_stack_set_auth(struct sip_stack *st,
		       const struct sip_auth_policy *policy);
/* Counters of the stack's digest server (zeros when off). */
void sip_stack_auth_stats(const struct sip_stack *st,
			  struct sip_digest_server_stats *stats);

/* ---- registration client (RFC 3261 10; reg.c) ------------------------ */

enum sip_reg_state {
	SIP_REG_REGISTERING,   /* REGISTER sent */
	SIP_REG_REGISTERED,    /* refresh timer running */
	SIP_REG_RETRY_WAIT,    /* failed; retry timer running */
	SIP_REG_UNREGISTERING, /* REGISTER with Expires: 0 sent */
	SIP_REG_UNREGISTERED,  /* stopped: nothing running */
	SIP_REG__COUNT
};
const char *sip_reg_state_name(enum sip_reg_state s);

struct sip_reg_params {
	const char *name;      /* for logs: "registration trunk NAME" */
	const char *registrar; /* Request-URI: "sip:example.com" */
	const char *aor;       /* From and To: "sip:user@example.com" */
	const char *contact_user;
	const char *auth_user; /* NULL: no credentials */
	const char *password;
	struct sip_addr dst; /* next hop: the registrar or an outbound proxy */
	uint32_t expires;    /* asked for, seconds; 0: 3600 */
	uint32_t retry_min_s, retry_max_s; /* backoff; 0: 30, 1800 */
};

/* State changes; code is the SIP status behind it (408 for a timeout). */
typedef void(sip_reg_h)(void *arg, struct sip_reg *reg,
			enum sip_reg_state state, unsigned code,
			uint32_t expires);

/*
 * Starts registering at once and keeps the binding refreshed (at half the
 * granted time when that is under two minutes, else a minute before it
 * runs out); failures retry after 30 s doubling up to the cap, or after a
 * Retry-After. The caller owns the object: free it before the stack.
 */
int sip_reg_alloc(struct sip_stack *st, const struct sip_reg_params *p,
		  sip_reg_h *h, void *arg, struct sip_reg **regp);
/* Un-REGISTERs (Expires: 0) if a binding may exist; UNREGISTERED after. */
int sip_reg_stop(struct sip_reg *reg);
void sip_reg_free(struct sip_reg *reg);
enum sip_reg_state sip_reg_state(const struct sip_reg *reg);
/* Seconds granted by the registrar (0 unless REGISTERED). */
uint32_t sip_reg_expires(const struct sip_reg *reg);

/* ---- SDP (RFC 4566, offer/answer RFC 3264) -------------------------- */

#define SDP_MAX_MEDIA 8	  /* m= lines; more is refused (E2BIG) */
#define SDP_MAX_FMT 16	  /* formats per m= line */
#define SDP_MAX_LEN 16384 /* whole body */
#define SDP_MAX_LINE 1024 /* one line */
#define SDP_ADDR_LEN 48

enum sdp_dir {
	SDP_DIR_SENDRECV,
	SDP_DIR_SENDONLY,
	SDP_DIR_RECVONLY,
	SDP_DIR_INACTIVE,
	SDP_DIR__COUNT
};
const char *sdp_dir_name(enum sdp_dir d);

struct sdp_fmt {
	uint8_t pt;
	char name[16]; /* "PCMU"; empty if unknown dynamic */
	uint32_t rate;
	uint8_t channels;
	char fmtp[64];
};

/* T.38 over UDPTL (ITU-T T.38 Annex D, RFC 3362 registration). */
enum sdp_t38_rate {
	SDP_T38_TRANSFERRED_TCF, /* transferredTCF: the UDPTL default */
	SDP_T38_LOCAL_TCF,	 /* localTCF */
	SDP_T38_RATE__COUNT
};
enum sdp_t38_ec {
	SDP_T38_EC_NONE,
	SDP_T38_EC_REDUNDANCY, /* t38UDPRedundancy */
	SDP_T38_EC_FEC,	       /* t38UDPFEC */
	SDP_T38_EC__COUNT
};
const char *sdp_t38_rate_name(enum sdp_t38_rate r);
const char *sdp_t38_ec_name(enum sdp_t38_ec ec);

struct sdp_t38 {
	unsigned version;     /* T38FaxVersion 0..3 */
	uint32_t max_bitrate; /* T38MaxBitRate bit/s, 0 if absent */
	enum sdp_t38_rate rate_mgmt;
	uint32_t max_buffer;   /* T38FaxMaxBuffer octets, 0 if absent */
	uint32_t max_datagram; /* T38FaxMaxDatagram octets, 0 if absent */
	enum sdp_t38_ec udp_ec;
	bool fill_bit_removal; /* T38FaxFillBitRemoval */
	bool transcoding_mmr;  /* T38FaxTranscodingMMR */
	bool transcoding_jbig; /* T38FaxTranscodingJBIG */
};

/* SDES (RFC 4568): one a=crypto line. The key protects what the side
 * that wrote it sends. */
#define SDP_MAX_CRYPTO 6      /* a=crypto lines kept per m= line */
#define SDP_CRYPTO_KEY_MAX 46 /* master key + salt, octets */

enum sdp_srtp {
	SDP_SRTP_NO,	   /* RTP/AVP, crypto lines ignored */
	SDP_SRTP_OPTIONAL, /* RTP/AVP with crypto lines, or RTP/SAVP */
	SDP_SRTP_REQUIRED, /* SRTP or nothing: RTP/SAVP offered */
	SDP_SRTP__COUNT
};
const char *sdp_srtp_name(enum sdp_srtp m);

struct sdp_crypto {
	unsigned tag; /* 1..999999999 */
	char suite[32];
	uint8_t key[SDP_CRYPTO_KEY_MAX]; /* inline key||salt, decoded */
	uint8_t key_len;
	/* usable: known suite, one inline key of its length, no MKI, no
	 * session parameters; else why (static text) */
	bool ok;
	const char *why;
};

/* The text after "a=crypto:" (n octets) into c. 0 when usable, else
 * EBADMSG (malformed) or ENOTSUP (well-formed, not for us); c->why says
 * which, c->ok is false. */
int sdp_crypto_parse(struct sdp_crypto *c, const char *p, size_t n);
/* "a=crypto:TAG SUITE inline:KEY\r\n" into buf (NUL-terminated). */
int sdp_crypto_print(const struct sdp_crypto *c, char *buf, size_t size);
/* Key||salt length of an SDES suite name we know (30, 46), else 0. */
size_t sdp_crypto_key_len(const char *suite);

struct sdp_media {
	char type[16];		 /* "audio", "image" */
	uint16_t port;		 /* 0: a rejected or disabled stream */
	char proto[16];		 /* "RTP/AVP", "udptl" */
	char addr[SDP_ADDR_LEN]; /* media c=, else the session c= */
	struct sdp_fmt fmt[SDP_MAX_FMT];
	unsigned nfmt;
	unsigned ptime;	   /* 0 if absent */
	unsigned maxptime; /* 0 if absent */
	enum sdp_dir dir;
	bool hold;   /* c=0.0.0.0: RFC 2543 hold, send nothing there */
	int te_pt;   /* telephone-event PT, -1 if none */
	bool is_t38; /* image udptl t38 */
	struct sdp_t38 t38;
	struct sdp_crypto crypto[SDP_MAX_CRYPTO]; /* a=crypto, as written */
	unsigned ncrypto;
};

struct sdp_session {
	char origin_user[32];
	uint64_t sess_id, sess_version;
	char origin_addr[SDP_ADDR_LEN];
	char addr[SDP_ADDR_LEN]; /* session-level c=, may be empty */
	enum sdp_dir dir;	 /* session-level direction */
	struct sdp_media media[SDP_MAX_MEDIA];
	unsigned nmedia;
	const char *err; /* why parsing failed (static), NULL if it did not */
};

/*
 * Copies what it keeps: the session does not point into buf. EBADMSG on
 * bad SDP, E2BIG over a limit (SDP_MAX_*); sess->err says which.
 */
int sdp_parse(struct sdp_session *sess, const char *buf, size_t len);

struct sdp_codec {
	uint8_t pt;
	const char *name; /* "PCMU" */
	uint32_t rate;	  /* 8000 */
	/* Additions (zero/NULL: left out): rtpmap channels (opus: 2) and
	 * our a=fmtp parameters. */
	unsigned channels;
	const char *fmtp;
};

/* Our side: address, preferred codecs in order, ptime, telephone-event. */
struct sdp_local {
	const char *ip;
	uint16_t port;
	const struct sdp_codec *codecs;
	unsigned ncodecs;
	unsigned ptime; /* 0: not sent */
	int te_pt;	/* -1: no telephone-event */
	uint64_t sess_id, sess_version;
	enum sdp_dir dir;
	bool cn; /* offer/accept comfort noise CN/8000 on PT 13 (RFC 3389) */
	/* SDES: the mode, and our lines (one per suite we take, in order of
	 * preference, fresh keys per call, tags 1..n) */
	enum sdp_srtp srtp;
	struct sdp_crypto crypto[SDP_MAX_CRYPTO];
	unsigned ncrypto;
};

/* Negotiated audio stream. */
struct sdp_result {
	uint8_t pt;
	char name[16];
	uint32_t rate;
	char addr[SDP_ADDR_LEN];
	uint16_t port;
	unsigned ptime;
	int te_pt;	  /* remote telephone-event PT or -1 */
	enum sdp_dir dir; /* the remote side's direction */
	bool hold; /* remote put us on hold: sendonly, inactive, 0.0.0.0 */
	unsigned maxptime;
	char fmtp[64]; /* the remote's a=fmtp of the chosen codec, or "" */
	bool cn;       /* both sides have CN/8000 on PT 13 */
	/* SRTP negotiated: the peer's line (its key protects what it sends)
	 * and the index of ours in sdp_local.crypto (our sending key) */
	bool srtp;
	struct sdp_crypto crypto_rx;
	unsigned crypto_local;
};

/* Builds an audio offer; *lenp is the length written (NUL-terminated). */
int sdp_build_offer(const struct sdp_local *loc, char *buf, size_t size,
		    size_t *lenp);
/*
 * Answers an offer: picks the first local codec the offer carries in its
 * first usable audio stream, fills res and writes the answer, which has
 * every m= line of the offer in the same order, all but the chosen one
 * with port 0 (RFC 3264 6). ENOTSUP when nothing matches (answer 488).
 * SRTP (loc->srtp): RTP/SAVP streams need a crypto line with a suite of
 * ours, answered with its tag and our key; so does RTP/AVP when srtp is
 * required; with optional an RTP/AVP stream takes crypto if offered.
 */
int sdp_answer(const struct sdp_session *offer, const struct sdp_local *loc,
	       struct sdp_result *res, char *buf, size_t size, size_t *lenp);
/* Reads the answer to our offer 'loc'. ENOTSUP if it picked nothing of
 * ours, or no SRTP when loc->srtp is required (or RTP/SAVP without a
 * crypto line answering one of ours). */
int sdp_accept_answer(const struct sdp_session *answer,
		      const struct sdp_local *loc, struct sdp_result *res);

/* ---- T.38 offer/answer (sdp_t38.c) ---------------------------------- */

/* Our T.38 side: address and what we support. */
struct sdp_t38_local {
	const char *ip;
	uint16_t port;
	struct sdp_t38 caps;
	uint64_t sess_id, sess_version;
};

/* The negotiated T.38 stream. */
struct sdp_t38_result {
	char addr[SDP_ADDR_LEN];
	uint16_t port;
	struct sdp_t38 t38; /* what both ends use */
	/* the far end's own receive limits (declarative, not negotiated) */
	uint32_t remote_max_buffer, remote_max_datagram;
};

/* The first usable image/udptl/t38 stream of a session, or NULL. */
const struct sdp_media *sdp_t38_stream(const struct sdp_session *s);
/* An offer with one image/udptl/t38 stream (*lenp: length written). */
int sdp_t38_build_offer(const struct sdp_t38_local *loc, char *buf, size_t size,
			size_t *lenp);
/*
 * Answers an offer carrying T.38: version and bit rate the lower of both,
 * rate management as offered, error correction and the options only as
 * far as both support them (T.38 Annex D); every other stream kept with
 * port 0. ENOTSUP if the offer has no usable T.38 stream.
 */
int sdp_t38_answer(const struct sdp_session *offer,
		   const struct sdp_t38_local *loc, struct sdp_t38_result *res,
		   char *buf, size_t size, size_t *lenp);
/* Reads the answer to our T.38 offer. ENOTSUP if it refused T.38 (port 0),
 * EPROTO if it claims more than we offered. */
int sdp_t38_accept_answer(const struct sdp_session *answer,
			  const struct sdp_t38_local *loc,
			  struct sdp_t38_result *res);

/* ---- transports (sip/stream.c, sip/transp.c) ------------------------ */

/* RFC 3261 18.1.1: a request larger than this goes over TCP, not UDP,
 * when the path MTU is unknown. */
#define SIP_UDP_MAX_REQ 1300

enum sip_stream_res {
	SIP_STREAM_MORE, /* need more bytes */
	SIP_STREAM_MSG,	 /* one complete message in *p, *len */
	SIP_STREAM_PING, /* CRLFCRLF keep-alive (RFC 5626): answer CRLF */
	SIP_STREAM_NOCL, /* headers without Content-Length in *p, *len:
			    * answer 400 and close (RFC 3261 18.3) */
	/* both: the header block in *p, *len if it was complete (else *len
	 * is 0): answer it (513, 400), then close */
	SIP_STREAM_TOOBIG, /* larger than max_msg */
	SIP_STREAM_BADCL,  /* unreadable or conflicting Content-Length */
	SIP_STREAM__COUNT
};
const char *sip_stream_res_name(enum sip_stream_res r);

/*
 * Content-Length framing of one TCP/TLS byte stream (RFC 3261 18.3).
 * Caller storage; owns one buffer of max_msg bytes, allocated by _init:
 * a peer can never make it hold more. Bytes are read straight into
 * sip_stream_space(), then sip_stream_next() hands out what is complete.
 */
struct sip_stream {
	char *buf;
	size_t size;	 /* == max_msg */
	size_t len;	 /* bytes held */
	size_t consumed; /* of the item last handed out, dropped on next() */
	size_t scanned;	 /* searched for the end of headers up to here */
};

int sip_stream_init(struct sip_stream *s, size_t max_msg);
void sip_stream_release(struct sip_stream *s);
/* Where to read to and how much fits (0 when full: call next()). */
char *sip_stream_space(struct sip_stream *s, size_t *room);
void sip_stream_added(struct sip_stream *s, size_t n);
/* The next complete item; *p, *len are valid until the next call. */
enum sip_stream_res sip_stream_next(struct sip_stream *s, const char **p,
				    size_t *len);

/*
 * Where a response to a request received from src goes (RFC 3261 18.2.2,
 * RFC 3581): back over the same connection for TCP/TLS; for UDP to the
 * source address, and to the source port if the top Via has rport, else
 * to the sent-by port (5060 if none).
 */
void sip_transp_resp_dst(const struct sip_msg *req, const struct sip_addr *src,
			 struct sip_addr *dst);
/* The port we listen on for tp, written in Via and Contact of messages
 * sent over it (0: local_port). TLS usually differs (5061). */
void sip_stack_set_port(struct sip_stack *st, enum sip_transport tp,
			uint16_t port);
/* Our address of the other IP family (a stack on 127.0.0.1 also reached on
 * [::1]): messages to peers of that family name it in Via and Contact.
 * 0 or EINVAL. */
int sip_stack_set_alt_addr(struct sip_stack *st, const char *ip, uint16_t port);
/* A connection to dst failed after the send hook had accepted a message
 * (connect refused, TLS handshake failed): client transactions still
 * waiting on dst fail now (their calls see 503) instead of at Timer B/F.
 * Returns how many ended. */
unsigned sip_stack_transport_error(struct sip_stack *st,
				   const struct sip_addr *dst, int err);
/* The transport token our Via carries for tp ("UDP", "TCP", "TLS"). */
const char *sip_transp_via_name(enum sip_transport tp);
