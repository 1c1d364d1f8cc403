#pragma once
/* Private to gateway/media_worker.c (the worker threads) and
 * gateway/media_pool.c (the signalling thread's side): the objects they
 * share and the rings between them. See media_worker.h. */
#include <netinet/in.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>

#include "gateway/media_ring.h"
#include "gateway/media_worker.h"
#include "media/fax.h"

#define CMDQ 4096 /* commands a worker may have pending */
#define REPQ 4096 /* replies the signalling thread may have pending */
#define AUDQ 8	  /* TDM blocks per audio ring */
/* Fax mode: TDM blocks the worker's answers run ahead of the span's
 * clock (see gw_mslot_audio_tx); below AUDQ, with room for a burst. */
#define FAX_CUSHION 5
#define RBATCH 8   /* datagrams per recvmmsg */
#define RROUNDS 4  /* recvmmsg calls per slot and tick at most */
#define TXQ 3	   /* RTP packets per slot and tick (ptime 10 ms: 2) */
#define TX_MAX 512 /* one RTP packet: 12 + 480 octets at most */
#define RX_MAX 1500
#define TAG_WAKE 0
#define TAG_TIMER 1

enum cmd_type {
	CMD_ADD,
	CMD_STOP,
	CMD_QUERY,
	CMD_PEER,
	CMD_DTMF,
	CMD_FAX,
	CMD_TONE,
	CMD_FAXDET, /* fax tone detection on the TDM rx audio */
	CMD_T38,    /* switch to a T.38 leg */
	CMD_T38_END /* back to the audio session, the leg handed back */
};

struct cmd {
	enum cmd_type type;
	struct gw_mslot *slot;
	struct media_addr peer; /* CMD_PEER */
	char digit;		/* CMD_DTMF */
	unsigned ms;
	struct media_toneplay *tone; /* CMD_TONE: handed over, may be NULL */
	struct media_faxdet *det;    /* CMD_FAXDET: handed over, may be NULL */
	struct media_t38leg *leg;    /* CMD_T38: handed over */
	enum media_law law;	     /* CMD_FAXDET */
};

enum rep_type {
	REP_STATS,
	REP_FINAL,
	REP_LOG,
	REP_DTMF,
	REP_FAXTONE,	/* tone */
	REP_T38_SILENT, /* the leg's watchdog fired */
	REP_T38_DONE,	/* leg handed back (end: false at switch-back) */
	REP_T38_PHASE_E /* the leg's fax ended (DCN) */
};

struct rep {
	enum rep_type type;
	int level;
	char digit; /* REP_DTMF */
	bool end, from_rtp;
	enum media_faxtone tone;  /* REP_FAXTONE */
	struct media_t38leg *leg; /* REP_T38_DONE */
	uint64_t t38_foreign;	  /* REP_T38_DONE: datagrams not latched */
	uint64_t cookie;
	struct media_stats st;
	char msg[200];
};

struct up_blk {
	bool send;
	uint64_t t_us; /* measure: handed up (monotonic) */
	uint8_t pcm[GW_MW_BLOCK];
};

struct gw_mworker;

/* Owned by the signalling thread until gw_mslot_start(), then by its
 * worker, which frees it; only the audio rings are shared. */
struct gw_mslot {
	struct gw_mworker *w;
	struct media_sess *sess;
	int rtp_fd, rtcp_fd;
	uint64_t cookie;
	bool live; /* the worker has it: logs go through the reply ring */
	/* signalling side: a block handed up this tick, answer not taken */
	bool waiting;
	uint64_t resyncs; /* silent blocks dropped to get back in step */
	uint64_t repeats; /* blocks played twice: the worker was late */
	/* fax: blocks kept in down beyond this tick's, and how many of
	 * them are still to be built up (one repeat each) */
	unsigned cushion, cushion_fill;
	bool have_last;
	uint8_t last[GW_MW_BLOCK]; /* the block played last */
	struct gw_ring up, down;
	struct up_blk upbuf[AUDQ];
	uint8_t downbuf[AUDQ][GW_MW_BLOCK];
	/* worker only */
	struct gw_mslot *next, *prev; /* the worker's list */
	bool stopping;	 /* final report owed (the reply ring was full) */
	uint64_t blk_us; /* measure: this tick's block was handed up */
	unsigned ntx;
	struct mmsghdr txm[TXQ];
	struct iovec txiov[TXQ];
	struct sockaddr_in txdst[TXQ];
	uint8_t txbuf[TXQ][TX_MAX];
	uint8_t loop[GW_MW_BLOCK]; /* own clock: the TDM side, looped */
	/* fax (worker only once handed over): tone detection on the TDM
	 * rx audio, and the T.38 leg that replaces the session while set */
	struct media_faxdet *det;
	enum media_law law;
	struct media_t38leg *leg;
	struct media_addr t38_neg;  /* negotiated: only its IP is taken */
	struct media_addr t38_peer; /* where datagrams go (latched) */
	bool t38_latched, t38_silent_told, t38_end_told;
	uint64_t t38_foreign;
};

struct gw_mworker {
	struct gw_mpool *pool;
	unsigned id;
	pthread_t thr;
	bool started;
	int epfd, wakefd, repfd, tfd;
	_Atomic bool pending;	  /* a wake-up is on its way */
	_Atomic bool rep_pending; /* likewise for the reply eventfd */
	_Atomic bool aud_ready;	  /* played TDM blocks: cfg.audio_ready */
	_Atomic bool quit;
	_Atomic bool handed; /* TDM blocks were handed up since the tick */
	_Atomic uint64_t handed_us; /* spin_us: when the first of them was */
	bool awaiting;	       /* signalling side: answers owed (spin_us) */
	_Atomic unsigned live; /* slots it runs (for draining) */
	struct gw_ring cmd, rep;
	struct cmd *cmdbuf;
	struct rep *repbuf;
	unsigned assigned; /* signalling side: slots handed to it */
	/* share of the wall time spent in ticks (thousandths) over the last
	 * GW_MW_LOAD_WINDOW_US, and when that window ended (overload.c) */
	_Atomic unsigned load_milli;
	_Atomic uint64_t load_at_us;
	uint64_t load_t0, load_work; /* worker only: the window so far */
	/* worker only; a list, so adding a slot never allocates or fails */
	struct gw_mslot *slots;
	unsigned nslots;
	uint64_t tick_us; /* monotonic start of this tick */
	uint64_t next_us; /* spin_us: the next block is due, 0: unknown */
	uint64_t pkt_us;  /* arrival of the packet in hand, 0: none */
	uint64_t blk_us;  /* measure: the block in hand was handed up */
	int64_t rt_off_us;
	struct mmsghdr rmsg[RBATCH];
	struct iovec riov[RBATCH];
	struct sockaddr_in rsrc[RBATCH];
	uint8_t rbuf[RBATCH][RX_MAX];
	uint8_t rctl[RBATCH][64];
	uint8_t scratch[GW_MW_BLOCK];
	int16_t lin[GW_MW_BLOCK]; /* fax tone detection input */
	struct gw_mw_stats st;
};

struct gw_mpool {
	struct gw_mpool_cfg cfg;
	unsigned n;
	int rt_err; /* the first worker's refusal of cfg.rt_prio */
	struct gw_mworker *w;
};

uint64_t gw_mw_clock_us(clockid_t id);
void gw_mw_efd_signal(int fd);
uint64_t gw_mw_efd_drain(int fd);
/* Frees a slot's session and closes its sockets. */
void gw_mw_slot_free(struct gw_mslot *s);
/* Worker side: unlinks and frees a slot it runs. */
void gw_mw_slot_remove(struct gw_mworker *w, struct gw_mslot *s);
/* After a tick that ended at end (us, monotonic) and took work us. */
void gw_mw_load_account(struct gw_mworker *w, uint64_t end, uint64_t work);
/* The thread's body. */
void *gw_mw_main(void *arg);
