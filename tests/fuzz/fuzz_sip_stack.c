/*
 * fuzz_sip_stack: datagrams into a whole SIP stack (sip_stack_recv) with
 * fake hooks: a virtual clock, timers fired in order, sends kept. It
 * reaches what a bare parse cannot: transactions, dialogs, CANCEL, PRACK,
 * re-INVITE, SUBSCRIBE, digest challenges.
 *
 * Input: one flags octet, then datagrams separated by "\n###\n". In a
 * datagram, $B, $C and $T become the Via branch, Call-ID and our tag of
 * the last message the stack sent, so responses and in-dialog requests
 * can match. Flags: 1 an outgoing INVITE first, 2 digest challenges on,
 * 4 incoming INVITEs answered 200 with SDP (else 180 and left ringing),
 * 8 our call hung up after the last datagram, 16 the peer on TCP.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "tests/fuzz/fuzz.h"

#define FZ_TIMERS 512
#define FZ_SEP "\n###\n"
#define FZ_MAX_MSG 16384

struct fz_timer {
	bool live;
	uint64_t at;
	void (*fn)(void *);
	void *arg;
};

static struct {
	uint64_t now;
	struct fz_timer tmr[FZ_TIMERS];
	char last[FZ_MAX_MSG];
	size_t last_len;
	long allocs;
	unsigned flags;
	struct sip_call *ours;
	unsigned calls_in;
} fz;

static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
			  "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
			  "m=audio 4000 RTP/AVP 0 101\r\n"
			  "a=rtpmap:101 telephone-event/8000\r\n";

static uint64_t fz_now(void *arg)
{
	(void)arg;
	return fz.now;
}

static void *fz_timer_start(void *arg, uint64_t ms, void (*fn)(void *),
			    void *fnarg)
{
	(void)arg;
	for (int i = 0; i < FZ_TIMERS; i++)
		if (!fz.tmr[i].live) {
			fz.tmr[i] = (struct fz_timer){ true, fz.now + ms, fn,
						       fnarg };
			return &fz.tmr[i];
		}
	return NULL;
}

static void fz_timer_stop(void *arg, void *h)
{
	(void)arg;
	struct fz_timer *t = h;

	if (!t->live)
		abort(); /* the hooks contract: never stopped after firing */
	t->live = false;
}

static int fz_send(void *arg, const struct sip_addr *dst, const void *buf,
		   size_t len)
{
	(void)arg;
	(void)dst;
	fz.last_len = len < sizeof(fz.last) - 1 ? len : sizeof(fz.last) - 1;
	memcpy(fz.last, buf, fz.last_len);
	fz.last[fz.last_len] = '\0';
	if (getenv("FUZZ_DEBUG")) /* checking what a seed reaches */
		fprintf(stderr, "sent: %.*s\n", (int)strcspn(fz.last, "\r"),
			fz.last);
	return 0;
}

static void fz_incoming(void *arg, struct sip_call *call,
			const struct sip_msg *invite)
{
	(void)arg;
	(void)invite;
	if (fz.calls_in++ % 3 == 2) {
		sip_call_respond(call, 486, NULL, NULL);
		return;
	}
	if (fz.flags & 4)
		sip_call_respond(call, 200, NULL, sdp);
	else
		sip_call_respond(call, 180, NULL, NULL);
}

static void fz_event(void *arg, struct sip_call *call,
		     const struct sip_call_event *ev)
{
	(void)arg;
	if (ev->type == SIP_CALL_EV_OFFER && ev->sdp.l)
		sip_call_answer(call, 200, sdp);
	if (ev->type == SIP_CALL_EV_REFER)
		sip_call_refer_notify(call, 200);
	if (ev->type == SIP_CALL_EV_ENDED && call == fz.ours)
		fz.ours = NULL;
}

static int fz_event_state(void *arg, const char *event, char *body, size_t size)
{
	(void)arg;
	(void)event;
	return snprintf(body, size, "trunks up\n");
}

static void *fz_zalloc(void *arg, size_t size)
{
	(void)arg;
	void *p = calloc(1, size);

	fz.allocs += p != NULL;
	return p;
}

static void fz_free(void *arg, void *p)
{
	(void)arg;
	fz.allocs -= p != NULL;
	free(p);
}

static void fz_advance(uint64_t ms)
{
	uint64_t end = fz.now + ms;

	for (unsigned fired = 0; fired < 100000; fired++) {
		int best = -1;

		for (int i = 0; i < FZ_TIMERS; i++)
			if (fz.tmr[i].live && fz.tmr[i].at <= end &&
			    (best < 0 || fz.tmr[i].at < fz.tmr[best].at))
				best = i;
		if (best < 0)
			break;
		fz.now = fz.tmr[best].at;
		fz.tmr[best].live = false;
		fz.tmr[best].fn(fz.tmr[best].arg);
	}
	fz.now = end;
}

static bool auth_required(void *arg, const struct sip_addr *src,
			  const struct sip_msg *req)
{
	(void)arg;
	(void)src;
	(void)req;
	return true;
}

static const char *auth_lookup(void *arg, const struct sip_addr *src,
			       const char *user)
{
	(void)arg;
	(void)src;
	return strcmp(user, "gw") == 0 ? "pw" : NULL;
}

/* The value of "name" in the last message: after the first match of key
 * (searched from the line of header hdr if given), up to a delimiter. */
static size_t last_token(const char *hdr, const char *key, const char **out)
{
	const char *p = fz.last;

	if (hdr) {
		p = strstr(fz.last, hdr);
		if (!p)
			return 0;
	}
	const char *eol = strstr(p + (hdr ? 2 : 0), "\r\n");
	const char *k = strstr(p, key);

	if (!k || (hdr && eol && k > eol))
		return 0;
	k += strlen(key);
	while (*k == ' ')
		k++;
	size_t n = strcspn(k, hdr && !strcmp(key, ":") ? "\r\n" : ";,> \r\n");

	*out = k;
	return n;
}

/* Copies in to out with $B, $C and $T replaced; returns the length. */
static size_t substitute(const uint8_t *in, size_t len, char *out, size_t size)
{
	size_t o = 0;
	bool resp = strncmp(fz.last, "SIP/2.0 ", 8) == 0;

	for (size_t i = 0; i < len && o < size; i++) {
		const char *v = NULL;
		size_t vl = 0;

		if (in[i] == '$' && i + 1 < len) {
			switch (in[i + 1]) {
			case 'B':
				vl = last_token(NULL, "branch=", &v);
				break;
			case 'C':
				vl = last_token("\r\nCall-ID", ":", &v);
				break;
			case 'T':
				vl = last_token(resp ? "\r\nTo:" : "\r\nFrom:",
						";tag=", &v);
				break;
			default:
				break;
			}
		}
		if (v) {
			if (vl > size - o)
				vl = size - o;
			memcpy(out + o, v, vl);
			o += vl;
			i++;
		} else {
			out[o++] = (char)in[i];
		}
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char msg[FZ_MAX_MSG];
	struct sip_stack *st = NULL;
	struct sip_hooks h = {
		.now = fz_now,
		.timer_start = fz_timer_start,
		.timer_stop = fz_timer_stop,
		.send = fz_send,
		.call_incoming = fz_incoming,
		.call_event = fz_event,
		.event_state = fz_event_state,
		.zalloc = fz_zalloc,
		.free = fz_free,
	};
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .local_port = 5060,
				     .user_agent = "pstngw-fuzz",
				     .session_expires = 1800,
				     .allow_events = "x-pstngw-trunks" };
	struct sip_addr peer;

	if (!size)
		return 0;
	memset(&fz, 0, sizeof(fz));
	fz.now = 1000;
	fz.flags = data[0];
	if (sip_stack_alloc(&st, &cfg, &h))
		return 0;
	sip_addr_set(&peer, "192.0.2.10", 5060);
	if (fz.flags & 16) /* as if read from a TCP connection */
		peer.tp = SIP_TP_TCP;
	if (fz.flags & 2) {
		struct sip_auth_policy pol = { .realm = "fuzz.test",
					       .required = auth_required,
					       .lookup = auth_lookup };
		sip_stack_set_auth(st, &pol);
	}
	if (fz.flags & 1) {
		struct sip_call_params p = { .ruri = "sip:5551234@192.0.2.10",
					     .from_user = "100",
					     .dst = peer,
					     .sdp = sdp,
					     .auth_user = "gw",
					     .auth_password = "pw" };
		sip_call_invite(st, &p, NULL, &fz.ours);
	}
	const uint8_t *part;
	size_t plen, pos = 1;

	for (unsigned n = 0;
	     n < 64 && fuzz_next_part(data, size, &pos, FZ_SEP, strlen(FZ_SEP),
				      &part, &plen);
	     n++) {
		size_t len = substitute(part, plen, msg, sizeof(msg));

		int err = sip_stack_recv(st, &peer, msg, len);

		if (getenv("FUZZ_DEBUG"))
			fprintf(stderr, "recv: %.*s -> %d\n",
				(int)strcspn(msg, "\r"), msg, err);
		fz_advance(200);
	}
	if ((fz.flags & 8) && fz.ours)
		sip_call_hangup(fz.ours, 0, 16);
	char dump[2048];

	sip_stack_dump(st, dump, sizeof(dump));
	sip_stack_shutdown(st);
	fz_advance(64 * 4000);
	sip_stack_free(st);
	if (fz.allocs != 0)
		abort(); /* the stack lost track of something it allocated */
	return 0;
}
