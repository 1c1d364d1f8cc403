/*
 * ua_int.h: private to the UA core files (ua*.c): the call object and the
 * helpers they share.
 */
#pragma once

#include "sip/sip_int.h"

/* Methods the UA core serves (Allow, 405). */
#define SIP_UA_ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO"
#define SIP_UA_RESP_MAX 8192

/* Owned by the stack (st->calls) until the ENDED event has been delivered. */
struct sip_call {
	struct sip_call *next;
	struct sip_stack *st;
	unsigned id;
	void *user;
	enum sip_call_state state;
	bool uac;
	bool cancel_pending; /* hangup before any 1xx: CANCEL waits (9.1) */
	unsigned busy;	     /* > 0 while an app callback runs */
	int cause;
	struct sip_dialog dlg;
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
	struct sip_timer t_wait;  /* ACK wait (UAS) or CANCEL wait (UAC) */
	struct sip_ua_auth *auth; /* UAC credentials (ua_auth.c), or NULL */
};

/* ua.c */
struct sip_call *ua_call_alloc(struct sip_stack *st, bool uac);
void ua_call_free(struct sip_call *c);
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
void ua_recv_bye(struct sip_call *c, const struct sip_msg *req,
		 const struct sip_addr *src);
void ua_recv_reinvite(struct sip_call *c, const struct sip_msg *req,
		      const struct sip_addr *src);

/* ua_req.c */
void ua_req_call_gone(struct sip_call *c);
void ua_req_free_all(struct sip_stack *st);

/* ua_auth.c */
int ua_auth_init(struct sip_call *c, const struct sip_call_params *p);
void ua_auth_free(struct sip_call *c);
/* On a 401/407 to the INVITE: true if a new INVITE went out (handler h). */
bool ua_auth_retry_invite(struct sip_call *c, const struct sip_msg *resp,
			  sip_ctrans_h *h);
/* "(Proxy-)Authorization: ...\r\n" for an in-dialog request, once per
 * request (*tried); ENOENT when not answering. */
int ua_auth_indialog(struct sip_call *c, const struct sip_msg *resp,
		     bool *tried, const char *method, char *hdr, size_t size);
bool *ua_auth_bye_tried(struct sip_call *c);
/* Server side: true if req may proceed; otherwise it was answered. */
bool ua_auth_check(struct sip_stack *st, const struct sip_msg *req,
		   const struct sip_addr *src);
