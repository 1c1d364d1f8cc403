#pragma once
/*
 * Configuration: an INI file read with libinih. One table of options
 * (cfg.c) drives parsing, validation, defaults and the commented sample
 * (`pstngw --sample-config`, shipped as conf/pstngw.conf.sample).
 * Errors name the file, the line, the section and the option; a file
 * with errors is refused whole.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gateway/access.h"
#include "gateway/interwork.h"

#define CFG_MAX_SPANS 32
#define CFG_MAX_TRUNKS 64
#define CFG_MAX_ROUTES 256
#define CFG_NAME_LEN 32
#define CFG_HOST_LEN 64
#define CFG_PATH_LEN 108 /* sun_path */
#define CFG_MAX_CODECS 8

enum cfg_span_type { CFG_SPAN_T1, CFG_SPAN_E1 };
enum cfg_span_role { CFG_ROLE_CPE, CFG_ROLE_NET };
enum cfg_log_target { CFG_LOG_STDERR, CFG_LOG_SYSLOG };
enum cfg_route_from { CFG_FROM_PSTN, CFG_FROM_SIP };
enum cfg_target_kind { CFG_TARGET_TRUNK, CFG_TARGET_GROUP };
/* the same order as enum sip_transport */
enum cfg_transport { CFG_TP_UDP, CFG_TP_TCP, CFG_TP_TLS };

struct cfg_span {
	unsigned id;
	int line; /* of its [span N] header, for cross-checks */
	int type;
	int role;
	char switchtype[16];
	char driver[16];
	char path[CFG_PATH_LEN];
	char group[CFG_NAME_LEN];
	/* PRI (issue 4): hunting, overlap, maintenance, D-channel timers */
	int hunt; /* enum tdm_hunt order: default, ascending, ... */
	int overlap, service_messages, restart_on_start, dchan_rate_limit;
	unsigned overlap_digits;
	/* 0: libpri's default */
	unsigned t200_ms, t203_ms, n200, k, t302_ms, t303_ms, t305_ms, t308_ms,
		t309_ms, t310_ms, t313_ms, t316_ms, n316;
	unsigned dahdi_base;		 /* dahdi driver */
	char device[64];		 /* portaudio driver */
	char console_fifo[CFG_PATH_LEN]; /* portaudio driver */
	char console_number[32];
	unsigned auto_answer_ms;
	/* media (issue 5): call progress tones; empty: [media] tone_country */
	char tone_country[8];
	/* interworking (issue 7): numbering plan for E.164 (identity.c) */
	char country_code[8], national_prefix[8], international_prefix[8];
};

/* The [span N] timer options and tdm_span_set_timer() names, for the
 * gateway to apply them: { "T200", offsetof(struct cfg_span, t200_ms) }. */
struct cfg_span_timer {
	const char *name;
	size_t off;
};
extern const struct cfg_span_timer cfg_span_timers[];

struct cfg_trunk {
	char name[CFG_NAME_LEN];
	int line;
	char addr[CFG_HOST_LEN + 8]; /* as written */
	char host[CFG_HOST_LEN];     /* IPv6 without brackets */
	unsigned port;
	int transport; /* CFG_TP_* */
	/* credentials and registration (gateway/sipauth.c) */
	char user[64];
	char auth_user[64];
	char password[128];
	char domain[CFG_HOST_LEN];
	int reg; /* register = no/yes */
	char registrar[CFG_HOST_LEN + 8];
	char reg_host[CFG_HOST_LEN];
	unsigned reg_port;
	unsigned expires;
	char in_user[64];
	char in_password[128];
	/* media (issue 5): empty / -1: the [media] setting */
	char codecs[96];
	int dtmf_mode;	      /* enum media_dtmf_mode, or -1 */
	unsigned keepalive_s; /* OPTIONS interval, 0: none (keepalive.c) */
	/* interworking (issue 7): cause maps (text, parsed), identity */
	char q850_to_sip[256], sip_to_q850[256];
	struct gw_iw_map iw_c2s, iw_s2c;
	int trust_pai; /* 0/1 */
	int redir_hdr; /* enum gw_redir_hdr */
	/* fax (issue 6): -1: the [fax] setting */
	int fax_mode, fax_initiate;
	int t38_initial; /* 0/1: T.38 offered in our INVITEs */
	/* access (issue 8, access.c): source addresses identifying the trunk
	 * (as written, parsed; empty: the address' host) */
	char acl_text[512];
	struct gw_acl acl;
	int allow_open; /* 0/1: an ACL wider than a host without a password */
	/* rate limits (access_pol.c): -1: [security]'s */
	char rate_text[16], burst_text[16];
	int rate_limit, rate_burst;
	int exempt; /* -1: exempt_trunks' rule, 0/1 */
	/* encryption (issue 8): enum sdp_srtp, the SDES suites we take */
	int srtp;
	char srtp_suites[128];
	char tls_name[CFG_HOST_LEN]; /* name the TLS server's certificate has */
};

/* [sip] unknown_sources: what a request that could reach the PSTN gets
 * from a source no trunk's acl matches */
enum cfg_unknown_src { CFG_UNKNOWN_REFUSE, CFG_UNKNOWN_DROP };

/* Fax (issue 6, gateway/call_fax.c): what a call does once a fax shows. */
enum cfg_fax_mode { CFG_FAX_T38, CFG_FAX_G711, CFG_FAX_OFF };
/* who moves the call to T.38: we on a fax tone from the PSTN (after
 * waiting for the far end's own re-INVITE), or only the SIP side */
enum cfg_fax_initiate { CFG_FAX_INIT_PSTN_DETECT, CFG_FAX_INIT_SIP_ONLY };
/* the tones that count as a fax: any of CNG/CED/V.21, CED or V.21, V.21 */
enum cfg_fax_detect { CFG_FAX_DET_ANY, CFG_FAX_DET_CED, CFG_FAX_DET_V21 };
enum cfg_fax_ec { CFG_FAX_EC_REDUNDANCY, CFG_FAX_EC_FEC, CFG_FAX_EC_NONE };

struct cfg_fax {
	int mode;     /* enum cfg_fax_mode */
	int initiate; /* enum cfg_fax_initiate */
	int detect;   /* enum cfg_fax_detect */
	unsigned wait_ms;
	unsigned version; /* highest T38FaxVersion offered or answered */
	unsigned max_bitrate;
	int ecm, fill_bit_removal, nsx_suppress; /* 0/1 */
	int ec;					 /* enum cfg_fax_ec */
	unsigned redundancy_control, redundancy_image;
	unsigned fec_span, fec_entries;
	unsigned max_datagram; /* ours, advertised */
	unsigned watchdog_ms;
	unsigned g711_jitter_ms; /* fixed jitter buffer depth, pass-through */
	char trace_dir[256];	 /* failed faxes' T.30 traces; empty: the log */
	int return_to_audio;	 /* 0/1: our re-INVITE to audio after the DCN */
	unsigned return_delay_ms;
	int idle_release; /* 0/1: a finished fax's silent T.38 ends, cause 16 */
};

struct cfg_route {
	char name[CFG_NAME_LEN];
	int line;
	int from;
	char prefix[32];
	unsigned strip;
	char add[32];
	char target[CFG_NAME_LEN + 8]; /* "trunk NAME" or "group NAME" */
	int target_kind;
	char target_name[CFG_NAME_LEN];
};

struct gw_cfg {
	/* [general] */
	int log_level;
	int log_target;
	char pid_file[CFG_PATH_LEN];
	/* [general] records and metrics (cdr.c, metrics.c) */
	char cdr_file[256];
	char metrics_listen[CFG_HOST_LEN + 8];
	char metrics_host[CFG_HOST_LEN]; /* empty: no metrics server */
	unsigned metrics_port;
	char ctl_socket[CFG_PATH_LEN]; /* control socket (ctl.c), empty: none */
	/* captures (capture.c), absolute paths; empty: off */
	char capture_sip[256], capture_dchan[256];
	/* routing (route.h): the route file, empty: the [route] sections */
	char route_file[CFG_PATH_LEN * 2];
	/* scale-out (drain.c): drain_mode 0 refuse, 1 busyout; the PRI
	 * cause of refusals; Retry-After of the 503s (0: none); OPTIONS
	 * answered by health (0 no, 1 yes) */
	int drain_mode;
	unsigned drain_cause, retry_after_s;
	int options_health;
	/* overload (overload.c): calls in progress at most (0: no limit);
	 * signalling thread load limit (%, 0: off); Retry-After of its 503s */
	unsigned max_calls, overload_busy_pct, overload_retry_after_s;
	unsigned overload_queue_ms; /* INVITE waited this long: refused */
	/* [sip] */
	char sip_listen[CFG_HOST_LEN + 8];
	char sip_host[CFG_HOST_LEN]; /* IPv6 without brackets */
	unsigned sip_port;
	/* [sip] transports (TCP, TLS, a second address family) */
	char sip_listen2[CFG_HOST_LEN + 8];
	char sip_host2[CFG_HOST_LEN]; /* empty: none */
	unsigned udp_rcvbuf_kb;	      /* SIP UDP sockets; 0: default */
	unsigned sip_port2;
	int sip_tcp; /* 0 off, 1 on */
	unsigned tcp_idle_s, tcp_max_conns, tcp_max_conns_per_ip;
	char tls_listen[CFG_HOST_LEN + 8];
	char tls_host[CFG_HOST_LEN]; /* empty: no TLS server */
	unsigned tls_port;
	char tls_cert[CFG_PATH_LEN * 2], tls_key[CFG_PATH_LEN * 2];
	char tls_ca[CFG_PATH_LEN * 2];
	int tls_verify;	     /* 0 none, 1 peer */
	int tls_client_cert; /* 0 optional, 1 require (access) */
	char sip_domain[CFG_HOST_LEN];
	char sip_realm[CFG_HOST_LEN];
	char sip_auth_algs[64];
	char user_agent[64];
	unsigned t1_ms, t2_ms, t4_ms;
	unsigned no_answer_s;
	unsigned session_expires_s, min_se_s;
	/* [media] */
	char rtp_ip[CFG_HOST_LEN];
	unsigned rtp_port_min, rtp_port_max;
	char codecs[96];
	unsigned ptime_ms;
	unsigned jitter_ms;
	unsigned rtcp_interval_ms; /* 0: no RTCP */
	unsigned latch_silence_ms;
	unsigned media_workers;	       /* 0: one per CPU */
	unsigned realtime_priority;    /* SCHED_FIFO, 0: off (rt.h) */
	int lock_memory;	       /* 0/1, with realtime_priority */
	unsigned busy_wait_us;	       /* media workers' spin_us */
	unsigned max_calls_per_worker; /* overload.c; 0: no limit */
	unsigned max_worker_load_pct;  /* overload.c; 0: not looked at */
	unsigned echo_tail_ms;	       /* 0: off */
	unsigned dtmf_detect;	       /* 0 or 1 */
	/* media features through the gateway (issue 5) */
	int dtmf_mode;	     /* enum media_dtmf_mode */
	int jitter_adaptive; /* 0 fixed, 1 adaptive */
	unsigned jitter_min_ms, jitter_max_ms;
	int opus_fec, opus_dtx; /* 0/1 */
	unsigned opus_maxplaybackrate;
	int comfort_noise; /* 0/1: offer CN/8000 */
	char tone_country[8];
	int early_ringback;	 /* 0/1 */
	int release_tone;	 /* 0/1: busy/congestion before release */
	unsigned release_tone_s; /* how long */
	/* [sip] interworking (issue 7): cause maps for every trunk */
	char q850_to_sip[256], sip_to_q850[256];
	struct gw_iw_map iw_c2s, iw_s2c;
	/* [fax] */
	struct cfg_fax fax;
	/* access (issue 8): [sip] unknown_sources; [security] */
	int unknown_sources; /* enum cfg_unknown_src */
	struct gw_guard_cfg guard;
	int exempt_trunks;    /* 0/1: trunk sources never rate limited */
	char block_file[256]; /* blocks kept over a restart; empty: off */

	struct cfg_span spans[CFG_MAX_SPANS];
	size_t nspans;
	struct cfg_trunk trunks[CFG_MAX_TRUNKS];
	size_t ntrunks;
	struct cfg_route routes[CFG_MAX_ROUTES];
	size_t nroutes;
};

/* Collected errors, one line each, as "file:line: [section] key: why". */
struct cfg_errors {
	char *text;
	size_t len, cap;
	unsigned count;
};

/*
 * Loads path into *cfg (defaults first). 0 when valid; otherwise EINVAL
 * with every problem in errs (or the errno of opening the file).
 * errs must be released with cfg_errors_release().
 */
int cfg_load(struct gw_cfg *cfg, const char *path, struct cfg_errors *errs);
/* Writes to out the warnings of a valid configuration (settings that
 * work but are unwise, e.g. SRTP keys over a transport in the clear);
 * returns how many. */
unsigned cfg_warnings(const struct gw_cfg *cfg, const char *file, FILE *out);
/* The same from an open stream; name is used in error lines. */
int cfg_load_stream(struct gw_cfg *cfg, FILE *f, const char *name,
		    struct cfg_errors *errs);
void cfg_errors_release(struct cfg_errors *errs);
/* Appends one error line (no newline in fmt); long lines are cut. A
 * failed allocation loses the text, never the count. */
void cfg_errors_add(struct cfg_errors *errs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes the commented sample configuration, every option with its
 * default and help, generated from the option table. */
void cfg_write_sample(FILE *out);

const struct cfg_trunk *cfg_trunk_find(const struct gw_cfg *cfg,
				       const char *name);
const char *cfg_span_type_name(int type);
const char *cfg_span_role_name(int role);
