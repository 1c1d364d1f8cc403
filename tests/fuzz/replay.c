/*
 * replay.c: runs a harness once over every file named on the command
 * line (directories: every regular file in them), without libFuzzer.
 * Built with the normal compiler so `make test` keeps the seeds and the
 * reproducers of fixed crashes as regression inputs.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

#define REPLAY_MAX_FILE (1 << 20)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return 1;
	}
	uint8_t *buf = malloc(REPLAY_MAX_FILE);
	size_t n = buf ? fread(buf, 1, REPLAY_MAX_FILE, f) : 0;

	fclose(f);
	if (!buf)
		return 1;
	/* an exact-size copy, so ASan sees reads past the end */
	uint8_t *exact = malloc(n ? n : 1);

	if (exact) {
		memcpy(exact, buf, n);
		LLVMFuzzerTestOneInput(exact, n);
	}
	free(exact);
	free(buf);
	return exact ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned files = 0;
	int fail = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st)) {
			perror(argv[i]);
			fail = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			fail |= run_file(argv[i]);
			files++;
			continue;
		}
		DIR *d = opendir(argv[i]);

		for (struct dirent *e; d && (e = readdir(d));) {
			char p[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
			if (stat(p, &st) || !S_ISREG(st.st_mode))
				continue;
			fail |= run_file(p);
			files++;
		}
		if (d)
			closedir(d);
	}
	printf("%s: %u inputs replayed\n", argv[0], files);
	return fail;
}
