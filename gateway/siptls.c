/* TLS contexts and non-blocking sessions (OpenSSL). */
#include "gateway/siptls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gw_tls {
	SSL_CTX *srv; /* NULL without a certificate */
	SSL_CTX *cli;
};

/* The last OpenSSL error, or what the verifier said, into why. */
static void ssl_why(SSL *ssl, char *why, size_t n, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	if (ssl && (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) &&
	    SSL_get_verify_result(ssl) != X509_V_OK)
		snprintf(why, n, "%s: certificate verify failed: %s", what,
			 X509_verify_cert_error_string(
				 SSL_get_verify_result(ssl)));
	else
		snprintf(why, n, "%s: %s", what, buf[0] ? buf : "failed");
}

static SSL_CTX *ctx_new(bool server, const struct gw_tls_cfg *cfg, char *why,
			size_t n)
{
	SSL_CTX *ctx =
		SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());

	if (!ctx) {
		ssl_why(NULL, why, n, "SSL_CTX_new");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	/* a peer closing without close_notify is a close, not an error */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
	/* a partial write must be retried with the same buffer: ours is
	 * the connection's queue, which may have grown meanwhile */
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
				      SSL_MODE_ENABLE_PARTIAL_WRITE);
	if (cfg->cert && cfg->cert[0]) {
		if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert) != 1) {
			ssl_why(NULL, why, n, cfg->cert);
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(
			    ctx, cfg->key && cfg->key[0] ? cfg->key : cfg->cert,
			    SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(ctx) != 1) {
			ssl_why(NULL, why, n, "tls_key");
			goto fail;
		}
	}
	if (cfg->ca && cfg->ca[0] &&
	    SSL_CTX_load_verify_locations(ctx, cfg->ca, NULL) != 1) {
		ssl_why(NULL, why, n, cfg->ca);
		goto fail;
	}
	/* server: a client certificate is checked when one is offered, or
	 * demanded (tls_client_cert = require); client: the server's
	 * certificate must verify */
	int mode = cfg->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE;

	if (server && cfg->require_client_cert)
		mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	SSL_CTX_set_verify(ctx, mode, NULL);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

int gw_tls_alloc(struct gw_tls **tp, const struct gw_tls_cfg *cfg, char *why,
		 size_t n)
{
	struct gw_tls *t = calloc(1, sizeof(*t));

	if (!t)
		return ENOMEM;
	if (cfg->verify && !(cfg->ca && cfg->ca[0])) {
		snprintf(why, n, "tls_verify = peer needs tls_ca");
		goto fail;
	}
	if (cfg->require_client_cert && !(cfg->ca && cfg->ca[0])) {
		snprintf(why, n, "tls_client_cert = require needs tls_ca");
		goto fail;
	}
	if (cfg->cert && cfg->cert[0]) {
		t->srv = ctx_new(true, cfg, why, n);
		if (!t->srv)
			goto fail;
	}
	t->cli = ctx_new(false, cfg, why, n);
	if (!t->cli)
		goto fail;
	*tp = t;
	return 0;
fail:
	gw_tls_free(t);
	return EINVAL;
}

void gw_tls_free(struct gw_tls *t)
{
	if (!t)
		return;
	SSL_CTX_free(t->srv);
	SSL_CTX_free(t->cli);
	free(t);
}

bool gw_tls_can_serve(const struct gw_tls *t)
{
	return t && t->srv;
}

/* The name the server's certificate must carry (the client side). */
static int want_name(SSL *ssl, const char *name)
{
	X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
	unsigned char bin[16];

	if (inet_pton(AF_INET, name, bin) == 1 ||
	    inet_pton(AF_INET6, name, bin) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(vp, name) == 1 ? 0
								    : EINVAL;
	X509_VERIFY_PARAM_set_hostflags(vp,
					X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (X509_VERIFY_PARAM_set1_host(vp, name, 0) != 1 ||
	    SSL_set_tlsext_host_name(ssl, name) != 1)
		return EINVAL;
	return 0;
}

void *gw_tls_session(struct gw_tls *t, int fd, bool server,
		     const char *peer_name)
{
	SSL_CTX *ctx = server ? t->srv : t->cli;
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;

	if (!ssl)
		return NULL;
	if (!server && peer_name && peer_name[0] &&
	    (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) &&
	    want_name(ssl, peer_name)) {
		SSL_free(ssl);
		return NULL;
	}
	if (SSL_set_fd(ssl, fd) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	if (server)
		SSL_set_accept_state(ssl);
	else
		SSL_set_connect_state(ssl);
	return ssl;
}

void gw_tls_session_free(void *s)
{
	SSL_free(s);
}

static enum gw_tls_io result(SSL *ssl, int r, char *why, size_t n,
			     const char *what)
{
	switch (SSL_get_error(ssl, r)) {
	case SSL_ERROR_WANT_READ:
		return GW_TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return GW_TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return GW_TLS_CLOSED;
	case SSL_ERROR_SYSCALL:
		if (!ERR_peek_error()) {
			snprintf(why, n, "%s: %s", what,
				 errno ? strerror(errno) : "connection closed");
			return GW_TLS_ERROR;
		}
		/* fall through */
	default:
		ssl_why(ssl, why, n, what);
		return GW_TLS_ERROR;
	}
}

enum gw_tls_io gw_tls_handshake(void *s, char *why, size_t n)
{
	int r;

	ERR_clear_error();
	errno = 0;
	r = SSL_do_handshake(s);
	return r == 1 ? GW_TLS_OK : result(s, r, why, n, "handshake");
}

enum gw_tls_io gw_tls_read(void *s, void *buf, size_t len, size_t *done,
			   char *why, size_t n)
{
	int r;

	ERR_clear_error();
	errno = 0;
	r = SSL_read(s, buf, len > 65536 ? 65536 : (int)len);
	if (r > 0) {
		*done = (size_t)r;
		return GW_TLS_OK;
	}
	return result(s, r, why, n, "read");
}

enum gw_tls_io gw_tls_write(void *s, const void *buf, size_t len, size_t *done,
			    char *why, size_t n)
{
	int r;

	ERR_clear_error();
	errno = 0;
	r = SSL_write(s, buf, len > 65536 ? 65536 : (int)len);
	if (r > 0) {
		*done = (size_t)r;
		return GW_TLS_OK;
	}
	return result(s, r, why, n, "write");
}
