/*
 * test_sip_stream.c: Content-Length framing of a stream (sip/stream.c):
 * messages split across reads, several in one read, bodies, keep-alive
 * pings, and the bad cases: missing, unreadable or conflicting
 * Content-Length, oversized messages and garbage that never ends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include "sip/sip.h"

#define OPTS                                             \
	"OPTIONS sip:gw@192.0.2.1 SIP/2.0\r\n"           \
	"Via: SIP/2.0/TCP 192.0.2.9;branch=z9hG4bK1\r\n" \
	"Call-ID: a@b\r\nCSeq: 1 OPTIONS\r\n"

static void feed(struct sip_stream *s, const char *data, size_t n)
{
	size_t room;
	char *p = sip_stream_space(s, &room);
	assert_true(room >= n);
	memcpy(p, data, n);
	sip_stream_added(s, n);
}

static enum sip_stream_res next(struct sip_stream *s, const char **p, size_t *n)
{
	*p = NULL;
	*n = 0;
	return sip_stream_next(s, p, n);
}

static void stream_split_bytewise(void **state)
{
	static const char m[] = OPTS "Content-Length: 4\r\n\r\nabcd";
	struct sip_stream s;
	const char *p;
	size_t n;
	(void)state;
	assert_int_equal(sip_stream_init(&s, 65535), 0);
	/* one byte at a time: nothing until the last body byte */
	for (size_t i = 0; i + 1 < strlen(m); i++) {
		feed(&s, m + i, 1);
		assert_int_equal(next(&s, &p, &n), SIP_STREAM_MORE);
	}
	feed(&s, m + strlen(m) - 1, 1);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MSG);
	assert_int_equal(n, strlen(m));
	assert_memory_equal(p, m, n);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MORE);
	assert_int_equal(s.len, 0);
	sip_stream_release(&s);
}

static void stream_several_in_one_read(void **state)
{
	static const char m1[] = OPTS "Content-Length: 0\r\n\r\n";
	static const char m2[] = OPTS "l: 3\r\n\r\nxyz";
	static const char m3[] = OPTS "content-length  :\t2 \r\n\r\nhi";
	char all[1024];
	struct sip_stream s;
	const char *p;
	size_t n;
	(void)state;
	snprintf(all, sizeof(all), "%s\r\n%s%s" OPTS, m1, m2, m3);
	assert_int_equal(sip_stream_init(&s, 4096), 0);
	feed(&s, all, strlen(all));
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MSG);
	assert_int_equal(n, strlen(m1));
	assert_memory_equal(p, m1, n);
	/* the CRLF between messages is skipped (RFC 3261 7.5) */
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MSG);
	assert_int_equal(n, strlen(m2));
	assert_memory_equal(p, m2, n);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MSG);
	assert_int_equal(n, strlen(m3));
	assert_memory_equal(p, m3, n);
	/* the fourth is incomplete: kept */
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MORE);
	assert_int_equal(s.len, strlen(OPTS));
	feed(&s, "Content-Length: 0\r\n\r\n", 21);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MSG);
	assert_int_equal(n, strlen(m1));
	sip_stream_release(&s);
}

static void stream_ping(void **state)
{
	static const char m[] = OPTS "Content-Length: 0\r\n\r\n";
	struct sip_stream s;
	const char *p;
	size_t n;
	(void)state;
	assert_int_equal(sip_stream_init(&s, 4096), 0);
	/* a ping split in two reads is still one ping */
	feed(&s, "\r\n", 2);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MORE);
	feed(&s, "\r", 1);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MORE);
	feed(&s, "\n", 1);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_PING);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MORE);
	/* two pings then a message in one read */
	feed(&s, "\r\n\r\n\r\n\r\n", 8);
	feed(&s, m, strlen(m));
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_PING);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_PING);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MSG);
	assert_int_equal(n, strlen(m));
	/* a lone CRLF (a pong) before a message is skipped */
	feed(&s, "\r\n", 2);
	feed(&s, m, strlen(m));
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MSG);
	assert_memory_equal(p, m, strlen(m));
	assert_string_equal(sip_stream_res_name(SIP_STREAM_PING), "ping");
	assert_string_equal(sip_stream_res_name(SIP_STREAM__COUNT), "?");
	sip_stream_release(&s);
}

static void stream_missing_cl(void **state)
{
	static const char m[] = OPTS "\r\nbody?";
	struct sip_stream s;
	const char *p;
	size_t n;
	(void)state;
	assert_int_equal(sip_stream_init(&s, 4096), 0);
	feed(&s, m, strlen(m));
	/* the header block comes back so the caller can answer 400 */
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_NOCL);
	assert_int_equal(n, strlen(OPTS) + 2);
	assert_memory_equal(p, OPTS, strlen(OPTS));
	sip_stream_release(&s);
}

static void stream_bad_cl(void **state)
{
	static const char *const bad[] = {
		OPTS "Content-Length: abc\r\n\r\n",
		OPTS "Content-Length: -1\r\n\r\n",
		OPTS "Content-Length: 12x\r\n\r\n",
		OPTS "Content-Length:\r\n\r\n",
		OPTS "Content-Length: 99999999999999999999\r\n\r\n",
		/* two values that disagree: which would frame? */
		OPTS "Content-Length: 1\r\nl: 2\r\n\r\nab",
	};
	const char *p;
	size_t n;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sip_stream s;
		assert_int_equal(sip_stream_init(&s, 4096), 0);
		feed(&s, bad[i], strlen(bad[i]));
		assert_int_equal(next(&s, &p, &n), SIP_STREAM_BADCL);
		sip_stream_release(&s);
	}
	/* the same value twice is fine */
	struct sip_stream s;
	static const char twice[] = OPTS "Content-Length: 2\r\nl: 2\r\n\r\nab";
	assert_int_equal(sip_stream_init(&s, 4096), 0);
	feed(&s, twice, strlen(twice));
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MSG);
	assert_int_equal(n, strlen(twice));
	sip_stream_release(&s);
}

static void stream_oversized(void **state)
{
	struct sip_stream s;
	const char *p;
	size_t n, room;
	char big[600];
	(void)state;
	assert_int_equal(sip_stream_init(&s, 512), 0);
	/* a body that cannot fit is refused before it arrives */
	snprintf(big, sizeof(big), OPTS "Content-Length: 400\r\n\r\n");
	feed(&s, big, strlen(big));
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_TOOBIG);
	sip_stream_release(&s);
	assert_int_equal(sip_stream_init(&s, 512), 0);
	snprintf(big, sizeof(big), OPTS "Content-Length: 999999999\r\n\r\n");
	feed(&s, big, strlen(big));
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_TOOBIG);
	sip_stream_release(&s);
	/* garbage without a blank line fills the buffer, then is refused */
	assert_int_equal(sip_stream_init(&s, 512), 0);
	memset(big, 'x', sizeof(big));
	char *w = sip_stream_space(&s, &room);
	assert_int_equal(room, 512);
	memcpy(w, big, room);
	sip_stream_added(&s, room);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_TOOBIG);
	sip_stream_space(&s, &room);
	assert_int_equal(room, 0);
	/* adding more than the room never overruns */
	sip_stream_added(&s, 10);
	assert_int_equal(s.len, 512);
	sip_stream_release(&s);
	assert_int_equal(sip_stream_init(&s, 10), EINVAL);
}

static void stream_garbage_framed(void **state)
{
	/* binary junk that happens to end in a blank line with a length is
	 * framed; the parser, not the framer, rejects it */
	static const char junk[] = "\x01\x02\xff zz\r\nl: 1\r\n\r\nQ";
	struct sip_stream s;
	const char *p;
	size_t n;
	(void)state;
	assert_int_equal(sip_stream_init(&s, 4096), 0);
	feed(&s, junk, sizeof(junk) - 1);
	assert_int_equal(next(&s, &p, &n), SIP_STREAM_MSG);
	assert_int_equal(n, sizeof(junk) - 1);
	struct sip_msg m;
	assert_int_not_equal(sip_msg_parse(&m, p, n, 4096), 0);
	sip_stream_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_split_bytewise),
		cmocka_unit_test(stream_several_in_one_read),
		cmocka_unit_test(stream_ping),
		cmocka_unit_test(stream_missing_cl),
		cmocka_unit_test(stream_bad_cl),
		cmocka_unit_test(stream_oversized),
		cmocka_unit_test(stream_garbage_framed),
	};
	return cmocka_run_group_tests_name("sip_stream", tests, NULL, NULL);
}
