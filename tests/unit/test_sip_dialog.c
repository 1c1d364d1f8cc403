/* test_sip_dialog.c: dialogs (sip/dialog.c). */
#include "tests/unit/test_sip_fake.h"
#include "sip/sip_int.h"

static const char resp[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	"Record-Route: <sip:p1@192.0.2.31;lr>, <sip:p2@192.0.2.32;lr>\r\n"
	"Record-Route: <sip:p3@192.0.2.33;lr>\r\n"
	"From: <sip:a@h>;tag=lt\r\nTo: <sip:b@h>;tag=rt\r\n"
	"Call-ID: dlg1\r\nCSeq: 1 INVITE\r\n"
	"Contact: <sip:b@192.0.2.40:5080>\r\nContent-Length: 0\r\n\r\n";

static void dialog_uac(void **state)
{
	struct sip_stack *st = fk_stack();
	struct sip_dialog d;
	struct sip_msg m, r;
	struct sip_addr peer = fk_peer(), dst;
	char buf[4096], s[64];
	struct sip_mbuf mb;
	(void)state;
	assert_int_equal(sip_dialog_init_uac(&d, st, "dlg1", "<sip:a@h>", "lt",
					     "<sip:b@h>", "sip:b@h", 1, &peer),
			 0);
	assert_int_equal(sip_msg_parse(&m, resp, strlen(resp), 65535), 0);
	assert_int_equal(sip_dialog_update_uac(&d, &m), 0);
	assert_true(d.confirmed);
	assert_string_equal(d.remote_target, "sip:b@192.0.2.40:5080");
	assert_string_equal(d.route,
			    "<sip:p3@192.0.2.33;lr>, "
			    "<sip:p2@192.0.2.32;lr>, <sip:p1@192.0.2.31;lr>");
	sip_mb_init(&mb, buf, sizeof(buf));
	assert_int_equal(sip_dialog_request(&d, &mb, SIP_METHOD_BYE, 0,
					    "z9hG4bKb", NULL, NULL, NULL, &dst),
			 0);
	assert_int_equal(sip_msg_parse(&r, buf, mb.len, 65535), 0);
	assert_true(sip_pl_eq(&r.ruri_str, "sip:b@192.0.2.40:5080"));
	assert_int_equal(r.cseq, 2);
	assert_true(sip_pl_eq(&r.to.tag, "rt"));
	assert_true(sip_pl_eq(&r.from.tag, "lt"));
	/* loose routing: next hop is the first Route */
	assert_string_equal(sip_addr_str(&dst, s, sizeof(s)),
			    "192.0.2.33:5060");
	sip_dialog_release(&d);
	fk_done();
}

static void dialog_uas_match_cseq(void **state)
{
	static const char inv[] =
		"INVITE sip:x@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK2\r\n"
		"Record-Route: <sip:p1@192.0.2.31>\r\n"
		"From: \"B\" <sip:b@h>;tag=ft\r\nTo: <sip:x@h>\r\n"
		"Call-ID: dlg2\r\nCSeq: 10 INVITE\r\n"
		"Contact: <sip:b@192.0.2.10>\r\nContent-Length: 0\r\n\r\n";
	static const char bye[] =
		"BYE sip:x@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK3\r\n"
		"From: <sip:b@h>;tag=ft\r\nTo: <sip:x@h>;tag=mine\r\n"
		"Call-ID: dlg2\r\nCSeq: 11 BYE\r\nContent-Length: 0\r\n\r\n";
	struct sip_stack *st = fk_stack();
	struct sip_dialog d;
	struct sip_msg m, b, r;
	struct sip_addr peer = fk_peer(), dst;
	char buf[4096];
	struct sip_mbuf mb;
	(void)state;
	assert_int_equal(sip_msg_parse(&m, inv, strlen(inv), 65535), 0);
	assert_int_equal(sip_dialog_init_uas(&d, st, &m, "mine", &peer), 0);
	assert_string_equal(d.remote_uri, "\"B\" <sip:b@h>");
	assert_int_equal(sip_msg_parse(&b, bye, strlen(bye), 65535), 0);
	assert_true(sip_dialog_match(&d, &b));
	assert_true(sip_dialog_check_cseq(&d, &b));
	assert_false(sip_dialog_check_cseq(&d, &b)); /* not increasing */
	/* strict route (no ;lr): Request-URI is the route, target goes last */
	sip_mb_init(&mb, buf, sizeof(buf));
	assert_int_equal(sip_dialog_request(&d, &mb, SIP_METHOD_BYE, 0,
					    "z9hG4bKx", NULL, NULL, NULL, &dst),
			 0);
	assert_int_equal(sip_msg_parse(&r, buf, mb.len, 65535), 0);
	assert_true(sip_pl_eq(&r.ruri_str, "sip:p1@192.0.2.31"));
	const struct sip_hdr *h = sip_msg_hdr(&r, SIP_HDR_ROUTE, NULL);
	assert_non_null(h);
	assert_true(sip_pl_eq(&h->val, "<sip:b@192.0.2.10>"));
	sip_dialog_release(&d);
	fk_done();
}

/* The dialog's transport flows into the next hop and the Via; methods
 * that refresh the target or form a dialog carry our Contact. */
static void dialog_transport_contact(void **state)
{
	struct sip_stack *st = fk_stack();
	struct sip_dialog d;
	struct sip_msg m, r;
	struct sip_addr peer = fk_peer(), dst;
	char buf[4096];
	struct sip_mbuf mb;
	(void)state;
	peer.tp = SIP_TP_TCP;
	assert_int_equal(sip_dialog_init_uac(&d, st, "dlg1", "<sip:a@h>", "lt",
					     "<sip:b@h>", "sip:b@h", 1, &peer),
			 0);
	assert_int_equal(sip_msg_parse(&m, resp, strlen(resp), 65535), 0);
	assert_int_equal(sip_dialog_update_uac(&d, &m), 0);
	static const enum sip_method with[] = {
		SIP_METHOD_INVITE, SIP_METHOD_UPDATE, SIP_METHOD_SUBSCRIBE,
		SIP_METHOD_NOTIFY, SIP_METHOD_REFER
	};
	for (unsigned i = 0; i < 5; i++) {
		sip_mb_init(&mb, buf, sizeof(buf));
		assert_int_equal(sip_dialog_request(&d, &mb, with[i], 0,
						    "z9hG4bKb", NULL, NULL,
						    NULL, &dst),
				 0);
		assert_int_equal(sip_msg_parse(&r, buf, mb.len, 65535), 0);
		assert_true(r.has_contact);
		assert_true(sip_pl_eq(&r.via.transport, "TCP"));
		assert_int_equal(dst.tp, SIP_TP_TCP);
	}
	sip_mb_init(&mb, buf, sizeof(buf));
	assert_int_equal(sip_dialog_request(&d, &mb, SIP_METHOD_INFO, 0,
					    "z9hG4bKb", NULL, NULL, NULL, &dst),
			 0);
	assert_int_equal(sip_msg_parse(&r, buf, mb.len, 65535), 0);
	assert_false(r.has_contact);
	assert_int_equal(r.cseq, 7);
	sip_dialog_release(&d);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dialog_uac),
		cmocka_unit_test(dialog_transport_contact),
		cmocka_unit_test(dialog_uas_match_cseq),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
