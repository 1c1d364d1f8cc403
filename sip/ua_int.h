/*
 * ua_int.h: private to the UA core files (ua*.c): the call object and the
 * helpers they share.
 */
#pragma once

#include "sip/sip_int.h"

/* Methods the UA core serves (Allow, 405). */
#define SIP_UA_ALLOW \
	"INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK, REFER, SUBSCRIBE"
/* Option tags we implement (Supported, and what Require may name). */
#define SIP_UA_SUPPORTED "100rel, timer"
#define SIP_UA_RESP_MAX 8192

/* Owned by the stack (st->calls) until the ENDED event has been delivered. */
struct sip_call {
	struct sip_call *next;
	/* st->call_hash by Call-ID, once the dialog has one (ua_call_hash) */
	struct sip_call *hnext, **hpprev;
	struct sip_stack *st;
	unsigned id;
	void *user;
	enum sip_call_state state;
	bool uac;
	bool cancel_pending; /* hangup before any 1xx: CANCEL waits (9.1) */
	unsigned busy;	     /* > 0 while an app callback runs */
	int cause;
	struct sip_dialog dlg;
	struct sip_addr src; /* UAS: the initial INVITE's source; UAC: dst */
	struct sip_trans *inv_t;
	struct sip_trans *bye_t;
	struct sip_trans *cancel_t;
	char *invite; /* UAC: INVITE as sent, for CANCEL */
	size_t invite_len;
	char *ack; /* UAC: ACK for the 2xx, re-sent on retransmission */
	size_t ack_len;
	struct sip_addr ack_dst;
	char *resp2xx; /* UAS: 2xx retransmitted until the ACK */
	size_t resp2xx_len;
	char *local_sdp;
	uint64_t interval;
	struct sip_timer t_2xx;
	struct sip_timer t_wait; /* ACK wait (UAS) or CANCEL wait (UAC) */
	bool peer_update;	 /* the peer's Allow lists UPDATE */
	char *extra_hdrs;	 /* UAC: the app's extra INVITE headers */
	char *retry_hdrs; /* UAC: added by sip_call_retry() (credentials) */
	char *ruri;	  /* UAC: the Request-URI of the first INVITE */
	bool may_retry;	  /* UAC: inside the FAILED event of a final */
	bool retried;	  /* ... and sip_call_retry() was called */
	/* offers in the confirmed dialog (ua_offer.c) */
	const struct sip_msg *offer_req; /* during an OFFER event */
	struct sip_trans *offer_st;	 /* its server transaction */
	bool offer_answered;
	bool reinv_ack_wait;	   /* our 2xx to a re-INVITE awaits its ACK */
	uint32_t reinv_rcseq;	   /* CSeq of that re-INVITE */
	bool reoffer_busy;	   /* our re-INVITE/UPDATE is pending */
	bool reoffer_sdp;	   /* ... and carries an offer */
	bool reoffer_app;	   /* it came from sip_call_reoffer() */
	bool reoffer_refresh;	   /* it is a session refresh */
	struct sip_trans *reinv_t; /* our re-INVITE (lives on in Accepted) */
	uint32_t reinv_cseq;
	char *reinv_ack; /* ACK for its 2xx, re-sent on retransmissions */
	uint32_t reinv_ack_cseq; /* the re-INVITE reinv_ack acknowledges */
	size_t reinv_ack_len;
	struct sip_addr reinv_ack_dst;
	char *pending_sdp; /* the offer of our re-INVITE */
	struct sip_timer t_glare;
	struct sip_req *upd_req; /* our refreshing UPDATE */
	/* session timer (ua_timer.c, RFC 4028) */
	uint32_t se;	   /* negotiated Session-Expires, 0: no timer */
	bool se_refresher; /* we refresh */
	uint32_t se_ask;   /* UAC: interval asked after a 422, 0: config */
	bool se_retried;   /* UAC: the INVITE was re-sent after a 422 */
	struct sip_timer t_refresh;
	struct sip_timer t_expire;
	/* 100rel (ua_prack.c, RFC 3262) */
	bool rel_peer;	   /* UAS: the INVITE allows or requires 100rel */
	bool rel_required; /* UAS: the INVITE requires 100rel */
	uint32_t rseq;	   /* UAS: last RSeq sent */
	char *rel1xx;	   /* UAS: unacknowledged reliable 1xx */
	size_t rel1xx_len;
	uint64_t rel_interval, rel_spent;
	struct sip_timer t_rel;
	uint32_t rseq_rx; /* UAC: last RSeq PRACKed */
	/* REFER (ua_subs.c) */
	uint32_t refer_cseq;	  /* 0: no REFER subscription */
	struct sip_ua_auth *auth; /* UAC credentials (ua_auth.c), or NULL */
};

/* ua.c */
struct sip_call *ua_call_alloc(struct sip_stack *st, bool uac);
void ua_call_free(struct sip_call *c);
/* Files c under its dialog's Call-ID (set by then): in-dialog requests
 * and INVITE retransmissions find it in O(1) among thousands. */
void ua_call_hash(struct sip_call *c);
/* The first call of the bucket where a Call-ID's calls are (hnext on). */
struct sip_call *ua_calls_of(struct sip_stack *st, const struct sip_pl *cid);
void ua_set_state(struct sip_call *c, enum sip_call_state s);
/* Returns true if the call is gone after the callback. */
bool ua_emit(struct sip_call *c, struct sip_call_event *ev);
void ua_end_call(struct sip_call *c);
void ua_fill_event(struct sip_call_event *ev, enum sip_call_ev_type type,
		   const struct sip_msg *msg);
void ua_new_branch(struct sip_stack *st, char *buf);
int ua_respond(struct sip_stack *st, struct sip_trans *t,
	       const struct sip_msg *req, const struct sip_addr *src,
	       unsigned code, const char *reason, const char *to_tag,
	       const char *extra, const char *sdp, struct sip_mbuf *out);
void ua_reply_on(struct sip_stack *st, struct sip_trans *t,
		 const struct sip_msg *req, const struct sip_addr *src,
		 unsigned code, const char *to_tag, const char *extra,
		 const char *sdp);

/* ua_invite.c */
void ua_recv_invite(struct sip_stack *st, const struct sip_msg *req,
		    const struct sip_addr *src);
void ua_recv_cancel(struct sip_stack *st, const struct sip_msg *req,
		    const struct sip_addr *src);
/* In-dialog ACK (c may be NULL), BYE and re-INVITE. */
void ua_recv_ack(struct sip_call *c, const struct sip_msg *req);
/* The dialog_screen hook on a request for call c: true if it may pass;
 * otherwise it is answered (if refused, not dropped) and done with. */
bool ua_dialog_screen(struct sip_call *c, const struct sip_msg *req,
		      const struct sip_addr *src);
/* Timer fn: retransmits the call's 2xx (c->resp2xx) until the ACK. */
void ua_retx_2xx(void *arg);
void ua_recv_bye(struct sip_call *c, const struct sip_msg *req,
		 const struct sip_addr *src);
void ua_recv_reinvite(struct sip_call *c, const struct sip_msg *req,
		      const struct sip_addr *src);

/* ua_offer.c */
void ua_recv_update(struct sip_call *c, const struct sip_msg *req,
		    const struct sip_addr *src);
void ua_offer_free(struct sip_call *c);
/* Sends a refresh (UPDATE if the peer allows it, else re-INVITE). */
int ua_refresh(struct sip_call *c);
/* Contact in a request or response refreshes the remote target. */
void ua_target_refresh(struct sip_call *c, const struct sip_msg *m);

/* ua_timer.c */
void ua_se_init(struct sip_call *c);
void ua_se_stop(struct sip_call *c);
/* UAS: 0, or 422 with Min-SE written to x (RFC 4028 8.1). */
unsigned ua_se_check(struct sip_stack *st, const struct sip_msg *req,
		     struct sip_mbuf *x);
/* UAS: headers of a 2xx to a session refresh; starts the timers. */
void ua_se_answer(struct sip_call *c, const struct sip_msg *req,
		  struct sip_mbuf *x);
/* UAC: headers of a refresh request (or the first INVITE). */
void ua_se_request(struct sip_call *c, struct sip_mbuf *x);
/* The Min-SE of a message (a 422), 0 if none. */
uint32_t ua_se_min(const struct sip_msg *m);
/* UAC: a 2xx to our INVITE, re-INVITE or UPDATE. */
void ua_se_answered(struct sip_call *c, const struct sip_msg *resp);
/* True if the comma list headers id of m contain tag. */
bool ua_has_tag(const struct sip_msg *m, enum sip_hdr_id id, const char *tag);
bool ua_allows(const struct sip_msg *m, const char *method);

/* ua_prack.c */
void ua_rel_init(struct sip_call *c);
void ua_rel_stop(struct sip_call *c);
/* UAS: the INVITE's 100rel wishes (before the first 1xx). */
void ua_rel_invite(struct sip_call *c, const struct sip_msg *inv);
/* UAS: 1 if this 1xx goes reliably (Require/RSeq added to x), 0 if not,
 * -1 if it must wait for the PRACK of the previous one. */
int ua_rel_1xx(struct sip_call *c, unsigned code, struct sip_mbuf *x);
/* UAS: a reliable 1xx was sent (buf): retransmit until PRACK. */
void ua_rel_sent(struct sip_call *c, const char *buf, size_t len);
void ua_recv_prack(struct sip_call *c, const struct sip_msg *req,
		   const struct sip_addr *src);
/* UAC: a 1xx with Require: 100rel: PRACK it. False to drop it. */
bool ua_rel_got_1xx(struct sip_call *c, const struct sip_msg *resp);

/* ua_subs.c */
void ua_recv_subscribe(struct sip_stack *st, const struct sip_msg *req,
		       const struct sip_addr *src);
/* An in-dialog request for a subscription: true if handled. */
bool ua_subs_in_dialog(struct sip_stack *st, const struct sip_msg *req,
		       const struct sip_addr *src);
void ua_subs_free_all(struct sip_stack *st);
size_t ua_subs_dump(const struct sip_stack *st, char *buf, size_t size);
void ua_subs_shutdown(struct sip_stack *st);
void ua_recv_refer(struct sip_call *c, const struct sip_msg *req,
		   const struct sip_addr *src);

/* ua_req.c */
/* A request in dialog d that is not a call's (subscriptions). */
int ua_req_dialog(struct sip_stack *st, struct sip_dialog *d, enum sip_method m,
		  const char *extra, const char *ctype, const char *body,
		  sip_req_h *h, void *arg, struct sip_req **reqp);
/* d is going away: its requests run on without handler or resend. */
void ua_req_dialog_gone(struct sip_stack *st, struct sip_dialog *d);
void ua_req_call_gone(struct sip_call *c);
void ua_req_free_all(struct sip_stack *st);

/* ua_auth.c */
int ua_auth_init(struct sip_call *c, const struct sip_call_params *p);
void ua_auth_free(struct sip_call *c);
/* On a 401/407 to the INVITE: true if its challenge was taken and the
 * INVITE is to be sent again (the early dialog is reset). */
bool ua_auth_take_invite(struct sip_call *c, const struct sip_msg *resp);
/* Appends the INVITE's answers, one per challenged protection space. */
void ua_auth_put_invite(struct sip_call *c, struct sip_mbuf *mb);
/* "(Proxy-)Authorization: ...\r\n" for an in-dialog request, once per
 * request (*tried); ENOENT when not answering. */
int ua_auth_indialog(struct sip_call *c, const struct sip_msg *resp,
		     bool *tried, const char *method, char *hdr, size_t size);
bool *ua_auth_bye_tried(struct sip_call *c);
/* Server side: true if req may proceed; otherwise it was answered. */
bool ua_auth_check(struct sip_stack *st, const struct sip_msg *req,
		   const struct sip_addr *src);
