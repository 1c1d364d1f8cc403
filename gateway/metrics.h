#pragma once
/*
 * Prometheus metrics (text exposition format 0.0.4) served over HTTP/1.0
 * on [general] metrics_listen, a loopback address:port: GET /metrics on
 * the signalling loop, bounded in request size, time and connections.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gw;
struct media_stats;

enum gw_metrics_result {
	GW_METRICS_ANSWERED,
	GW_METRICS_FAILED,
	GW_METRICS_ABANDONED,
	GW_METRICS__RESULTS
};

#define GW_METRICS_REQ_MAX 2048 /* request line and headers */
#define GW_METRICS_MAX_CONNS 8
#define GW_METRICS_TIMEOUT_MS 5000

/* A growing text buffer; oom set once an append failed. */
struct gw_mbuf {
	char *p;
	size_t len, cap;
	bool oom;
};
void gw_mbuf_printf(struct gw_mbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gw_mbuf_release(struct gw_mbuf *b);

/* A label value escaped (backslash, double quote, newline); -1 if it
 * does not fit. */
int gw_metrics_label_escape(char *dst, size_t size, const char *s);
/* Every metric of gw into b. */
void gw_metrics_render(const struct gw *gw, struct gw_mbuf *b);

/*
 * An HTTP request head in buf[0..len): 0 while incomplete, 200 for GET
 * /metrics, else the status to answer with: 400 malformed, 404 another
 * path, 405 another method, 431 head larger than max, 505 not HTTP/1.x.
 */
int gw_metrics_http_parse(const char *buf, size_t len, size_t max);

/* Listens when cfg metrics_listen is set; 0 or errno (logged). */
int gw_metrics_start(struct gw *gw);
void gw_metrics_stop(struct gw *gw);
/* Reload: listen on host:port instead ("" host: stop listening), keeping
 * the counters; 0 or errno (the old socket stays then). */
int gw_metrics_relisten(struct gw *gw, const char *host, unsigned port);
/* The port the server listens on, 0 when off (port 0 in tests). */
unsigned gw_metrics_port(const struct gw *gw);
/* Counted at each call's end (cdr.c) and at each final media report. */
void gw_metrics_call_end(struct gw *gw, bool from_pstn,
			 enum gw_metrics_result res);
void gw_metrics_media(struct gw *gw, const struct media_stats *st);
