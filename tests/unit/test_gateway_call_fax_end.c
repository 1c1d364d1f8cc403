/* gateway/call_fax_end.c: after a T.38 fax. When we re-INVITE back to
 * audio; that a return to audio re-arms the call so a second fax's tone
 * switches it to T.38 again; which cause the UDPTL watchdog releases
 * with, during a fax and after it (idle_release); which audio offer of
 * the far end may end the T.38 leg. */
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
#include "gateway/interwork.h"
#include "gateway/media_prof.h"

static struct gw_cfg cfg;

static void defaults(void)
{
	fax_test_defaults(&cfg);
}

/* The fax's DCN: back to audio (after the delay) only from a running T.38
 * leg, only when configured, and not again once refused. */
static void phase_e_decisions(void **state)
{
	struct call_fax_policy p;

	(void)state;
	defaults();
	call_fax_policy_of(&cfg, NULL, &p);
	assert_int_equal(call_fax_on_phase_e(&p, FAX_T38, false), FAXACT_WAIT);
	assert_int_equal(call_fax_on_phase_e(&p, FAX_T38, true), FAXACT_NONE);
	assert_int_equal(call_fax_on_phase_e(&p, FAX_RETURNING, false),
			 FAXACT_NONE);
	assert_int_equal(call_fax_on_phase_e(&p, FAX_G711, false), FAXACT_NONE);
	assert_int_equal(call_fax_on_phase_e(&p, FAX_IDLE, false), FAXACT_NONE);
	cfg.fax.return_to_audio = 0;
	call_fax_policy_of(&cfg, NULL, &p);
	assert_int_equal(call_fax_on_phase_e(&p, FAX_T38, false), FAXACT_NONE);
}

/* A first fax taken to T.38 and back: the call's fax state is the one a
 * fresh call has, so the second fax's tone gives the same decision as the
 * first's, and its DCN may return to audio again. */
static void second_fax_after_return(void **state)
{
	struct call_fax f;
	enum call_fax_act first;

	(void)state;
	defaults();
	memset(&f, 0, sizeof(f));
	call_fax_policy_of(&cfg, NULL, &f.pol);
	first = call_fax_on_tone(&f.pol, f.st, f.refused, MEDIA_FAXTONE_CNG);
	assert_int_equal(first, FAXACT_WAIT);
	/* the first fax: tone counted, T.38, ended, a return refused once
	 * then the far end's own audio re-INVITE */
	f.tone = MEDIA_FAXTONE_CNG;
	f.st = FAX_T38;
	f.rounds = 3;
	f.ended = true;
	f.no_return = true;
	f.vbd = true;
	/* still T.38: a tone changes nothing */
	assert_int_equal(
		call_fax_on_tone(&f.pol, f.st, f.refused, MEDIA_FAXTONE_CNG),
		FAXACT_NONE);
	call_fax_rearm(&f);
	assert_int_equal(f.st, FAX_IDLE);
	assert_int_equal(f.tone, 0);
	assert_int_equal(f.rounds, 0);
	assert_false(f.ended);
	assert_false(f.no_return);
	assert_false(f.vbd);
	/* the policy is the call's: kept */
	assert_ptr_equal(f.pol.cfg, &f.pol.own);
	assert_int_equal(f.pol.mode, CFG_FAX_T38);
	for (int t = MEDIA_FAXTONE_CNG; t < MEDIA_FAXTONE_COUNT; t++)
		assert_int_equal(call_fax_on_tone(&f.pol, f.st, f.refused,
						  (enum media_faxtone)t),
				 call_fax_on_tone(&f.pol, FAX_IDLE, false,
						  (enum media_faxtone)t));
	f.st = FAX_T38;
	assert_int_equal(call_fax_on_phase_e(&f.pol, f.st, f.no_return),
			 FAXACT_WAIT);
}

/* A far end that refused T.38 once: the second fax goes G.711 at once,
 * the refusal is about the peer, not the first fax. */
static void rearm_keeps_refusal(void **state)
{
	struct call_fax f;

	(void)state;
	defaults();
	memset(&f, 0, sizeof(f));
	call_fax_policy_of(&cfg, NULL, &f.pol);
	f.refused = true;
	f.st = FAX_G711;
	call_fax_rearm(&f);
	assert_true(f.refused);
	assert_int_equal(
		call_fax_on_tone(&f.pol, f.st, f.refused, MEDIA_FAXTONE_CED),
		FAXACT_G711);
}

static void silent_causes(void **state)
{
	struct call_fax_policy p;

	(void)state;
	defaults();
	call_fax_policy_of(&cfg, NULL, &p);
	/* during the fax: a failure, whatever idle_release says */
	assert_int_equal(call_fax_silent_cause(&p, false),
			 GW_CAUSE_TEMPORARY_FAILURE);
	/* after its DCN: kept up by default */
	assert_int_equal(call_fax_silent_cause(&p, true), 0);
	cfg.fax.idle_release = 1;
	call_fax_policy_of(&cfg, NULL, &p);
	assert_int_equal(call_fax_silent_cause(&p, true), GW_CAUSE_NORMAL);
	assert_int_equal(call_fax_silent_cause(&p, false),
			 GW_CAUSE_TEMPORARY_FAILURE);
	/* no policy (never set up): not a crash, the safe release */
	memset(&p, 0, sizeof(p));
	assert_int_equal(call_fax_silent_cause(&p, true), 0);
	assert_int_equal(call_fax_silent_cause(&p, false),
			 GW_CAUSE_TEMPORARY_FAILURE);
}

/* The far end's audio offer after T.38, as SDP text: profile, payload
 * types, and a crypto line or none. */
static int audio_offer(struct sdp_session *o, const char *proto,
		       const char *pts, const char *crypto)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf),
			 "v=0\r\no=fax 1 2 IN IP4 127.0.0.1\r\ns=-\r\n"
			 "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			 "m=audio 42000 %s %s\r\n"
			 "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
			 "%s",
			 proto, pts, crypto);

	return n < 0 ? EINVAL : sdp_parse(o, buf, (size_t)n);
}

/* Only an offer call_reoffer takes may end the T.38 leg: an SRTP call
 * offered plain RTP back (required, or optional: SRTP never goes off
 * mid-call), a crypto line of no suite of ours, another codec: 488 and
 * T.38 stays. */
static void audio_offer_after_t38(void **state)
{
	static const char key[] =
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
		"inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n";
	static const char f8[] =
		"a=crypto:1 F8_128_HMAC_SHA1_80 "
		"inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n";
	static const struct sdp_codec codecs[] = {
		{ .pt = 0, .name = "PCMU", .rate = 8000 },
		{ .pt = 8, .name = "PCMA", .rate = 8000 },
	};
	struct sdp_local loc = {
		.ip = "127.0.0.1",
		.port = 30000,
		.codecs = codecs,
		.ncodecs = 2,
		.te_pt = -1,
		.dir = SDP_DIR_SENDRECV,
		.srtp = SDP_SRTP_REQUIRED,
		.ncrypto = 1,
	};
	struct sdp_result cur = { .pt = 0, .srtp = true };
	struct sdp_session o;

	(void)state;
	assert_int_equal(gw_srtp_key_new(&loc.crypto[0],
					 MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80, 1),
			 0);
	/* the same codec under SRTP, a key of our suite: back to audio */
	assert_int_equal(audio_offer(&o, "RTP/SAVP", "0 8", key), 0);
	assert_int_equal(call_fax_audio_offer_check(&loc, &cur, &o), 0);
	/* plain RTP on an srtp = required trunk */
	assert_int_equal(audio_offer(&o, "RTP/AVP", "0 8", ""), 0);
	assert_int_equal(call_fax_audio_offer_check(&loc, &cur, &o), ENOTSUP);
	/* a suite we do not have */
	assert_int_equal(audio_offer(&o, "RTP/SAVP", "0 8", f8), 0);
	assert_int_equal(call_fax_audio_offer_check(&loc, &cur, &o), ENOTSUP);
	/* another codec than the one the call runs */
	assert_int_equal(audio_offer(&o, "RTP/SAVP", "8", key), 0);
	assert_int_equal(call_fax_audio_offer_check(&loc, &cur, &o), ENOTSUP);
	/* optional: plain RTP answers, but not for a call that had SRTP */
	loc.srtp = SDP_SRTP_OPTIONAL;
	assert_int_equal(audio_offer(&o, "RTP/AVP", "0 8", ""), 0);
	assert_int_equal(call_fax_audio_offer_check(&loc, &cur, &o), ENOTSUP);
	cur.srtp = false;
	assert_int_equal(call_fax_audio_offer_check(&loc, &cur, &o), 0);
	/* a plain call may turn SRTP on (srtp_renew takes it) */
	assert_int_equal(audio_offer(&o, "RTP/AVP", "0 8", key), 0);
	assert_int_equal(call_fax_audio_offer_check(&loc, &cur, &o), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phase_e_decisions),
		cmocka_unit_test(second_fax_after_return),
		cmocka_unit_test(rearm_keeps_refusal),
		cmocka_unit_test(silent_causes),
		cmocka_unit_test(audio_offer_after_t38),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
