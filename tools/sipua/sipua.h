#pragma once
/* sipua's shared state, for sipua.c (calls, media, process) and
 * ua_dtmf.c (keypad, DTMF glue). */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "gateway/hooks.h"
#include "gateway/loop.h"
#include "gateway/siptcp.h"
#include "gateway/sipudp.h"
#include "media/media.h"
#include "sip/sip.h"
#include "tools/sipua/ua_dtmf.h"

#define MAX_CALLS 64
#define TICK_US 20000u
#define BLOCK 160

struct ua_call {
	bool used;
	unsigned n; /* 1, 2, ... in order of appearance */
	struct sip_call *sip;
	struct media_sess *media;
	int rtp_fd;
	unsigned rtp_port;
	struct sockaddr_in peer;
	struct sdp_local local;
	char answer[1024];
	struct media_tonegen gen;
	struct media_freqmeter meter;
	bool talking;
	bool ended;
	struct gw_timer *answer_timer, *hangup_timer, *cancel_timer;
	struct gw_timer *refresh_timer;
	struct ua *ua;
	struct ua_dtmf dtmf;
};

struct ua {
	struct gw_hookctx hctx;
	struct gw_loop *loop;
	struct sip_stack *sip;
	struct gw_sipudp udp; /* fd and the same stack */
	struct gw_siptcp tcp; /* TCP on the same port, TLS if asked */
	char ip[64];
	unsigned port;
	const char *rtp_ip;
	enum sip_transport transport; /* of placed calls */
	char *pad_hdr; /* "X-Pad: xxx...\r\n" to make INVITEs large */
	/* options */
	const char *call_uri;
	const char *from;
	unsigned calls_to_place, calls_placed;
	unsigned interval_ms;
	int answer_delay_ms;
	unsigned reject;
	bool no_answer;
	unsigned tone;
	int hangup_after_ms;
	int cancel_after_ms;
	unsigned refresh_ms; /* session refresh period in a call; 0: none */
	unsigned hangup_code;
	unsigned exit_after, ended;
	unsigned timeout_s;
	struct sdp_codec codec;
	int dtmf_mode;	    /* enum media_dtmf_mode, UA_DTMF_NONE: off */
	const char *digits; /* sent once talking */
	unsigned rtp_next;
	/* state */
	struct ua_call calls[MAX_CALLS];
	unsigned ncalls;
	uint64_t t0;
	uint64_t next_tick;
	int exit_code;
	bool stopping;
};

/* One event line on stdout: "sipua t=MS " + the formatted text. */
void ev(struct ua *ua, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* RFC 4733 digits received (media hook), INFO out and in. */
void ua_media_dtmf(void *arg, char digit, bool end, bool from_rtp);
void ua_send_info(struct ua_call *c, char digit);
void ua_info_rx(struct ua_call *c, const struct sip_call_event *e);
