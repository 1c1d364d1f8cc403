/*
 * fuzz_udptl: UDPTL datagrams (media/udptl.c) and the T.38 IFP path
 * behind them: the packet decoder alone, a UDPTL endpoint (redundancy
 * and FEC recovery, reordering), and a whole T.38 leg (t38leg.c: UDPTL,
 * the localTCF shim and spandsp's T.38 gateway fed the IFPs) run one TDM
 * block per datagram.
 *
 * Input: a flags octet (T.38 version, rate management, error correction,
 * ECM), then datagrams, each after a two-octet big-endian length.
 */
#include <string.h>

#include "media/fax.h"
#include "media/media.h"
#include "media/udptl.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t sink;
static unsigned version;

static void deliver(void *arg, uint16_t seq, const uint8_t *ifp, size_t len,
		    bool recovered)
{
	(void)arg;
	sink += seq + recovered + media_t38_ifp_len(ifp, len, version);
}

static int leg_send(void *arg, const uint8_t *pkt, size_t len)
{
	(void)arg;
	(void)pkt;
	sink += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_udptl *u = NULL;
	struct media_t38leg *leg = NULL;
	uint8_t in[160], out[160];

	if (size < 1)
		return 0;
	version = data[0] & 3;
	enum media_udptl_ec ec = (data[0] >> 2) % 3;
	struct media_udptl_cfg ucfg = { .ec = ec,
					.depth_control = 4,
					.depth_image = 2,
					.fec_span = 3,
					.fec_entries = 3,
					.max_datagram = 400,
					.max_ifp = 400,
					.rx_max_datagram = 400,
					.window = 4,
					.deliver = deliver };
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
	if (media_udptl_alloc(&ucfg, &u))
		return 0;
	if (media_t38leg_alloc(&lcfg, leg_send, NULL, &leg)) {
		media_udptl_free(u);
		return 0;
	}
	memset(in, 0xd5, sizeof(in));
	size_t pos = 1;

	for (unsigned n = 0; n < 256 && pos + 2 <= size; n++) {
		size_t len = (size_t)data[pos] << 8 | data[pos + 1];

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		const uint8_t *pkt = data + pos;
		struct media_udptl_pkt p;
		enum media_udptl_bad bad;

		pos += len;
		if (!media_udptl_decode(pkt, len, MEDIA_UDPTL_MAX_IFP, &p,
					&bad))
			sink += p.n + p.primary.len;
		media_udptl_recv(u, pkt, len);
		media_t38leg_udptl_in(leg, pkt, len);
		media_t38leg_tdm(leg, in, out, sizeof(in));
	}
	media_udptl_flush(u);
	media_t38leg_finish(leg);
	media_t38leg_tdm(leg, in, out, sizeof(in));
	struct media_t38leg_stats st;

	media_t38leg_stats(leg, &st);
	sink += st.udptl.ifps_in + strlen(media_t38leg_trace(leg));
	media_t38leg_free(leg);
	media_udptl_free(u);
	return 0;
}
