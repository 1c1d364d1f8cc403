/* tdm/group.c: hunting strategies, on synthetic channel lists and on a
 * live span pair through a group. */
#include "test_tdm_harness.h"

#define N 6

static struct tdm_chan chans[N];
static struct tdm_chan *list[N];

static void reset_chans(void)
{
	memset(chans, 0, sizeof(chans));
	for (int i = 0; i < N; i++) {
		chans[i].ts = i + 1;
		chans[i].state = TDM_CHAN_IDLE;
		list[i] = &chans[i];
	}
}

/* Takes n channels in a row (marking each in use, as a call would) and
 * returns their timeslots in order as a string like "123". */
static const char *take_seq(enum tdm_hunt h, int n, int *last)
{
	static char out[N + 1];
	int i, k;

	for (k = 0; k < n; k++) {
		i = tdm_hunt_pick(list, NULL, N, h, *last, 0);
		if (i < 0)
			break;
		out[k] = (char)('0' + chans[i].ts);
		chans[i].state = TDM_CHAN_IN_USE;
		*last = i;
	}
	out[k] = 0;
	return out;
}

static void free_all(int seq_from)
{
	for (int i = 0; i < N; i++)
		chans[i].state = TDM_CHAN_IDLE;
	(void)seq_from;
}

static void test_asc_desc(void **state)
{
	int last = -1;

	reset_chans();
	assert_string_equal(take_seq(TDM_HUNT_ASC, 3, &last), "123");
	free_all(0);
	assert_string_equal(take_seq(TDM_HUNT_ASC, 1, &last), "1");
	free_all(0);
	last = -1;
	assert_string_equal(take_seq(TDM_HUNT_DESC, 3, &last), "654");
	chans[1].state = TDM_CHAN_BLOCKED; /* ts 2 */
	chans[2].state = TDM_CHAN_MAINT;   /* ts 3 */
	assert_string_equal(take_seq(TDM_HUNT_DESC, 6, &last), "1");
	assert_int_equal(tdm_hunt_pick(list, NULL, N, TDM_HUNT_ASC, -1, 0), -1);
}

/* Round robin continues after (before) the channel taken last, even
 * when the earlier calls are over. */
static void test_round_robin(void **state)
{
	int last = -1;

	reset_chans();
	assert_string_equal(take_seq(TDM_HUNT_RR_ASC, 2, &last), "12");
	free_all(0);
	assert_string_equal(take_seq(TDM_HUNT_RR_ASC, 2, &last), "34");
	free_all(0);
	assert_string_equal(take_seq(TDM_HUNT_RR_ASC, 3, &last), "561");
	free_all(0);
	last = -1;
	assert_string_equal(take_seq(TDM_HUNT_RR_DESC, 2, &last), "65");
	free_all(0);
	assert_string_equal(take_seq(TDM_HUNT_RR_DESC, 5, &last), "43216");
}

/* LRU: the channel idle for the longest time; never used ones first
 * (in ascending order). */
static void test_lru(void **state)
{
	int i;

	reset_chans();
	for (i = 0; i < N; i++)
		chans[i].idle_seq = 100 + (uint64_t)i;
	chans[3].idle_seq = 5;	/* ts 4 idle longest */
	chans[1].idle_seq = 50; /* then ts 2 */
	i = tdm_hunt_pick(list, NULL, N, TDM_HUNT_LRU, -1, 0);
	assert_int_equal(chans[i].ts, 4);
	chans[i].state = TDM_CHAN_IN_USE;
	i = tdm_hunt_pick(list, NULL, N, TDM_HUNT_LRU, -1, 0);
	assert_int_equal(chans[i].ts, 2);
	/* exclusions and skips */
	i = tdm_hunt_pick(list, NULL, N, TDM_HUNT_LRU, -1, 1u << 2);
	assert_int_equal(chans[i].ts, 1);
	{
		bool skip[N] = { true, true, true, false, false, false };

		i = tdm_hunt_pick(list, skip, N, TDM_HUNT_ASC, -1, 0);
		assert_int_equal(chans[i].ts, 5);
	}
	assert_int_equal(tdm_hunt_pick(list, NULL, 0, TDM_HUNT_ASC, -1, 0), -1);
}

static void test_names(void **state)
{
	assert_string_equal(tdm_hunt_name(TDM_HUNT_RR_DESC), "rr_descending");
	assert_string_equal(tdm_hunt_name((enum tdm_hunt)99), "?");
	assert_int_equal(tdm_hunt_lookup("lru"), TDM_HUNT_LRU);
	assert_int_equal(tdm_hunt_lookup("ascending"), TDM_HUNT_ASC);
	assert_int_equal(tdm_hunt_lookup("sideways"), -1);
	assert_int_equal(tdm_hunt_lookup(NULL), -1);
	assert_non_null(strstr(tdm_hunt_list(), "rr_ascending"));
}

static bool cpe_alerted2(void)
{
	return th_count(&th_g.cpe, TDM_EV_ALERTING) >= 2;
}

/* A group over the live CPE span: round robin descending across calls,
 * and bad input. */
static void test_group_live(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	struct tdm_call *a, *b;
	struct tdm_group *g, *g2;

	assert_int_equal(tdm_group_alloc("pri", TDM_HUNT_RR_DESC, &g), 0);
	assert_string_equal(tdm_group_name(g), "pri");
	assert_int_equal(tdm_group_add(g, th_g.cpe.span), 0);
	assert_int_equal(tdm_group_add(g, th_g.cpe.span), EINVAL);
	assert_int_equal(tdm_group_alloc("other", TDM_HUNT_ASC, &g2), 0);
	assert_int_equal(tdm_group_add(g2, th_g.cpe.span), EINVAL);
	tdm_group_free(g2);

	th_g.net.on_setup = TH_ALERT;
	assert_int_equal(tdm_group_place(g, &setup, NULL, &a), 0);
	assert_int_equal(tdm_group_place(g, &setup, NULL, &b), 0);
	assert_int_equal(tdm_call_chan(a), 23);
	assert_int_equal(tdm_call_chan(b), 22);
	assert_true(th_run(cpe_alerted2, 3000));
	assert_int_equal(tdm_call_hangup(a, 16), 0);
	assert_int_equal(tdm_call_hangup(b, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	/* round robin goes on below 22 */
	th_reset(NULL);
	assert_int_equal(tdm_group_place(g, &setup, NULL, &a), 0);
	assert_int_equal(tdm_call_chan(a), 21);
	assert_int_equal(tdm_call_hangup(a, 16), 0);
	assert_true(th_run(th_all_released, 3000));

	/* bad input */
	setup.chan = 3;
	assert_int_equal(tdm_group_place(g, &setup, NULL, &a), EINVAL);
	assert_int_equal(tdm_group_place(NULL, &setup, NULL, &a), EINVAL);
	assert_int_equal(tdm_group_alloc("", TDM_HUNT_ASC, &g2), EINVAL);
	assert_int_equal(tdm_group_alloc("x", (enum tdm_hunt)77, &g2), EINVAL);
	assert_int_equal(tdm_group_add(NULL, th_g.cpe.span), EINVAL);
	tdm_group_free(g);
	tdm_group_free(NULL);
}

static struct th_side net2 = { .name = "net2" }, cpe2 = { .name = "cpe2" };

static bool second_pair_up(void)
{
	return tdm_span_is_up(net2.span) && tdm_span_is_up(cpe2.span);
}

static bool second_pair_down(void)
{
	return !tdm_span_is_up(cpe2.span);
}

static int new_span(struct th_side *s, unsigned id, enum tdm_role role,
		    enum tdm_loop_mode mode, const char *path)
{
	struct tdm_span_cfg cfg = { .id = id,
				    .type = TDM_SPAN_T1,
				    .role = role,
				    .loop_path = path,
				    .loop_mode = mode };
	struct tdm_hooks h;
	int err;

	s->th = &th_g;
	th_hooks(s, &h);
	err = tdm_span_alloc(&cfg, &h, &s->span);
	if (!err)
		tdm_span_set_timer(s->span, "T200", 100);
	return err ? err : tdm_span_start(s->span);
}

/* A group of two live CPE spans, descending: the last span's top channel
 * first; with that span's channels all blocked the call goes to the first
 * span; with that span down too, the group refuses. */
static void test_group_two_spans(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	char path2[160];
	struct tdm_group *g;
	struct tdm_call *a;

	snprintf(path2, sizeof(path2), "%s/span2.sock", th_g.dir);
	assert_int_equal(
		new_span(&net2, 3, TDM_ROLE_NET, TDM_LOOP_SERVER, path2), 0);
	assert_int_equal(
		new_span(&cpe2, 4, TDM_ROLE_CPE, TDM_LOOP_CLIENT, path2), 0);
	assert_true(th_run(second_pair_up, 5000));
	assert_int_equal(tdm_group_alloc("two", TDM_HUNT_DESC, &g), 0);
	assert_int_equal(tdm_group_add(g, th_g.cpe.span), 0);
	assert_int_equal(tdm_group_add(g, cpe2.span), 0);

	assert_int_equal(tdm_group_place(g, &setup, NULL, &a), 0);
	assert_ptr_equal(tdm_call_span(a), cpe2.span);
	assert_int_equal(tdm_call_chan(a), 23);
	assert_int_equal(tdm_call_hangup(a, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	th_run(NULL, 100); /* the second pair clears too */

	for (int ts = 1; ts <= 23; ts++)
		assert_int_equal(tdm_span_chan_block(cpe2.span, ts, true), 0);
	assert_int_equal(tdm_group_place(g, &setup, NULL, &a), 0);
	assert_ptr_equal(tdm_call_span(a), th_g.cpe.span);
	assert_int_equal(tdm_call_chan(a), 23);
	assert_int_equal(tdm_call_hangup(a, 16), 0);
	assert_true(th_run(th_all_released, 3000));

	/* a span going away leaves the group */
	tdm_span_free(net2.span);
	net2.span = NULL;
	assert_true(th_run(second_pair_down, 3000));
	tdm_span_free(cpe2.span);
	cpe2.span = NULL;
	assert_int_equal(tdm_group_place(g, &setup, NULL, &a), 0);
	assert_ptr_equal(tdm_call_span(a), th_g.cpe.span);
	assert_int_equal(tdm_call_hangup(a, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	tdm_group_free(g);
	unlink(path2);
}

/* A group whose spans are all down refuses with ENOTCONN. */
static void test_group_down(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	struct tdm_group *g;
	struct tdm_call *a;

	assert_int_equal(tdm_group_alloc("empty", TDM_HUNT_LRU, &g), 0);
	assert_int_equal(tdm_group_place(g, &setup, NULL, &a), ENOTCONN);
	tdm_group_free(g);
}

/* The span's own hunting from its config, LRU: a call takes the channel
 * idle longest, so after 1 and 2 were used, 3 comes next. */
static void test_span_lru(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	struct tdm_call *a;

	th_g.cpe.span->cfg.hunt = TDM_HUNT_LRU;
	th_g.net.on_setup = TH_ALERT;
	for (int k = 0; k < 3; k++) {
		assert_int_equal(
			tdm_call_place(th_g.cpe.span, &setup, NULL, &a), 0);
		assert_int_equal(tdm_call_hangup(a, 16), 0);
		assert_true(th_run(th_all_released, 3000));
	}
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &a), 0);
	assert_int_equal(tdm_call_chan(a), 4);
	assert_true(tdm_span_chan_idle_since(th_g.cpe.span, 1) > 0);
	assert_int_equal(tdm_span_chan_idle_since(th_g.cpe.span, 99), 0);
	assert_int_equal(tdm_call_hangup(a, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	th_g.cpe.span->cfg.hunt = TDM_HUNT_DEFAULT;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asc_desc),
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_lru),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup(test_group_live, th_reset),
		cmocka_unit_test_setup(test_group_down, th_reset),
		cmocka_unit_test_setup(test_group_two_spans, th_reset),
		cmocka_unit_test_setup(test_span_lru, th_reset),
	};

	return cmocka_run_group_tests(tests, th_group_setup_t1,
				      th_group_teardown);
}
