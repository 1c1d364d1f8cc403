/*
 * The option table: every key of every section with its type, default,
 * bounds, check and help. The parser, the defaults, the bounds and the
 * sample file all come from it (cfg.c).
 */
#include "gateway/cfg_int.h"
#include "media/media.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const cfg_sect_names[S_COUNT] = {
	"general", "sip", "media", "fax", "security", "span", "trunk", "route",
};

const char *const cfg_sect_help[S_COUNT] = {
	"Process-wide settings.",
	"The SIP side: where pstngw listens and how its transactions time out.",
	"RTP media towards SIP peers.",
	"Fax: T.38 (UDPTL) or G.711 pass-through once a fax tone shows on the\n"
	"; PSTN side or the SIP side re-INVITEs to T.38.",
	("Per-source protection (access.c): a token bucket of requests per\n"
	 "; source IP, and temporary blocks: a blocked source's datagrams are\n"
	 "; dropped unread and its TCP/TLS connections closed at accept. The\n"
	 "; table holds 8192 sources (least recently seen ones are forgotten)."),
	/* parenthesized: clang's -Wstring-concatenation in an array */
	("One [span N] per PRI span (N = 1, 2, ...). The loop driver connects to\n"
	 "; a simulated PSTN (pstnsim) over a Unix socket; the dahdi driver runs\n"
	 "; a card (conf/dahdi-system.conf.example shows the DAHDI side)."),
	"One [trunk NAME] per SIP peer that routes can send calls to.",
	"Routes, tried in file order; the first whose source and prefix match\n"
	"; wins. Digits: strip leading ones, then add a prefix.",
};

static const char *const levels[] = { "err",  "warning", "notice",
				      "info", "debug",	 NULL };
static const char *const targets[] = { "stderr", "syslog", NULL };
static const char *const span_types[] = { "t1", "e1", NULL };
static const char *const roles[] = { "cpe", "net", NULL };
static const char *const switchtypes[] = { "ni2",      "national", "ni1",
					   "dms100",   "5ess",	   "4ess",
					   "euroisdn", "qsig",	   NULL };
static const char *const drivers[] = { "loop", "dahdi", "portaudio", NULL };
static const char *const froms[] = { "pstn", "sip", NULL };
/* enum tdm_hunt order (tdm_hunt_name) */
const char *const cfg_hunt_names[] = {
	"default",	 "ascending", "descending", "rr_ascending",
	"rr_descending", "lru",	      NULL
};
static const char *const noyes[] = { "no", "yes", NULL };
/* enum media_dtmf_mode order; the trunk's list starts with "default" (-1) */
static const char *const dtmf_modes[] = { "rfc4733", "inband", "info", NULL };
static const char *const tr_dtmf_modes[] = { "default", "rfc4733", "inband",
					     "info", NULL };
static const char *const jb_modes[] = { "fixed", "adaptive", NULL };
static const char *const onoff[] = { "off", "on", NULL };
static const char *const verifies[] = { "none", "peer", NULL };
static const char *const client_certs[] = { "optional", "require", NULL };
static const char *const transports[] = { "udp", "tcp", "tls", NULL };
/* enum cfg_fax_* order; a trunk's lists start with "default" (-1) */
static const char *const fax_modes[] = { "t38", "g711", "off", NULL };
static const char *const tr_fax_modes[] = { "default", "t38", "g711", "off",
					    NULL };
static const char *const fax_inits[] = { "pstn-detect", "sip-only", NULL };
static const char *const tr_fax_inits[] = { "default", "pstn-detect",
					    "sip-only", NULL };
static const char *const fax_detects[] = { "any", "ced-v21", "v21", NULL };
static const char *const fax_ecs[] = { "redundancy", "fec", "none", NULL };

static check_fn check_listen, check_listen2, check_tls_listen, check_trunk_addr,
	check_codecs, check_target, check_prefix;
static check_fn check_registrar, check_cred, check_algs, check_country;
static check_fn check_metrics_listen;
static check_fn check_q2s, check_s2q, check_digits;
static const char *const redir_hdrs[] = { "diversion", "history-info", "both",
					  "none", NULL };
static check_fn check_abs_path; /* operations (issue 7): captures */
/* encryption (issue 8): enum sdp_srtp order */
static const char *const srtp_modes[] = { "no", "optional", "required", NULL };
static check_fn check_srtp_suites;
static const char *const drain_modes[] = { "refuse", "busyout", NULL };
static const char *const unknown_srcs[] = { "refuse", "drop", NULL };
static check_fn check_acl, check_tr_rate, check_tr_burst; /* access */
static const char *const tr_noyes[] = { "default", "no", "yes", NULL };

#define G(field) \
	offsetof(struct gw_cfg, field), sizeof(((struct gw_cfg *)0)->field)
#define SP(field) \
	offsetof(struct cfg_span, field), sizeof(((struct cfg_span *)0)->field)
#define TR(field)                          \
	offsetof(struct cfg_trunk, field), \
		sizeof(((struct cfg_trunk *)0)->field)
#define FX(field)                           \
	offsetof(struct gw_cfg, fax.field), \
		sizeof(((struct gw_cfg *)0)->fax.field)
#define RT(field)                          \
	offsetof(struct cfg_route, field), \
		sizeof(((struct cfg_route *)0)->field)

const struct opt cfg_opts[] = {
	{ S_GENERAL, "log_level", T_ENUM, "info", 0, 0, levels, 3, G(log_level),
	  NULL, "Lowest severity logged." },
	{ S_GENERAL, "log_target", T_ENUM, "stderr", 0, 0, targets, 0,
	  G(log_target), NULL, "Where log lines go (syslog facility daemon)." },
	{ S_GENERAL, "pid_file", T_STR, "", 0, 0, NULL, 0, G(pid_file), NULL,
	  "File the daemon writes its PID to (and removes on exit); empty: none." },
	/* records and metrics (cdr.c, metrics.c) */
	{ S_GENERAL, "cdr_file", T_STR, "", 0, 0, NULL, 0, G(cdr_file), NULL,
	  "CSV file that gets one line per ended call (header line first);\n"
	  "; reopened on SIGHUP for log rotation; empty: no CDRs." },
	{ S_GENERAL, "metrics_listen", T_STR, "", 0, 0, NULL, 0,
	  G(metrics_listen), check_metrics_listen,
	  "Loopback address:port serving Prometheus metrics at GET /metrics\n"
	  "; (127.0.0.1:9464 or [::1]:9464); empty: off." },
	{ S_GENERAL, "control_socket", T_STR, "/run/pstngw/ctl.sock", 0, 0,
	  NULL, 0, G(ctl_socket), NULL,
	  "Unix socket pstngw-ctl talks to (its directory is made if missing); empty: none." },
	/* captures (capture.c); absolute: the daemon runs in / */
	{ S_GENERAL, "capture_sip", T_STR, "", 0, 0, NULL, 0, G(capture_sip),
	  check_abs_path,
	  "pcap file (absolute path) that gets every SIP message sent or\n"
	  "; received, as IP/UDP or IP/TCP between the real addresses (TLS as\n"
	  "; its plaintext); reopened on SIGHUP; empty: off." },
	{ S_GENERAL, "capture_dchan", T_STR, "", 0, 0, NULL, 0,
	  G(capture_dchan), check_abs_path,
	  "pcap file (absolute path, Linux LAPD link type) that gets every\n"
	  "; D-channel frame of every span; reopened on SIGHUP; empty: off." },
	/* routing (route.h, route_file.c) */
	{ S_GENERAL, "route_file", T_STR, "", 0, 0, NULL, 0, G(route_file),
	  NULL,
	  "Route table file (see routes.conf: match on numbers, source and time,\n"
	  "; rewrites, alternatives, limits, fax routes); empty: the [route]\n"
	  "; sections below. Both together are refused." },
	/* scale-out (issue 9, drain.c): drain mode and OPTIONS health */
	{ S_GENERAL, "drain_mode", T_ENUM, "refuse", 0, 0, drain_modes, 0,
	  G(drain_mode), NULL,
	  "While draining (pstngw-ctl drain): refuse: new PRI calls are refused\n"
	  "; with drain_cause; busyout: also take idle B-channels out of service\n"
	  "; with SERVICE messages (ni2/national/5ess/4ess spans with\n"
	  "; service_messages), back in service on undrain." },
	{ S_GENERAL, "drain_cause", T_UINT, "34", 1, 127, NULL, 0,
	  G(drain_cause), NULL,
	  "Q.850 cause refusing new PRI calls while draining; 34 (no circuit\n"
	  "; available) makes switches route the call to another trunk group." },
	{ S_GENERAL, "retry_after_s", T_UINT, "60", 0, 86400, NULL, 0,
	  G(retry_after_s), NULL,
	  "Retry-After (s) of the 503s answering new INVITEs while draining and\n"
	  "; OPTIONS while unhealthy or draining; 0: no Retry-After header." },
	{ S_GENERAL, "options_health", T_ENUM, "yes", 0, 0, noyes, 0,
	  G(options_health), NULL,
	  "yes: out-of-dialog OPTIONS get 200 only while some span is up with an\n"
	  "; idle B-channel, else 503 (load balancer probes see the truth); no:\n"
	  "; 200 (for peers that stop sending calls to a trunk answering 503).\n"
	  "; Draining answers 503 either way." },
	/* overload control (issue 8, overload.c) */
	{ S_GENERAL, "max_calls", T_UINT, "0", 0, 1000000, NULL, 0,
	  G(max_calls), NULL,
	  "Calls in progress at most, both ways; beyond it new INVITEs get 503\n"
	  "; with Retry-After and new PRI calls cause 34, before any channel or\n"
	  "; media is taken; 0: no limit." },
	{ S_GENERAL, "overload_busy_pct", T_UINT, "0", 0, 100, NULL, 0,
	  G(overload_busy_pct), NULL,
	  "Signalling overload by load: while the signalling thread is busy this\n"
	  "; share (%) of the time, fewer new calls are taken (as for\n"
	  "; overload_queue_ms). At full capacity the thread is nearly always\n"
	  "; busy, so a limit below 100 also sheds calls it could carry; 0: off." },
	{ S_GENERAL, "overload_queue_ms", T_UINT, "300", 0, 60000, NULL, 0,
	  G(overload_queue_ms), NULL,
	  "Signalling overload: a new INVITE that waited this long (ms) in the\n"
	  "; UDP socket before being read is refused at once (503 with\n"
	  "; Retry-After): the thread is behind and the caller retransmits\n"
	  "; anyway. Waits of a quarter of it cut the share of new calls taken\n"
	  "; (by a quarter each 100 ms; the rest get 503, PRI cause 42), calm\n"
	  "; (under an eighth) grows it back (a twentieth each 100 ms), so calls\n"
	  "; up and in setup keep the thread and goodput stays near capacity;\n"
	  "; 0: off." },
	{ S_GENERAL, "overload_retry_after_s", T_UINT, "5", 0, 86400, NULL, 0,
	  G(overload_retry_after_s), NULL,
	  "Retry-After (s) of the 503s refusing new INVITEs under overload\n"
	  "; (max_calls, max_calls_per_worker, no idle B-channel, signalling);\n"
	  "; 0: no Retry-After header." },

	{ S_SIP, "listen", T_STR, "127.0.0.1:5060", 0, 0, NULL, 0,
	  G(sip_listen), check_listen,
	  "address:port for SIP over UDP (and TCP): 192.0.2.1:5060 or [2001:db8::1]:5060." },
	{ S_SIP, "listen2", T_STR, "", 0, 0, NULL, 0, G(sip_listen2),
	  check_listen2,
	  "A second address:port of the other IP family ([::1]:5060 beside\n"
	  "; 127.0.0.1:5060), served like listen; empty: none." },
	{ S_SIP, "udp_rcvbuf_kb", T_UINT, "4096", 0, 1048576, NULL, 0,
	  G(udp_rcvbuf_kb), NULL,
	  "Receive buffer of the SIP UDP sockets (kB, kernel overhead\n"
	  "; included: about half of it is SIP). Room for bursts while the\n"
	  "; signalling thread catches up; beyond it the kernel drops datagrams,\n"
	  "; which counts as overload (pstngw_sip_udp_dropped_total). Set past\n"
	  "; net.core.rmem_max when run as root (CAP_NET_ADMIN); 0: the\n"
	  "; kernel's default." },
	{ S_SIP, "tcp", T_ENUM, "on", 0, 0, onoff, 0, G(sip_tcp), NULL,
	  "on: also accept and open SIP over TCP on the listen address." },
	{ S_SIP, "tcp_idle_s", T_UINT, "300", 5, 86400, NULL, 0, G(tcp_idle_s),
	  NULL, "A TCP or TLS connection idle this long is closed." },
	{ S_SIP, "tcp_max_conns", T_UINT, "256", 1, 10000, NULL, 0,
	  G(tcp_max_conns), NULL,
	  "Most TCP and TLS connections open at once; more are refused." },
	{ S_SIP, "tcp_max_conns_per_ip", T_UINT, "32", 1, 10000, NULL, 0,
	  G(tcp_max_conns_per_ip), NULL,
	  "Most TCP and TLS connections from (or to) one IP address." },
	{ S_SIP, "tls_listen", T_STR, "", 0, 0, NULL, 0, G(tls_listen),
	  check_tls_listen,
	  "address:port for SIP over TLS (port 5061 by default); empty: no TLS server." },
	{ S_SIP, "tls_cert", T_STR, "", 0, 0, NULL, 0, G(tls_cert), NULL,
	  "PEM certificate (chain) the TLS server presents." },
	{ S_SIP, "tls_key", T_STR, "", 0, 0, NULL, 0, G(tls_key), NULL,
	  "PEM private key of tls_cert; empty: read from tls_cert." },
	{ S_SIP, "tls_ca", T_STR, "", 0, 0, NULL, 0, G(tls_ca), NULL,
	  "PEM CA certificates that peers' certificates must chain to." },
	{ S_SIP, "tls_verify", T_ENUM, "peer", 0, 0, verifies, 0, G(tls_verify),
	  NULL,
	  "peer: a TLS server we connect to (and a client offering a certificate)\n"
	  "; must present a certificate signed by tls_ca; none: not checked. TLS 1.2+." },
	{ S_SIP, "tls_client_cert", T_ENUM, "optional", 0, 0, client_certs, 0,
	  G(tls_client_cert), NULL,
	  "TLS server: optional: a client may connect without a certificate\n"
	  "; (one it offers is checked as tls_verify says); require: a client\n"
	  "; must present one signed by tls_ca, or the handshake is refused\n"
	  "; (mutual TLS: only holders of such certificates reach SIP at all)." },
	{ S_SIP, "domain", T_STR, "", 0, 0, NULL, 0, G(sip_domain), NULL,
	  "Host part of From URIs; empty: the listen address." },
	{ S_SIP, "user_agent", T_STR, "pstngw", 0, 0, NULL, 0, G(user_agent),
	  NULL, "User-Agent and Server header value." },
	{ S_SIP, "t1_ms", T_UINT, "500", 50, 10000, NULL, 0, G(t1_ms), NULL,
	  "RFC 3261 T1: round-trip estimate, first retransmit interval." },
	{ S_SIP, "t2_ms", T_UINT, "4000", 100, 60000, NULL, 0, G(t2_ms), NULL,
	  "RFC 3261 T2: longest retransmit interval for non-INVITE requests." },
	{ S_SIP, "t4_ms", T_UINT, "5000", 100, 60000, NULL, 0, G(t4_ms), NULL,
	  "RFC 3261 T4: how long a message may stay in the network." },
	{ S_SIP, "no_answer_s", T_UINT, "60", 1, 600, NULL, 0, G(no_answer_s),
	  NULL,
	  "Unanswered calls are released after this many seconds (cause 19 / 480)." },
	{ S_SIP, "session_expires_s", T_UINT, "1800", 0, 86400, NULL, 0,
	  G(session_expires_s), NULL,
	  "RFC 4028 session interval asked for in our INVITEs and offered to "
	  "callers that support timers; 0: none asked." },
	{ S_SIP, "min_se_s", T_UINT, "90", 90, 86400, NULL, 0, G(min_se_s),
	  NULL,
	  "RFC 4028 Min-SE: shorter session intervals are refused with 422." },
	{ S_SIP, "realm", T_STR, "", 0, 0, NULL, 0, G(sip_realm), check_cred,
	  "Digest realm of challenges to trunks with inbound_password; empty:\n"
	  "; domain, else the listen address." },
	{ S_SIP, "auth_algorithms", T_STR, "sha-256,md5", 0, 0, NULL, 0,
	  G(sip_auth_algs), check_algs,
	  "Digest algorithms of those challenges, in order of preference:\n"
	  "; sha-256, sha-512-256, md5 (some phones take only the first)." },

	/* interworking (issue 7) */
	{ S_SIP, "q850_to_sip", T_STR, "", 0, 0, NULL, 0, G(q850_to_sip),
	  check_q2s,
	  "Q.850 cause -> SIP status overrides for every trunk, 'cause:status'\n"
	  "; comma separated (17:486, 34:503); unlisted causes follow RFC 3398\n"
	  "; (and Q.1912.5), except 19 -> 480 and 102 -> 408. A trunk's win." },
	{ S_SIP, "sip_to_q850", T_STR, "", 0, 0, NULL, 0, G(sip_to_q850),
	  check_s2q,
	  "SIP status -> Q.850 cause overrides, 'status:cause' (404:1, 503:41);\n"
	  "; a Reason header's Q.850 cause in the response wins over any table." },

	{ S_MEDIA, "rtp_ip", T_STR, "", 0, 0, NULL, 0, G(rtp_ip), NULL,
	  "Address RTP sockets bind to and SDP announces; empty: the SIP address." },
	{ S_MEDIA, "rtp_port_min", T_UINT, "16384", 1024, 65534, NULL, 0,
	  G(rtp_port_min), NULL, "Lowest RTP port (even)." },
	{ S_MEDIA, "rtp_port_max", T_UINT, "32767", 1025, 65535, NULL, 0,
	  G(rtp_port_max), NULL, "Highest RTP port." },
	{ S_MEDIA, "codecs", T_STR, "pcmu,pcma", 0, 0, NULL, 0, G(codecs),
	  check_codecs,
	  "Codec preference, comma separated: pcmu, pcma, g722, g726-32,\n"
	  "; aal2-g726-32, gsm, opus. A trunk's codecs replace it." },
	{ S_MEDIA, "ptime_ms", T_UINT, "20", 10, 60, NULL, 0, G(ptime_ms), NULL,
	  "Packetization time in milliseconds (multiple of 10)." },
	{ S_MEDIA, "jitter_ms", T_UINT, "40", 0, 500, NULL, 0, G(jitter_ms),
	  NULL,
	  "Jitter buffer delay: fixed mode's depth, adaptive mode's start." },
	/* media features through the gateway (issue 5) */
	{ S_MEDIA, "jitter_mode", T_ENUM, "adaptive", 0, 0, jb_modes, 0,
	  G(jitter_adaptive), NULL,
	  "adaptive: the delay follows the measured jitter within min..max;\n"
	  "; fixed: jitter_ms. Fax/modem calls switch to fixed when detected." },
	{ S_MEDIA, "jitter_min_ms", T_UINT, "20", 10, 1000, NULL, 0,
	  G(jitter_min_ms), NULL, "Adaptive jitter buffer: lowest delay." },
	{ S_MEDIA, "jitter_max_ms", T_UINT, "200", 10, 1000, NULL, 0,
	  G(jitter_max_ms), NULL, "Adaptive jitter buffer: highest delay." },
	{ S_MEDIA, "dtmf_mode", T_ENUM, "rfc4733", 0, 0, dtmf_modes, 0,
	  G(dtmf_mode), NULL,
	  "DTMF towards SIP: rfc4733 (telephone-event), inband (left in the\n"
	  "; audio) or info (SIP INFO dtmf-relay). A trunk's dtmf_mode wins." },
	{ S_MEDIA, "opus_fec", T_ENUM, "yes", 0, 0, noyes, 0, G(opus_fec), NULL,
	  "Opus: announce useinbandfec=1 (we decode in-band FEC)." },
	{ S_MEDIA, "opus_dtx", T_ENUM, "no", 0, 0, noyes, 0, G(opus_dtx), NULL,
	  "Opus: announce usedtx=1 (the peer may stop sending in silence)." },
	{ S_MEDIA, "opus_maxplaybackrate", T_UINT, "8000", 8000, 48000, NULL, 0,
	  G(opus_maxplaybackrate), NULL,
	  "Opus: maxplaybackrate we announce, Hz (the PSTN side is 8000)." },
	{ S_MEDIA, "comfort_noise", T_ENUM, "yes", 0, 0, noyes, 0,
	  G(comfort_noise), NULL,
	  "Offer and accept RFC 3389 comfort noise (CN/8000, payload type 13)." },
	{ S_MEDIA, "tone_country", T_STR, "us", 0, 0, NULL, 0, G(tone_country),
	  check_country,
	  "Call progress tones (ringback, busy, congestion) of this country;\n"
	  "; a span's tone_country wins." },
	{ S_MEDIA, "early_ringback", T_ENUM, "no", 0, 0, noyes, 0,
	  G(early_ringback), NULL,
	  "yes: SIP->PSTN ALERTING becomes 183 with SDP: the PSTN's in-band\n"
	  "; tones, or our own ringback when it has none. no: 180 only." },
	{ S_MEDIA, "release_tone", T_ENUM, "no", 0, 0, noyes, 0,
	  G(release_tone), NULL,
	  "yes: a call that fails before answer with busy (cause 17) or\n"
	  "; congestion (34, 38, 41, 42, 44, 47) first plays that tone for\n"
	  "; release_tone_s: to a SIP caller as 183 early media when the PSTN\n"
	  "; clears (it gives no in-band tone through us); to a PSTN caller\n"
	  "; (PROGRESS, in-band information) when the SIP side fails and the\n"
	  "; span is the network side. no (RFC 3398 practice): release at once." },
	{ S_MEDIA, "release_tone_s", T_UINT, "4", 1, 30, NULL, 0,
	  G(release_tone_s), NULL,
	  "How long release_tone plays before the final response or DISCONNECT." },
	/* media runtime (RTP/RTCP, workers) */
	{ S_MEDIA, "rtcp_interval_ms", T_UINT, "5000", 0, 60000, NULL, 0,
	  G(rtcp_interval_ms), NULL,
	  "RTCP report interval before randomisation (RFC 3550 Tmin); 0: no RTCP." },
	{ S_MEDIA, "latch_silence_ms", T_UINT, "2000", 100, 60000, NULL, 0,
	  G(latch_silence_ms), NULL,
	  "RTP from a new port of the negotiated address with a new SSRC is taken only after the current source was silent this long." },
	{ S_MEDIA, "workers", T_UINT, "0", 0, 64, NULL, 0, G(media_workers),
	  NULL, "Media worker threads; 0: one per online CPU." },
	{ S_MEDIA, "realtime_priority", T_UINT, "10", 0, 98, NULL, 0,
	  G(realtime_priority), NULL,
	  "SCHED_FIFO priority of the media workers and the signalling thread\n"
	  "; (it carries the TDM clock); 0: normal scheduling. Needs root,\n"
	  "; CAP_SYS_NICE or LimitRTPRIO; refused: one log line, runs without.\n"
	  "; Keep it below the kernel's interrupt threads (50)." },
	{ S_MEDIA, "busy_wait_us", T_UINT, "300", 0, 5000, NULL, 0,
	  G(busy_wait_us), NULL,
	  "Microseconds a media worker is awake before each TDM block is due\n"
	  "; (and the signalling thread after handing the blocks over, for\n"
	  "; the answers), busy instead of asleep: an idle CPU can take\n"
	  "; milliseconds to wake (a VM's idle vCPU), added to every block's\n"
	  "; latency. Costs about busy_wait_us / 10000 of a core per worker.\n"
	  "; 0: always asleep." },
	{ S_MEDIA, "max_calls_per_worker", T_UINT, "0", 0, 100000, NULL, 0,
	  G(max_calls_per_worker), NULL,
	  "Calls a media worker carries at most; once the least loaded has\n"
	  "; them, new calls are refused (SIP 503 with Retry-After, PRI cause\n"
	  "; 34) so the calls up keep their ticks; 0: no limit." },
	{ S_MEDIA, "max_worker_load_pct", T_UINT, "80", 0, 100, NULL, 0,
	  G(max_worker_load_pct), NULL,
	  "Media worker saturation: once even the least loaded worker spends\n"
	  "; this share (%) of the wall time in its 20 ms ticks (measured over\n"
	  "; 200 ms; time lost to other threads counts), new calls are refused\n"
	  "; as for max_calls_per_worker, before a tick runs late and the calls\n"
	  "; up lose audio; 0: not looked at." },
	{ S_MEDIA, "lock_memory", T_ENUM, "yes", 0, 0, noyes, 0, G(lock_memory),
	  NULL,
	  "With realtime_priority: keep pages once touched in RAM (mlockall,\n"
	  "; on fault); only with CAP_IPC_LOCK or LimitMEMLOCK=infinity." },
	{ S_MEDIA, "echo_tail_ms", T_UINT, "64", 0, 256, NULL, 0,
	  G(echo_tail_ms), NULL,
	  "Line echo canceller tail on the TDM side (8..256); 0: off." },
	{ S_MEDIA, "dtmf_detect", T_UINT, "1", 0, 1, NULL, 0, G(dtmf_detect),
	  NULL,
	  "1: digits from the PSTN are detected in-band and, when the peer takes telephone-event, muted and sent as RFC 4733." },

	/* fax (issue 6): gateway/call_fax.c */
	{ S_FAX, "mode", T_ENUM, "t38", 0, 0, fax_modes, 0, FX(mode), NULL,
	  "t38: a fax goes over T.38 when the far end takes it, else G.711;\n"
	  "; g711: pass-through only (T.38 re-INVITEs refused with 488);\n"
	  "; off: no fax handling (no detection, T.38 refused)." },
	{ S_FAX, "initiate", T_ENUM, "pstn-detect", 0, 0, fax_inits, 0,
	  FX(initiate), NULL,
	  "pstn-detect: a fax tone from the PSTN makes us re-INVITE to T.38\n"
	  "; (after wait_ms, unless the far end did); sip-only: only the SIP\n"
	  "; side's re-INVITE switches. Either way the far end's is accepted." },
	{ S_FAX, "detect", T_ENUM, "any", 0, 0, fax_detects, 0, FX(detect),
	  NULL,
	  "Tones from the PSTN that count as fax: any (CNG, CED, V.21\n"
	  "; preamble), ced-v21 (not CNG: a caller may still talk) or v21." },
	{ S_FAX, "wait_ms", T_UINT, "1500", 0, 30000, NULL, 0, FX(wait_ms),
	  NULL,
	  "After a fax tone, how long the far end has to re-INVITE to T.38\n"
	  "; before we do; 0: at once." },
	{ S_FAX, "t38_version", T_UINT, "3", 0, 3, NULL, 0, FX(version), NULL,
	  "Highest T38FaxVersion offered or answered (the lower side's wins)." },
	{ S_FAX, "max_bitrate", T_UINT, "14400", 2400, 14400, NULL, 0,
	  FX(max_bitrate), NULL,
	  "T38MaxBitRate offered and answered: no V.34 here, 14400 (V.17) at most." },
	{ S_FAX, "ecm", T_ENUM, "yes", 0, 0, noyes, 0, FX(ecm), NULL,
	  "Let the fax machines use error correction mode (and T.6)." },
	{ S_FAX, "error_correction", T_ENUM, "redundancy", 0, 0, fax_ecs, 0,
	  FX(ec), NULL,
	  "UDPTL error recovery offered and sent (T38FaxUdpEC): redundancy,\n"
	  "; fec (parity) or none. What the far end sends is always decoded." },
	{ S_FAX, "redundancy_control", T_UINT, "4", 0, 8, NULL, 0,
	  FX(redundancy_control), NULL,
	  "Redundancy: earlier IFPs repeated after indicators and T.30 control." },
	{ S_FAX, "redundancy_image", T_UINT, "4", 0, 8, NULL, 0,
	  FX(redundancy_image), NULL,
	  ("Redundancy: earlier IFPs repeated after image data (2 loses\n"
	   "; rows when three datagrams in a row are lost).") },
	{ S_FAX, "fec_span", T_UINT, "3", 1, 16, NULL, 0, FX(fec_span), NULL,
	  "FEC: IFPs each parity entry covers." },
	{ S_FAX, "fec_entries", T_UINT, "3", 1, 8, NULL, 0, FX(fec_entries),
	  NULL, "FEC: parity entries per datagram." },
	{ S_FAX, "max_datagram", T_UINT, "400", 100, 1400, NULL, 0,
	  FX(max_datagram), NULL,
	  "T38FaxMaxDatagram we announce: the largest UDPTL datagram we take." },
	{ S_FAX, "fill_bit_removal", T_ENUM, "no", 0, 0, noyes, 0,
	  FX(fill_bit_removal), NULL,
	  "Offer and accept T38FaxFillBitRemoval." },
	{ S_FAX, "nsx_suppress", T_ENUM, "no", 0, 0, noyes, 0, FX(nsx_suppress),
	  NULL,
	  "Blank NSF/NSC/NSS frames so machines of one maker do not try\n"
	  "; private modes across the gateway." },
	{ S_FAX, "watchdog_ms", T_UINT, "30000", 2000, 600000, NULL, 0,
	  FX(watchdog_ms), NULL,
	  "A call in T.38 that receives no UDPTL datagram, and sends no new\n"
	  "; message, for this long is released (cause 41, logged) while its\n"
	  "; fax runs; after the fax's DCN, see idle_release." },
	{ S_FAX, "g711_jitter_ms", T_UINT, "160", 0, 500, NULL, 0,
	  FX(g711_jitter_ms), NULL,
	  "G.711 pass-through: the jitter buffer, fixed for the fax, is made\n"
	  "; at least this deep (0: it keeps the delay it had). A fax loses\n"
	  "; nothing to delay, but every underrun garbles the modem signal." },
	{ S_FAX, "trace_dir", T_STR, "", 0, 0, NULL, 0, FX(trace_dir), NULL,
	  "Directory getting the T.30 phase trace of each failed fax\n"
	  "; (fax-<call>-<time>.txt, path logged); empty: the trace goes to the\n"
	  "; log at warning level." },
	/* fax-tcf: our own re-INVITE back to audio after a T.38 fax */
	{ S_FAX, "return_to_audio", T_ENUM, "yes", 0, 0, noyes, 0,
	  FX(return_to_audio), NULL,
	  "yes: once a T.38 fax has ended (T.30 DCN) and the call is still up\n"
	  "; return_delay_ms later, we re-INVITE back to audio (refused: T.38\n"
	  "; stays until hangup). no: only the far end's re-INVITE does it." },
	{ S_FAX, "return_delay_ms", T_UINT, "1000", 0, 30000, NULL, 0,
	  FX(return_delay_ms), NULL,
	  "After the fax's DCN, how long before our re-INVITE back to audio\n"
	  "; (most fax servers hang up first)." },
	/* fax6: a finished fax's T.38 gone silent (return refused or off) */
	{ S_FAX, "idle_release", T_ENUM, "no", 0, 0, noyes, 0, FX(idle_release),
	  NULL,
	  "After a T.38 fax's DCN, silence is normal. no: the call stays up\n"
	  "; until either side hangs up. yes: the call is released with\n"
	  "; cause 16 (normal clearing) once watchdog_ms passes silent." },

	/* access (issue 8, access.c) */
	{ S_SIP, "unknown_sources", T_ENUM, "refuse", 0, 0, unknown_srcs, 0,
	  G(unknown_sources), NULL,
	  "Out-of-dialog requests but OPTIONS (INVITE, SUBSCRIBE, ...) from a\n"
	  "; source no trunk's acl matches: refuse (403 Forbidden, logged) or\n"
	  "; drop (no answer, logged: scanners learn nothing). Both count as\n"
	  "; failures of the source ([security])." },
	{ S_SECURITY, "rate_limit", T_UINT, "20", 0, 100000, NULL, 0,
	  G(guard.rate), NULL,
	  "SIP packets per second a source IP may send (a token bucket); one\n"
	  "; over it blocks the source for block_s; 0: no limit." },
	{ S_SECURITY, "rate_burst", T_UINT, "40", 1, 100000, NULL, 0,
	  G(guard.burst), NULL,
	  "Bucket depth: packets a source may send at once." },
	{ S_SECURITY, "auth_failures", T_UINT, "5", 0, 1000, NULL, 0,
	  G(guard.failures), NULL,
	  "Failed digest authentications plus refused requests (no trunk acl,\n"
	  "; in-dialog from no source of the dialog's peer)\n"
	  "; of a source within window_s that block it for block_s; 0: never." },
	{ S_SECURITY, "window_s", T_UINT, "60", 1, 86400, NULL, 0,
	  G(guard.window_s), NULL, "The window auth_failures are counted in." },
	{ S_SECURITY, "block_s", T_UINT, "300", 0, 604800, NULL, 0,
	  G(guard.block_s), NULL,
	  "How long a block lasts (pstngw-ctl unblock IP ends one early); 0:\n"
	  "; never block (rate_limit then only drops the excess)." },
	{ S_SECURITY, "exempt_trunks", T_ENUM, "yes", 0, 0, noyes, 0,
	  G(exempt_trunks), NULL,
	  "yes: sources of trunks whose acl names single hosts are never rate\n"
	  "; limited nor blocked (a proxy carrying many calls); acls wider than\n"
	  "; a host are never exempt (a trunk's exempt overrides this)." },
	{ S_SECURITY, "block_file", T_STR, "", 0, 0, NULL, 0, G(block_file),
	  check_abs_path,
	  "File (absolute path, e.g. /var/lib/pstngw/blocks) keeping the\n"
	  "; blocked sources over a restart: written (to FILE.tmp, then renamed)\n"
	  "; at most every 5 s while blocks change and at shutdown, read at\n"
	  "; start (expired blocks dropped; a bad file is a warning, not a\n"
	  "; failed start); empty: blocks end with the process." },

	{ S_SPAN, "type", T_ENUM, "t1", 0, 0, span_types, 0, SP(type), NULL,
	  "t1 (23B+D, mu-law) or e1 (30B+D, A-law)." },
	{ S_SPAN, "role", T_ENUM, "cpe", 0, 0, roles, 0, SP(role), NULL,
	  "Our side of the D-channel: cpe (user) or net (network)." },
	{ S_SPAN, "switchtype", T_ENUM, "ni2", 0, 0, switchtypes, 0,
	  SP(switchtype), NULL, "Q.931 variant of the far switch." },
	{ S_SPAN, "driver", T_ENUM, "loop", 0, 0, drivers, 0, SP(driver), NULL,
	  "loop: pstnsim over a Unix socket; dahdi: a T1/E1 card; portaudio: "
	  "a sound device as a one-channel console." },
	{ S_SPAN, "path", T_STR, NULL, 0, 0, NULL, 0, SP(path), NULL,
	  "loop driver: the Unix socket pstnsim listens on." },
	{ S_SPAN, "dahdi_base", T_UINT, "0", 0, 4096, NULL, 0, SP(dahdi_base),
	  NULL,
	  "dahdi driver: DAHDI channel number of timeslot 1 (see dahdi_cfg -v); "
	  "0: (N-1)*24+1 on T1, (N-1)*31+1 on E1." },
	{ S_SPAN, "device", T_STR, "", 0, 0, NULL, 0, SP(device), NULL,
	  "portaudio driver: sound device name or part of it; empty: the "
	  "default device." },
	{ S_SPAN, "console_fifo", T_STR, "", 0, 0, NULL, 0, SP(console_fifo),
	  NULL,
	  "portaudio driver: FIFO taking commands, one a line: dial NUMBER, "
	  "answer, hangup, digits D; empty: none." },
	{ S_SPAN, "console_number", T_STR, "", 0, 0, NULL, 0,
	  SP(console_number), NULL,
	  "portaudio driver: calling number of calls dialled from the console." },
	{ S_SPAN, "auto_answer_ms", T_UINT, "0", 0, 600000, NULL, 0,
	  SP(auto_answer_ms), NULL,
	  "portaudio driver: answer calls to the console after this long; 0: "
	  "only with the answer command." },
	{ S_SPAN, "group", T_STR, "pri", 0, 0, NULL, 0, SP(group),
	  cfg_check_name, "Span group that routes name to reach this span." },
	/* PRI signalling (issue 4) */
	{ S_SPAN, "hunt", T_ENUM, "default", 0, 0, cfg_hunt_names, 0, SP(hunt),
	  NULL,
	  "B-channel hunting for outgoing calls, across the spans of the group\n"
	  "; (spans of one group must agree): default (descending on net,\n"
	  "; ascending on cpe), ascending, descending, rr_ascending,\n"
	  "; rr_descending (round robin), lru (least recently used)." },
	{ S_SPAN, "overlap", T_ENUM, "no", 0, 0, noyes, 0, SP(overlap), NULL,
	  "Overlap receiving: a SETUP without sending complete collects digits\n"
	  "; until '#', overlap_digits or t302_ms after the last one." },
	{ S_SPAN, "overlap_digits", T_UINT, "0", 0, 31, NULL, 0,
	  SP(overlap_digits), NULL,
	  "Overlap receiving: number complete at this length; 0: no limit." },
	{ S_SPAN, "service_messages", T_ENUM, "yes", 0, 0, noyes, 0,
	  SP(service_messages), NULL,
	  "Send SERVICE (busy out / in service) where the switchtype has them\n"
	  "; (ni2, 5ess, 4ess)." },
	{ S_SPAN, "restart_on_start", T_ENUM, "yes", 0, 0, noyes, 0,
	  SP(restart_on_start), NULL,
	  "RESTART every B-channel when the D-channel first comes up." },
	{ S_SPAN, "dchan_rate_limit", T_ENUM, "no", 0, 0, noyes, 0,
	  SP(dchan_rate_limit), NULL,
	  "loop driver: pace the D-channel at 64 kbit/s like a real line." },
	{ S_SPAN, "t200_ms", T_UINT, "0", 0, 60000, NULL, 0, SP(t200_ms), NULL,
	  "Q.921 T200 (retransmission); 0: libpri's default (1000)." },
	{ S_SPAN, "t203_ms", T_UINT, "0", 0, 600000, NULL, 0, SP(t203_ms), NULL,
	  "Q.921 T203 (idle link check); 0: default (10000)." },
	{ S_SPAN, "n200", T_UINT, "0", 0, 20, NULL, 0, SP(n200), NULL,
	  "Q.921 N200 (retransmissions); 0: default (3)." },
	{ S_SPAN, "k", T_UINT, "0", 0, 127, NULL, 0, SP(k), NULL,
	  "Q.921 k (outstanding I-frames); 0: default (7)." },
	{ S_SPAN, "t302_ms", T_UINT, "0", 0, 600000, NULL, 0, SP(t302_ms), NULL,
	  "Q.931 T302 (overlap inter-digit); 0: default (15000)." },
	{ S_SPAN, "t303_ms", T_UINT, "0", 0, 600000, NULL, 0, SP(t303_ms), NULL,
	  "Q.931 T303 (SETUP unanswered); 0: default (4000)." },
	{ S_SPAN, "t305_ms", T_UINT, "0", 0, 600000, NULL, 0, SP(t305_ms), NULL,
	  "Q.931 T305 (DISCONNECT unanswered); 0: default (30000)." },
	{ S_SPAN, "t308_ms", T_UINT, "0", 0, 600000, NULL, 0, SP(t308_ms), NULL,
	  "Q.931 T308 (RELEASE unanswered); 0: default (4000)." },
	{ S_SPAN, "t309_ms", T_UINT, "0", 0, 600000, NULL, 0, SP(t309_ms), NULL,
	  "Q.931 T309 (calls survive a D-channel outage this long); 0: default\n"
	  "; (6000)." },
	{ S_SPAN, "t310_ms", T_UINT, "0", 0, 600000, NULL, 0, SP(t310_ms), NULL,
	  "Q.931 T310 (after CALL PROCEEDING); 0: default (off)." },
	{ S_SPAN, "t313_ms", T_UINT, "0", 0, 600000, NULL, 0, SP(t313_ms), NULL,
	  "Q.931 T313 (CONNECT unacknowledged, cpe); 0: default (4000)." },
	{ S_SPAN, "t316_ms", T_UINT, "0", 0, 600000, NULL, 0, SP(t316_ms), NULL,
	  "Q.931 T316 (RESTART retransmission); 0: default (off)." },
	{ S_SPAN, "n316", T_UINT, "0", 0, 20, NULL, 0, SP(n316), NULL,
	  "Q.931 N316 (RESTART transmissions with T316); 0: default (2)." },
	{ S_SPAN, "tone_country", T_STR, "", 0, 0, NULL, 0, SP(tone_country),
	  check_country,
	  "Call progress tones of this span's country; empty: [media]'s." },

	/* interworking (issue 7) */
	{ S_SPAN, "country_code", T_STR, "", 0, 0, NULL, 0, SP(country_code),
	  check_digits,
	  "Country code of the span's network (1, 49): numbers become E.164\n"
	  "; (+CC...) towards SIP and back by their type of number and the\n"
	  "; prefixes below; empty: passed as they are ('+' for international)." },
	{ S_SPAN, "national_prefix", T_STR, "0", 0, 0, NULL, 0,
	  SP(national_prefix), check_digits,
	  "Trunk prefix of national numbers dialled with type unknown (0; 1 in NANP)." },
	{ S_SPAN, "international_prefix", T_STR, "00", 0, 0, NULL, 0,
	  SP(international_prefix), check_digits,
	  "Prefix of international numbers dialled with type unknown (00; 011 in NANP)." },

	{ S_TRUNK, "address", T_STR, NULL, 0, 0, NULL, 0, TR(addr),
	  check_trunk_addr,
	  "address[:port] of the SIP peer: 192.0.2.9, [2001:db8::9]:5070 (port 5060,\n"
	  "; or 5061 for tls, by default)." },
	{ S_TRUNK, "transport", T_ENUM, "udp", 0, 0, transports, 0,
	  TR(transport), NULL,
	  "udp, tcp or tls (requests over 1300 bytes go over TCP anyway)." },
	{ S_TRUNK, "user", T_STR, "", 0, 0, NULL, 0, TR(user), check_cred,
	  "Our user name at this trunk: the registered AOR's user and the\n"
	  "; Contact user (calls to it arrive with this user in the Request-URI)." },
	{ S_TRUNK, "auth_user", T_STR, "", 0, 0, NULL, 0, TR(auth_user),
	  check_cred, "Digest user name; empty: user." },
	{ S_TRUNK, "password", T_STR, "", 0, 0, NULL, 0, TR(password),
	  check_cred,
	  "Answers the trunk's 401/407 challenges (REGISTER, INVITE, BYE and\n"
	  "; other in-dialog requests), once per challenge; empty: never." },
	{ S_TRUNK, "domain", T_STR, "", 0, 0, NULL, 0, TR(domain), check_cred,
	  "SIP domain of the trunk (AOR host, REGISTER Request-URI); empty: the\n"
	  "; address' host." },
	{ S_TRUNK, "register", T_ENUM, "no", 0, 0, noyes, 0, TR(reg), NULL,
	  "yes: keep a registration at the trunk (refreshed, un-REGISTERed on\n"
	  "; shutdown); needs user." },
	{ S_TRUNK, "registrar", T_STR, "", 0, 0, NULL, 0, TR(registrar),
	  check_registrar,
	  "host[:port] REGISTERs are sent to; empty: address." },
	{ S_TRUNK, "expires", T_UINT, "3600", 60, 86400, NULL, 0, TR(expires),
	  NULL, "Registration lifetime asked for, in seconds." },
	{ S_TRUNK, "inbound_user", T_STR, "", 0, 0, NULL, 0, TR(in_user),
	  check_cred, "User requests from this trunk must authenticate as." },
	{ S_TRUNK, "inbound_password", T_STR, "", 0, 0, NULL, 0,
	  TR(in_password), check_cred,
	  "Non-empty: requests from the address' IP (other than ACK, CANCEL and\n"
	  "; in-dialog ones) are challenged (401, digest SHA-256 or MD5) until\n"
	  "; they authenticate as inbound_user with this password." },
	{ S_TRUNK, "codecs", T_STR, "", 0, 0, NULL, 0, TR(codecs), check_codecs,
	  "Codec preference for this trunk (as [media] codecs); empty: [media]'s." },
	{ S_TRUNK, "dtmf_mode", T_ENUM, "default", 0, 0, tr_dtmf_modes, -1,
	  TR(dtmf_mode), NULL,
	  "DTMF with this trunk: rfc4733, inband, info; default: [media]'s." },
	{ S_TRUNK, "keepalive_s", T_UINT, "0", 0, 3600, NULL, 0,
	  TR(keepalive_s), NULL,
	  "Send OPTIONS every this many seconds and log when the trunk stops or\n"
	  "; starts answering; 0: never." },
	/* fax (issue 6) */
	{ S_TRUNK, "fax_mode", T_ENUM, "default", 0, 0, tr_fax_modes, -1,
	  TR(fax_mode), NULL,
	  "Fax with this trunk: t38, g711, off; default: [fax] mode." },
	{ S_TRUNK, "fax_initiate", T_ENUM, "default", 0, 0, tr_fax_inits, -1,
	  TR(fax_initiate), NULL,
	  "pstn-detect or sip-only for this trunk; default: [fax] initiate." },
	{ S_TRUNK, "t38_initial", T_ENUM, "no", 0, 0, noyes, 0, TR(t38_initial),
	  NULL,
	  "yes: the trunk is a fax server: our INVITEs offer T.38 beside the\n"
	  "; audio, and an answer taking T.38 starts the call in T.38 (with\n"
	  "; fax mode t38)." },

	/* interworking (issue 7) */
	{ S_TRUNK, "q850_to_sip", T_STR, "", 0, 0, NULL, 0, TR(q850_to_sip),
	  check_q2s,
	  "Q.850 -> SIP overrides for calls with this trunk (as [sip]'s)." },
	{ S_TRUNK, "sip_to_q850", T_STR, "", 0, 0, NULL, 0, TR(sip_to_q850),
	  check_s2q,
	  "SIP -> Q.850 overrides for calls with this trunk (as [sip]'s)." },
	{ S_TRUNK, "trust_pai", T_ENUM, "no", 0, 0, noyes, 0, TR(trust_pai),
	  NULL,
	  "yes: the trunk is trusted (RFC 3325): we send it P-Asserted-Identity\n"
	  "; (also for restricted callers, with Privacy: id) and take the\n"
	  "; calling number from its P-Asserted-Identity; no: From only." },
	{ S_TRUNK, "redirect_header", T_ENUM, "diversion", 0, 0, redir_hdrs, 0,
	  TR(redir_hdr), NULL,
	  "How a PSTN redirecting number goes to this trunk: diversion\n"
	  "; (RFC 5806), history-info (RFC 7044), both or none. Both are read." },
	/* access (issue 8, access.c) */
	{ S_TRUNK, "acl", T_STR, "", 0, 0, NULL, 0, TR(acl_text), check_acl,
	  "Source addresses that are this trunk: IPs and prefixes, comma\n"
	  "; separated (192.0.2.7, 198.51.100.0/28, 2001:db8::/64) or any; empty:\n"
	  "; the address' host. Requests are matched by the packet's source\n"
	  "; address (never Via or Contact): the trunk whose address ip:port is\n"
	  "; the source first, else the first trunk whose acl matches. It picks\n"
	  "; the routes 'from trunk', the media profile, trust_pai and inbound\n"
	  "; authentication. An acl wider than one host needs inbound_password\n"
	  "; or allow_open = yes." },
	{ S_TRUNK, "allow_open", T_ENUM, "no", 0, 0, noyes, 0, TR(allow_open),
	  NULL,
	  "yes: accept an acl wider than one host without inbound_password\n"
	  "; (everyone in it may call the PSTN unauthenticated)." },
	{ S_TRUNK, "rate_limit", T_STR, "", 0, 0, NULL, 0, TR(rate_text),
	  check_tr_rate,
	  "Packets per second each source IP of this trunk may send (0..100000,\n"
	  "; 0: no limit), for an acl wider than one host whose members send\n"
	  "; more or less than [security] rate_limit; empty: [security]'s." },
	{ S_TRUNK, "rate_burst", T_STR, "", 0, 0, NULL, 0, TR(burst_text),
	  check_tr_burst,
	  "Bucket depth (1..100000) for this trunk's sources; empty:\n"
	  "; [security]'s." },
	{ S_TRUNK, "exempt", T_ENUM, "default", 0, 0, tr_noyes, -1, TR(exempt),
	  NULL,
	  "yes: this trunk's sources are never rate limited nor blocked (even\n"
	  "; with an acl wider than one host); no: they are, even a single\n"
	  "; host; default: [security] exempt_trunks." },

	/* encryption (issue 8): SRTP with SDES keys (call_media.c) */
	{ S_TRUNK, "srtp", T_ENUM, "no", 0, 0, srtp_modes, 0, TR(srtp), NULL,
	  "SRTP (RFC 3711, keys in the SDP per RFC 4568) with this trunk: no;\n"
	  "; optional: offers RTP/AVP with crypto lines (best effort: SRTP when\n"
	  "; the answer has one), answers SRTP or plain as offered; required:\n"
	  "; offers RTP/SAVP and refuses (488) offers without usable crypto.\n"
	  "; The keys travel in the SDP: use transport = tls. T.38 (UDPTL)\n"
	  "; stays unencrypted." },
	{ S_TRUNK, "srtp_suites", T_STR,
	  "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32", 0, 0, NULL, 0,
	  TR(srtp_suites), check_srtp_suites,
	  "SDES crypto suites offered and accepted, in order of preference:\n"
	  "; AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32,\n"
	  "; AES_256_CM_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_32." },
	{ S_TRUNK, "tls_name", T_STR, "", 0, 0, NULL, 0, TR(tls_name), NULL,
	  "With transport = tls and [sip] tls_verify = peer: the DNS name the\n"
	  "; trunk's certificate must carry (subjectAltName, also sent as SNI);\n"
	  "; empty: its address, which must then be an iPAddress entry." },

	{ S_ROUTE, "from", T_ENUM, NULL, 0, 0, froms, 0, RT(from), NULL,
	  "Where the call comes from: pstn or sip." },
	{ S_ROUTE, "prefix", T_STR, "", 0, 0, NULL, 0, RT(prefix), check_prefix,
	  "Called-number prefix to match (digits; empty matches all)." },
	{ S_ROUTE, "strip", T_UINT, "0", 0, 31, NULL, 0, RT(strip), NULL,
	  "Leading digits removed from the called number." },
	{ S_ROUTE, "add", T_STR, "", 0, 0, NULL, 0, RT(add), check_prefix,
	  "Digits put in front of the called number after stripping." },
	{ S_ROUTE, "target", T_STR, NULL, 0, 0, NULL, 0, RT(target),
	  check_target,
	  "trunk NAME (to SIP) or group NAME (span group, to the PSTN)." },
};

const size_t cfg_nopts = sizeof(cfg_opts) / sizeof(cfg_opts[0]);

int cfg_check_name(struct cfg_ctx *c, void *obj, const char *val, char *why,
		   size_t n)
{
	if (!*val) {
		snprintf(why, n, "must not be empty");
		return -1;
	}
	for (const char *p = val; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '-' && *p != '_') {
			snprintf(why, n, "'%s': use letters, digits, - and _",
				 val);
			return -1;
		}
	return 0;
}

static int check_prefix(struct cfg_ctx *c, void *obj, const char *val,
			char *why, size_t n)
{
	for (const char *p = val; *p; p++)
		if (!strchr("0123456789*#+", *p)) {
			snprintf(why, n, "'%s' is not a digit string", val);
			return -1;
		}
	return 0;
}

/* host:port with a numeric IPv4 host or a [v6]:port (a bare IPv6
 * literal without port too); no DNS on the signalling thread. */
static int split_hostport(const char *val, char *host, size_t hn,
			  unsigned *port, unsigned defport, char *why, size_t n)
{
	const char *colon = strrchr(val, ':'), *hs = val;
	size_t hl;
	unsigned char addr[16];

	if (val[0] == '[') {
		const char *rb = strchr(val, ']');

		if (!rb || (rb[1] && rb[1] != ':')) {
			snprintf(why, n, "'%s': expected [address]:port", val);
			return -1;
		}
		hs = val + 1;
		hl = (size_t)(rb - hs);
		colon = rb[1] ? rb + 1 : NULL;
	} else if (colon && strchr(val, ':') != colon) {
		colon = NULL; /* a bare IPv6 literal */
		hl = strlen(val);
	} else {
		hl = colon ? (size_t)(colon - val) : strlen(val);
	}
	if (hl == 0 || hl >= hn) {
		snprintf(why, n, "'%s': expected address[:port]", val);
		return -1;
	}
	memcpy(host, hs, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, addr) != 1 &&
	    inet_pton(AF_INET6, host, addr) != 1) {
		snprintf(why, n, "'%s' is not an IPv4 or IPv6 address", host);
		return -1;
	}
	*port = defport;
	if (colon) {
		char *end;
		unsigned long p = strtoul(colon + 1, &end, 10);

		if (!colon[1] || *end || p == 0 || p > 65535) {
			snprintf(why, n, "'%s': bad port", colon + 1);
			return -1;
		}
		*port = (unsigned)p;
	}
	return 0;
}

static int check_listen(struct cfg_ctx *c, void *obj, const char *val,
			char *why, size_t n)
{
	struct gw_cfg *cfg = obj;

	return split_hostport(val, cfg->sip_host, sizeof(cfg->sip_host),
			      &cfg->sip_port, 5060, why, n);
}

static int check_abs_path(struct cfg_ctx *c, void *obj, const char *val,
			  char *why, size_t n)
{
	(void)c;
	(void)obj;
	if (val[0] && val[0] != '/') {
		snprintf(why, n, "'%s' is not an absolute path", val);
		return -1;
	}
	return 0;
}

static int check_metrics_listen(struct cfg_ctx *c, void *obj, const char *val,
				char *why, size_t n)
{
	struct gw_cfg *cfg = obj;
	unsigned char a[16];

	cfg->metrics_host[0] = '\0';
	if (!val[0])
		return 0;
	if (split_hostport(val, cfg->metrics_host, sizeof(cfg->metrics_host),
			   &cfg->metrics_port, 0, why, n))
		return -1;
	if (!cfg->metrics_port) {
		snprintf(why, n, "'%s': expected address:port", val);
		return -1;
	}
	/* the endpoint has no authentication: loopback only */
	if (!((inet_pton(AF_INET, cfg->metrics_host, a) == 1 && a[0] == 127) ||
	      (inet_pton(AF_INET6, cfg->metrics_host, a) == 1 &&
	       !memcmp(a, &in6addr_loopback, 16)))) {
		snprintf(why, n,
			 "'%s' is not a loopback address (127.0.0.0/8 or ::1)",
			 cfg->metrics_host);
		cfg->metrics_host[0] = '\0';
		return -1;
	}
	return 0;
}

static int check_listen2(struct cfg_ctx *c, void *obj, const char *val,
			 char *why, size_t n)
{
	struct gw_cfg *cfg = obj;

	cfg->sip_host2[0] = '\0';
	if (!val[0])
		return 0;
	return split_hostport(val, cfg->sip_host2, sizeof(cfg->sip_host2),
			      &cfg->sip_port2, 5060, why, n);
}

static int check_tls_listen(struct cfg_ctx *c, void *obj, const char *val,
			    char *why, size_t n)
{
	struct gw_cfg *cfg = obj;

	cfg->tls_host[0] = '\0';
	if (!val[0])
		return 0;
	return split_hostport(val, cfg->tls_host, sizeof(cfg->tls_host),
			      &cfg->tls_port, 5061, why, n);
}

bool cfg_trunk_has_port(const char *addr)
{
	const char *rb = strchr(addr, ']');

	if (addr[0] == '[')
		return rb && rb[1] == ':';
	return strchr(addr, ':') && strchr(addr, ':') == strrchr(addr, ':');
}

static int check_trunk_addr(struct cfg_ctx *c, void *obj, const char *val,
			    char *why, size_t n)
{
	struct cfg_trunk *t = obj;

	return split_hostport(val, t->host, sizeof(t->host), &t->port, 5060,
			      why, n);
}

static int check_acl(struct cfg_ctx *c, void *obj, const char *val, char *why,
		     size_t n)
{
	struct cfg_trunk *t = obj;

	if (!*val)
		return 0; /* the address' host, once known (cfg.c) */
	return gw_acl_parse(&t->acl, val, why, n);
}

/* rate_limit and rate_burst: a number, or empty for [security]'s */
static int tr_rate(const char *val, unsigned min, int *out, char *why, size_t n)
{
	unsigned long v;
	char *end;

	if (!*val)
		return 0; /* -1 once the section is read (cfg.c) */
	errno = 0;
	v = strtoul(val, &end, 10);
	if (*val == '-' || *end || errno || v < min || v > 100000) {
		snprintf(why, n, "'%s': expected %u..100000, or empty", val,
			 min);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int check_tr_rate(struct cfg_ctx *c, void *obj, const char *val,
			 char *why, size_t n)
{
	(void)c;
	return tr_rate(val, 0, &((struct cfg_trunk *)obj)->rate_limit, why, n);
}

static int check_tr_burst(struct cfg_ctx *c, void *obj, const char *val,
			  char *why, size_t n)
{
	(void)c;
	return tr_rate(val, 1, &((struct cfg_trunk *)obj)->rate_burst, why, n);
}

static int check_registrar(struct cfg_ctx *c, void *obj, const char *val,
			   char *why, size_t n)
{
	struct cfg_trunk *t = obj;

	if (!*val)
		return 0;
	return split_hostport(val, t->reg_host, sizeof(t->reg_host),
			      &t->reg_port, 5060, why, n);
}

static int check_algs(struct cfg_ctx *c, void *obj, const char *val, char *why,
		      size_t n)
{
	char buf[64];
	char *save = NULL;
	int count = 0;

	snprintf(buf, sizeof(buf), "%s", val);
	for (char *tok = strtok_r(buf, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		if (strcasecmp(tok, "sha-256") && strcasecmp(tok, "md5") &&
		    strcasecmp(tok, "sha-512-256")) {
			snprintf(
				why, n,
				"unknown algorithm '%s' (expected: sha-256, sha-512-256, md5)",
				tok);
			return -1;
		}
		if (++count > 3) {
			snprintf(why, n, "at most 3 algorithms");
			return -1;
		}
	}
	if (!count) {
		snprintf(why, n, "at least one algorithm is needed");
		return -1;
	}
	return 0;
}

/* Credentials and names end up in SIP headers: no quotes, no controls. */
static int check_cred(struct cfg_ctx *c, void *obj, const char *val, char *why,
		      size_t n)
{
	for (const char *p = val; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"' ||
		    *p == '\\') {
			snprintf(
				why, n,
				"control characters, quotes and backslashes are not allowed");
			return -1;
		}
	}
	return 0;
}

static int check_country(struct cfg_ctx *c, void *obj, const char *val,
			 char *why, size_t n)
{
	if (!val[0] || !media_tone_country_check(val))
		return 0; /* empty: inherit (spans) */
	snprintf(why, n, "unknown country '%.8s' (expected: %s)", val,
		 media_tone_countries());
	return -1;
}

/* Config tokens of media/codec.c, each at most once. An empty trunk list
 * means "the [media] list"; [media] itself needs one. */
static int check_codecs(struct cfg_ctx *c, void *obj, const char *val,
			char *why, size_t n)
{
	char buf[96];
	char *save = NULL;
	unsigned seen = 0;
	int count = 0;

	snprintf(buf, sizeof(buf), "%s", val);
	for (char *tok = strtok_r(buf, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		int k = media_codec_lookup(tok);

		if (k < 0) {
			snprintf(why, n,
				 "unknown codec '%.20s' (expected: pcmu, pcma, "
				 "g722, g726-32, aal2-g726-32, gsm, opus)",
				 tok);
			return -1;
		}
		if (seen & (1u << k)) {
			snprintf(why, n, "codec '%.20s' listed twice", tok);
			return -1;
		}
		seen |= 1u << k;
		count++;
	}
	if (!count && c->sect == S_MEDIA) {
		snprintf(why, n, "at least one codec is needed");
		return -1;
	}
	return 0;
}

static int check_target(struct cfg_ctx *c, void *obj, const char *val,
			char *why, size_t n)
{
	struct cfg_route *r = obj;
	char kind[16], name[CFG_NAME_LEN + 1];

	if (sscanf(val, "%15s %32s", kind, name) != 2 ||
	    strlen(name) >= CFG_NAME_LEN) {
		snprintf(why, n, "'%s': expected 'trunk NAME' or 'group NAME'",
			 val);
		return -1;
	}
	if (!strcasecmp(kind, "trunk"))
		r->target_kind = CFG_TARGET_TRUNK;
	else if (!strcasecmp(kind, "group"))
		r->target_kind = CFG_TARGET_GROUP;
	else {
		snprintf(why, n,
			 "unknown target kind '%s' (expected: trunk, group)",
			 kind);
		return -1;
	}
	strcpy(r->target_name, name);
	return 0;
}

/* Cause maps: parsed here so that a bad entry names its line. */
static int check_map(struct cfg_ctx *c, void *obj, const char *val, char *why,
		     size_t n, bool q2s)
{
	struct gw_iw_map *m;

	if (c->sect == S_TRUNK)
		m = q2s ? &((struct cfg_trunk *)obj)->iw_c2s
			: &((struct cfg_trunk *)obj)->iw_s2c;
	else
		m = q2s ? &((struct gw_cfg *)obj)->iw_c2s
			: &((struct gw_cfg *)obj)->iw_s2c;
	return gw_iw_map_parse(m, val, q2s, why, n) ? -1 : 0;
}

static int check_q2s(struct cfg_ctx *c, void *obj, const char *val, char *why,
		     size_t n)
{
	return check_map(c, obj, val, why, n, true);
}

static int check_s2q(struct cfg_ctx *c, void *obj, const char *val, char *why,
		     size_t n)
{
	return check_map(c, obj, val, why, n, false);
}

static int check_digits(struct cfg_ctx *c, void *obj, const char *val,
			char *why, size_t n)
{
	for (const char *p = val; *p; p++)
		if (*p < '0' || *p > '9') {
			snprintf(why, n, "'%s' is not a string of digits", val);
			return -1;
		}
	return 0;
}

/* encryption (issue 8): a list of SDES suites media/srtp.c implements,
 * each at most once */
static int check_srtp_suites(struct cfg_ctx *c, void *obj, const char *val,
			     char *why, size_t n)
{
	char buf[128];
	char *save = NULL;
	unsigned seen = 0, count = 0;

	snprintf(buf, sizeof(buf), "%s", val);
	for (char *tok = strtok_r(buf, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		int k = media_srtp_suite_lookup(tok);

		if (k < 0) {
			snprintf(why, n,
				 "unknown suite '%s' (expected: "
				 "AES_CM_128_HMAC_SHA1_80, "
				 "AES_CM_128_HMAC_SHA1_32, "
				 "AES_256_CM_HMAC_SHA1_80, "
				 "AES_256_CM_HMAC_SHA1_32)",
				 tok);
			return EINVAL;
		}
		if (seen & 1u << k) {
			snprintf(why, n, "suite '%s' listed twice", tok);
			return EINVAL;
		}
		seen |= 1u << k;
		count++;
	}
	if (!count) {
		snprintf(why, n, "at least one suite is needed");
		return EINVAL;
	}
	return 0;
}
