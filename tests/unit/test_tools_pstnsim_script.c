/* tools/pstnsim/script.c: the scenario grammar, durations, event
 * matching and whole-file loading with FILE:LINE errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tdm/tdm.h"
#include "tools/pstnsim/script.h"

static char err[256];

static int parse(const char *line, struct sim_action *a)
{
	err[0] = 0;
	return sim_action_parse(line, 7, a, err, sizeof(err));
}

static void t_durations(void **state)
{
	uint64_t ms = 99;

	assert_int_equal(sim_duration_parse("500ms", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(sim_duration_parse("2s", &ms), 0);
	assert_int_equal(ms, 2000);
	assert_int_equal(sim_duration_parse("1.5s", &ms), 0);
	assert_int_equal(ms, 1500);
	assert_int_equal(sim_duration_parse("2m", &ms), 0);
	assert_int_equal(ms, 120000);
	assert_int_equal(sim_duration_parse("0s", &ms), 0);
	assert_int_equal(ms, 0);
	ms = 42;
	assert_int_not_equal(sim_duration_parse("2", &ms), 0);
	assert_int_not_equal(sim_duration_parse("-1s", &ms), 0);
	assert_int_not_equal(sim_duration_parse("s", &ms), 0);
	assert_int_not_equal(sim_duration_parse("1h", &ms), 0);
	assert_int_not_equal(sim_duration_parse("inf s", &ms), 0);
	assert_int_not_equal(sim_duration_parse("nans", &ms), 0);
	assert_int_not_equal(sim_duration_parse("99999999m", &ms), 0);
	assert_int_not_equal(sim_duration_parse("", &ms), 0);
	assert_int_equal(ms, 42); /* untouched on error */
}

static void t_blank_and_comments(void **state)
{
	struct sim_action a;

	assert_int_equal(parse("", &a), 1);
	assert_int_equal(parse("   \t\n", &a), 1);
	assert_int_equal(parse("# wait 2s", &a), 1);
	assert_int_equal(parse("  # indented comment", &a), 1);
	/* a trailing comment, and a '#' inside a word is no comment */
	assert_int_equal(parse("digits 12# # press pound", &a), 0);
	assert_int_equal(a.type, SIM_ACT_DIGITS);
	assert_string_equal(a.arg, "12#");
}

static void t_wait_forms(void **state)
{
	struct sim_action a;

	assert_int_equal(parse("wait 250ms", &a), 0);
	assert_int_equal(a.type, SIM_ACT_SLEEP);
	assert_int_equal(a.ms, 250);
	assert_int_equal(a.line, 7);

	assert_int_equal(parse("wait event=released cause=16 call=2", &a), 0);
	assert_int_equal(a.type, SIM_ACT_WAIT);
	assert_int_equal(a.ms, SIM_WAIT_DEFAULT_MS);
	assert_int_equal(a.nmatch, 3);
	/* call= and cause= are event fields here, not options */
	assert_string_equal(a.match[1].key, "cause");
	assert_string_equal(a.match[1].val, "16");
	assert_int_equal(a.call, 0);
	assert_int_equal(a.cause, -1);

	assert_int_equal(parse("wait event=setup timeout=3s", &a), 0);
	assert_int_equal(a.ms, 3000);
	assert_int_equal(a.nmatch, 1);

	assert_int_equal(parse("expect event=connect", &a), 0);
	assert_int_equal(a.type, SIM_ACT_EXPECT);
	assert_int_equal(a.ms, SIM_EXPECT_DEFAULT_MS);
	assert_int_equal(parse("expect event=connect within=250ms", &a), 0);
	assert_int_equal(a.ms, 250);
	assert_int_equal(parse("expect name=\"A B\"", &a), 0);
	assert_string_equal(a.match[0].val, "A B");
}

static void t_call(void **state)
{
	struct sim_action a;

	assert_int_equal(parse("call 5551234 from=2125550100 name=\"Jo Q\" "
			       "span=2 chan=5 count=3 interval=100ms",
			       &a),
			 0);
	assert_int_equal(a.type, SIM_ACT_CALL);
	assert_string_equal(a.arg, "5551234");
	assert_string_equal(a.from, "2125550100");
	assert_string_equal(a.name, "Jo Q");
	assert_int_equal(a.span, 2);
	assert_int_equal(a.chan, 5);
	assert_int_equal(a.count, 3);
	assert_int_equal(a.gap_ms, 100);
	assert_int_equal(a.step, 0);
	assert_int_equal(parse("call 5551000 count=23 step=2", &a), 0);
	assert_int_equal(a.step, 2);
	assert_int_equal(parse("call 911", &a), 0);
	assert_int_equal(a.count, 1);
	assert_int_equal(a.span, 0);
	assert_int_equal(a.gap_ms, 1000);
}

static void t_call_info(void **state)
{
	struct sim_action a;

	assert_int_equal(parse("call 555", &a), 0);
	assert_int_equal(a.ton, -1);
	assert_int_equal(a.npi, -1);
	assert_int_equal(a.pres, -1);
	assert_int_equal(a.reason, -1);
	assert_false(a.overlap);
	assert_int_equal(parse("call 5551234 from=2125550100 ton=national "
			       "npi=isdn pres=restricted screen=network "
			       "called-ton=subscriber called-npi=private "
			       "redirecting=2125550199 reason=busy overlap=yes",
			       &a),
			 0);
	assert_int_equal(a.ton, TDM_TON_NATIONAL);
	assert_int_equal(a.npi, TDM_NPI_E164);
	assert_int_equal(a.pres, TDM_PRES_RESTRICTED);
	assert_int_equal(a.screen, TDM_SCREEN_NETWORK);
	assert_int_equal(a.called_ton, TDM_TON_SUBSCRIBER);
	assert_int_equal(a.called_npi, TDM_NPI_PRIVATE);
	assert_string_equal(a.redirecting, "2125550199");
	assert_int_equal(a.reason, TDM_REDIR_BUSY);
	assert_true(a.overlap);
	assert_int_equal(parse("call 5 npi=e164 ton=unknown", &a), 0);
	assert_int_equal(a.npi, TDM_NPI_E164);
	assert_int_equal(a.ton, TDM_TON_UNKNOWN);

	assert_int_equal(parse("digits 1234", &a), 0);
	assert_int_equal(a.mode, SIM_DIGITS_DTMF);
	assert_int_equal(parse("digits 34 mode=overlap complete=yes", &a), 0);
	assert_int_equal(a.mode, SIM_DIGITS_OVERLAP);
	assert_true(a.complete);
	assert_int_equal(parse("digits 77 mode=keypad", &a), 0);
	assert_int_equal(a.mode, SIM_DIGITS_KEYPAD);

	assert_int_equal(parse("restart", &a), 0);
	assert_int_equal(a.type, SIM_ACT_RESTART);
	assert_int_equal(a.span, 0);
	assert_int_equal(parse("restart span=2 chan=5", &a), 0);
	assert_int_equal(a.span, 2);
	assert_int_equal(a.chan, 5);
	assert_int_equal(parse("drop-dchannel 2s span=1", &a), 0);
	assert_int_equal(a.type, SIM_ACT_DROP_DCHAN);
	assert_int_equal(a.ms, 2000);
	assert_int_equal(parse("alarm red", &a), 0);
	assert_int_equal(a.alarm, TDM_ALARM_RED);
	assert_int_equal(parse("alarm blue span=3", &a), 0);
	assert_int_equal(a.alarm, TDM_ALARM_BLUE);
	assert_int_equal(parse("alarm clear", &a), 0);
	assert_int_equal(a.alarm, 0);
	assert_string_equal(sim_act_name(SIM_ACT_DROP_DCHAN), "drop-dchannel");
	assert_int_equal(parse("inject runt_frame span=2", &a), 0);
	assert_int_equal(a.type, SIM_ACT_INJECT);
	assert_string_equal(a.arg, "runt_frame");
	assert_int_equal(parse("inject corrupt", &a), 0);
	assert_string_equal(a.arg, "corrupt");
}

static void t_call_actions(void **state)
{
	struct sim_action a;

	assert_int_equal(parse("progress call=2", &a), 0);
	assert_int_equal(a.type, SIM_ACT_PROGRESS);
	assert_int_equal(a.call, 2);
	assert_string_equal(sim_act_name(a.type), "progress");
	assert_int_equal(parse("answer call=3", &a), 0);
	assert_int_equal(a.type, SIM_ACT_ANSWER);
	assert_int_equal(a.call, 3);
	assert_int_equal(parse("reject cause=17", &a), 0);
	assert_int_equal(a.type, SIM_ACT_REJECT);
	assert_int_equal(a.cause, 17);
	assert_int_equal(parse("hangup", &a), 0);
	assert_int_equal(a.cause, -1);
	assert_int_equal(parse("play tone:440", &a), 0);
	assert_int_equal(a.freq, 440);
	assert_int_equal(parse("play /tmp/x.wav call=2", &a), 0);
	assert_int_equal(a.freq, 0);
	assert_false(a.stop);
	assert_string_equal(a.arg, "/tmp/x.wav");
	assert_int_equal(parse("play stop", &a), 0);
	assert_true(a.stop);
	assert_int_equal(parse("record stop", &a), 0);
	assert_true(a.stop);
	assert_int_equal(parse("record \"/tmp/a b.wav\"", &a), 0);
	assert_string_equal(a.arg, "/tmp/a b.wav");
	assert_int_equal(parse("detect tone 1000", &a), 0);
	assert_int_equal(a.freq, 1000);
	assert_false(a.dtmf);
	assert_int_equal(parse("detect dtmf", &a), 0);
	assert_true(a.dtmf);
	assert_int_equal(parse("send-fax doc.tif", &a), 0);
	assert_int_equal(a.type, SIM_ACT_SEND_FAX);
	assert_true(a.ecm);
	assert_int_equal(parse("receive-fax in.tif ecm=off", &a), 0);
	assert_int_equal(a.type, SIM_ACT_RECV_FAX);
	assert_false(a.ecm);
	assert_int_equal(parse("exit", &a), 0);
	assert_int_equal(a.code, 0);
	assert_int_equal(parse("exit 4", &a), 0);
	assert_int_equal(a.code, 4);
}

/* Each bad line is refused with a message naming the problem. */
static void t_bad_lines(void **state)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "dance", "unknown action 'dance'" },
		{ "wait", "wait needs KEY=VALUE" },
		{ "wait 2", "bad duration '2'" },
		{ "wait 2s event=x", "not both" },
		{ "wait 1s 2s", "unexpected word" },
		{ "wait event=x timeout=0s", "bad duration for timeout" },
		{ "expect 2s", "unexpected word" },
		{ "expect event=x timeout=1s", "" }, /* a field, fine */
		{ "expect within=1s", "needs KEY=VALUE" },
		{ "call", "missing argument" },
		{ "call 55a1", "bad called number" },
		{ "call 555 from=12x", "bad value for from" },
		{ "call 555 span=0", "bad value for span" },
		{ "call 555 span=128", "bad value for span" },
		{ "call 555 chan=32", "bad value for chan" },
		{ "call 555 count=0", "bad value for count" },
		{ "call 555 step=-1", "bad value for step" },
		{ "call 555 interval=fast", "bad value for interval" },
		{ "call 555 color=red", "unknown option 'color='" },
		{ "call 555 =x", "unknown option" },
		{ "call 555 name=\"open", "unterminated quote" },
		{ "call 123456789012345678901234567890123", "longer than" },
		{ "answer now", "unexpected word" },
		{ "answer call=0", "bad value for call" },
		{ "answer call=-1", "bad value for call" },
		{ "reject cause=0", "bad value for cause" },
		{ "hangup cause=128", "bad value for cause" },
		{ "hangup cause=16x", "bad value for cause" },
		{ "digits", "missing argument" },
		{ "digits 12E", "bad DTMF digits" },
		{ "play", "missing argument" },
		{ "play tone:0", "1..3999" },
		{ "play tone:4000", "1..3999" },
		{ "play tone:abc", "1..3999" },
		{ "detect", "missing argument" },
		{ "detect tone", "detect takes" },
		{ "detect tone 50", "detect takes" },
		{ "detect noise", "detect takes" },
		{ "detect dtmf 5", "detect takes" },
		{ "send-fax", "missing argument" },
		{ "send-fax a.tif ecm=maybe", "bad value for ecm" },
		{ "receive-fax a.tif b.tif", "unexpected word" },
		{ "exit 256", "bad exit code" },
		{ "exit x", "bad exit code" },
		{ "wait a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=1 k=1 l=1 m=1 "
		  "n=1 o=1 p=1 q=1",
		  "more than 16" },
		{ "call 5 ton=galactic", "bad value for ton" },
		{ "call 5 npi=?", "bad value for npi" },
		{ "call 5 pres=hidden", "bad value for pres" },
		{ "call 5 screen=", "bad value for screen" },
		{ "call 5 reason=whim", "bad value for reason" },
		{ "call 5 redirecting=12a", "bad value for redirecting" },
		{ "call 5 overlap=maybe", "bad value for overlap" },
		{ "answer ton=national", "unknown option 'ton='" },
		{ "digits 1 mode=smoke", "bad value for mode" },
		{ "digits 1 complete=1", "bad value for complete" },
		{ "restart 5", "unexpected word" },
		{ "restart chan=0", "bad value for chan" },
		{ "drop-dchannel", "missing argument" },
		{ "drop-dchannel 0s", "bad duration" },
		{ "drop-dchannel 5", "bad duration" },
		{ "alarm", "missing argument" },
		{ "alarm green", "alarm takes" },
		{ "inject", "missing argument" },
		{ "inject gremlins", "unknown fault 'gremlins'" },
		{ "alarm red span=200", "bad value for span" },
	};
	struct sim_action a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].line, &a);

		if (!bad[i].msg[0]) {
			assert_int_equal(rc, 0);
			continue;
		}
		if (rc != -1 || !strstr(err, bad[i].msg))
			fail_msg("'%s': rc %d, error '%s', wanted '%s'",
				 bad[i].line, rc, err, bad[i].msg);
	}
}

static void t_overlong(void **state)
{
	struct sim_action a;
	char line[2048];

	memset(line, '1', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	memcpy(line, "digits ", 7);
	assert_int_equal(parse(line, &a), -1);
	assert_non_null(strstr(err, "longer than"));
	strcpy(line, "wait");
	for (int i = 0; i < 40; i++)
		strcat(line, " a=1");
	assert_int_equal(parse(line, &a), -1);
	assert_non_null(strstr(err, "more than"));
}

static void t_matching(void **state)
{
	struct sim_action a;
	const char *ev = "event=setup span=1 chan=3 call=12 dir=in "
			 "called=555 calling= name=\"A B C\"";

	assert_int_equal(parse("wait event=setup call=12", &a), 0);
	assert_true(sim_event_matches(&a, ev));
	assert_int_equal(parse("wait event=setup call=1", &a), 0);
	assert_false(sim_event_matches(&a, ev)); /* no prefix match */
	assert_int_equal(parse("wait call=12 event=setup", &a), 0);
	assert_true(sim_event_matches(&a, ev)); /* any order */
	assert_int_equal(parse("wait name=\"A B C\"", &a), 0);
	assert_true(sim_event_matches(&a, ev));
	assert_int_equal(parse("wait name=A", &a), 0);
	assert_false(sim_event_matches(&a, ev));
	assert_int_equal(parse("wait calling=", &a), 0);
	assert_true(sim_event_matches(&a, ev)); /* empty value */
	assert_int_equal(parse("wait cause=16", &a), 0);
	assert_false(sim_event_matches(&a, ev)); /* absent key */
	/* a key inside a quoted value is not a field */
	assert_int_equal(parse("wait x=1", &a), 0);
	assert_false(sim_event_matches(&a, "event=a name=\"x=1\""));
	assert_true(sim_event_matches(&a, "event=a name=\"y\" x=1"));
}

static char path[64];

static void write_file(const char *text)
{
	FILE *f;

	strcpy(path, "/tmp/test_pstnsim_scn.XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int no_span_9(const struct sim_action *a, char *e, size_t len)
{
	if (a->span == 9) {
		snprintf(e, len, "no span 9");
		return -1;
	}
	return 0;
}

static void t_load(void **state)
{
	struct sim_script s;
	char out[2048] = "";
	FILE *ef = fmemopen(out, sizeof(out), "w");

	write_file("# scenario\n\nwait event=span_up\ncall 555 span=2\n"
		   "answer\n");
	assert_int_equal(sim_script_load(path, &s, no_span_9, ef), 0);
	fflush(ef);
	assert_string_equal(out, "");
	assert_int_equal(s.n, 3);
	assert_int_equal(s.acts[0].line, 3);
	assert_int_equal(s.acts[1].line, 4);
	assert_int_equal(s.acts[2].type, SIM_ACT_ANSWER);
	sim_script_release(&s);
	assert_null(s.acts);
	unlink(path);

	/* every bad line is reported, with FILE:LINE and the line itself */
	write_file("wait 1s\nfoo\ncall 555 span=9\nanswer\nhangup cause=0");
	rewind(ef);
	assert_int_equal(sim_script_load(path, &s, no_span_9, ef), EINVAL);
	fclose(ef);
	assert_null(s.acts);
	{
		char want[160];

		snprintf(want, sizeof(want),
			 "%s:2: unknown action 'foo': foo\n", path);
		assert_non_null(strstr(out, want));
		snprintf(want, sizeof(want), "%s:3: no span 9: call 555 span=9",
			 path);
		assert_non_null(strstr(out, want));
		snprintf(want, sizeof(want), "%s:5: bad value for cause", path);
		assert_non_null(strstr(out, want));
		snprintf(want, sizeof(want), "%s:4:", path);
		assert_null(strstr(out, want));
	}
	unlink(path);
}

static void t_load_errors(void **state)
{
	struct sim_script s;
	char out[1024] = "";
	FILE *ef = fmemopen(out, sizeof(out), "w");
	FILE *f;
	int i;

	assert_int_equal(sim_script_load("/nonexistent/x.scn", &s, NULL, ef),
			 ENOENT);
	fflush(ef);
	assert_non_null(strstr(out, "/nonexistent/x.scn: No such file"));
	/* a line longer than the reader's buffer is one error, and the
	 * reader goes on with the next line */
	write_file("");
	f = fopen(path, "w");
	for (i = 0; i < 3000; i++)
		fputc('x', f);
	fputs("\nwait 1s\n", f);
	fclose(f);
	rewind(ef);
	assert_int_equal(sim_script_load(path, &s, NULL, ef), EINVAL);
	fclose(ef);
	assert_non_null(strstr(out, ":1: line longer than"));
	assert_null(strstr(out, ":2:"));
	unlink(path);
}

static void t_add_and_names(void **state)
{
	struct sim_script s = { 0 };
	struct sim_action a;
	int i;

	assert_int_equal(parse("answer", &a), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(sim_script_add(&s, &a), 0);
	assert_int_equal(s.n, 100);
	sim_script_release(&s);
	assert_string_equal(sim_act_name(SIM_ACT_SEND_FAX), "send-fax");
	assert_string_equal(sim_act_name(SIM_ACT_SLEEP), "wait");
	assert_string_equal(sim_act_name((enum sim_act_type)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_durations),
		cmocka_unit_test(t_blank_and_comments),
		cmocka_unit_test(t_wait_forms),
		cmocka_unit_test(t_call),
		cmocka_unit_test(t_call_info),
		cmocka_unit_test(t_call_actions),
		cmocka_unit_test(t_bad_lines),
		cmocka_unit_test(t_overlong),
		cmocka_unit_test(t_matching),
		cmocka_unit_test(t_load),
		cmocka_unit_test(t_load_errors),
		cmocka_unit_test(t_add_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
