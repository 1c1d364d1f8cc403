/*
 * test_sip_hdr.c: header-value lexer, params, comma lists, name-addr and
 * Via (sip/hdr.c), through the private interface and through whole
 * messages where folding and several header lines matter.
 */
#include "tests/unit/test_sip_fake.h"
#include "sip/sip_int.h"
#include <errno.h>

static struct sip_lex lex_of(const char *s)
{
	struct sip_lex lx = { s, s + strlen(s) };
	return lx;
}

static int via_of(struct sip_via *v, const char *s)
{
	struct sip_lex lx = lex_of(s);
	return sip_via_parse(v, &lx);
}

/* Parses a whole name-addr header value: trailing text is an error. */
static int naddr_of(struct sip_naddr *na, const char *s)
{
	struct sip_lex lx = lex_of(s);
	int err = sip_naddr_parse(na, &lx);
	if (!err && lx.p != lx.e)
		err = EBADMSG;
	return err;
}

/* ---- lexer ---- */

static void hdr_lex_basics(void **state)
{
	struct sip_lex lx = lex_of(" \t\r\n  tok-en.1!%*_+`'~x;rest");
	struct sip_pl t;
	(void)state;
	sip_lex_lws(&lx);
	assert_true(sip_lex_token(&lx, &t));
	assert_true(sip_pl_eq(&t, "tok-en.1!%*_+`'~x"));
	assert_false(sip_lex_token(&lx, &t));
	assert_int_equal(t.l, 0);
	assert_false(sip_lex_char(&lx, ','));
	assert_true(sip_lex_char(&lx, ';'));
	assert_true(sip_lex_token(&lx, &t));
	assert_true(sip_pl_eq(&t, "rest"));
	assert_ptr_equal(lx.p, lx.e);
	assert_false(sip_lex_char(&lx, ';')); /* at the end */
	sip_lex_lws(&lx);		      /* at the end: no move */
	assert_ptr_equal(lx.p, lx.e);

	assert_true(sip_is_token_char('a'));
	assert_true(sip_is_token_char('~'));
	assert_false(sip_is_token_char('\0'));
	assert_false(sip_is_token_char('"'));
	assert_false(sip_is_token_char(':'));
	assert_false(sip_is_token_char(' '));
}

static void hdr_lex_quoted(void **state)
{
	struct sip_pl q;
	(void)state;
	struct sip_lex lx = lex_of("\"a \\\"b\\\", c\\\\\" tail");
	assert_true(sip_lex_quoted(&lx, &q));
	assert_true(sip_pl_eq(&q, "a \\\"b\\\", c\\\\")); /* escapes kept */
	assert_true(sip_pl_eq(&(struct sip_pl){ lx.p, 5 }, " tail"));

	lx = lex_of("\"\"");
	assert_true(sip_lex_quoted(&lx, &q));
	assert_int_equal(q.l, 0);

	/* not a quoted string: nothing consumed */
	lx = lex_of("abc");
	assert_false(sip_lex_quoted(&lx, &q));
	assert_ptr_equal(lx.p, lx.e - 3);

	/* unterminated, escaped closing quote, backslash at the very end */
	lx = lex_of("\"abc");
	assert_false(sip_lex_quoted(&lx, &q));
	lx = lex_of("\"abc\\\"");
	assert_false(sip_lex_quoted(&lx, &q));
	lx = lex_of("\"abc\\");
	assert_false(sip_lex_quoted(&lx, &q));
}

static void hdr_parse_u32(void **state)
{
	uint32_t v = 7;
	(void)state;
	assert_int_equal(sip_parse_u32(&(struct sip_pl){ "0", 1 }, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(
		sip_parse_u32(&(struct sip_pl){ "65535", 5 }, 65535, &v), 0);
	assert_int_equal(v, 65535);
	v = 7;
	assert_int_equal(
		sip_parse_u32(&(struct sip_pl){ "65536", 5 }, 65535, &v),
		ERANGE);
	assert_int_equal(
		sip_parse_u32(&(struct sip_pl){ "99999999999999999999", 20 },
			      0xffffffffu, &v),
		ERANGE);
	assert_int_equal(sip_parse_u32(&(struct sip_pl){ "", 0 }, 10, &v),
			 EINVAL);
	assert_int_equal(sip_parse_u32(&(struct sip_pl){ "1a", 2 }, 10, &v),
			 EINVAL);
	assert_int_equal(sip_parse_u32(&(struct sip_pl){ "-1", 2 }, 10, &v),
			 EINVAL);
	assert_int_equal(v, 7); /* untouched on error */
}

/* ---- params and lists ---- */

static void hdr_params(void **state)
{
	struct sip_pl all, v;
	(void)state;
	struct sip_lex lx = lex_of(" ;lr ; Tag = abc;\r\n maddr=[2001:db8::1]"
				   ";text=\"a;b, c\" , next");
	assert_int_equal(sip_params_parse(&lx, &all), 0);
	assert_true(sip_pl_eq(&all, "lr ; Tag = abc;\r\n maddr=[2001:db8::1]"
				    ";text=\"a;b, c\""));
	/* stops before the comma, which belongs to the list */
	assert_true(sip_lex_char(&(struct sip_lex){ lx.p + 1, lx.e }, ','));

	assert_true(sip_param_find(&all, "lr", &v));
	assert_int_equal(v.l, 0);
	assert_true(sip_param_find(&all, "tag", &v)); /* names ignore case */
	assert_true(sip_pl_eq(&v, "abc"));
	assert_true(sip_param_find(&all, "maddr", &v));
	assert_true(sip_pl_eq(&v, "[2001:db8::1]"));
	assert_true(sip_param_find(&all, "text", &v));
	assert_true(sip_pl_eq(&v, "a;b, c")); /* quotes removed */
	assert_true(sip_param_find(&all, "LR", NULL));
	assert_false(sip_param_find(&all, "l", NULL));
	assert_false(sip_param_find(&all, "branch", &v));

	/* no params at all: empty, nothing consumed */
	lx = lex_of("  , x");
	assert_int_equal(sip_params_parse(&lx, &all), 0);
	assert_false(sip_pl_isset(&all));
	assert_false(sip_param_find(&all, "lr", NULL));
	assert_int_equal(lx.e - lx.p, 5);

	static const char *const bad[] = {
		";", ";;a", "; =x", ";a=", ";a= ;b", ";a=\"open", ";a;",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lx = lex_of(bad[i]);
		assert_int_equal(sip_params_parse(&lx, &all), EBADMSG);
	}
}

static void hdr_list(void **state)
{
	struct sip_pl e;
	(void)state;
	struct sip_lex lx =
		lex_of(" \"Smith, \\\"JJ\\\"\" <sip:a@h;x=1,2> ;tag=1 ,\r\n"
		       "\t<sip:b@h> , sip:c@h,,\"q\\\\\",d");
	assert_true(sip_list_next(&lx, &e));
	assert_true(
		sip_pl_eq(&e, "\"Smith, \\\"JJ\\\"\" <sip:a@h;x=1,2> ;tag=1"));
	assert_true(sip_list_next(&lx, &e));
	assert_true(sip_pl_eq(&e, "<sip:b@h>"));
	assert_true(sip_list_next(&lx, &e));
	assert_true(sip_pl_eq(&e, "sip:c@h"));
	assert_true(sip_list_next(&lx, &e)); /* empty element: caller rejects */
	assert_int_equal(e.l, 0);
	assert_true(sip_list_next(&lx, &e)); /* escaped backslash closes */
	assert_true(sip_pl_eq(&e, "\"q\\\\\""));
	assert_true(sip_list_next(&lx, &e));
	assert_true(sip_pl_eq(&e, "d"));
	assert_false(sip_list_next(&lx, &e));

	lx = lex_of(" \r\n ");
	assert_false(sip_list_next(&lx, &e));
}

/* ---- Via ---- */

static void hdr_via_full(void **state)
{
	struct sip_via v;
	(void)state;
	assert_int_equal(via_of(&v, "SIP/2.0/UDP pc33.example.com:5066"
				    ";rport;branch=z9hG4bK776asdhds"
				    ";received=192.0.2.99;ttl=16"),
			 0);
	assert_true(sip_pl_eq(&v.transport, "UDP"));
	assert_true(sip_pl_eq(&v.host, "pc33.example.com"));
	assert_int_equal(v.port, 5066);
	assert_true(sip_pl_eq(&v.sentby, "pc33.example.com:5066"));
	assert_true(sip_pl_eq(&v.branch, "z9hG4bK776asdhds"));
	assert_true(sip_pl_eq(&v.received, "192.0.2.99"));
	assert_true(v.rport);
	assert_true(sip_param_find(&v.params, "ttl", NULL));

	/* rport with a value (as a proxy fills it in), no port */
	assert_int_equal(via_of(&v, "SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKx"
				    ";rport=5062;received=192.0.2.5"),
			 0);
	assert_true(sip_pl_eq(&v.transport, "TCP"));
	assert_int_equal(v.port, 0);
	assert_true(sip_pl_eq(&v.sentby, "192.0.2.4"));
	assert_true(v.rport);
	struct sip_pl rp;
	assert_true(sip_param_find(&v.params, "rport", &rp));
	assert_true(sip_pl_eq(&rp, "5062"));

	/* LWS around every separator (RFC 4475 3.1.1.1 style) */
	assert_int_equal(via_of(&v,
				"  SIP / 2.0 / UDP\r\n host.example\r\n"
				"\t: 5070 ;\r\n branch = z9hG4bKw ; rport "),
			 0);
	assert_true(sip_pl_eq(&v.host, "host.example"));
	assert_int_equal(v.port, 5070);
	assert_true(sip_pl_eq(&v.branch, "z9hG4bKw"));
	assert_true(v.rport);
}

static void hdr_via_ipv6(void **state)
{
	struct sip_via v;
	(void)state;
	assert_int_equal(via_of(&v,
				"SIP/2.0/UDP [2001:db8::9:1]:5070"
				";branch=z9hG4bKv6;received=2001:db8::9:255"),
			 0);
	assert_true(sip_pl_eq(&v.host, "2001:db8::9:1"));
	assert_int_equal(v.port, 5070);
	assert_true(sip_pl_eq(&v.sentby, "[2001:db8::9:1]:5070"));
	assert_true(sip_pl_eq(&v.received, "2001:db8::9:255"));
	assert_false(v.rport);

	assert_int_equal(via_of(&v, "SIP/2.0/UDP [::1];branch=z9hG4bK1"), 0);
	assert_true(sip_pl_eq(&v.host, "::1"));
	assert_int_equal(v.port, 0);
	assert_true(sip_pl_eq(&v.sentby, "[::1]"));
}

/* No branch: an RFC 2543 peer. Parsed; transactions fall back on keys. */
static void hdr_via_no_branch(void **state)
{
	struct sip_via v;
	(void)state;
	assert_int_equal(via_of(&v, "SIP/2.0/UDP 192.0.2.1:5060"), 0);
	assert_false(sip_pl_isset(&v.branch));
	assert_false(sip_pl_isset(&v.received));
	assert_false(sip_pl_isset(&v.params));
	assert_false(v.rport);
	assert_int_equal(v.port, 5060);
	assert_int_equal(via_of(&v, "SIP/2.0/UDP h;maddr=224.2.0.1"), 0);
	assert_false(sip_pl_isset(&v.branch));
}

static void hdr_via_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"SIP/2.0/UDP",			/* no sent-by */
		"SIP/2.0/UDP ;branch=z9hG4bK1", /* empty host */
		"SIP/2.0/UDP :5060",
		"SIP/2.0/UDP []:5060",
		"SIP/2.0/UDP [::1",
		"SIP/2.0/UDP h:0", /* port 0 */
		"SIP/2.0/UDP h:65536",
		"SIP/2.0/UDP h:99999999999",
		"SIP/2.0/UDP h:",
		"SIP/2.0/UDP h:50x0",
		"SIP/2.0 UDP h",
		"SIP//UDP h",
		"SIP/2.0/ h",
		"SIP/2.0/UDP h;",
		"SIP/2.0/UDP h;branch=",
		"SIP/2.0/UDP h junk",
		"SIP/2.0/UDP h, SIP/2.0/UDP g", /* one element only */
		"SIP/2.0/UDP h_x",
	};
	struct sip_via v;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = via_of(&v, bad[i]);
		if (err != EBADMSG)
			fail_msg("Via '%s' gave %d", bad[i], err);
	}
	/* the extremes that are fine */
	assert_int_equal(via_of(&v, "SIP/2.0/UDP h:1"), 0);
	assert_int_equal(v.port, 1);
	assert_int_equal(via_of(&v, "SIP/2.0/UDP h:65535"), 0);
	assert_int_equal(v.port, 65535);
}

static const char *const msg_tail =
	"Max-Forwards: 70\r\n"
	"From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
	"Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

static int parse_with(struct sip_msg *m, char *buf, size_t size,
		      const char *head)
{
	int n = snprintf(buf, size, "OPTIONS sip:b@example.com SIP/2.0\r\n%s%s",
			 head, msg_tail);
	assert_true(n > 0 && (size_t)n < size);
	return sip_msg_parse(m, buf, (size_t)n, 65535);
}

/* Several Vias on one line, across lines and folded: the top one wins. */
static void hdr_via_several(void **state)
{
	char buf[2048];
	struct sip_msg m;
	(void)state;
	assert_int_equal(
		parse_with(
			&m, buf, sizeof(buf),
			"Via: SIP/2.0/UDP first.example;branch=z9hG4bK1 ,SIP/2.0/UDP "
			"second.example;branch=z9hG4bK2\r\n"
			"v: SIP/2.0/TCP third.example:5070\r\n"
			"Via: SIP/2.0/UDP fourth.example;branch=z9hG4bK4,\r\n"
			"  SIP/2.0/UDP [2001:db8::5];branch=z9hG4bK5\r\n"),
		0);
	assert_true(sip_pl_eq(&m.via.host, "first.example"));
	assert_true(sip_pl_eq(&m.via.branch, "z9hG4bK1"));

	const char *want[] = { "first.example", "second.example",
			       "third.example", "fourth.example",
			       "2001:db8::5" };
	unsigned n = 0, lines = 0;
	const struct sip_hdr *h = NULL;
	while ((h = sip_msg_hdr(&m, SIP_HDR_VIA, h))) {
		struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
		struct sip_pl el;
		lines++;
		while (sip_list_next(&lx, &el)) {
			struct sip_lex vl = { el.p, el.p + el.l };
			struct sip_via v;
			assert_true(n < 5);
			assert_int_equal(sip_via_parse(&v, &vl), 0);
			assert_true(sip_pl_eq(&v.host, want[n]));
			n++;
		}
	}
	assert_int_equal(lines, 3);
	assert_int_equal(n, 5);

	/* a bad Via anywhere in the message makes it malformed */
	assert_int_equal(
		parse_with(&m, buf, sizeof(buf),
			   "Via: SIP/2.0/UDP a.example;branch=z9hG4bK1\r\n"
			   "Via: SIP/2.0/UDP b.example:0;branch=z9hG4bK2\r\n"),
		EBADMSG);
	/* a trailing comma ends the list: tolerated, the Via is intact */
	assert_int_equal(
		parse_with(&m, buf, sizeof(buf),
			   "Via: SIP/2.0/UDP a.example;branch=z9hG4bK1,\r\n"),
		0);
	assert_true(sip_pl_eq(&m.via.branch, "z9hG4bK1"));
	assert_int_equal(
		parse_with(&m, buf, sizeof(buf),
			   "Via: SIP/2.0/UDP a.example;branch=z9hG4bK1,,"
			   "SIP/2.0/UDP b.example\r\n"),
		EBADMSG);
	assert_int_equal(parse_with(&m, buf, sizeof(buf), "Via:\r\n"), EBADMSG);
}

/* ---- name-addr ---- */

static void hdr_naddr_display(void **state)
{
	struct sip_naddr na;
	(void)state;
	/* quoted display name with escaped quotes and a comma */
	assert_int_equal(naddr_of(&na, "\"Smith, \\\"JJ\\\" \" "
				       "<sip:jj@example.com:5070;lr>;tag=9fx"),
			 0);
	assert_true(sip_pl_eq(&na.dname, "Smith, \\\"JJ\\\" "));
	assert_true(sip_pl_eq(&na.uri_str, "sip:jj@example.com:5070;lr"));
	assert_true(sip_pl_eq(&na.uri.user, "jj"));
	assert_int_equal(na.uri.port, 5070);
	assert_true(sip_uri_param(&na.uri, "lr", NULL));
	assert_true(sip_pl_eq(&na.tag, "9fx"));
	assert_true(sip_pl_eq(&na.params, "tag=9fx"));

	/* empty quoted name, no space before '<' */
	assert_int_equal(naddr_of(&na, "\"\"<sip:a@h>"), 0);
	assert_int_equal(na.dname.l, 0);
	assert_true(sip_pl_eq(&na.uri_str, "sip:a@h"));

	/* token display name of several words */
	assert_int_equal(naddr_of(&na, "Bob  Smith <sip:bob@h> ; tag = t1 "),
			 0);
	assert_true(sip_pl_eq(&na.dname, "Bob  Smith"));
	assert_true(sip_pl_eq(&na.tag, "t1"));

	/* no display name */
	assert_int_equal(naddr_of(&na, "<tel:+15551234>"), 0);
	assert_int_equal(na.dname.l, 0);
	assert_int_equal(na.uri.scheme, SIP_URI_TEL);
	assert_false(sip_pl_isset(&na.tag));
}

/* addr-spec without <>: parameters after the URI are header parameters. */
static void hdr_naddr_addr_spec(void **state)
{
	struct sip_naddr na;
	(void)state;
	assert_int_equal(naddr_of(&na, "sip:alice@atlanta.example;tag=88sja8x"
				       ";lr;expires=60"),
			 0);
	assert_true(sip_pl_eq(&na.uri_str, "sip:alice@atlanta.example"));
	assert_false(sip_pl_isset(&na.uri.params));
	assert_true(sip_pl_eq(&na.tag, "88sja8x"));
	struct sip_pl v;
	assert_true(sip_param_find(&na.params, "lr", &v));
	assert_int_equal(v.l, 0);
	assert_true(sip_param_find(&na.params, "expires", &v));
	assert_true(sip_pl_eq(&v, "60"));

	/* a tag inside <> is a URI parameter, not the header tag */
	assert_int_equal(naddr_of(&na, "<sip:a@h;tag=inner>;foo;tag=outer;bar"),
			 0);
	assert_true(sip_pl_eq(&na.tag, "outer"));
	assert_true(sip_pl_eq(&na.params, "foo;tag=outer;bar"));
	assert_true(sip_param_find(&na.params, "foo", &v));
	assert_int_equal(v.l, 0);
	assert_true(sip_param_find(&na.params, "bar", NULL));

	/* a parameter without value named tag */
	assert_int_equal(naddr_of(&na, "<sip:a@h>;tag"), 0);
	assert_true(sip_param_find(&na.params, "tag", NULL));
	assert_int_equal(na.tag.l, 0);

	/* the parser stops at a list comma */
	struct sip_lex lx = lex_of("sip:a@h;tag=1, <sip:b@h>");
	assert_int_equal(sip_naddr_parse(&na, &lx), 0);
	assert_true(sip_pl_eq(&na.tag, "1"));
	assert_int_equal(*lx.p, ',');
}

/* Folded header lines inside From, To and Contact values. */
static void hdr_naddr_folding(void **state)
{
	static const char msg[] =
		"INVITE sip:b@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP a.example;branch=z9hG4bKf\r\n"
		"From: \"Smith, \\\"JJ\\\"\"\r\n"
		"\t<sip:jj@a.example>\r\n"
		" ;tag=f1\r\n"
		"To:\r\n <sip:b@example.com>\r\n"
		"Contact: \"A, B\" <sip:ab@192.0.2.7:5070>;expires=60,\r\n"
		"  <sip:c@192.0.2.8>\r\n"
		"Call-ID: fold@a.example\r\nCSeq: 1 INVITE\r\n"
		"Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
	struct sip_msg m;
	(void)state;
	assert_int_equal(sip_msg_parse(&m, msg, strlen(msg), 65535), 0);
	assert_true(sip_pl_eq(&m.from.dname, "Smith, \\\"JJ\\\""));
	assert_true(sip_pl_eq(&m.from.uri.user, "jj"));
	assert_true(sip_pl_eq(&m.from.tag, "f1"));
	assert_true(sip_pl_eq(&m.to.uri_str, "sip:b@example.com"));
	assert_false(sip_pl_isset(&m.to.tag));
	assert_true(m.has_contact);
	assert_true(sip_pl_eq(&m.contact.dname, "A, B"));
	assert_int_equal(m.contact.uri.port, 5070);
	struct sip_pl v;
	assert_true(sip_param_find(&m.contact.params, "expires", &v));
	assert_true(sip_pl_eq(&v, "60"));
	/* views into the datagram */
	assert_ptr_equal(m.from.tag.p, strstr(msg, "f1"));
}

static void hdr_naddr_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"   ",
		"\"Bob <sip:bob@h>",	 /* unterminated quote */
		"\"Bob\\\" <sip:bob@h>", /* the quote is escaped */
		"\"Bob\" sip:bob@h",	 /* quoted name needs <> */
		"<sip:bob@h",		 /* '<' without '>' */
		"Bob <sip:bob@h;tag=1",
		"<>",
		"<sip:bob @h>", /* LWS inside <> */
		"<sip:bob@>",	/* empty host */
		"<sip:bob@h:0>",
		"sip:bob@h?subject=x", /* needs the <> form */
		"sip:bob@h>",
		"sip:\"bob\"@h",
		"<sip:bob@h>;",
		"<sip:bob@h>;tag=",
		"<sip:bob@h>;=1",
		"<sip:bob@h> junk",
		"Bob",
		"Bob \"x\" <sip:b@h>",
	};
	struct sip_naddr na;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = naddr_of(&na, bad[i]);
		if (err != EBADMSG)
			fail_msg("name-addr '%s' gave %d", bad[i], err);
	}
}

/* Bad From/To/Contact make the message malformed with a reason. */
static void hdr_naddr_in_msg(void **state)
{
	char buf[2048];
	struct sip_msg m;
	(void)state;
	int n = snprintf(buf, sizeof(buf),
			 "OPTIONS sip:b@h SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\n"
			 "From: \"Bob <sip:bob@h>;tag=1\r\nTo: <sip:b@h>\r\n"
			 "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n");
	assert_int_equal(sip_msg_parse(&m, buf, (size_t)n, 65535), EBADMSG);
	assert_string_equal(m.err, "bad From");
	n = snprintf(buf, sizeof(buf),
		     "OPTIONS sip:b@h SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\n"
		     "From: <sip:bob@h>;tag=1\r\nTo: <sip:b@h\r\n"
		     "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n");
	assert_int_equal(sip_msg_parse(&m, buf, (size_t)n, 65535), EBADMSG);
	assert_string_equal(m.err, "bad To");
	n = snprintf(buf, sizeof(buf),
		     "OPTIONS sip:b@h SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\n"
		     "From: <sip:bob@h>;tag=1\r\nTo: <sip:b@h>\r\n"
		     "Contact: <sip:c@h>, \"x <sip:d@h>\r\n"
		     "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n");
	assert_int_equal(sip_msg_parse(&m, buf, (size_t)n, 65535), EBADMSG);
	assert_string_equal(m.err, "bad Contact");
	n = snprintf(buf, sizeof(buf),
		     "OPTIONS sip:b@h SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP a:65536;branch=z9hG4bK1\r\n"
		     "From: <sip:bob@h>;tag=1\r\nTo: <sip:b@h>\r\n"
		     "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n");
	assert_int_equal(sip_msg_parse(&m, buf, (size_t)n, 65535), EBADMSG);
	assert_string_equal(m.err, "bad Via");
}

/* maddr, ttl, rport=N and received with and without [] (RFC 5118 4.5) */
static void hdr_via_params(void **state)
{
	struct sip_via v;
	(void)state;
	assert_int_equal(
		via_of(&v, "SIP/2.0/UDP h;branch=z9hG4bK1;maddr=224.2.0.1"
			   ";ttl=16;rport=5070;received=[2001:db8::9:255]"),
		0);
	assert_true(sip_pl_eq(&v.maddr, "224.2.0.1"));
	assert_int_equal(v.ttl, 16);
	assert_true(v.rport);
	assert_int_equal(v.rport_port, 5070);
	assert_true(sip_pl_eq(&v.received, "2001:db8::9:255"));
	assert_int_equal(via_of(&v, "SIP/2.0/UDP h;branch=z9hG4bK1"
				    ";received=2001:db8::9:255"),
			 0);
	assert_true(sip_pl_eq(&v.received, "2001:db8::9:255"));
	assert_int_equal(v.ttl, -1);
	assert_int_equal(v.rport_port, 0);
	assert_false(v.rport);
	static const char *const bad[] = {
		"SIP/2.0/UDP h;ttl=256",      "SIP/2.0/UDP h;ttl=x",
		"SIP/2.0/UDP h;rport=0",      "SIP/2.0/UDP h;rport=65536",
		"SIP/2.0/UDP h;branch=\"\"",  "SIP/2.0/UDP h;maddr=\"\"",
		"SIP/2.0/UDP h;received=a/b", "SIP/2.0/UDP [2001:db8:::1]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (via_of(&v, bad[i]) == 0)
			fail_msg("accepted %s", bad[i]);
}

/* fuzz_sip_msg: a Via without parameters (no branch, RFC 2543 style)
 * made via_params() compute NULL + 0 (undefined) before its check. */
static void hdr_via_no_params(void **state)
{
	struct sip_via v;
	(void)state;
	assert_int_equal(via_of(&v, "SIP/2.0/UDP 192.0.2.10:5060"), 0);
	assert_true(sip_pl_eq(&v.host, "192.0.2.10"));
	assert_int_equal(v.port, 5060);
	assert_int_equal(v.branch.l, 0);
	assert_int_equal(v.ttl, -1);
	assert_false(v.rport);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hdr_lex_basics),
		cmocka_unit_test(hdr_lex_quoted),
		cmocka_unit_test(hdr_parse_u32),
		cmocka_unit_test(hdr_params),
		cmocka_unit_test(hdr_list),
		cmocka_unit_test(hdr_via_full),
		cmocka_unit_test(hdr_via_params),
		cmocka_unit_test(hdr_via_ipv6),
		cmocka_unit_test(hdr_via_no_branch),
		cmocka_unit_test(hdr_via_bad),
		cmocka_unit_test(hdr_via_several),
		cmocka_unit_test(hdr_naddr_display),
		cmocka_unit_test(hdr_naddr_addr_spec),
		cmocka_unit_test(hdr_naddr_folding),
		cmocka_unit_test(hdr_naddr_bad),
		cmocka_unit_test(hdr_naddr_in_msg),
		cmocka_unit_test(hdr_via_no_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
