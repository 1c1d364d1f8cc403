/*
 * fuzz_udptl: UDPTL datagrams (media/udptl.c): the packet decoder alone
 * (a decoded packet encoded again must fit and decode the same), and a
 * UDPTL endpoint (redundancy and FEC recovery, reordering window, stale
 * RTP) delivering IFPs, whose length is read as T.38 Annex A does.
 * fuzz_t38 runs the same input through a whole T.38 leg.
 *
 * Input: a flags octet (bits 0-1: T.38 version, 2-3: error correction),
 * then datagrams, each after a two-octet big-endian length.
 */
#include <stdlib.h>
#include <string.h>

#include "media/fax.h" /* media_t38_ifp_len */
#include "media/media.h"
#include "media/udptl.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/fax_test_cfg.h"

static volatile size_t sink;
static unsigned version;

static void deliver(void *arg, uint16_t seq, const uint8_t *ifp, size_t len,
		    bool recovered)
{
	(void)arg;
	sink += seq + recovered + media_t38_ifp_len(ifp, len, version);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_udptl *u = NULL;
	static uint8_t re[70000];

	if (size < 1)
		return 0;
	version = data[0] & 3;
	enum media_udptl_ec ec = (data[0] >> 2) % 3;
	static struct gw_cfg gc;

	/* the shipped [fax] values, as the gateway's call_fax.c maps them */
	if (!gc.fax.max_datagram)
		fax_test_defaults(&gc);
	const struct cfg_fax *f = &gc.fax;
	struct media_udptl_cfg ucfg = { .ec = ec,
					.depth_control = f->redundancy_control,
					.depth_image = f->redundancy_image,
					.fec_span = f->fec_span,
					.fec_entries = f->fec_entries,
					.max_datagram = f->max_datagram,
					.max_ifp = f->max_datagram,
					.rx_max_datagram = f->max_datagram,
					.window = 4,
					.deliver = deliver };
	if (media_udptl_alloc(&ucfg, &u))
		return 0;
	size_t pos = 1, len;
	unsigned word;
	const uint8_t *pkt;

	for (unsigned n = 0;
	     n < 256 &&
	     fuzz_next_dgram(data, size, &pos, 0xffff, &word, &pkt, &len);
	     n++) {
		struct media_udptl_pkt p;
		enum media_udptl_bad bad;

		if (!media_udptl_decode(pkt, len, MEDIA_UDPTL_MAX_IFP, &p,
					&bad)) {
			size_t n2;
			struct media_udptl_pkt p2;

			/* what decodes and encodes again decodes the same
			 * (the encoder may refuse what the decoder tolerates,
			 * e.g. empty entries) */
			if (!media_udptl_encode(&p, re, sizeof(re), &n2) &&
			    (media_udptl_decode(re, n2, MEDIA_UDPTL_MAX_IFP,
						&p2, &bad) ||
			     p2.seq != p.seq || p2.n != p.n ||
			     p2.fec != p.fec ||
			     p2.primary.len != p.primary.len ||
			     memcmp(p2.primary.p, p.primary.p, p.primary.len)))
				abort();
		}
		media_udptl_recv(u, pkt, len);
	}
	media_udptl_flush(u);
	sink += media_udptl_stats(u)->ifps_in + media_udptl_pending(u);
	media_udptl_free(u);
	return 0;
}
