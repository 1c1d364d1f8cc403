#pragma once
/*
 * Captures (capture.c): pcap files an operator opens with tshark or
 * Wireshark.
 *
 * - SIP: every message the gateway sends or receives, on every
 *   transport, as a raw IPv4/IPv6 packet (LINKTYPE_RAW) carrying UDP or
 *   TCP between the real local and remote addresses. TLS messages are
 *   written as the plaintext they carry, in TCP on the TLS port (tell
 *   tshark: -d tcp.port==5061,sip).
 * - D-channel: every Q.921 frame of every span (LINKTYPE_LINUX_LAPD,
 *   whose pseudo-header says the direction and our side), decoded by
 *   tshark as LAPD and Q.931.
 *
 * The loop never waits on a capture: records go to a bounded buffer
 * (GW_PCAP_BUF) written out when it is half full and every
 * GW_PCAP_FLUSH_MS; what does not fit is dropped and counted. SIGHUP
 * reopens the files (rotation).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sip/sip.h"

struct gw;
struct tdm_span;

#define GW_PCAP_BUF (256 * 1024)
#define GW_PCAP_FLUSH_MS 200
#define GW_PCAP_SNAPLEN 65535u
#define GW_PCAP_LINKTYPE_RAW 101u
#define GW_PCAP_LINKTYPE_LINUX_LAPD 177u

/* One pcap file. fd -1 when closed. */
struct gw_pcap {
	char path[256];
	int fd;
	uint32_t linktype;
	uint8_t *buf; /* GW_PCAP_BUF bytes while open */
	size_t len;
	uint64_t packets, dropped, write_errors;
	bool failing; /* last write failed: logged once until it works */
};

/* Opens path for appending: an empty file gets the pcap header; a
 * non-empty one must be a pcap of the same link type (EINVAL if not).
 * 0 or errno; p is closed on failure. */
int gw_pcap_open(struct gw_pcap *p, const char *path, uint32_t linktype);
/* Writes what is buffered, then closes. */
void gw_pcap_close(struct gw_pcap *p);
/* Closes and opens the same path again (rotation); 0 or errno. */
int gw_pcap_reopen(struct gw_pcap *p);
/* One record of two parts (headers, payload) at unix_us; 0, or ENOSPC
 * when it was dropped (counted). Never blocks. */
int gw_pcap_add(struct gw_pcap *p, uint64_t unix_us, const void *a, size_t alen,
		const void *b, size_t blen);
/* Writes the buffer out; 0 or errno (the unwritten rest stays). */
int gw_pcap_flush(struct gw_pcap *p);

/*
 * The IP and UDP/TCP headers of a packet from src to dst (both AF_INET
 * or both AF_INET6) carrying payload, checksums computed, into out (at
 * least 60 bytes). tcp: a TCP segment with sequence number seq and
 * PSH|ACK. Returns the header length, 0 for mixed or unknown families
 * or a payload too large for one packet.
 */
size_t gw_pcap_ip_hdr(uint8_t *out, const struct sockaddr_storage *src,
		      const struct sockaddr_storage *dst, bool tcp,
		      uint32_t seq, const void *payload, size_t plen);

/* The gateway's side: files from [general] capture_sip/capture_dchan. */
int gw_capture_start(struct gw *gw);
void gw_capture_stop(struct gw *gw);
/* SIGHUP: reopen both files. */
void gw_capture_reopen(struct gw *gw);
/* Starts (path), switches or stops ("" ) a capture; 0 or errno, the
 * previous capture going on when the new file cannot be opened. */
int gw_capture_set_sip(struct gw *gw, const char *path);
int gw_capture_set_dchan(struct gw *gw, const char *path);
/* SIP tracing: every message logged (module sip, notice). */
void gw_capture_trace_sip(struct gw *gw, bool on);
bool gw_capture_tracing_sip(const struct gw *gw);
/* One line per capture for the control tool. */
struct gw_ctl_out;
void gw_capture_show(const struct gw *gw, struct gw_ctl_out *out);

/* Taps: the SIP transports (fd: the socket the message went through,
 * for the local address) and the spans' D-channels (tdm hook). */
void gw_capture_sip_tap(void *arg, int fd, const struct sip_addr *peer, bool tx,
			const void *buf, size_t len);
void gw_capture_dchan_tap(void *arg, struct tdm_span *span, bool tx,
			  const uint8_t *frame, size_t len);
