/*
 * SRTP and SRTCP (RFC 3711) for one media session, through libsrtp2. The
 * keys come from SDES (RFC 4568): ours protects what we send, the peer's
 * what we receive. Contexts are made at session setup; protect and
 * unprotect work in caller or own storage, without allocation, except
 * that libsrtp clones its inbound stream once per new authenticated
 * remote SSRC.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <srtp2/srtp.h>

#include "media/priv.h"

_Static_assert(MEDIA_SRTP_TRAILER_MAX >= SRTP_MAX_TRAILER_LEN + 4,
	       "room libsrtp may write after a packet");

struct suite {
	const char *name; /* RFC 4568 / RFC 6188 SDES name */
	size_t key_len;	  /* master key + master salt, octets */
	void (*rtp)(srtp_crypto_policy_t *p);
	void (*rtcp)(srtp_crypto_policy_t *p);
};

static void cm128_80(srtp_crypto_policy_t *p)
{
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(p);
}

/* RFC 7714: AEAD with a 16-octet tag for SRTP and SRTCP alike; the
 * master salt is 12 octets, not the 14 of the AES-CM suites. */
static void gcm128(srtp_crypto_policy_t *p)
{
	srtp_crypto_policy_set_aes_gcm_128_16_auth(p);
}

static void gcm256(srtp_crypto_policy_t *p)
{
	srtp_crypto_policy_set_aes_gcm_256_16_auth(p);
}

/* The _32 suites shorten only the SRTP tag; SRTCP keeps 80 bits
 * (RFC 4568 6.2.2, RFC 6188 6). */
static const struct suite suites[MEDIA_SRTP__COUNT] = {
	[MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80] = { "AES_CM_128_HMAC_SHA1_80", 30,
						 cm128_80, cm128_80 },
	[MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32] = { "AES_CM_128_HMAC_SHA1_32", 30,
						 srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32,
						 cm128_80 },
	[MEDIA_SRTP_AES_256_CM_HMAC_SHA1_80] = { "AES_256_CM_HMAC_SHA1_80", 46,
						 srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80,
						 srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	[MEDIA_SRTP_AES_256_CM_HMAC_SHA1_32] = { "AES_256_CM_HMAC_SHA1_32", 46,
						 srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32,
						 srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	[MEDIA_SRTP_AEAD_AES_128_GCM] = { "AEAD_AES_128_GCM", 28, gcm128,
					  gcm128 },
	[MEDIA_SRTP_AEAD_AES_256_GCM] = { "AEAD_AES_256_GCM", 44, gcm256,
					  gcm256 },
};

const char *media_srtp_suite_name(enum media_srtp_suite s)
{
	return (unsigned)s < MEDIA_SRTP__COUNT ? suites[s].name : "?";
}

int media_srtp_suite_lookup(const char *name)
{
	for (unsigned i = 0; name && i < MEDIA_SRTP__COUNT; i++)
		if (!strcasecmp(name, suites[i].name))
			return (int)i;
	return -1;
}

size_t media_srtp_key_len(enum media_srtp_suite s)
{
	return (unsigned)s < MEDIA_SRTP__COUNT ? suites[s].key_len : 0;
}

/* Owned by its media session. */
struct media_srtp {
	srtp_t tx, rx;
	struct media_srtp_stats st;
	/* received datagrams are copied here to be unprotected in place */
	uint8_t buf[MEDIA_SRTP_RX_MAX];
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static srtp_err_status_t init_err = srtp_err_status_init_fail;

/* libsrtp's global state (crypto kernel) is made once per process. */
static void init_lib(void)
{
	init_err = srtp_init();
}

int media_srtp_lib_init(void)
{
	pthread_once(&init_once, init_lib);
	return init_err == srtp_err_status_ok ? 0 : EIO;
}

static int make(srtp_t *ctx, const struct suite *su, const uint8_t *key,
		srtp_ssrc_type_t type, uint32_t ssrc)
{
	srtp_policy_t p;
	uint8_t k[MEDIA_SRTP_KEY_MAX];

	memset(&p, 0, sizeof(p));
	su->rtp(&p.rtp);
	su->rtcp(&p.rtcp);
	p.ssrc.type = type;
	p.ssrc.value = ssrc;
	memcpy(k, key, su->key_len);
	p.key = k;
	p.window_size = 128; /* replay protection, RFC 3711 3.3.2 */
	p.allow_repeat_tx = 0;
	return srtp_create(ctx, &p) == srtp_err_status_ok ? 0 : EINVAL;
}

int media_srtp_alloc(const struct media_srtp_cfg *cfg, uint32_t tx_ssrc,
		     struct media_srtp **out)
{
	struct media_srtp *m;
	int err;

	if (!cfg || !out || (unsigned)cfg->suite >= MEDIA_SRTP__COUNT)
		return EINVAL;
	if (media_srtp_lib_init())
		return EIO;
	m = calloc(1, sizeof(*m));
	if (!m)
		return ENOMEM;
	/* our stream is known: made now, not on the first packet */
	err = make(&m->tx, &suites[cfg->suite], cfg->tx_key, ssrc_specific,
		   tx_ssrc);
	if (!err)
		err = make(&m->rx, &suites[cfg->suite], cfg->rx_key,
			   ssrc_any_inbound, 0);
	if (err) {
		media_srtp_free(m);
		return err;
	}
	*out = m;
	return 0;
}

void media_srtp_take(struct media_srtp *m, struct media_srtp *n, bool keep_tx)
{
	if (!m || !n)
		return;
	srtp_dealloc(m->rx);
	m->rx = n->rx;
	n->rx = NULL;
	if (!keep_tx) {
		srtp_dealloc(m->tx);
		m->tx = n->tx;
		n->tx = NULL;
	}
	m->st.rekeys++;
	media_srtp_free(n); /* the unused tx context, if kept ours */
}

void media_srtp_free(struct media_srtp *m)
{
	if (!m)
		return;
	if (m->tx)
		srtp_dealloc(m->tx);
	if (m->rx)
		srtp_dealloc(m->rx);
	/* keys are in libsrtp's contexts (which it wipes); the copy in
	 * buf is ciphertext, but clear it anyway */
	memset(m, 0, sizeof(*m));
	free(m);
}

int media_srtp_protect(struct media_srtp *m, uint8_t *buf, size_t *len,
		       bool rtcp)
{
	int n;
	srtp_err_status_t st;

	if (!m || !buf || !len || *len > MEDIA_SRTP_RX_MAX)
		return EINVAL;
	n = (int)*len;
	st = rtcp ? srtp_protect_rtcp(m->tx, buf, &n)
		  : srtp_protect(m->tx, buf, &n);
	if (st != srtp_err_status_ok) {
		m->st.tx_fail++;
		return EIO;
	}
	*len = (size_t)n;
	return 0;
}

int media_srtp_unprotect(struct media_srtp *m, const void *pkt, size_t len,
			 bool rtcp, const uint8_t **out, size_t *outlen)
{
	int n;
	srtp_err_status_t st;

	if (!m || !pkt || !out || !outlen)
		return EINVAL;
	if (len > sizeof(m->buf) || len < RTP_HDR_LEN) {
		m->st.rx_bad++;
		return EPROTO;
	}
	memcpy(m->buf, pkt, len);
	n = (int)len;
	st = rtcp ? srtp_unprotect_rtcp(m->rx, m->buf, &n)
		  : srtp_unprotect(m->rx, m->buf, &n);
	switch (st) {
	case srtp_err_status_ok:
		*out = m->buf;
		*outlen = (size_t)n;
		return 0;
	case srtp_err_status_auth_fail:
		m->st.rx_auth_fail++;
		return EBADMSG;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		m->st.rx_replay++;
		return EALREADY;
	default:
		m->st.rx_bad++;
		return EPROTO;
	}
}

void media_srtp_stats(const struct media_srtp *m, struct media_srtp_stats *out)
{
	if (!out)
		return;
	if (!m) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = m->st;
}
