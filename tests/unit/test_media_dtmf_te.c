/* media/dtmf_te.c: the RFC 4733 sender and receiver; digits must never
 * be doubled nor lost, also over a lossy path. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media/media.h"

#define F 160 /* 20 ms packets */

struct pkt {
	uint8_t p[MEDIA_TE_PAYLOAD];
	uint32_t ts;
	bool marker;
};

/* Runs the sender for one digit: start, n polls, stop, polls until done. */
static unsigned send_digit(struct media_te_tx *t, char digit, uint32_t ts,
			   unsigned before_stop, struct pkt *out, unsigned max)
{
	unsigned n = 0, i;

	assert_int_equal(media_te_tx_start(t, digit, ts, 0), 0);
	for (i = 0; i < before_stop; i++) {
		assert_true(n < max);
		assert_true(media_te_tx_poll(t, F, out[n].p, &out[n].ts,
					     &out[n].marker));
		n++;
	}
	media_te_tx_stop(t);
	for (i = 0; i < 10 && media_te_tx_active(t); i++) {
		assert_true(n < max);
		assert_true(media_te_tx_poll(t, F, out[n].p, &out[n].ts,
					     &out[n].marker));
		n++;
	}
	assert_false(media_te_tx_active(t));
	return n;
}

static void test_te_tx(void **state)
{
	struct media_te_tx t;
	struct pkt p[20];
	unsigned n, i;
	uint8_t buf[4];
	uint32_t ts;
	bool m;

	media_te_tx_init(&t, 10);
	assert_false(media_te_tx_poll(&t, F, buf, &ts, &m));
	n = send_digit(&t, '5', 1000, 4, p, 20);
	/* 4 updates, the stop packet, and 2 more ends. */
	assert_int_equal(n, 7);
	for (i = 0; i < n; i++) {
		assert_int_equal(p[i].ts, 1000); /* one event: one timestamp */
		assert_int_equal(p[i].p[0], 5);
		assert_int_equal(p[i].p[1] & 0x3f, 10);
		assert_int_equal(p[i].marker, i == 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(p[i].p[1] & 0x80, 0);
		assert_int_equal(p[i].p[2] << 8 | p[i].p[3], (i + 1) * F);
	}
	for (i = 4; i < 7; i++) {
		assert_int_equal(p[i].p[1] & 0x80, 0x80);
		assert_int_equal(p[i].p[2] << 8 | p[i].p[3], 5 * F);
	}
	/* A minimum duration holds the end back. */
	assert_int_equal(media_te_tx_start(&t, '#', 9000, 3 * F), 0);
	assert_int_equal(media_te_tx_start(&t, '1', 9000, 0), EBUSY);
	media_te_tx_stop(&t);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(buf[1] & 0x80, 0);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(buf[1] & 0x80, 0);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(buf[1] & 0x80, 0x80);
	assert_int_equal(buf[0], 11);
	assert_int_equal(media_te_tx_start(&t, 'x', 0, 0), EINVAL);

	/* Its other two end packets, then nothing. */
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_false(media_te_tx_active(&t));
	/* A digit begun during the end packets waits, its time running. */
	assert_int_equal(media_te_tx_start(&t, '1', 20000, 0), 0);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	media_te_tx_stop(&t);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m)); /* end 1 */
	assert_int_equal(media_te_tx_start(&t, '2', 20000 + 2 * F, 0), 0);
	assert_int_equal(media_te_tx_start(&t, '3', 20000 + 2 * F, 0), EBUSY);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m)); /* end 2 */
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m)); /* end 3 */
	assert_int_equal(buf[0], 1);
	assert_int_equal(buf[1] & 0x80, 0x80);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(buf[0], 2);
	assert_int_equal(ts, 20000 + 2 * F);
	assert_true(m);
	assert_int_equal(buf[2] << 8 | buf[3], 3 * F);
}

/* RFC 4733 2.5.1.3: an event longer than the 16-bit duration goes on as
 * a new segment with a new timestamp. */
static void test_te_tx_long(void **state)
{
	struct media_te_tx t;
	uint8_t buf[4];
	uint32_t ts = 0;
	unsigned i;
	bool m;

	media_te_tx_init(&t, 10);
	assert_int_equal(media_te_tx_start(&t, '0', 100, 0), 0);
	for (i = 0; i < 409; i++) /* 409 * 160 = 65440 */
		assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(ts, 100);
	assert_int_equal(buf[2] << 8 | buf[3], 65440);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(ts, 100 + 65440);
	assert_int_equal(buf[2] << 8 | buf[3], F);
	assert_false(m);
}

static unsigned rx_all(struct media_te_rx *r, const struct pkt *p, unsigned n,
		       char *digits, unsigned *begins)
{
	struct media_dtmf_ev ev[3];
	unsigned i, k, ne, nd = 0;

	for (i = 0; i < n; i++) {
		assert_int_equal(media_te_rx_put(r, p[i].ts, p[i].marker,
						 p[i].p, 4, ev, &ne),
				 0);
		for (k = 0; k < ne; k++) {
			if (ev[k].end)
				digits[nd++] = ev[k].digit;
			else
				(*begins)++;
		}
	}
	digits[nd] = 0;
	return nd;
}

static void test_te_rx(void **state)
{
	struct media_te_tx t;
	struct media_te_rx r;
	struct media_dtmf_ev ev[3];
	struct pkt p[40];
	char digits[16];
	unsigned n, ne, begins = 0;

	media_te_tx_init(&t, 10);
	media_te_rx_init(&r, 0);
	n = send_digit(&t, '7', 500, 3, p, 40);
	/* Every packet twice: still one digit. */
	memcpy(p + n, p, n * sizeof(p[0]));
	assert_int_equal(rx_all(&r, p, 2 * n, digits, &begins), 1);
	assert_string_equal(digits, "7");
	assert_int_equal(begins, 1);
	assert_int_equal(r.events, 1);

	/* All end packets lost, the next event arrives: the first ends
	 * there, with the duration seen. */
	n = send_digit(&t, '8', 2000, 3, p, 40);
	assert_int_equal(media_te_rx_put(&r, p[0].ts, true, p[0].p, 4, ev, &ne),
			 0);
	assert_int_equal(ne, 1);
	assert_int_equal(ev[0].digit, '8');
	assert_false(ev[0].end);
	assert_int_equal(
		media_te_rx_put(&r, p[2].ts, false, p[2].p, 4, ev, &ne), 0);
	assert_int_equal(ne, 0);
	n = send_digit(&t, '9', 4000, 0, p, 40);
	assert_int_equal(n, 3); /* only ends: a very short digit */
	assert_int_equal(media_te_rx_put(&r, p[0].ts, true, p[0].p, 4, ev, &ne),
			 0);
	assert_int_equal(ne, 3);
	assert_int_equal(ev[0].digit, '8');
	assert_true(ev[0].end);
	assert_int_equal(ev[0].duration, 3 * F);
	assert_int_equal(ev[1].digit, '9');
	assert_false(ev[1].end);
	assert_int_equal(ev[2].digit, '9');
	assert_true(ev[2].end);
	assert_int_equal(r.lost_ends, 1);
	/* Its other end packets: nothing more. */
	assert_int_equal(
		media_te_rx_put(&r, p[1].ts, false, p[1].p, 4, ev, &ne), 0);
	assert_int_equal(ne, 0);
	/* A straggler of the old event: ignored. */
	assert_int_equal(media_te_rx_put(&r, 2000, false, p[1].p, 4, ev, &ne),
			 0);
	assert_int_equal(ne, 0);
}

static void test_te_rx_timeout_and_bad(void **state)
{
	struct media_te_rx r;
	struct media_dtmf_ev ev[3];
	uint8_t p[4] = { 3, 10, 0, 160 };
	unsigned ne, i;

	media_te_rx_init(&r, 800); /* 100 ms */
	assert_int_equal(media_te_rx_put(&r, 10, true, p, 4, ev, &ne), 0);
	assert_int_equal(ne, 1);
	for (i = 0; i < 4; i++)
		assert_false(media_te_rx_tick(&r, 160, ev));
	assert_true(media_te_rx_tick(&r, 160, ev));
	assert_int_equal(ev[0].digit, '3');
	assert_true(ev[0].end);
	assert_int_equal(ev[0].duration, 160);
	assert_false(media_te_rx_tick(&r, 160, ev));
	/* Its late end packets do not make a second digit. */
	p[1] |= 0x80;
	assert_int_equal(media_te_rx_put(&r, 10, false, p, 4, ev, &ne), 0);
	assert_int_equal(ne, 0);

	assert_int_equal(media_te_rx_put(&r, 20, false, p, 3, ev, &ne), EPROTO);
	assert_int_equal(media_te_rx_put(&r, 20, false, NULL, 4, ev, &ne),
			 EPROTO);
	assert_int_equal(r.bad, 2);
	p[0] = 16; /* flash: not DTMF */
	assert_int_equal(media_te_rx_put(&r, 30, false, p, 4, ev, &ne), 0);
	assert_int_equal(ne, 0);
	assert_int_equal(r.ignored, 1);
}

/* Sender to receiver over a lossy path (seeded): as long as one packet of
 * each event gets through, every digit arrives once, in order. */
static void test_te_lossy_path(void **state)
{
	static const char want[] = "0123456789*#ABCD";
	struct media_te_tx t;
	struct media_te_rx r;
	struct media_dtmf_ev ev[3];
	struct pkt p[40];
	char got[64];
	unsigned seed, i, k, n, ne, ng, lost;
	uint32_t ts;

	for (seed = 1; seed <= 20; seed++) {
		srand(seed);
		media_te_tx_init(&t, 10);
		media_te_rx_init(&r, 1600);
		ng = 0;
		lost = 0;
		ts = 1000;
		for (i = 0; want[i]; i++) {
			n = send_digit(&t, want[i], ts, 2 + i % 4, p, 40);
			ts += 8000;
			for (k = 0; k < n; k++) {
				/* 30% loss, but never the whole event. */
				if (rand() % 100 < 30 && k + 1 < n) {
					lost++;
					continue;
				}
				assert_int_equal(media_te_rx_put(&r, p[k].ts,
								 p[k].marker,
								 p[k].p, 4, ev,
								 &ne),
						 0);
				while (ne--)
					if (ev[ne].end)
						got[ng++] = ev[ne].digit;
			}
			if (media_te_rx_tick(&r, 1600, ev))
				got[ng++] = ev[0].digit;
		}
		got[ng] = 0;
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_te_tx),
		cmocka_unit_test(test_te_tx_long),
		cmocka_unit_test(test_te_rx),
		cmocka_unit_test(test_te_rx_timeout_and_bad),
		cmocka_unit_test(test_te_lossy_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
