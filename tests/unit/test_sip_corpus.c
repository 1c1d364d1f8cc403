/*
 * test_sip_corpus.c: RFC 4475 and RFC 5118 messages, read in place from
 * ../shared/corpus, fed to the parser and to sip_stack_recv.
 */
#include "tests/unit/test_sip_fake.h"
#include <dirent.h>
#include <errno.h>

#define CORPUS "../shared/corpus/"

static size_t load(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

static int parse_file(const char *dir, const char *name)
{
	static char buf[70000];
	char path[512];
	struct sip_msg m;
	snprintf(path, sizeof(path), CORPUS "%s/%s.dat", dir, name);
	size_t n = load(path, buf, sizeof(buf));
	return sip_msg_parse(&m, buf, n, 65535);
}

/* Every file through the parser and the stack: no crash, no leak. */
static void corpus_all(void **state)
{
	static const char *const dirs[] = { "rfc4475", "rfc5118" };
	static char buf[70000];
	(void)state;
	for (int d = 0; d < 2; d++) {
		char path[512];
		snprintf(path, sizeof(path), CORPUS "%s", dirs[d]);
		DIR *dp = opendir(path);
		assert_non_null(dp);
		struct dirent *de;
		unsigned files = 0;
		while ((de = readdir(dp))) {
			size_t l = strlen(de->d_name);
			if (l < 5 || strcmp(de->d_name + l - 4, ".dat"))
				continue;
			char file[800];
			snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
			size_t n = load(file, buf, sizeof(buf));
			struct sip_msg m;
			(void)sip_msg_parse(&m, buf, n, 65535);
			fk_stack();
			struct sip_addr a = fk_peer();
			(void)sip_stack_recv(fk.st, &a, buf, n);
			if (fk.incoming)
				sip_call_hangup(fk.incoming, 480, 0);
			fk_advance(100000);
			fk_done();
			files++;
		}
		closedir(dp);
		assert_true(files > 5);
	}
}

static void corpus_valid(void **state)
{
	static const char *const ok[] = {
		"wsinv",   "intmeth",  "esc01",	   "escnull", "esc02",
		"lwsdisp", "longreq",  "dblreq",   "semiuri", "transports",
		"mpart01", "unreason", "noreason", "inv2543",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int err = parse_file("rfc4475", ok[i]);
		if (err)
			fail_msg("%s: %d", ok[i], err);
	}
	assert_int_equal(parse_file("rfc5118", "ipv6-good"), 0);
	assert_int_equal(parse_file("rfc5118", "ipv4-mapped-ipv6"), 0);
}

static void corpus_invalid(void **state)
{
	static const char *const bad[] = {
		"badinv01", "clerr",	  "ncl",	"scalar02", "scalarlg",
		"quotbal",  "ltgtruri",	  "lwsruri",	"lwsstart", "trws",
		"escruri",  "baddate",	  "regbadct",	"badaspec", "baddn",
		"badvers",  "mismatch01", "mismatch02", "bigcode",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_file("rfc4475", bad[i]) == 0)
			fail_msg("%s accepted", bad[i]);
	assert_int_not_equal(parse_file("rfc5118", "ipv6-bad"), 0);
}

/* Answered where possible: badvers gets 505, others 400. */
static void corpus_answers(void **state)
{
	static char buf[70000];
	(void)state;
	fk_stack();
	size_t n = load(CORPUS "rfc4475/badvers.dat", buf, sizeof(buf));
	struct sip_addr a = fk_peer();
	assert_int_equal(sip_stack_recv(fk.st, &a, buf, n), EPROTONOSUPPORT);
	assert_int_equal(fk_code(0), 505);
	n = load(CORPUS "rfc4475/mismatch01.dat", buf, sizeof(buf));
	assert_int_equal(sip_stack_recv(fk.st, &a, buf, n), EBADMSG);
	assert_int_equal(fk_code(1), 400);
	n = load(CORPUS "rfc4475/unkscm.dat", buf, sizeof(buf));
	assert_int_equal(sip_stack_recv(fk.st, &a, buf, n), 0);
	assert_int_equal(fk_code(2), 416);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus_all),
		cmocka_unit_test(corpus_valid),
		cmocka_unit_test(corpus_invalid),
		cmocka_unit_test(corpus_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
