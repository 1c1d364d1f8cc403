/*
 * fuzz_rtp: RTP and RTCP parsing (media/rtp.c, rtcp.c) and a media
 * session fed the same packets (media_sess_rtp_in / _rtcp_in): jitter
 * buffer, decoders, RFC 4733 events, comfort noise, RTCP reports.
 *
 * Input: codec octet, payload type octet, then packets, each a two-octet
 * header (bit 15: RTCP, else RTP; low 15 bits: length) and its bytes.
 * Between packets 20 ms of TDM audio is played out.
 */
#include <string.h>

#include "media/media.h"
#include "media/priv.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t sink;
static uint64_t now_us;

static int send_pkt(void *arg, const struct media_addr *dst, const void *pkt,
		    size_t len)
{
	(void)arg;
	(void)dst;
	(void)pkt;
	sink += len;
	return 0;
}

static uint64_t clock_us(void *arg)
{
	(void)arg;
	return now_us;
}

static void on_dtmf(void *arg, char digit, bool end, bool from_rtp)
{
	(void)arg;
	sink += (unsigned char)digit + end + from_rtp;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_addr peer = { .family = 4,
				   .port = 4000,
				   .ip = { 192, 0, 2, 10 } };
	struct media_hooks h = { .rtp_send = send_pkt,
				 .rtcp_send = send_pkt,
				 .now_us = clock_us,
				 .dtmf = on_dtmf };
	struct media_sess *s = NULL;
	uint8_t law[160];

	if (size < 2)
		return 0;
	now_us = 1000000;
	struct media_sess_cfg cfg = {
		.tdm_law = data[1] & 0x80 ? MEDIA_LAW_ALAW : MEDIA_LAW_ULAW,
		.codec = data[0] % MEDIA_CODEC_COUNT,
		.pt = data[1] & 0x7f,
		.ssrc = 1,
		.te_enabled = true,
		.te_pt = 101,
		.peer = peer,
		.dtmf_detect = true,
		.jb_adaptive = data[0] & 0x80,
		.cn_enabled = true,
		.ec_tail_ms = data[0] & 0x40 ? 64 : 0,
	};
	if (media_sess_alloc(&h, &cfg, &s))
		return 0;
	size_t pos = 2;

	unsigned hdr;
	const uint8_t *pkt;
	size_t len;

	for (unsigned n = 0;
	     n < 256 &&
	     fuzz_next_dgram(data, size, &pos, 0x7fff, &hdr, &pkt, &len);
	     n++) {
		if (hdr & 0x8000) {
			struct rtcp_info info;
			struct media_addr rtcp = peer;

			rtcp.port++;
			sink += !rtcp_parse(&info, pkt, len);
			sink += !media_sess_rtcp_in(s, pkt, len, &rtcp);
		} else {
			struct rtp_hdr rh;

			sink += !rtp_hdr_parse(&rh, pkt, len);
			sink += !media_sess_rtp_in(s, pkt, len, &peer);
		}
		media_sess_tdm_out(s, law, sizeof(law));
		media_sess_tdm_in(s, law, sizeof(law));
		now_us += 20000;
		media_sess_poll(s);
	}
	struct media_stats st;

	media_sess_stats(s, &st);
	sink += st.rx_packets;
	media_sess_bye(s);
	media_sess_free(s);
	return 0;
}
