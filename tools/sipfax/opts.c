/*
 * sipfax's command line (see opts.h). Every value is checked against its
 * bounds here, so a typo is a usage error before any socket opens.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/media.h"
#include "tools/sipfax/opts.h"

void sf_usage(void *file)
{
	fprintf(file,
		"usage: sipfax send [options] FILE.tif sip:USER@HOST[:PORT]\n"
		"       sipfax recv [options] --spool DIR\n"
		"  --listen IP:PORT     SIP address (send 127.0.0.1:0, recv 127.0.0.1:5060)\n"
		"  --media-ip IP        RTP/UDPTL address (default: the SIP one)\n"
		"  --media-port PORT    first RTP/UDPTL port (default 40000; 1000 used)\n"
		"  --offer audio|t38|both  send: initial offer (default audio)\n"
		"  --from USER          send: calling user (default sipfax)\n"
		"  --spool DIR          recv: where faxes land, <time>-<callid>.tif\n"
		"  --count N            recv: exit after N faxes\n"
		"  --faxes-per-call N   recv: N faxes on one call, 1..16 (default 1):\n"
		"                       after each, wait for T.38 again, <file>-N.tif\n"
		"  --bye-wait MS        recv: our BYE MS after the last fax unless the\n"
		"                       sender hung up, 100..600000 (default 5000)\n"
		"  --refuse-t38         answer T.38 offers and re-INVITEs with 488\n"
		"  --refuse-audio       answer a re-INVITE back to audio after a\n"
		"                       T.38 fax with 488 (T.38 stays)\n"
		"  --local-tcf          offer localTCF (T.38 method 1: TCF made\n"
		"                       and checked at each end, not sent)\n"
		"  --t38-reinvite       ask for T.38 ourselves (send: on the fax\n"
		"                       answer tone; recv: once the call is up)\n"
		"  --ecm on|off         error correction mode (default on)\n"
		"  --redundancy N       UDPTL redundancy depth, 0..8 (default 3)\n"
		"  --fec                UDPTL parity FEC instead of redundancy\n"
		"  --max-datagram N     our T38FaxMaxDatagram, 64..1400 (default 400)\n"
		"  --version N          T38FaxVersion offered, 0..3 (default 0)\n"
		"  --codec pcmu|pcma    G.711 law (default pcmu)\n"
		"  --ident ID           TSI/CSI, up to 20 characters\n"
		"  --srtp SUITE         SDES SRTP on audio (RTP/SAVP, one crypto line,\n"
		"                       e.g. AES_CM_128_HMAC_SHA1_80), a new key each\n"
		"                       time audio starts (also after a T.38 fax)\n"
		"  --bad-return-crypto  with --srtp: answer the audio re-offer after a\n"
		"                       T.38 fax with a crypto tag it does not have\n"
		"  --return-audio same|plain  after a T.38 fax, re-INVITE back to\n"
		"                       audio ourselves: as before (SRTP with --srtp)\n"
		"                       or plain RTP/AVP without crypto\n"
		"  --timeout SEC        give up after SEC (send default 300, recv none)\n"
		"  -v                   spandsp's T.30 log on stderr\n"
		"Exit: 0 ok, 1 fax failed, 2 usage, 3 timeout, 4 call failed.\n"
		"Prints one line per event and per fax: sipfax event=... key=value\n");
}

static int bad(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return EINVAL;
}

/* A whole decimal number within [min, max]. */
static int number(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* IP:PORT or [IPv6]:PORT. */
static int hostport(const char *s, char *ip, size_t iplen, unsigned *port)
{
	const char *colon = strrchr(s, ':');
	const char *h = s;
	size_t hl;

	if (!colon)
		return EINVAL;
	hl = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hl < 3 || s[hl - 1] != ']')
			return EINVAL;
		h = s + 1;
		hl -= 2;
	}
	if (!hl || hl >= iplen)
		return EINVAL;
	memcpy(ip, h, hl);
	ip[hl] = '\0';
	return number(colon + 1, 0, 65535, port);
}

enum {
	O_LISTEN = 256,
	O_MEDIA_IP,
	O_MEDIA_PORT,
	O_OFFER,
	O_FROM,
	O_SPOOL,
	O_COUNT,
	O_PER_CALL,
	O_BYE_WAIT,
	O_REFUSE,
	O_REFUSE_AUDIO,
	O_LOCAL_TCF,
	O_REINVITE,
	O_ECM,
	O_RED,
	O_FEC,
	O_MAXDG,
	O_VERSION,
	O_CODEC,
	O_IDENT,
	O_TIMEOUT,
	O_SRTP,
	O_BAD_RETURN_CRYPTO,
	O_RETURN_AUDIO,
};

static int one(struct sf_opts *o, int opt, const char *arg, char *err,
	       size_t errlen)
{
	switch (opt) {
	case O_LISTEN:
		if (hostport(arg, o->listen_ip, sizeof(o->listen_ip),
			     &o->listen_port))
			return bad(err, errlen,
				   "--listen: expected IP:PORT, got '%s'", arg);
		return 0;
	case O_MEDIA_IP:
		o->media_ip = arg;
		return 0;
	case O_MEDIA_PORT:
		if (number(arg, 1024, 64534, &o->media_port))
			return bad(err, errlen,
				   "--media-port: 1024..64534, got '%s'", arg);
		return 0;
	case O_OFFER:
		if (!strcmp(arg, "audio"))
			o->offer = SF_OFFER_AUDIO;
		else if (!strcmp(arg, "t38"))
			o->offer = SF_OFFER_T38;
		else if (!strcmp(arg, "both"))
			o->offer = SF_OFFER_BOTH;
		else
			return bad(err, errlen,
				   "--offer: audio, t38 or both, got '%s'",
				   arg);
		return 0;
	case O_FROM:
		o->from = arg;
		return 0;
	case O_SPOOL:
		o->spool = arg;
		return 0;
	case O_COUNT:
		if (number(arg, 1, 1000000, &o->count))
			return bad(err, errlen, "--count: 1..1000000, got '%s'",
				   arg);
		return 0;
	case O_PER_CALL:
		if (number(arg, 1, 16, &o->faxes_per_call))
			return bad(err, errlen,
				   "--faxes-per-call: 1..16, got '%s'", arg);
		return 0;
	case O_BYE_WAIT:
		if (number(arg, 100, 600000, &o->bye_wait_ms))
			return bad(err, errlen,
				   "--bye-wait: 100..600000, got '%s'", arg);
		return 0;
	case O_REFUSE:
		o->refuse_t38 = true;
		return 0;
	case O_REFUSE_AUDIO:
		o->refuse_audio = true;
		return 0;
	case O_LOCAL_TCF:
		o->local_tcf = true;
		return 0;
	case O_REINVITE:
		o->t38_reinvite = true;
		return 0;
	case O_ECM:
		if (!strcmp(arg, "on"))
			o->ecm = true;
		else if (!strcmp(arg, "off"))
			o->ecm = false;
		else
			return bad(err, errlen, "--ecm: on or off, got '%s'",
				   arg);
		return 0;
	case O_RED:
		if (number(arg, 0, MEDIA_UDPTL_MAX_DEPTH, &o->redundancy))
			return bad(err, errlen, "--redundancy: 0..%u, got '%s'",
				   MEDIA_UDPTL_MAX_DEPTH, arg);
		return 0;
	case O_FEC:
		o->fec = true;
		return 0;
	case O_MAXDG:
		if (number(arg, 64, 1400, &o->max_datagram))
			return bad(err, errlen,
				   "--max-datagram: 64..1400, got '%s'", arg);
		return 0;
	case O_VERSION:
		if (number(arg, 0, 3, &o->version))
			return bad(err, errlen, "--version: 0..3, got '%s'",
				   arg);
		return 0;
	case O_CODEC:
		if (!strcmp(arg, "pcmu"))
			o->law_alaw = false;
		else if (!strcmp(arg, "pcma"))
			o->law_alaw = true;
		else
			return bad(err, errlen,
				   "--codec: pcmu or pcma, got '%s'", arg);
		return 0;
	case O_IDENT:
		if (strlen(arg) > 20)
			return bad(err, errlen,
				   "--ident: at most 20 characters");
		o->ident = arg;
		return 0;
	case O_TIMEOUT:
		if (number(arg, 1, 86400, &o->timeout_s))
			return bad(err, errlen, "--timeout: 1..86400, got '%s'",
				   arg);
		return 0;
	case O_SRTP:
		o->srtp_suite = media_srtp_suite_lookup(arg);
		if (o->srtp_suite < 0)
			return bad(err, errlen,
				   "--srtp: an SDES suite such as "
				   "AES_CM_128_HMAC_SHA1_80, got '%s'",
				   arg);
		return 0;
	case O_BAD_RETURN_CRYPTO:
		o->bad_return_crypto = true;
		return 0;
	case O_RETURN_AUDIO:
		if (!strcmp(arg, "same"))
			o->return_audio = SF_RETURN_SAME;
		else if (!strcmp(arg, "plain"))
			o->return_audio = SF_RETURN_PLAIN;
		else
			return bad(err, errlen,
				   "--return-audio: same or plain, got '%s'",
				   arg);
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	default:
		return bad(err, errlen, "unknown option (see --help)");
	}
}

int sf_opts_parse(struct sf_opts *o, int argc, char **argv, char *err,
		  size_t errlen)
{
	static const struct option lo[] = {
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "media-ip", required_argument, NULL, O_MEDIA_IP },
		{ "media-port", required_argument, NULL, O_MEDIA_PORT },
		{ "offer", required_argument, NULL, O_OFFER },
		{ "from", required_argument, NULL, O_FROM },
		{ "spool", required_argument, NULL, O_SPOOL },
		{ "count", required_argument, NULL, O_COUNT },
		{ "faxes-per-call", required_argument, NULL, O_PER_CALL },
		{ "bye-wait", required_argument, NULL, O_BYE_WAIT },
		{ "refuse-t38", no_argument, NULL, O_REFUSE },
		{ "refuse-audio", no_argument, NULL, O_REFUSE_AUDIO },
		{ "local-tcf", no_argument, NULL, O_LOCAL_TCF },
		{ "t38-reinvite", no_argument, NULL, O_REINVITE },
		{ "ecm", required_argument, NULL, O_ECM },
		{ "redundancy", required_argument, NULL, O_RED },
		{ "fec", no_argument, NULL, O_FEC },
		{ "max-datagram", required_argument, NULL, O_MAXDG },
		{ "version", required_argument, NULL, O_VERSION },
		{ "codec", required_argument, NULL, O_CODEC },
		{ "ident", required_argument, NULL, O_IDENT },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "srtp", required_argument, NULL, O_SRTP },
		{ "bad-return-crypto", no_argument, NULL, O_BAD_RETURN_CRYPTO },
		{ "return-audio", required_argument, NULL, O_RETURN_AUDIO },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen;
	int opt, e;

	memset(o, 0, sizeof(*o));
	o->from = "sipfax";
	o->media_port = 40000;
	o->ecm = true;
	o->redundancy = 3;
	o->max_datagram = 400;
	o->srtp_suite = -1;
	if (argc < 2)
		return bad(err, errlen, "a command is needed: send or recv");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return EAGAIN;
	if (!strcmp(argv[1], "send"))
		o->send = true;
	else if (strcmp(argv[1], "recv"))
		return bad(err, errlen, "unknown command '%s' (send or recv)",
			   argv[1]);
	listen = o->send ? SF_DEFAULT_SEND_LISTEN : SF_DEFAULT_RECV_LISTEN;
	hostport(listen, o->listen_ip, sizeof(o->listen_ip), &o->listen_port);
	o->timeout_s = o->send ? 300 : 0;
	/* getopt on argv[1..]: the command stands in for the program name */
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, "vh", lo, NULL)) != -1) {
		if (opt == 'h')
			return EAGAIN;
		if (opt == '?' || opt == ':') {
			const char *w = argv[optind] ? argv[optind] : "";

			return bad(err, errlen,
				   "unknown option or missing value near '%s'",
				   optind > 1 ? argv[optind] : w);
		}
		e = one(o, opt, optarg, err, errlen);
		if (e)
			return e;
	}
	argc -= optind + 1;
	argv += optind + 1;
	if (o->send) {
		if (argc != 2)
			return bad(err, errlen,
				   "send needs FILE.tif and a sip: URI");
		o->file = argv[0];
		o->uri = argv[1];
		if (strncmp(o->uri, "sip:", 4) || !strchr(o->uri, '@'))
			return bad(err, errlen,
				   "'%s' is not a sip:USER@HOST[:PORT] URI",
				   o->uri);
		if (o->spool || o->count || o->faxes_per_call || o->bye_wait_ms)
			return bad(err, errlen,
				   "--spool, --count, --faxes-per-call and "
				   "--bye-wait are recv options");
	} else {
		if (argc != 0)
			return bad(err, errlen, "recv takes no arguments");
		if (!o->spool)
			return bad(err, errlen, "recv needs --spool DIR");
		if (o->offer != SF_OFFER_AUDIO)
			return bad(err, errlen, "--offer is a send option");
	}
	if (o->bad_return_crypto && o->srtp_suite < 0)
		return bad(err, errlen, "--bad-return-crypto needs --srtp");
	if (o->fec && o->redundancy == 0)
		o->redundancy = 3;
	return 0;
}

int sf_spool_name(const char *dir, time_t t, const char *callid, char *buf,
		  size_t size)
{
	struct tm tm;
	char stamp[32], id[128];
	size_t i;
	int n;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (i = 0; callid && callid[i] && i + 1 < sizeof(id); i++) {
		char c = callid[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '-' ||
			  c == '_';

		id[i] = ok ? c : '_';
	}
	id[i] = '\0';
	/* a name never starts with a dot (hidden) */
	if (id[0] == '.')
		id[0] = '_';
	n = snprintf(buf, size, "%s/%s-%s.tif", dir, stamp, id[0] ? id : "x");
	if (n < 0 || (size_t)n >= size)
		return ENAMETOOLONG;
	return 0;
}

int sf_spool_next(const char *first, unsigned n, char *buf, size_t size)
{
	size_t len = strlen(first);
	int k;

	/* the stem without its ".tif", so the name still ends in it */
	if (len >= 4 && !strcmp(first + len - 4, ".tif"))
		len -= 4;
	k = snprintf(buf, size, "%.*s-%u%s", (int)len, first, n, first + len);
	if (k < 0 || (size_t)k >= size)
		return ENAMETOOLONG;
	return 0;
}

int sf_result_line(char *buf, size_t size, bool send, const char *file,
		   const char *callid, const struct sf_term_result *r)
{
	char text[128];
	size_t i;
	int n;

	/* the T.30 text goes quoted: no quotes inside */
	snprintf(text, sizeof(text), "%s", r->text ? r->text : "");
	for (i = 0; text[i]; i++)
		if (text[i] == '"')
			text[i] = '\'';
	n = snprintf(buf, size,
		     "result=%s dir=%s mode=%s file=%s callid=%s pages=%d"
		     " pages_in_file=%d bit_rate=%d ecm=%d t30_code=%d"
		     " t38_sent=%llu t38_received=%llu t38_recovered=%llu"
		     " t38_lost=%llu t38_bad=%llu t30_text=\"%s\"",
		     sf_term_result_ok(r, send) ? "ok" : "failed",
		     send ? "send" : "recv", sf_mode_name(r->mode), file,
		     callid ? callid : "-", r->pages,
		     send ? r->pages_in_file : r->pages, r->bit_rate,
		     r->ecm ? 1 : 0, r->code, (unsigned long long)r->pkts_tx,
		     (unsigned long long)r->pkts_rx,
		     (unsigned long long)r->recovered,
		     (unsigned long long)r->lost, (unsigned long long)r->bad,
		     text);
	if (n < 0 || (size_t)n >= size)
		return ENOSPC;
	return 0;
}
