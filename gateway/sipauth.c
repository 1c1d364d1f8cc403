/*
 * sipauth.c: the gateway's side of SIP authentication: one registration
 * per [trunk] with register = yes, the credentials calls to a trunk
 * answer challenges with, and the policy that challenges requests from
 * trunks with an inbound_password.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "gateway/gw.h"
#include "gateway/log.h"

static const char *trunk_domain(const struct cfg_trunk *t)
{
	return t->domain[0] ? t->domain : t->host;
}

/* The trunk of a request is the one its transport source identifies
 * (access.c: acl, never Via); its inbound_password is then required. */
static bool auth_required(void *arg, const struct sip_addr *src,
			  const struct sip_msg *req)
{
	const struct gw *gw = arg;
	const struct cfg_trunk *t = gw_access_trunk_of(&gw->cfg, src);

	return t && t->in_password[0];
}

static const char *auth_lookup(void *arg, const struct sip_addr *src,
			       const char *user)
{
	const struct gw *gw = arg;
	const struct cfg_trunk *t = gw_access_trunk_of(&gw->cfg, src);

	if (t && t->in_password[0] && !strcmp(user, t->in_user))
		return t->in_password;
	return NULL;
}

static void auth_failed(void *arg, const struct sip_addr *src,
			const struct sip_msg *req, enum sip_digest_result r)
{
	gw_access_auth_failed(arg, src, req,
			      r == SIP_DIGEST_DENIED ? "wrong user or password"
						     : "malformed credentials");
}

void gw_sipauth_call_creds(const struct cfg_trunk *t, const char **user,
			   const char **password)
{
	*user = NULL;
	*password = NULL;
	if (!t->password[0])
		return;
	*user = t->auth_user[0] ? t->auth_user : t->user;
	*password = t->password;
}

unsigned gw_sipauth_pending(const struct gw *gw)
{
	unsigned n = 0;
	for (size_t i = 0; i < gw->cfg.ntrunks; i++)
		if (gw->regs[i] &&
		    sip_reg_state(gw->regs[i]) == SIP_REG_UNREGISTERING)
			n++;
	return n;
}

static void reg_event(void *arg, struct sip_reg *reg, enum sip_reg_state state,
		      unsigned code, uint32_t expires)
{
	struct gw *gw = arg;
	/* reg.c logs the change; the gateway only waits for the removals */
	if (gw->stopping && state == SIP_REG_UNREGISTERED && !gw->ncalls &&
	    !gw_sipauth_pending(gw))
		gw_calls_drained(gw);
}

static int start_reg(struct gw *gw, size_t i)
{
	const struct cfg_trunk *t = &gw->cfg.trunks[i];
	char name[CFG_NAME_LEN + 8], registrar[CFG_HOST_LEN + 16];
	char aor[sizeof(t->user) + CFG_HOST_LEN + 8];
	const char *auth_user, *password;
	struct sip_reg_params p = { 0 };
	bool own_port = !t->domain[0] && t->port != 5060;

	snprintf(name, sizeof(name), "trunk %s", t->name);
	if (own_port)
		snprintf(registrar, sizeof(registrar), "sip:%s:%u", t->host,
			 t->port);
	else
		snprintf(registrar, sizeof(registrar), "sip:%s",
			 trunk_domain(t));
	snprintf(aor, sizeof(aor), "sip:%s@%s", t->user, trunk_domain(t));
	gw_sipauth_call_creds(t, &auth_user, &password);
	p.name = name;
	p.registrar = registrar;
	p.aor = aor;
	p.contact_user = t->user;
	p.auth_user = auth_user;
	p.password = password;
	p.expires = t->expires;
	int err = t->reg_host[0]
			  ? sip_addr_set(&p.dst, t->reg_host,
					 (uint16_t)t->reg_port)
			  : sip_addr_set(&p.dst, t->host, (uint16_t)t->port);
	if (!err)
		err = sip_reg_alloc(gw->sip, &p, reg_event, gw, &gw->regs[i]);
	if (err)
		GW_ERR(SIP, "registration %s: cannot start: %s", name,
		       strerror(err));
	return err;
}

int gw_sipauth_start(struct gw *gw)
{
	bool inbound = false;
	for (size_t i = 0; i < gw->cfg.ntrunks; i++) {
		const struct cfg_trunk *t = &gw->cfg.trunks[i];
		if (t->in_password[0])
			inbound = true;
		if (t->reg) {
			int err = start_reg(gw, i);
			if (err)
				return err;
		}
	}
	if (!inbound)
		return 0;
	const char *realm = gw->cfg.sip_realm[0]    ? gw->cfg.sip_realm
			    : gw->cfg.sip_domain[0] ? gw->cfg.sip_domain
						    : gw->cfg.sip_host;
	struct sip_auth_policy pol = {
		.realm = realm,
		.required = auth_required,
		.lookup = auth_lookup,
		.failed = auth_failed,
		.arg = gw,
	};
	char buf[sizeof(gw->cfg.sip_auth_algs)];
	char *save = NULL;
	snprintf(buf, sizeof(buf), "%s", gw->cfg.sip_auth_algs);
	for (char *tok = strtok_r(buf, ", ", &save);
	     tok && pol.nalgs < SIP_DIGEST__COUNT;
	     tok = strtok_r(NULL, ", ", &save))
		if (!sip_digest_alg_parse(tok, strlen(tok),
					  &pol.algs[pol.nalgs]))
			pol.nalgs++; /* cfg.c checked the names */
	int err = sip_stack_set_auth(gw->sip, &pol);
	if (err)
		GW_ERR(SIP, "digest challenges: %s", strerror(err));
	else
		GW_NOTICE(SIP, "digest challenges on, realm \"%s\", %s", realm,
			  gw->cfg.sip_auth_algs);
	return err;
}

void gw_sipauth_shutdown(struct gw *gw)
{
	for (size_t i = 0; i < gw->cfg.ntrunks; i++)
		if (gw->regs[i])
			sip_reg_stop(gw->regs[i]);
}

void gw_sipauth_stop(struct gw *gw)
{
	for (size_t i = 0; i < CFG_MAX_TRUNKS; i++) {
		sip_reg_free(gw->regs[i]);
		gw->regs[i] = NULL;
	}
}
