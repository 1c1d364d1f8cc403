/*
 * fuzz_t38: the T.38 IFP path: UDPTL datagrams into a whole T.38 leg
 * (t38leg.c: UDPTL recovery, the playout queue, the localTCF shim,
 * spandsp's T.38 gateway fed the IFPs), one TDM block run per datagram.
 * Slower than fuzz_udptl (spandsp's gateway costs ~5 ms to set up).
 *
 * Input: a flags octet (T.38 version, rate management, error correction,
 * ECM), then datagrams, each after a two-octet big-endian length.
 */
#include <string.h>

#include "media/fax.h"
#include "media/media.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t sink;

static int leg_send(void *arg, const uint8_t *pkt, size_t len)
{
	(void)arg;
	(void)pkt;
	sink += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_t38leg *leg = NULL;
	uint8_t in[160], out[160];

	if (size < 1)
		return 0;
	unsigned version = data[0] & 3;
	enum media_udptl_ec ec = (data[0] >> 2) % 3;
	struct media_t38leg_cfg lcfg = {
		.law = MEDIA_LAW_ALAW,
		.t38 = { .version = version,
			 .ecm = data[0] & 0x40,
			 .rate = data[0] & 0x80 ? MEDIA_T38_TCF_LOCAL
						: MEDIA_T38_TCF_TRANSFERRED,
			 .max_datagram = 400 },
		.ec = ec,
		.rx_max_datagram = 400,
		.no_playout = data[0] & 0x20,
	};
	if (media_t38leg_alloc(&lcfg, leg_send, NULL, &leg))
		return 0;
	memset(in, 0xd5, sizeof(in));
	size_t pos = 1;

	unsigned word;
	const uint8_t *pkt;
	size_t len;

	for (unsigned n = 0;
	     n < 256 &&
	     fuzz_next_dgram(data, size, &pos, 0xffff, &word, &pkt, &len);
	     n++) {
		media_t38leg_udptl_in(leg, pkt, len);
		media_t38leg_tdm(leg, in, out, sizeof(in));
	}
	media_t38leg_finish(leg);
	media_t38leg_tdm(leg, in, out, sizeof(in));
	struct media_t38leg_stats st;

	media_t38leg_stats(leg, &st);
	sink += st.udptl.ifps_in + strlen(media_t38leg_trace(leg));
	media_t38leg_free(leg);
	return 0;
}
