/* gateway/call_fax.c: the fax decisions (which tone counts, when to
 * re-INVITE, what a refusal does), the T.38 SDP we offer and answer
 * (no V.34, transferredTCF only), the leg made from a negotiation and
 * the V.152 re-offer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gateway/call_fax.h"
#include "tests/unit/fax_test_cfg.h"

static struct gw_cfg cfg;

static void defaults(void)
{
	fax_test_defaults(&cfg);
}

static void policy_trunk_overrides(void **state)
{
	struct cfg_trunk tr = { .fax_mode = -1, .fax_initiate = -1 };
	struct call_fax_policy p;

	defaults();
	call_fax_policy_of(&cfg, NULL, &p);
	assert_int_equal(p.mode, CFG_FAX_T38);
	assert_int_equal(p.initiate, CFG_FAX_INIT_PSTN_DETECT);
	/* a copy: a reload changes the next calls only */
	assert_ptr_equal(p.cfg, &p.own);
	assert_int_equal(p.cfg->watchdog_ms, cfg.fax.watchdog_ms);
	cfg.fax.watchdog_ms++;
	assert_int_not_equal(p.cfg->watchdog_ms, cfg.fax.watchdog_ms);
	/* "default" in the trunk keeps [fax]'s */
	call_fax_policy_of(&cfg, &tr, &p);
	assert_int_equal(p.mode, CFG_FAX_T38);
	tr.fax_mode = CFG_FAX_G711;
	tr.fax_initiate = CFG_FAX_INIT_SIP_ONLY;
	call_fax_policy_of(&cfg, &tr, &p);
	assert_int_equal(p.mode, CFG_FAX_G711);
	assert_int_equal(p.initiate, CFG_FAX_INIT_SIP_ONLY);
}

static void tones_that_count(void **state)
{
	assert_true(call_fax_tone_counts(CFG_FAX_DET_ANY, MEDIA_FAXTONE_CNG));
	assert_false(call_fax_tone_counts(CFG_FAX_DET_CED, MEDIA_FAXTONE_CNG));
	assert_true(call_fax_tone_counts(CFG_FAX_DET_CED, MEDIA_FAXTONE_CED));
	assert_true(
		call_fax_tone_counts(CFG_FAX_DET_CED, MEDIA_FAXTONE_ANS_PR));
	assert_false(call_fax_tone_counts(CFG_FAX_DET_V21, MEDIA_FAXTONE_CED));
	assert_true(call_fax_tone_counts(CFG_FAX_DET_V21, MEDIA_FAXTONE_V21));
	/* nothing, or a value out of the enum, never counts */
	assert_false(call_fax_tone_counts(CFG_FAX_DET_ANY, MEDIA_FAXTONE_NONE));
	assert_false(
		call_fax_tone_counts(CFG_FAX_DET_ANY, (enum media_faxtone)99));
}

static void tone_decisions(void **state)
{
	struct call_fax_policy p;

	defaults();
	call_fax_policy_of(&cfg, NULL, &p);
	/* pstn-detect with a wait: give the far end its chance */
	assert_int_equal(
		call_fax_on_tone(&p, FAX_IDLE, false, MEDIA_FAXTONE_CNG),
		FAXACT_WAIT);
	p.own.wait_ms = 0;
	assert_int_equal(
		call_fax_on_tone(&p, FAX_IDLE, false, MEDIA_FAXTONE_V21),
		FAXACT_OFFER);
	/* once a fax state is entered, later tones change nothing */
	for (int st = FAX_WAIT; st < FAX_STATE__COUNT; st++)
		assert_int_equal(call_fax_on_tone(&p, (enum call_fax_state)st,
						  false, MEDIA_FAXTONE_V21),
				 FAXACT_NONE);
	/* the far end refused T.38 before: straight to G.711 */
	assert_int_equal(
		call_fax_on_tone(&p, FAX_IDLE, true, MEDIA_FAXTONE_CED),
		FAXACT_G711);
	/* sip-only: we never offer, the media is tuned */
	p.initiate = CFG_FAX_INIT_SIP_ONLY;
	assert_int_equal(
		call_fax_on_tone(&p, FAX_IDLE, false, MEDIA_FAXTONE_CED),
		FAXACT_G711);
	p.initiate = CFG_FAX_INIT_PSTN_DETECT;
	p.mode = CFG_FAX_G711;
	assert_int_equal(
		call_fax_on_tone(&p, FAX_IDLE, false, MEDIA_FAXTONE_CED),
		FAXACT_G711);
	p.mode = CFG_FAX_OFF;
	assert_int_equal(
		call_fax_on_tone(&p, FAX_IDLE, false, MEDIA_FAXTONE_V21),
		FAXACT_NONE);
	/* detect v21: a CNG is a caller who may still talk */
	p.mode = CFG_FAX_T38;
	p.own.detect = CFG_FAX_DET_V21;
	assert_int_equal(
		call_fax_on_tone(&p, FAX_IDLE, false, MEDIA_FAXTONE_CNG),
		FAXACT_NONE);
}

static void answer_decisions(void **state)
{
	assert_int_equal(call_fax_on_answer(200), FAXACT_T38);
	/* refusals: G.711 pass-through */
	assert_int_equal(call_fax_on_answer(488), FAXACT_G711);
	assert_int_equal(call_fax_on_answer(415), FAXACT_G711);
	assert_int_equal(call_fax_on_answer(606), FAXACT_G711);
	assert_int_equal(call_fax_on_answer(500), FAXACT_G711);
	/* the dialog is gone: the stack ends the call, nothing here */
	assert_int_equal(call_fax_on_answer(481), FAXACT_NONE);
	assert_int_equal(call_fax_on_answer(408), FAXACT_NONE);
}

/* Our caps in an offer, parsed back: what the far end sees. */
static void offer_has_no_v34(void **state)
{
	struct sdp_t38_local l = { .ip = "127.0.0.1",
				   .port = 40000,
				   .sess_id = 7,
				   .sess_version = 2 };
	struct sdp_session s;
	const struct sdp_media *m;
	char buf[1024];
	size_t len;

	defaults();
	cfg.fax.max_bitrate = 33600; /* cannot come from the table; clamped */
	call_fax_caps(&cfg.fax, &l.caps);
	assert_int_equal(l.caps.max_bitrate, 14400);
	assert_int_equal(sdp_t38_build_offer(&l, buf, sizeof(buf), &len), 0);
	assert_non_null(strstr(buf, "m=image 40000 udptl t38\r\n"));
	assert_non_null(strstr(buf, "a=T38FaxVersion:3\r\n"));
	assert_non_null(strstr(buf, "a=T38MaxBitRate:14400\r\n"));
	assert_non_null(
		strstr(buf, "a=T38FaxRateManagement:transferredTCF\r\n"));
	assert_non_null(strstr(buf, "a=T38FaxUdpEC:t38UDPRedundancy\r\n"));
	assert_non_null(strstr(buf, "a=T38FaxMaxDatagram:400\r\n"));
	assert_null(strstr(buf, "FillBitRemoval"));
	assert_int_equal(sdp_parse(&s, buf, len), 0);
	m = sdp_t38_stream(&s);
	assert_non_null(m);
	assert_int_equal(m->t38.version, 3);
	cfg.fax.ec = CFG_FAX_EC_FEC;
	cfg.fax.fill_bit_removal = 1;
	call_fax_caps(&cfg.fax, &l.caps);
	assert_int_equal(l.caps.udp_ec, SDP_T38_EC_FEC);
	assert_true(l.caps.fill_bit_removal);
	cfg.fax.ec = CFG_FAX_EC_NONE;
	call_fax_caps(&cfg.fax, &l.caps);
	assert_int_equal(l.caps.udp_ec, SDP_T38_EC_NONE);
}

/* A far end offering V.34 rates and version 3 gets our limits back. */
static void answer_to_v34_offer(void **state)
{
	static const char offer[] =
		"v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\n"
		"c=IN IP4 127.0.0.2\r\nt=0 0\r\n"
		"m=image 5000 udptl t38\r\n"
		"a=T38FaxVersion:3\r\na=T38MaxBitRate:33600\r\n"
		"a=T38FaxRateManagement:transferredTCF\r\n"
		"a=T38FaxMaxDatagram:72\r\n"
		"a=T38FaxUdpEC:t38UDPFEC\r\n";
	struct sdp_t38_local l = { .ip = "127.0.0.1", .port = 40000 };
	struct sdp_t38_result res;
	struct media_t38leg_cfg lc;
	struct sdp_session s;
	char buf[1024];
	size_t len;

	defaults();
	cfg.fax.version = 2;
	call_fax_caps(&cfg.fax, &l.caps);
	assert_int_equal(sdp_parse(&s, offer, strlen(offer)), 0);
	assert_int_equal(sdp_t38_answer(&s, &l, &res, buf, sizeof(buf), &len),
			 0);
	assert_non_null(strstr(buf, "a=T38FaxVersion:2\r\n"));
	assert_non_null(strstr(buf, "a=T38MaxBitRate:14400\r\n"));
	/* we offer redundancy: FEC offered gets redundancy back */
	assert_int_equal(res.t38.udp_ec, SDP_T38_EC_REDUNDANCY);
	assert_int_equal(call_fax_leg_cfg(&cfg.fax, MEDIA_LAW_ALAW, &res, &lc),
			 0);
	assert_int_equal(lc.law, MEDIA_LAW_ALAW);
	assert_int_equal(lc.t38.version, 2);
	assert_int_equal(lc.t38.modems, MEDIA_T38_MODEMS_ALL);
	assert_int_equal(lc.t38.rate, MEDIA_T38_TCF_TRANSFERRED);
	assert_true(lc.t38.ecm);
	/* a silly small T38FaxMaxDatagram is raised to the engine's floor */
	assert_int_equal(lc.t38.max_datagram, MEDIA_T38_MIN_DGRAM);
	assert_int_equal(lc.ec, MEDIA_UDPTL_EC_REDUNDANCY);
	assert_int_equal(lc.depth_control, 4);
	assert_int_equal(lc.depth_image, 2);
	assert_int_equal(lc.rx_max_datagram, 400);
	assert_int_equal(lc.watchdog_ms, 30000);
}

static void leg_cfg_limits(void **state)
{
	struct sdp_t38_result res;
	struct media_t38leg_cfg lc;

	defaults();
	memset(&res, 0, sizeof(res));
	res.t38.version = 0;
	res.t38.max_bitrate = 9600;
	res.t38.udp_ec = SDP_T38_EC_FEC;
	res.remote_max_datagram = 0;
	assert_int_equal(call_fax_leg_cfg(&cfg.fax, MEDIA_LAW_ULAW, &res, &lc),
			 0);
	assert_int_equal(lc.t38.modems, MEDIA_T38_V29 | MEDIA_T38_V27TER);
	assert_int_equal(lc.ec, MEDIA_UDPTL_EC_FEC);
	assert_int_equal(lc.t38.max_datagram, 0); /* unknown: the default */
	res.t38.max_bitrate = 4800;
	assert_int_equal(call_fax_leg_cfg(&cfg.fax, MEDIA_LAW_ULAW, &res, &lc),
			 0);
	assert_int_equal(lc.t38.modems, MEDIA_T38_V27TER);
	res.t38.max_bitrate = 0; /* absent: no limit but ours */
	res.t38.udp_ec = SDP_T38_EC_NONE;
	cfg.fax.nsx_suppress = 1;
	cfg.fax.ecm = 0;
	assert_int_equal(call_fax_leg_cfg(&cfg.fax, MEDIA_LAW_ULAW, &res, &lc),
			 0);
	assert_int_equal(lc.t38.modems, MEDIA_T38_MODEMS_ALL);
	assert_int_equal(lc.ec, MEDIA_UDPTL_EC_NONE);
	assert_true(lc.t38.nsx_suppress);
	assert_false(lc.t38.ecm);
	/* localTCF: the leg runs the t38tcf shim */
	res.t38.rate_mgmt = SDP_T38_LOCAL_TCF;
	memset(&lc, 0x5a, sizeof(lc));
	assert_int_equal(call_fax_leg_cfg(&cfg.fax, MEDIA_LAW_ULAW, &res, &lc),
			 0);
	assert_int_equal(lc.t38.rate, MEDIA_T38_TCF_LOCAL);
	res.t38.rate_mgmt = SDP_T38_TRANSFERRED_TCF;
	res.t38.version = 4;
	assert_int_equal(call_fax_leg_cfg(&cfg.fax, MEDIA_LAW_ULAW, &res, &lc),
			 EINVAL);
}

static int no_send(void *arg, const uint8_t *pkt, size_t len)
{
	(void)arg;
	(void)pkt;
	(void)len;
	return 0;
}

/* The legs the decisions make are ones media_t38leg takes. */
static void leg_cfg_is_accepted(void **state)
{
	struct sdp_t38_result res;
	struct media_t38leg_cfg lc;
	struct media_t38leg *leg = NULL;

	defaults();
	memset(&res, 0, sizeof(res));
	res.t38.version = 3;
	res.t38.max_bitrate = 14400;
	res.t38.udp_ec = SDP_T38_EC_REDUNDANCY;
	res.remote_max_datagram = 300;
	assert_int_equal(call_fax_leg_cfg(&cfg.fax, MEDIA_LAW_ULAW, &res, &lc),
			 0);
	assert_int_equal(media_t38leg_alloc(&lc, no_send, NULL, &leg), 0);
	assert_non_null(leg);
	media_t38leg_free(leg);
	/* FEC and no EC, with every depth the table allows */
	lc.ec = MEDIA_UDPTL_EC_FEC;
	lc.fec_span = 16;
	lc.fec_entries = 8;
	assert_int_equal(media_t38leg_alloc(&lc, no_send, NULL, &leg), 0);
	media_t38leg_free(leg);
	lc.ec = MEDIA_UDPTL_EC_NONE;
	lc.depth_control = lc.depth_image = 8;
	assert_int_equal(media_t38leg_alloc(&lc, no_send, NULL, &leg), 0);
	media_t38leg_free(leg);
}

static void vbd_reoffer(void **state)
{
	static const struct sdp_codec codecs[] = {
		{ .pt = 0, .name = "PCMU", .rate = 8000 },
		{ .pt = 8, .name = "PCMA", .rate = 8000 },
	};
	struct sdp_local loc = { .ip = "127.0.0.1",
				 .port = 40000,
				 .codecs = codecs,
				 .ncodecs = 2,
				 .te_pt = 101,
				 .sess_version = 3,
				 .cn = true };
	struct sdp_result cur = { .pt = 8 };
	struct sdp_session s;
	char buf[1024], small[64];
	size_t len = 0;

	strcpy(cur.name, "PCMA");
	assert_int_equal(call_fax_vbd_offer(&loc, &cur, buf, sizeof(buf), &len),
			 0);
	assert_int_equal(strlen(buf), len);
	assert_non_null(strstr(buf, "a=gpmd:8 vbd=yes\r\n"));
	assert_non_null(strstr(buf, "PCMA/8000"));
	assert_null(strstr(buf, "PCMU"));    /* the codec in use only */
	assert_null(strstr(buf, "CN/8000")); /* no comfort noise */
	assert_int_equal(sdp_parse(&s, buf, len), 0);
	assert_int_equal(s.nmedia, 1);
	/* a codec that is not ours, and a buffer too small */
	cur.pt = 18;
	assert_int_equal(call_fax_vbd_offer(&loc, &cur, buf, sizeof(buf), &len),
			 ENOENT);
	cur.pt = 0;
	assert_int_not_equal(
		call_fax_vbd_offer(&loc, &cur, small, sizeof(small), &len), 0);
}

/* t38_initial: the INVITE carries audio and T.38; an answer taking the
 * audio (alone or beside T.38) leaves the call to audio. */
static void initial_offer_and_audio_answer(void **state)
{
	static const struct sdp_codec codecs[] = {
		{ .pt = 0, .name = "PCMU", .rate = 8000 },
	};
	static const char both[] =
		"v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\n"
		"c=IN IP4 127.0.0.2\r\nt=0 0\r\n"
		"m=audio 5000 RTP/AVP 0\r\n"
		"m=image 5002 udptl t38\r\na=T38FaxVersion:0\r\n";
	static const char none[] =
		"v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\n"
		"c=IN IP4 127.0.0.2\r\nt=0 0\r\n"
		"m=audio 0 RTP/AVP 0\r\nm=image 0 udptl t38\r\n";
	struct gw_call c;
	struct sdp_session s;
	char sdp[1024], small[200];
	size_t len, slen;
	const struct sdp_media *m;

	defaults();
	memset(&c, 0, sizeof(c));
	c.id = 5;
	c.local = (struct sdp_local){ .ip = "127.0.0.1",
				      .port = 30000,
				      .codecs = codecs,
				      .ncodecs = 1,
				      .te_pt = -1,
				      .sess_id = 1005,
				      .sess_version = 1 };
	call_fax_policy_of(&cfg, NULL, &c.fax.pol);
	assert_int_equal(sdp_build_offer(&c.local, sdp, sizeof(sdp), &len), 0);
	memcpy(small, sdp, len + 1);
	slen = len;
	assert_int_equal(call_fax_initial_offer(&c, sdp, sizeof(sdp), &len), 0);
	assert_int_equal(strlen(sdp), len);
	assert_int_equal(sdp_parse(&s, sdp, len), 0);
	assert_int_equal(s.nmedia, 2);
	assert_string_equal(s.media[0].type, "audio");
	m = sdp_t38_stream(&s);
	assert_non_null(m);
	assert_int_equal(m->port, 30000);
	assert_int_equal(m->t38.max_bitrate, 14400);
	/* no room: the offer is left as it was */
	assert_int_equal(call_fax_initial_offer(&c, small, slen + 10, &slen),
			 ENOSPC);
	assert_int_equal(strlen(small), slen);
	/* audio taken beside T.38, or nothing taken: not a T.38 start */
	assert_int_equal(sdp_parse(&s, both, strlen(both)), 0);
	assert_int_equal(call_fax_initial_answer(&c, &s), ENOENT);
	assert_int_equal(sdp_parse(&s, none, strlen(none)), 0);
	assert_int_equal(call_fax_initial_answer(&c, &s), ENOENT);
}

static void state_names(void **state)
{
	assert_string_equal(call_fax_state_name(FAX_IDLE), "idle");
	assert_string_equal(call_fax_state_name(FAX_T38), "t38");
	assert_string_equal(call_fax_state_name(FAX_G711), "g711");
	assert_string_equal(call_fax_state_name(FAX_RETURNING), "returning");
	assert_string_equal(call_fax_state_name(-1), "?");
	assert_string_equal(call_fax_state_name(FAX_STATE__COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_trunk_overrides),
		cmocka_unit_test(tones_that_count),
		cmocka_unit_test(tone_decisions),
		cmocka_unit_test(answer_decisions),
		cmocka_unit_test(offer_has_no_v34),
		cmocka_unit_test(answer_to_v34_offer),
		cmocka_unit_test(leg_cfg_limits),
		cmocka_unit_test(leg_cfg_is_accepted),
		cmocka_unit_test(vbd_reoffer),
		cmocka_unit_test(initial_offer_and_audio_answer),
		cmocka_unit_test(state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
