/*
 * sip_parse.c: parse speed of sip_msg_parse() against libosip2 on the same
 * fixed set of realistic messages, in the same run. Each parser goes far
 * enough that the top Via branch, Call-ID, CSeq, From and To tags and
 * Content-Length can be read, and both read them. Prints
 *   BENCH sip_parse_ns <ns per message> ns vs=libosip2 ratio=<x>
 * Timing only: never a pass/fail on speed.
 */
#include <osipparser2/osip_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sip/sip.h"

#define SDP_BODY                                          \
	"v=0\r\n"                                         \
	"o=- 2890844526 2890844526 IN IP4 192.0.2.10\r\n" \
	"s=-\r\n"                                         \
	"c=IN IP4 192.0.2.10\r\n"                         \
	"t=0 0\r\n"                                       \
	"m=audio 49170 RTP/AVP 0 8 101\r\n"               \
	"a=rtpmap:0 PCMU/8000\r\n"                        \
	"a=rtpmap:8 PCMA/8000\r\n"                        \
	"a=rtpmap:101 telephone-event/8000\r\n"           \
	"a=fmtp:101 0-15\r\n"                             \
	"a=ptime:20\r\n"                                  \
	"a=sendrecv\r\n"

#define VIA1 \
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
#define VIA2 \
	"Via: SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK4b43c2ff8.1;received=198.51.100.70\r\n"
#define DLG_REQ                                                      \
	"From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n" \
	"To: <sip:+15551234@gw.example.net>\r\n"                     \
	"Call-ID: a84b4c76e66710@pc33.example.com\r\n"
#define DLG_RESP                                                     \
	"From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n" \
	"To: <sip:+15551234@gw.example.net>;tag=a6c85cf\r\n"         \
	"Call-ID: a84b4c76e66710@pc33.example.com\r\n"

static const char *const corpus[] = {
	/* INVITE with SDP */
	"INVITE sip:+15551234@gw.example.net;user=phone SIP/2.0\r\n" VIA1 VIA2
	"Max-Forwards: 69\r\n" DLG_REQ "CSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@192.0.2.10:5060;transport=udp>\r\n"
	"Record-Route: <sip:198.51.100.7;lr>\r\n"
	"Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK\r\n"
	"Supported: 100rel, timer, replaces\r\n"
	"Session-Expires: 1800;refresher=uac\r\n"
	"P-Asserted-Identity: <sip:+15550001@example.com;user=phone>\r\n"
	"User-Agent: ExamplePhone/2.1\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 234\r\n\r\n" SDP_BODY,
	/* 100 Trying */
	"SIP/2.0 100 Trying\r\n" VIA1 VIA2 DLG_REQ "CSeq: 314159 INVITE\r\n"
	"Content-Length: 0\r\n\r\n",
	/* 180 Ringing */
	"SIP/2.0 180 Ringing\r\n" VIA1 VIA2 DLG_RESP "CSeq: 314159 INVITE\r\n"
	"Contact: <sip:gw.example.net:5060>\r\n"
	"Record-Route: <sip:198.51.100.7;lr>\r\n"
	"Content-Length: 0\r\n\r\n",
	/* 200 OK with SDP */
	"SIP/2.0 200 OK\r\n" VIA1 VIA2 DLG_RESP "CSeq: 314159 INVITE\r\n"
	"Contact: <sip:gw.example.net:5060>\r\n"
	"Record-Route: <sip:198.51.100.7;lr>\r\n"
	"Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO\r\n"
	"Supported: timer\r\n"
	"Session-Expires: 1800;refresher=uac\r\n"
	"Server: pstngw\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 234\r\n\r\n" SDP_BODY,
	/* ACK */
	"ACK sip:gw.example.net:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhdt;rport\r\n"
	"Route: <sip:198.51.100.7;lr>\r\n"
	"Max-Forwards: 70\r\n" DLG_RESP "CSeq: 314159 ACK\r\n"
	"Content-Length: 0\r\n\r\n",
	/* BYE */
	"BYE sip:gw.example.net:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhdu;rport\r\n"
	"Route: <sip:198.51.100.7;lr>\r\n"
	"Max-Forwards: 70\r\n" DLG_RESP "CSeq: 314160 BYE\r\n"
	"Reason: Q.850;cause=16;text=\"Normal call clearing\"\r\n"
	"Content-Length: 0\r\n\r\n",
	/* REGISTER with Authorization */
	"REGISTER sip:registrar.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnashds7;rport\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:gw@example.com>;tag=a73kszlfl\r\n"
	"To: <sip:gw@example.com>\r\n"
	"Call-ID: 1j9FpLxk3uxtm8tn@192.0.2.1\r\n"
	"CSeq: 2 REGISTER\r\n"
	"Contact: <sip:gw@192.0.2.1:5060>;expires=3600\r\n"
	"Authorization: Digest username=\"gw\", realm=\"example.com\", "
	"nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", "
	"uri=\"sip:registrar.example.com\", "
	"response=\"dfe56131d1958046689d83306477ecc\", algorithm=MD5, "
	"qop=auth, nc=00000001, cnonce=\"0a4f113b\"\r\n"
	"User-Agent: pstngw\r\n"
	"Content-Length: 0\r\n\r\n",
	/* OPTIONS */
	"OPTIONS sip:gw.example.net SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKhjhs8ass877\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:probe@example.net>;tag=1928301775\r\n"
	"To: <sip:gw.example.net>\r\n"
	"Call-ID: a84b4c76e66711@proxy.example.net\r\n"
	"CSeq: 63104 OPTIONS\r\n"
	"Accept: application/sdp\r\n"
	"Content-Length: 0\r\n\r\n",
};

#define NMSG (sizeof(corpus) / sizeof(corpus[0]))
#define ROUNDS 7

static size_t lens[NMSG];
static volatile size_t sink;

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Ours: the fields are parsed eagerly; reading them proves it. */
static int ours(size_t i)
{
	struct sip_msg m;
	if (sip_msg_parse(&m, corpus[i], lens[i], 65535))
		return -1;
	sink += m.via.branch.l + m.call_id.l + m.cseq + m.from.tag.l +
		m.to.tag.l + m.body.l;
	return 0;
}

static int osip(size_t i)
{
	osip_message_t *m;
	osip_via_t *via;
	osip_generic_param_t *br = NULL, *ft = NULL, *tt = NULL;
	int ret = -1;
	if (osip_message_init(&m))
		return -1;
	if (osip_message_parse(m, corpus[i], lens[i]) ||
	    osip_message_get_via(m, 0, &via) < 0 || !via)
		goto out;
	osip_via_param_get_byname(via, "branch", &br);
	osip_call_id_t *cid = osip_message_get_call_id(m);
	osip_cseq_t *cs = osip_message_get_cseq(m);
	osip_from_t *from = osip_message_get_from(m);
	osip_to_t *to = osip_message_get_to(m);
	osip_content_length_t *cl = osip_message_get_content_length(m);
	if (!br || !cid || !cs || !from || !to || !cl)
		goto out;
	osip_from_get_tag(from, &ft);
	osip_to_get_tag(to, &tt);
	sink += strlen(br->gvalue) + strlen(cid->number) +
		(size_t)atoi(cs->number) + (ft ? strlen(ft->gvalue) : 0) +
		(tt ? strlen(tt->gvalue) : 0) + (size_t)atoi(cl->value);
	ret = 0;
out:
	osip_message_free(m);
	return ret;
}

/* One pass of iters over the corpus, in ns per message. */
static double pass(int (*fn)(size_t), unsigned iters)
{
	double t0 = now_ns();
	for (unsigned k = 0; k < iters; k++)
		for (size_t i = 0; i < NMSG; i++)
			fn(i);
	return (now_ns() - t0) / ((double)iters * NMSG);
}

int main(void)
{
	parser_init();
	for (size_t i = 0; i < NMSG; i++) {
		lens[i] = strlen(corpus[i]);
		if (ours(i) || osip(i)) {
			fprintf(stderr, "sip_parse: message %zu not parsed\n",
				i);
			return 1;
		}
	}
	/* rounds alternate between the parsers so that both see the same
	 * machine load; the best round of each counts */
	double a = 0, b = 0;
	for (int r = 0; r < ROUNDS; r++) {
		double x = pass(ours, 20000), y = pass(osip, 4000);
		a = r == 0 || x < a ? x : a;
		b = r == 0 || y < b ? y : b;
	}
	printf("BENCH sip_parse_ns %.0f ns vs=libosip2 ratio=%.2f\n", a, b / a);
	return 0;
}
