#pragma once
/*
 * TLS for SIP (RFC 3261 26.2) over OpenSSL: one server and one client
 * context from the [sip] tls_* options, and non-blocking sessions that
 * gateway/siptcp.c drives from the epoll loop. OpenSSL types stay in
 * siptls.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct gw_tls;

struct gw_tls_cfg {
	const char *cert; /* PEM certificate chain; needed to serve */
	const char *key;  /* PEM private key */
	const char *ca;	  /* PEM CA bundle to verify peers; may be empty */
	bool verify;	  /* verify the peer's certificate against ca */
	/* server: a client without a certificate (verifying against ca) is
	 * refused in the handshake, whatever verify says */
	bool require_client_cert;
};

/* 0 or EINVAL with a readable reason in why. TLS 1.2 at least. */
int gw_tls_alloc(struct gw_tls **tp, const struct gw_tls_cfg *cfg, char *why,
		 size_t n);
void gw_tls_free(struct gw_tls *t);
/* True if a server context exists (a certificate was given). */
bool gw_tls_can_serve(const struct gw_tls *t);

/* A session on a connected fd; NULL on failure. A client session with
 * verification on also checks that the server's certificate names
 * peer_name (RFC 5922 7.2: an IP address must be in its
 * subjectAltName iPAddress; a host name in a dNSName, or the CN without
 * any, and is sent as SNI); NULL: the chain only. */
void *gw_tls_session(struct gw_tls *t, int fd, bool server,
		     const char *peer_name);
void gw_tls_session_free(void *s);

enum gw_tls_io {
	GW_TLS_OK,
	GW_TLS_WANT_READ,
	GW_TLS_WANT_WRITE,
	GW_TLS_CLOSED, /* orderly close by the peer */
	GW_TLS_ERROR,  /* why says what */
};

/* Advances the handshake. */
enum gw_tls_io gw_tls_handshake(void *s, char *why, size_t n);
/* Reads/writes; *done is the byte count on GW_TLS_OK. */
enum gw_tls_io gw_tls_read(void *s, void *buf, size_t len, size_t *done,
			   char *why, size_t n);
enum gw_tls_io gw_tls_write(void *s, const void *buf, size_t len, size_t *done,
			    char *why, size_t n);
