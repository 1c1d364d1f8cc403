#pragma once
/*
 * Shared by the media worker and pool tests: a report collector and a
 * slot with a PCMU session. The includer defines LO and HI, its own RTP
 * port range (tests run in parallel), and includes cmocka first.
 */
#include <stdbool.h>
#include <stdint.h>

#include "gateway/media_net.h"
#include "gateway/media_worker.h"
#include "gateway/net.h"

struct reports {
	unsigned stats, finals;
	struct media_stats last[4];
	uint64_t cookie[4];
};

static inline void on_report(void *arg, uint64_t cookie,
			     const struct media_stats *st, bool final)
{
	struct reports *r = arg;

	if (final) {
		assert_true(cookie < 4);
		r->last[cookie] = *st;
		r->cookie[cookie] = cookie;
		r->finals++;
	} else {
		r->stats++;
	}
}

/* A slot with a PCMU session whose peer is 127.0.0.1:peer_port. */
static inline struct gw_mslot *mk(struct gw_mpool *p, unsigned *next,
				  uint64_t cookie, unsigned *port,
				  unsigned peer_port, struct media_sess **sess)
{
	struct media_sess_cfg mc = { .codec = MEDIA_CODEC_PCMU,
				     .ssrc = 0x1000 + (uint32_t)cookie };
	struct media_hooks h;
	struct sockaddr_in sin;
	struct gw_mslot *s;
	int rtp, rtcp;

	assert_int_equal(
		gw_rtp_bind_pair("127.0.0.1", LO, HI, next, &rtp, &rtcp, port),
		0);
	assert_int_equal(gw_mslot_alloc(p, rtp, rtcp, cookie, &s), 0);
	gw_mslot_hooks(s, true, &h);
	assert_int_equal(gw_sockaddr_in(&sin, "127.0.0.1", peer_port), 0);
	gw_media_addr_from_sin(&mc.peer, &sin);
	assert_int_equal(media_sess_alloc(&h, &mc, sess), 0);
	return s;
}
