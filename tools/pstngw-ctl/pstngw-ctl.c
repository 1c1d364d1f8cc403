/*
 * pstngw-ctl: sends one command to the daemon's control socket and
 * prints the reply. Exit status: 0 when the daemon answered ok, 1 when it
 * answered with an error, 2 when it could not be reached or did not
 * answer in time, 4 when it refused the command because it is draining
 * (originate without --force). `drain --wait SECONDS` drains, then asks
 * `show drain` twice a second until no call is up (0) or the time is over
 * (3): the waiting happens here, so the daemon's loop never holds a
 * reply.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "gateway/ctl.h"

#define DRAINING_ERR "error: " GW_CTL_ERR_DRAINING
#define DEFAULT_SOCKET "/run/pstngw/ctl.sock"
#define LINE_MAX_LEN 512 /* the daemon's GW_CTL_LINE_MAX */
#define REPLY_TIMEOUT_MS 10000
#define WAIT_MAX_S 86400  /* drain --wait */
#define WAIT_POLL_MS 500  /* between two show drain */
#define EXIT_STILL_BUSY 3 /* drain --wait: calls still up at the end */
#define EXIT_DRAINING 4	  /* refused: the gateway drains */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pstngw-ctl [-s SOCKET] [-t SECONDS] COMMAND...\n"
		"  -s SOCKET   control socket (default " DEFAULT_SOCKET ")\n"
		"  -t SECONDS  how long to wait for the reply (default 10)\n"
		"drain --wait SECONDS: drain, then wait until no call is up\n"
		"  (exit 0), or SECONDS pass (exit 3)\n"
		"Exit: 0 ok, 1 error, 2 daemon unreachable, 4 refused while "
		"draining\n"
		"Try: pstngw-ctl help\n"
		"Dry-run a route: pstngw-ctl route test 2125550100 5551000 group:pri\n");
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Prints reply lines until the final one (into cap instead, when
 * given); returns the exit status. */
static int read_reply(int fd, const char *path, int timeout_ms, char *cap,
		      size_t capsz)
{
	static char buf[1 << 16];
	size_t len = 0;
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		char *nl;

		while ((nl = memchr(buf, '\n', len))) {
			size_t ll = (size_t)(nl - buf);

			*nl = 0;
			if (!strcmp(buf, "ok"))
				return 0;
			if (!strncmp(buf, "error:", 6)) {
				fprintf(stderr, "pstngw-ctl: %s\n", buf);
				return strncmp(buf, DRAINING_ERR,
					       sizeof(DRAINING_ERR) - 1)
					       ? 1
					       : EXIT_DRAINING;
			}
			if (cap) {
				size_t cl = strlen(cap);

				snprintf(cap + cl, capsz - cl, "%s\n", buf);
			} else {
				printf("%s\n", buf);
			}
			memmove(buf, nl + 1, len - ll - 1);
			len -= ll + 1;
		}
		if (len == sizeof(buf)) { /* a line longer than any reply */
			fwrite(buf, 1, len, stdout);
			len = 0;
		}
		long long left = deadline - now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			fprintf(stderr,
				"pstngw-ctl: no reply on %s within %d s\n",
				path, timeout_ms / 1000);
			return 2;
		}
		ssize_t n = recv(fd, buf + len, sizeof(buf) - len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr,
				"pstngw-ctl: %s closed the connection "
				"before the reply ended\n",
				path);
			return 2;
		}
		len += (size_t)n;
	}
}

/* Sends one command line (with its newline) and reads the reply. */
static int run_line(const char *path, const char *line, size_t len,
		    int timeout_ms, char *cap, size_t capsz)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "pstngw-ctl: socket path too long: %s\n", path);
		return 2;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr,
			"pstngw-ctl: cannot reach pstngw on %s: %s "
			"(is it running, with control_socket = %s?)\n",
			path, strerror(errno), path);
		if (fd >= 0)
			close(fd);
		return 2;
	}
	if (send_all(fd, line, len)) {
		fprintf(stderr, "pstngw-ctl: cannot send to %s: %s\n", path,
			strerror(errno));
		close(fd);
		return 2;
	}
	shutdown(fd, SHUT_WR); /* one command: the daemon closes after it */
	int rc = read_reply(fd, path, timeout_ms, cap, capsz);

	close(fd);
	return rc;
}

/* The "calls N" line of a show drain reply, or -1. */
static long calls_up(const char *reply)
{
	const char *p = strstr(reply, "\ncalls ");

	return p ? strtol(p + 7, NULL, 10) : -1;
}

/* drain --wait SECONDS: drain, then poll until no call is up. */
static int drain_wait(const char *path, const char *secs, int timeout_ms)
{
	char *end;
	long wait_s = strtol(secs, &end, 10);
	static const char drain[] = "drain\n", show[] = "show drain\n";
	char reply[4096];

	if (*secs < '0' || *secs > '9' || *end || wait_s < 1 ||
	    wait_s > WAIT_MAX_S) {
		fprintf(stderr,
			"pstngw-ctl: drain --wait takes 1 to %d seconds, "
			"not '%s'\n",
			WAIT_MAX_S, secs);
		return 2;
	}
	int rc = run_line(path, drain, sizeof(drain) - 1, timeout_ms, NULL, 0);

	if (rc)
		return rc;
	long long deadline = now_ms() + wait_s * 1000, last = -2;

	/* bounded by the deadline and by a count of polls */
	for (long k = 0; k <= wait_s * 1000 / WAIT_POLL_MS + 1; k++) {
		reply[0] = 0;
		rc = run_line(path, show, sizeof(show) - 1, timeout_ms, reply,
			      sizeof(reply));
		if (rc)
			return rc;
		long n = calls_up(reply);

		if (n < 0) {
			fprintf(stderr, "pstngw-ctl: unexpected show drain "
					"reply\n");
			return 2;
		}
		if (!strstr(reply, "drain draining") &&
		    !strstr(reply, "drain drained")) {
			fprintf(stderr, "pstngw-ctl: no longer draining "
					"(undrained meanwhile?)\n");
			return 1;
		}
		if (n == 0) {
			printf("drained: no call in progress\n");
			return 0;
		}
		if (n != last)
			printf("waiting: %ld call(s) in progress\n", n);
		fflush(stdout);
		last = n;
		long long left = deadline - now_ms();

		if (left <= 0)
			break;
		struct timespec ts = { 0, (left < WAIT_POLL_MS ? left
							       : WAIT_POLL_MS) *
						  1000000L };

		nanosleep(&ts, NULL);
	}
	fprintf(stderr,
		"pstngw-ctl: still %lld call(s) in progress after %ld s "
		"(still draining)\n",
		last, wait_s);
	return EXIT_STILL_BUSY;
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_SOCKET;
	int timeout_s = REPLY_TIMEOUT_MS / 1000, opt;
	char line[LINE_MAX_LEN];
	size_t len = 0;

	while ((opt = getopt(argc, argv, "+s:t:h")) != -1) {
		switch (opt) {
		case 's':
			path = optarg;
			break;
		case 't':
			timeout_s = atoi(optarg);
			if (timeout_s < 1 || timeout_s > 3600) {
				fprintf(stderr, "pstngw-ctl: -t takes 1 to "
						"3600 seconds\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[optind], "drain") && optind + 1 < argc &&
	    !strcmp(argv[optind + 1], "--wait")) {
		if (argc != optind + 3) {
			fprintf(stderr, "pstngw-ctl: usage: drain --wait "
					"SECONDS\n");
			return 2;
		}
		return drain_wait(path, argv[optind + 2], timeout_s * 1000);
	}
	for (int i = optind; i < argc; i++) {
		int n = snprintf(line + len, sizeof(line) - len, "%s%s",
				 i > optind ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(line) - len - 1) {
			fprintf(stderr,
				"pstngw-ctl: command too long (at "
				"most %d bytes)\n",
				LINE_MAX_LEN - 1);
			return 2;
		}
		len += (size_t)n;
	}
	line[len++] = '\n';
	return run_line(path, line, len, timeout_s * 1000, NULL, 0);
}
