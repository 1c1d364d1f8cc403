/*
 * test_sip_torture.c: every message of RFC 4475 (49) and RFC 5118 (12),
 * read in place from ../shared/corpus, fed to sip_stack_recv with a fake
 * send hook. The table states the outcome the RFC section asks of a UA:
 * a call offered to the application, a response code actually sent, or
 * nothing sent (responses without a transaction, unparseable responses).
 */
#include "tests/unit/test_sip_fake.h"
#include "sip/sip_int.h"
#include <errno.h>

#define CORPUS "../shared/corpus/"

enum outcome {
	CALL, /* INVITE handed up: 100 sent, call_incoming called */
	CODE, /* this response code sent, and nothing else */
	DROP, /* nothing sent */
};

struct tcase {
	const char *file;
	const char *section;
	enum outcome out;
	unsigned code;
	bool rejected; /* counted as malformed: sip_stack_recv fails */
};

static const struct tcase cases[] = {
	/* RFC 4475 3.1.1: valid, must be parsed and processed */
	/* its To has a tag: a re-INVITE for a dialog we do not have */
	{ "rfc4475/wsinv", "3.1.1.1", CODE, 481, false },
	/* an unknown method: 501 (RFC 3261 21.5.2) */
	{ "rfc4475/intmeth", "3.1.1.2", CODE, 501, false },
	{ "rfc4475/esc01", "3.1.1.3", CALL, 100, false },
	/* REGISTER: we are no registrar, 405 with Allow (8.2.1) */
	{ "rfc4475/escnull", "3.1.1.4", CODE, 405, false },
	/* the method is RE%47IST%45R, not REGISTER: unknown */
	{ "rfc4475/esc02", "3.1.1.5", CODE, 501, false },
	{ "rfc4475/lwsdisp", "3.1.1.6", CODE, 200, false },
	{ "rfc4475/longreq", "3.1.1.7", CALL, 100, false },
	/* the REGISTER is processed, the INVITE after it discarded */
	{ "rfc4475/dblreq", "3.1.1.8", CODE, 405, false },
	{ "rfc4475/semiuri", "3.1.1.9", CODE, 200, false },
	{ "rfc4475/transports", "3.1.1.10", CODE, 200, false },
	{ "rfc4475/mpart01", "3.1.1.11", CODE, 405, false },
	/* responses matching no transaction: dropped (RFC 3261 18.1.2) */
	{ "rfc4475/unreason", "3.1.1.12", DROP, 0, false },
	{ "rfc4475/noreason", "3.1.1.13", DROP, 0, false },
	/* RFC 4475 3.1.2: malformed, 400 where a response can be sent */
	{ "rfc4475/badinv01", "3.1.2.1", CODE, 400, true },
	{ "rfc4475/clerr", "3.1.2.2", CODE, 400, true },
	{ "rfc4475/ncl", "3.1.2.3", CODE, 400, true },
	{ "rfc4475/scalar02", "3.1.2.4", CODE, 400, true },
	{ "rfc4475/scalarlg", "3.1.2.5", DROP, 0, true },
	{ "rfc4475/quotbal", "3.1.2.6", CODE, 400, true },
	{ "rfc4475/ltgtruri", "3.1.2.7", CODE, 400, true },
	{ "rfc4475/lwsruri", "3.1.2.8", CODE, 400, true },
	{ "rfc4475/lwsstart", "3.1.2.9", CODE, 400, true },
	{ "rfc4475/trws", "3.1.2.10", CODE, 400, true },
	{ "rfc4475/escruri", "3.1.2.11", CODE, 400, true },
	{ "rfc4475/baddate", "3.1.2.12", CODE, 400, true },
	{ "rfc4475/regbadct", "3.1.2.13", CODE, 400, true },
	{ "rfc4475/badaspec", "3.1.2.14", CODE, 400, true },
	{ "rfc4475/baddn", "3.1.2.15", CODE, 400, true },
	{ "rfc4475/badvers", "3.1.2.16", CODE, 505, true },
	{ "rfc4475/mismatch01", "3.1.2.17", CODE, 400, true },
	{ "rfc4475/mismatch02", "3.1.2.18", CODE, 400, true },
	{ "rfc4475/bigcode", "3.1.2.19", DROP, 0, true },
	/* 3.2.1: a bare magic cookie is a legal branch */
	{ "rfc4475/badbranch", "3.2.1", CODE, 200, false },
	/* RFC 4475 3.3: application-layer cases */
	{ "rfc4475/insuf", "3.3.1", CODE, 400, true },
	{ "rfc4475/unkscm", "3.3.2", CODE, 416, false },
	{ "rfc4475/novelsc", "3.3.3", CODE, 416, false },
	/* odd schemes in To/From/Contact parse; REGISTER itself is 405 */
	{ "rfc4475/unksm2", "3.3.4", CODE, 405, false },
	/* a UA checks Require only, never Proxy-Require */
	{ "rfc4475/bext01", "3.3.5", CODE, 420, false },
	{ "rfc4475/invut", "3.3.6", CODE, 415, false },
	{ "rfc4475/regaut01", "3.3.7", CODE, 405, false },
	{ "rfc4475/multi01", "3.3.8", CODE, 400, true },
	{ "rfc4475/mcl01", "3.3.9", CODE, 400, true },
	{ "rfc4475/bcast", "3.3.10", DROP, 0, false },
	/* Max-Forwards 0 on an OPTIONS to a UA: answered, not 483 */
	{ "rfc4475/zeromf", "3.3.11", CODE, 200, false },
	{ "rfc4475/cparam01", "3.3.12", CODE, 405, false },
	{ "rfc4475/cparam02", "3.3.13", CODE, 405, false },
	{ "rfc4475/regescrt", "3.3.14", CODE, 405, false },
	/* Accept without application/sdp: no answer can be sent */
	{ "rfc4475/sdp01", "3.3.15", CODE, 406, false },
	/* 3.4.1: RFC 2543 syntax still accepted */
	{ "rfc4475/inv2543", "3.4.1", CALL, 100, false },

	/* RFC 5118 (IPv6) */
	{ "rfc5118/ipv6-good", "4.1", CODE, 405, false },
	{ "rfc5118/ipv6-bad", "4.2", CODE, 400, true },
	{ "rfc5118/port-ambiguous", "4.3", CODE, 405, false },
	{ "rfc5118/port-unambiguous", "4.4", CODE, 405, false },
	{ "rfc5118/via-received-param-with-delim", "4.5", CODE, 481, false },
	{ "rfc5118/via-received-param-no-delim", "4.5", CODE, 200, false },
	{ "rfc5118/ipv6-in-sdp", "4.6", CALL, 100, false },
	{ "rfc5118/mult-ip-in-header", "4.7", CODE, 481, false },
	{ "rfc5118/mult-ip-in-sdp", "4.8", CALL, 100, false },
	{ "rfc5118/ipv4-mapped-ipv6", "4.9", CALL, 100, false },
	/* RFC 5954 corrected the ABNF: three colons are malformed */
	{ "rfc5118/ipv6-bug-abnf-3-colons", "4.10", CODE, 400, true },
	{ "rfc5118/ipv6-correct-abnf-2-colons", "4.10", CODE, 200, false },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static unsigned nbad;

/* Reports every failing case before the test fails. */
#define bad(...)                            \
	do {                                \
		print_message(__VA_ARGS__); \
		print_message("\n");        \
		nbad++;                     \
	} while (0)

static size_t load(const char *name, char *buf, size_t size)
{
	char path[256];
	snprintf(path, sizeof(path), CORPUS "%s.dat", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	size_t n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

/* The table must name every file of both corpora exactly once. */
static void torture_table_complete(void **state)
{
	unsigned n4475 = 0, n5118 = 0;
	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(cases[i].file, cases[j].file) == 0)
				fail_msg("%s twice", cases[i].file);
		if (strncmp(cases[i].file, "rfc4475/", 8) == 0)
			n4475++;
		else
			n5118++;
	}
	assert_int_equal(n4475, 49);
	assert_int_equal(n5118, 12);
}

static void run_case(const struct tcase *tc)
{
	static char buf[70000];
	size_t n = load(tc->file, buf, sizeof(buf));
	struct sip_addr a = fk_peer();
	struct sip_stats st0, st1;

	fk_stack();
	sip_stack_stats(fk.st, &st0);
	int err = sip_stack_recv(fk.st, &a, buf, n);
	sip_stack_stats(fk.st, &st1);
	if (tc->rejected != (err != 0))
		bad("%s (%s): recv returned %d", tc->file, tc->section, err);
	if (tc->rejected && st1.rx_rejected != st0.rx_rejected + 1)
		bad("%s: rejection not counted", tc->file);
	/* and counted under its reason */
	uint64_t by_reason = 0;
	for (int r = SIP_REJ_NONE + 1; r < SIP_REJ_APP; r++)
		by_reason += st1.rx_rej[r] - st0.rx_rej[r];
	if (by_reason != (tc->rejected ? 1u : 0u))
		bad("%s: %llu reasons counted", tc->file,
		    (unsigned long long)by_reason);
	switch (tc->out) {
	case CALL:
		if (!fk.incoming || fk.nsent != 1 || fk_code(0) != 100)
			bad("%s (%s): not offered as a call (sent %u, "
			    "code %u)",
			    tc->file, tc->section, fk.nsent, fk_code(0));
		sip_call_hangup(fk.incoming, 480, 0);
		break;
	case CODE:
		if (fk.nsent != 1 || fk_code(0) != tc->code)
			bad("%s (%s): expected %u, sent %u message(s), "
			    "first %u",
			    tc->file, tc->section, tc->code, fk.nsent,
			    fk_code(0));
		if (fk.incoming) {
			bad("%s: offered as a call", tc->file);
			sip_call_hangup(fk.incoming, 480, 0);
		}
		break;
	case DROP:
		if (fk.nsent)
			bad("%s (%s): sent %.40s", tc->file, tc->section,
			    fk.sent[0].buf);
		break;
	}
	struct sip_msg req;
	if (tc->out == CODE && tc->code >= 400 && fk.nsent == 1 &&
	    (sip_msg_parse(&req, buf, n, 65535), req.via.branch.l)) {
		/* an error answer to a request whose Via parsed echoes the
		 * sender's branch; a malformed From, To or CSeq is echoed
		 * as received, so the response may itself be malformed */
		struct sip_msg m;
		int perr = sip_msg_parse(&m, fk.sent[0].buf, fk.sent[0].len,
					 65535);
		if (m.req || m.code != tc->code ||
		    m.via.branch.l != req.via.branch.l ||
		    memcmp(m.via.branch.p, req.via.branch.p, req.via.branch.l))
			bad("%s: bad response (%d, %s):\n%s", tc->file, perr,
			    m.err ? m.err : "", fk.sent[0].buf);
	}
	fk_advance(100000);
	fk_done();
}

static void torture_all(void **state)
{
	(void)state;
	nbad = 0;
	for (size_t i = 0; i < NCASES; i++)
		run_case(&cases[i]);
	assert_int_equal(nbad, 0);
}

/* Every message through the bare parser as well: never a crash, and the
 * parser's own verdict agrees with the table for the malformed ones. */
static void torture_parser(void **state)
{
	static char buf[70000];
	(void)state;
	nbad = 0;
	for (size_t i = 0; i < NCASES; i++) {
		struct sip_msg m;
		size_t n = load(cases[i].file, buf, sizeof(buf));
		int err = sip_msg_parse(&m, buf, n, 65535);
		if (cases[i].rejected && !err)
			bad("%s: parser accepted it", cases[i].file);
		if (!cases[i].rejected && err)
			bad("%s: parser said %d (%s)", cases[i].file, err,
			    m.err ? m.err : "?");
	}
	assert_int_equal(nbad, 0);
}

/* xorshift64: a fixed seed makes every run the same */
static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Every view of a (possibly broken) message: none may crash or hang. */
static void read_everything(const struct sip_msg *m)
{
	struct sdp_session sdp;
	for (unsigned i = 0; i < m->nhdr; i++) {
		struct sip_naddr na;
		struct sip_contact c;
		struct sip_auth au;
		struct sip_pl v;
		(void)sip_hdr_check(&m->hdr[i]);
		(void)sip_naddr_parse_pl(&na, &m->hdr[i].val);
		(void)sip_contact_parse(&c, &m->hdr[i].val);
		if (!sip_auth_parse(&au, &m->hdr[i].val))
			(void)sip_auth_param(&au, "realm", &v);
	}
	for (int id = 1; id < SIP_HDR__COUNT; id++) {
		struct sip_hiter it;
		struct sip_pl v;
		unsigned n = 0;
		sip_hiter_init(&it, m, (enum sip_hdr_id)id);
		while (sip_hiter_next(&it, &v))
			assert_true(++n <= 65536); /* bounded */
	}
	(void)sip_msg_q850_cause(m);
	(void)sip_msg_has_token(m, SIP_HDR_SUPPORTED, "timer");
	(void)sip_msg_privacy(m, "id");
	(void)sdp_parse(&sdp, m->body.p, m->body.l);
}

/*
 * Each message mutated many times (bytes replaced by separators, CR, LF,
 * NUL, or anything; cut short; lines doubled) through the parser, every
 * typed view and the stack. Only robustness is checked: no crash (run
 * under ASan in make check), no leak, no timer left behind.
 */
static void torture_mutations(void **state)
{
	static char buf[70000], mut[70000];
	static const char seps[] = ",;:<>\"\\ \t\r\n\0=@[]%";
	(void)state;
	rnd_state = 0x5eed5eed12345678ULL;
	for (size_t i = 0; i < NCASES; i++) {
		size_t n = load(cases[i].file, buf, sizeof(buf));
		fk_stack();
		for (int k = 0; k < 300; k++) {
			size_t len = n;
			memcpy(mut, buf, n);
			for (int j = 0, edits = 1 + (int)(rnd() % 4); j < edits;
			     j++) {
				size_t at = (size_t)(rnd() % len);
				switch (rnd() % 4) {
				case 0:
					mut[at] = seps[rnd() % (sizeof(seps))];
					break;
				case 1:
					mut[at] = (char)rnd();
					break;
				case 2:
					len = at + 1; /* cut short */
					break;
				default: /* repeat the tail from a point */
					if (len + (len - at) < sizeof(mut)) {
						memmove(mut + len, mut + at,
							len - at);
						len += len - at;
					}
					break;
				}
			}
			struct sip_msg m;
			(void)sip_msg_parse(&m, mut, len, 65535);
			read_everything(&m);
			struct sip_addr a = fk_peer();
			(void)sip_stack_recv(fk.st, &a, mut, len);
			if (fk.incoming)
				sip_call_hangup(fk.incoming, 480, 0);
			fk.nsent = 0;
		}
		fk_advance(100000);
		fk_done(); /* no leak, no timer left */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(torture_table_complete),
		cmocka_unit_test(torture_parser),
		cmocka_unit_test(torture_all),
		cmocka_unit_test(torture_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
