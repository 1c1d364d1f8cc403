/* gateway/media_pool.c: the signalling side's API: bad arguments, slots
 * discarded before start, a peer change, draining at shutdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/media_net.h"
#include "gateway/media_worker.h"
#include "gateway/net.h"

#define LO 43400u
#define HI 43499u

struct reports {
	unsigned stats, finals;
	struct media_stats last[4];
	uint64_t cookie[4];
};

static void on_report(void *arg, uint64_t cookie, const struct media_stats *st,
		      bool final)
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
static struct gw_mslot *mk(struct gw_mpool *p, unsigned *next, uint64_t cookie,
			   unsigned *port, unsigned peer_port,
			   struct media_sess **sess)
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

static void bad_input(void **state)
{
	struct gw_mpool_cfg cfg = { .workers = 1 };
	struct gw_mpool *p;
	struct gw_mslot *s;
	struct media_sess *sess;
	uint8_t rx[100] = { 0 }, tx[100];
	unsigned next = LO + 20, port;

	cfg.tick_ms = 5000;
	assert_int_equal(gw_mpool_alloc(&cfg, &p), EINVAL);
	assert_int_equal(gw_mpool_alloc(NULL, &p), EINVAL);
	cfg.tick_ms = 0;
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	assert_int_equal(gw_mslot_alloc(p, -1, -1, 0, &s), EINVAL);
	assert_int_equal(gw_mslot_start(NULL, NULL), EINVAL);
	assert_int_equal(gw_mslot_stop(NULL), EINVAL);
	assert_int_equal(gw_mslot_query(NULL), EINVAL);
	s = mk(p, &next, 0, &port, 9, &sess);
	/* a block of the wrong size plays silence */
	gw_mslot_audio(s, rx, tx, sizeof(tx), true, 0xFF);
	for (size_t i = 0; i < sizeof(tx); i++)
		assert_int_equal(tx[i], 0xFF);
	/* setup failed before start: slot, session, sockets go */
	gw_mslot_discard(s, sess);
	gw_mslot_discard(NULL, NULL);
	assert_int_equal(gw_mpool_poll(p), 0);
	gw_mpool_free(p);
	gw_mpool_free(NULL);
}

static void peer_change_and_drain(void **state)
{
	struct reports r = { 0 };
	struct gw_mpool_cfg cfg = { .workers = 1,
				    .report = on_report,
				    .report_arg = &r };
	struct gw_mpool *p;
	struct gw_mslot *s;
	struct media_sess *sess;
	struct media_addr to = { .family = 4,
				 .port = 9,
				 .ip = { 127, 0, 0, 1 } };
	unsigned next = LO + 40, port;

	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	s = mk(p, &next, 2, &port, 9, &sess);
	assert_int_equal(gw_mslot_start(s, sess), 0);
	assert_int_equal(gw_mslot_set_peer(s, &to), 0);
	assert_int_equal(gw_mslot_set_peer(NULL, &to), EINVAL);
	assert_int_equal(gw_mslot_stop(s), 0);
	/* the worker finishes the slot and its report arrives */
	assert_true(gw_mpool_drain(p, 2000));
	assert_int_equal(r.finals, 1);
	assert_true(gw_mpool_drain(p, 0));
	gw_mpool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input),
		cmocka_unit_test(peer_change_and_drain),
	};

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
