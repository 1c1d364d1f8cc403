/*
 * fuzz_sdp: sdp_parse() (audio and the T.38 image stream attributes of
 * sdp_t38.c), then what the call code does with a parsed session: answer
 * it as an offer (audio, T.38) and read it as the answer to our offers.
 */
#include "sip/sip.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t sink;

static const struct sdp_codec codecs[] = {
	{ .pt = 0, .name = "PCMU", .rate = 8000 },
	{ .pt = 8, .name = "PCMA", .rate = 8000 },
	{ .pt = 9, .name = "G722", .rate = 8000 },
	{ .pt = 111,
	  .name = "opus",
	  .rate = 48000,
	  .channels = 2,
	  .fmtp = "useinbandfec=1" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sdp_session s;
	static char buf[8192];
	size_t len;
	struct sdp_local loc = { .ip = "192.0.2.1",
				 .port = 4000,
				 .codecs = codecs,
				 .ncodecs = 4,
				 .ptime = 20,
				 .te_pt = 101,
				 .sess_id = 1,
				 .sess_version = 1,
				 .cn = true };
	struct sdp_t38_local t38 = {
		.ip = "192.0.2.1",
		.port = 4002,
		.caps = { .version = 3,
			  .max_bitrate = 14400,
			  .max_buffer = 2000,
			  .max_datagram = 400,
			  .udp_ec = SDP_T38_EC_FEC,
			  .fill_bit_removal = true,
			  .transcoding_mmr = true,
			  .transcoding_jbig = true },
		.sess_id = 1,
		.sess_version = 2,
	};
	struct sdp_result res;
	struct sdp_t38_result tres;

	if (sdp_parse(&s, (const char *)data, size))
		return 0;
	sink += !sdp_answer(&s, &loc, &res, buf, sizeof(buf), &len);
	sink += !sdp_accept_answer(&s, &loc, &res);
	sink += sdp_t38_stream(&s) != NULL;
	sink += !sdp_t38_answer(&s, &t38, &tres, buf, sizeof(buf), &len);
	sink += !sdp_t38_accept_answer(&s, &t38, &tres);
	/* a small output buffer: every writer must stop at its end */
	sink += !sdp_answer(&s, &loc, &res, buf, 64, &len);
	sink += !sdp_t38_answer(&s, &t38, &tres, buf, 64, &len);
	return 0;
}
