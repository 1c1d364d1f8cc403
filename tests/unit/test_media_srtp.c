/* media/srtp.c: suites, SRTP/SRTCP round trips, tampered and replayed
 * packets dropped and counted; and the session with SRTP on: nothing in
 * the clear on the wire, forged packets never latched. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/priv.h"

static void keys(struct media_srtp_cfg *a, struct media_srtp_cfg *b,
		 enum media_srtp_suite suite)
{
	memset(a, 0, sizeof(*a));
	a->suite = suite;
	for (unsigned i = 0; i < MEDIA_SRTP_KEY_MAX; i++) {
		a->tx_key[i] = (uint8_t)(i * 7 + 1);
		a->rx_key[i] = (uint8_t)(i * 13 + 5);
	}
	/* the other end: the same two keys the other way round */
	*b = *a;
	memcpy(b->tx_key, a->rx_key, sizeof(b->tx_key));
	memcpy(b->rx_key, a->tx_key, sizeof(b->rx_key));
}

/* An RTP packet of plen payload octets (0x55 each). */
static size_t rtp_pkt(uint8_t *buf, uint32_t ssrc, uint16_t seq, size_t plen)
{
	struct rtp_hdr h = {
		.pt = 0, .seq = seq, .ts = seq * 160u, .ssrc = ssrc
	};
	uint8_t pl[480];
	size_t len;

	memset(pl, 0x55, plen);
	assert_int_equal(rtp_build(&h, pl, plen, buf, 600, &len), 0);
	return len;
}

static void test_suites(void **state)
{
	assert_int_equal(media_srtp_suite_lookup("AES_CM_128_HMAC_SHA1_80"),
			 MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(media_srtp_suite_lookup("aes_cm_128_hmac_sha1_32"),
			 MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32);
	assert_int_equal(media_srtp_suite_lookup("AES_256_CM_HMAC_SHA1_80"),
			 MEDIA_SRTP_AES_256_CM_HMAC_SHA1_80);
	assert_int_equal(media_srtp_suite_lookup("AEAD_AES_128_GCM"),
			 MEDIA_SRTP_AEAD_AES_128_GCM);
	assert_int_equal(media_srtp_suite_lookup("aead_aes_256_gcm"),
			 MEDIA_SRTP_AEAD_AES_256_GCM);
	assert_int_equal(media_srtp_key_len(MEDIA_SRTP_AEAD_AES_128_GCM), 28);
	assert_int_equal(media_srtp_key_len(MEDIA_SRTP_AEAD_AES_256_GCM), 44);
	assert_int_equal(media_srtp_suite_lookup("AEAD_AES_192_GCM"), -1);
	assert_int_equal(media_srtp_suite_lookup("F8_128_HMAC_SHA1_80"), -1);
	assert_int_equal(media_srtp_suite_lookup(NULL), -1);
	assert_int_equal(media_srtp_key_len(MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32),
			 30);
	assert_int_equal(media_srtp_key_len(MEDIA_SRTP_AES_256_CM_HMAC_SHA1_32),
			 46);
	assert_int_equal(media_srtp_key_len(MEDIA_SRTP__COUNT), 0);
	assert_string_equal(media_srtp_suite_name(MEDIA_SRTP__COUNT), "?");
}

static void test_bad_alloc(void **state)
{
	struct media_srtp_cfg c = { .suite = MEDIA_SRTP__COUNT };
	struct media_srtp *m = NULL;

	assert_int_equal(media_srtp_alloc(&c, 1, &m), EINVAL);
	assert_null(m);
	assert_int_equal(media_srtp_alloc(NULL, 1, &m), EINVAL);
	media_srtp_free(NULL);
}

/* Every suite: RTP and RTCP through, tag of the right length, payload not
 * in the clear, plaintext restored. */
static void test_round_trip(void **state)
{
	/* SRTP tag octets; SRTCP's: 10, 16 for AEAD (RFC 7714 9.2) */
	static const size_t tag[] = { 10, 4, 10, 4, 16, 16 };
	static const size_t rtcp_tag[] = { 10, 10, 10, 10, 16, 16 };

	_Static_assert(sizeof(tag) / sizeof(tag[0]) == MEDIA_SRTP__COUNT,
		       "a tag length per suite");

	for (unsigned s = 0; s < MEDIA_SRTP__COUNT; s++) {
		struct media_srtp_cfg ca, cb;
		struct media_srtp *a = NULL, *b = NULL;
		uint8_t buf[600 + MEDIA_SRTP_TRAILER_MAX], plain[600];
		const uint8_t *out;
		size_t len, plen, olen;

		keys(&ca, &cb, (enum media_srtp_suite)s);
		assert_int_equal(media_srtp_alloc(&ca, 0x1234, &a), 0);
		assert_int_equal(media_srtp_alloc(&cb, 0x9999, &b), 0);
		plen = len = rtp_pkt(buf, 0x1234, 100, 160);
		memcpy(plain, buf, len);
		assert_int_equal(media_srtp_protect(a, buf, &len, false), 0);
		assert_int_equal(len, plen + tag[s]);
		assert_memory_equal(buf, plain, RTP_HDR_LEN); /* header clear */
		assert_memory_not_equal(buf + RTP_HDR_LEN, plain + RTP_HDR_LEN,
					160);
		assert_int_equal(
			media_srtp_unprotect(b, buf, len, false, &out, &olen),
			0);
		assert_int_equal(olen, plen);
		assert_memory_equal(out, plain, plen);

		/* SRTCP: index word and its tag */
		len = 0;
		assert_int_equal(
			rtcp_put_report(buf, 512, &len, 0x1234, NULL, NULL, 0),
			0);
		assert_int_equal(rtcp_put_cname(buf, 512, &len, 0x1234, "x@y"),
				 0);
		plen = len;
		memcpy(plain, buf, len);
		assert_int_equal(media_srtp_protect(a, buf, &len, true), 0);
		assert_int_equal(len, plen + 4 + rtcp_tag[s]);
		assert_int_equal(
			media_srtp_unprotect(b, buf, len, true, &out, &olen),
			0);
		assert_memory_equal(out, plain, plen);
		media_srtp_free(a);
		media_srtp_free(b);
	}
}

static void test_tamper_replay_dropped(void **state)
{
	struct media_srtp_cfg ca, cb;
	struct media_srtp *a = NULL, *b = NULL;
	struct media_srtp_stats st;
	uint8_t buf[600 + MEDIA_SRTP_TRAILER_MAX], copy[700];
	const uint8_t *out;
	size_t len, olen;

	keys(&ca, &cb, MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(media_srtp_alloc(&ca, 7, &a), 0);
	assert_int_equal(media_srtp_alloc(&cb, 8, &b), 0);
	len = rtp_pkt(buf, 7, 1, 160);
	assert_int_equal(media_srtp_protect(a, buf, &len, false), 0);
	memcpy(copy, buf, len);

	/* one bit of payload flipped */
	copy[20] ^= 1;
	assert_int_equal(media_srtp_unprotect(b, copy, len, false, &out, &olen),
			 EBADMSG);
	/* the genuine packet still passes after the forgery ... */
	assert_int_equal(media_srtp_unprotect(b, buf, len, false, &out, &olen),
			 0);
	/* ... once */
	assert_int_equal(media_srtp_unprotect(b, buf, len, false, &out, &olen),
			 EALREADY);
	/* a tag cut off (a fresh packet: replay is checked first), a runt,
	 * an oversized datagram */
	len = rtp_pkt(buf, 7, 3, 160);
	assert_int_equal(media_srtp_protect(a, buf, &len, false), 0);
	assert_int_equal(
		media_srtp_unprotect(b, buf, len - 10, false, &out, &olen),
		EBADMSG);
	assert_int_equal(media_srtp_unprotect(b, buf, 5, false, &out, &olen),
			 EPROTO);
	assert_int_equal(media_srtp_unprotect(b, buf, MEDIA_SRTP_RX_MAX + 1,
					      false, &out, &olen),
			 EPROTO);
	/* the wrong key: the sender's own context cannot read it */
	len = rtp_pkt(buf, 7, 2, 160);
	assert_int_equal(media_srtp_protect(a, buf, &len, false), 0);
	assert_int_equal(media_srtp_unprotect(a, buf, len, false, &out, &olen),
			 EBADMSG);
	media_srtp_stats(b, &st);
	assert_int_equal(st.rx_auth_fail, 2);
	assert_int_equal(st.rx_replay, 1);
	assert_int_equal(st.rx_bad, 2);
	media_srtp_free(a);
	media_srtp_free(b);
}

/* ---- the session with SRTP ---- */

static const struct media_addr PEER = { .family = 4,
					.port = 40000,
					.ip = { 127, 0, 0, 2 } };

struct cap {
	uint8_t pkt[8][600];
	size_t len[8];
	unsigned n;
};

static int cap_send(void *arg, const struct media_addr *dst, const void *pkt,
		    size_t len)
{
	struct cap *c = arg;

	assert_true(len <= 600);
	if (c->n < 8) {
		memcpy(c->pkt[c->n], pkt, len);
		c->len[c->n] = len;
	}
	c->n++;
	return 0;
}

static struct media_sess *mk(struct cap *c, const struct media_srtp_cfg *k,
			     uint32_t ssrc)
{
	struct media_hooks h = { .arg = c, .rtp_send = cap_send };
	struct media_sess_cfg cfg = {
		.tdm_law = MEDIA_LAW_ULAW,
		.codec = MEDIA_CODEC_PCMU,
		.pt = 0,
		.ssrc = ssrc,
		.peer = PEER,
		.srtp = k,
	};
	struct media_sess *s = NULL;

	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	return s;
}

static void test_session(void **state)
{
	struct media_srtp_cfg ka, kb;
	struct cap ca = { 0 }, cb = { 0 };
	struct media_sess *a, *b;
	struct media_stats st;
	struct media_addr other = PEER;
	uint8_t law[160], forged[200];

	keys(&ka, &kb, MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32);
	a = mk(&ca, &ka, 0xaaaa0001);
	b = mk(&cb, &kb, 0xbbbb0001);
	memset(law, 0x2a, sizeof(law));
	assert_int_equal(media_sess_tdm_in(a, law, sizeof(law)), 0);
	assert_int_equal(ca.n, 1);
	assert_int_equal(ca.len[0], RTP_HDR_LEN + 160 + 4);
	assert_null(memmem(ca.pkt[0], ca.len[0], law, 16)); /* not clear */

	/* a forgery from another port of the negotiated IP, before any
	 * genuine packet: plain RTP would latch there; SRTP drops it */
	other.port = 41000;
	memcpy(forged, ca.pkt[0], ca.len[0]);
	forged[30] ^= 0x80;
	assert_int_equal(media_sess_rtp_in(b, forged, ca.len[0], &other),
			 EBADMSG);
	/* the genuine one is taken; its replay is not */
	assert_int_equal(media_sess_rtp_in(b, ca.pkt[0], ca.len[0], &PEER), 0);
	assert_int_equal(media_sess_rtp_in(b, ca.pkt[0], ca.len[0], &PEER),
			 EALREADY);
	/* from another IP: foreign, no crypto spent */
	other.ip[3] = 9;
	assert_int_equal(media_sess_rtp_in(b, ca.pkt[0], ca.len[0], &other),
			 EACCES);
	/* runt from the peer: bad, not foreign */
	assert_int_equal(media_sess_rtp_in(b, forged, 4, &PEER), EPROTO);
	media_sess_stats(b, &st);
	assert_true(st.srtp);
	assert_int_equal(st.rx_packets, 1);
	assert_int_equal(st.srtp_auth_fail, 1);
	assert_int_equal(st.srtp_replay, 1);
	assert_int_equal(st.rx_foreign, 1);
	assert_int_equal(st.rx_bad, 1);
	assert_int_equal(st.latches, 0);
	assert_true(media_addr_eq(&st.peer, &PEER));
	media_sess_stats(a, &st);
	assert_int_equal(st.tx_packets, 1);
	media_sess_free(a);
	media_sess_free(b);
}

/* A re-offer's new key mid-call (RFC 4568 6.1): the peer a sends with a
 * new key; we (b) install it for what we receive and keep our sending
 * context. A packet still under the old key is dropped and counted. */
static void test_session_rekey(void **state)
{
	struct media_srtp_cfg ka, kb, na;
	struct cap ca = { 0 }, cb = { 0 };
	struct media_sess *a, *b;
	struct media_srtp *n;
	struct media_stats st;
	uint8_t law[160];

	keys(&ka, &kb, MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80);
	a = mk(&ca, &ka, 0xaaaa0002);
	b = mk(&cb, &kb, 0xbbbb0002);
	memset(law, 0x2a, sizeof(law));
	assert_int_equal(media_sess_tdm_in(a, law, sizeof(law)), 0);
	assert_int_equal(media_sess_tdm_in(a, law, sizeof(law)), 0);
	assert_int_equal(media_sess_rtp_in(b, ca.pkt[0], ca.len[0], &PEER), 0);

	/* a's new key, a new suite too: its sending key changes */
	na = ka;
	na.suite = MEDIA_SRTP_AES_256_CM_HMAC_SHA1_80;
	for (unsigned i = 0; i < MEDIA_SRTP_KEY_MAX; i++)
		na.tx_key[i] = (uint8_t)(i * 3 + 11);
	assert_int_equal(media_srtp_alloc(&na, media_sess_ssrc(a), &n), 0);
	assert_int_equal(media_sess_srtp_rekey(a, n, false), 0);
	/* b learns it from the SDP: its rx key is a's new tx key */
	struct media_srtp_cfg nb = kb;
	nb.suite = na.suite;
	memcpy(nb.rx_key, na.tx_key, sizeof(nb.rx_key));
	memcpy(nb.tx_key, ka.rx_key, sizeof(nb.tx_key));
	assert_int_equal(media_srtp_alloc(&nb, media_sess_ssrc(b), &n), 0);
	assert_int_equal(media_sess_srtp_rekey(b, n, false), 0);

	/* packet 2 left a under the old key: dropped, counted */
	assert_int_equal(media_sess_rtp_in(b, ca.pkt[1], ca.len[1], &PEER),
			 EBADMSG);
	/* the next under the new key (its seq runs on) is taken */
	assert_int_equal(media_sess_tdm_in(a, law, sizeof(law)), 0);
	assert_int_equal(ca.n, 3);
	assert_int_equal(media_sess_rtp_in(b, ca.pkt[2], ca.len[2], &PEER), 0);
	/* and b's packets reach a, whose receiving context is new */
	assert_int_equal(media_sess_tdm_in(b, law, sizeof(law)), 0);
	assert_int_equal(cb.n, 1);
	assert_int_equal(media_sess_rtp_in(a, cb.pkt[0], cb.len[0], &PEER), 0);

	media_sess_stats(b, &st);
	assert_int_equal(st.rx_packets, 2);
	assert_int_equal(st.srtp_auth_fail, 1);
	assert_int_equal(st.srtp_rekeys, 1);
	media_sess_stats(a, &st);
	assert_int_equal(st.srtp_rekeys, 1);
	assert_int_equal(st.srtp_auth_fail, 0);
	media_sess_free(a);
	media_sess_free(b);
}

/* keep_tx: the receiving context is new, the sending one runs on (the
 * other end's receiver, which kept its context, sees no replay). */
static void test_rekey_keep_tx(void **state)
{
	struct media_srtp_cfg ka, kb, nb;
	struct media_srtp *a, *b, *n;
	uint8_t buf[8][600 + MEDIA_SRTP_TRAILER_MAX];
	size_t len[8];
	const uint8_t *out;
	size_t olen;
	struct media_srtp_stats st;

	keys(&ka, &kb, MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(media_srtp_alloc(&ka, 0x1111, &a), 0);
	assert_int_equal(media_srtp_alloc(&kb, 0x2222, &b), 0);
	for (unsigned i = 0; i < 2; i++) {
		len[i] = rtp_pkt(buf[i], 0x1111, (uint16_t)(100 + i), 160);
		assert_int_equal(media_srtp_protect(a, buf[i], &len[i], false),
				 0);
	}
	assert_int_equal(
		media_srtp_unprotect(b, buf[0], len[0], false, &out, &olen), 0);
	/* a's peer (b) changed its key: a takes a new rx, keeps its tx */
	nb = ka;
	for (unsigned i = 0; i < MEDIA_SRTP_KEY_MAX; i++)
		nb.rx_key[i] = (uint8_t)(i + 99);
	assert_int_equal(media_srtp_alloc(&nb, 0x1111, &n), 0);
	media_srtp_take(a, n, true);
	/* b's context saw seq 100: a's next (101, same key) is fresh to it */
	assert_int_equal(
		media_srtp_unprotect(b, buf[1], len[1], false, &out, &olen), 0);
	len[2] = rtp_pkt(buf[2], 0x1111, 102, 160);
	assert_int_equal(media_srtp_protect(a, buf[2], &len[2], false), 0);
	assert_int_equal(
		media_srtp_unprotect(b, buf[2], len[2], false, &out, &olen), 0);
	/* b's old key no longer authenticates at a */
	len[3] = rtp_pkt(buf[3], 0x2222, 7, 160);
	assert_int_equal(media_srtp_protect(b, buf[3], &len[3], false), 0);
	assert_int_equal(
		media_srtp_unprotect(a, buf[3], len[3], false, &out, &olen),
		EBADMSG);
	media_srtp_stats(a, &st);
	assert_int_equal(st.rekeys, 1);
	assert_int_equal(st.rx_auth_fail, 1);
	media_srtp_free(a);
	media_srtp_free(b);
}

/* A plain session turns SRTP on; bad arguments free what was given. */
static void test_rekey_plain_and_bad(void **state)
{
	struct media_srtp_cfg ka, kb;
	struct cap ca = { 0 };
	struct media_sess *a;
	struct media_srtp *n;
	struct media_stats st;
	uint8_t law[160];

	keys(&ka, &kb, MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32);
	a = mk(&ca, NULL, 0xaaaa0003);
	memset(law, 0x2a, sizeof(law));
	assert_int_equal(media_sess_tdm_in(a, law, sizeof(law)), 0);
	assert_int_equal(ca.len[0], RTP_HDR_LEN + 160);
	assert_int_equal(media_srtp_alloc(&ka, media_sess_ssrc(a), &n), 0);
	assert_int_equal(media_sess_srtp_rekey(a, n, true), 0);
	assert_int_equal(media_sess_tdm_in(a, law, sizeof(law)), 0);
	assert_int_equal(ca.len[1], RTP_HDR_LEN + 160 + 4);
	media_sess_stats(a, &st);
	assert_true(st.srtp);
	assert_int_equal(media_sess_ssrc(a), 0xaaaa0003);
	assert_int_equal(media_srtp_alloc(&ka, 1, &n), 0);
	assert_int_equal(media_sess_srtp_rekey(NULL, n, false), EINVAL);
	assert_int_equal(media_sess_srtp_rekey(a, NULL, false), EINVAL);
	media_srtp_take(NULL, NULL, false); /* no crash */
	media_sess_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suites),
		cmocka_unit_test(test_bad_alloc),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tamper_replay_dropped),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_session_rekey),
		cmocka_unit_test(test_rekey_keep_tx),
		cmocka_unit_test(test_rekey_plain_and_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
