/*
 * test_sip_build.h: canned SIP text shared by the SIP tests, as string
 * literals a test can splice its own lines into: the test INVITE (Bob at
 * 192.0.2.10 calling 5551234 at the gateway, 192.0.2.1) and a minimal
 * OPTIONS, and the OPTIONS-with-these-headers parse of the header tests.
 */
#pragma once

#include <stdio.h>

#include "sip/sip.h"

#define SIPT_INV_LINE "INVITE sip:5551234@192.0.2.1 SIP/2.0\r\n"

/* The INVITE's headers up to Contact; the arguments are literals (a
 * "%s" or "%u" makes them printf fields). */
#define SIPT_INV_HDRS(branch, callid, cseq)                 \
	"Via: SIP/2.0/UDP 192.0.2.10;branch=" branch "\r\n" \
	"Max-Forwards: 70\r\n"                              \
	"From: \"Bob\" <sip:bob@192.0.2.10>;tag=ft\r\n"     \
	"To: <sip:5551234@192.0.2.1>\r\n"                   \
	"Call-ID: " callid "\r\nCSeq: " cseq " INVITE\r\n"  \
	"Contact: <sip:bob@192.0.2.10>\r\n"

/* A minimal OPTIONS without Max-Forwards or Content-Length. */
#define SIPT_OPT_HEAD(branch, callid)                       \
	"OPTIONS sip:a@192.0.2.1 SIP/2.0\r\n"               \
	"Via: SIP/2.0/UDP 192.0.2.10;branch=" branch "\r\n" \
	"From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\n"        \
	"Call-ID: " callid "\r\nCSeq: 1 OPTIONS\r\n"

/* An SDP session's lines before its m= lines: the gateway's address. */
#define SIPT_SDP_HEAD                                \
	"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n" \
	"c=IN IP4 192.0.2.1\r\nt=0 0\r\n"

/* The minimal OPTIONS carrying the header lines hdrs, parsed into m. */
static inline int sipt_msg_with(struct sip_msg *m, const char *hdrs)
{
	static char buf[8192];
	int n = snprintf(buf, sizeof(buf),
			 SIPT_OPT_HEAD("z9hG4bK1", "c1") "%s\r\n", hdrs);

	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return sip_msg_parse(m, buf, (size_t)n, 65535);
}
