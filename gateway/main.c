/*
 * pstngw: the daemon's entry point. Parses the command line, loads the
 * configuration, runs the signalling loop until SIGTERM, then releases
 * every call before exiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "gateway/capture.h"
#include "gateway/cdr.h"
#include "gateway/gw.h"
#include "gateway/route.h"
#include "gateway/log.h"
#include "gateway/reload.h"

#ifndef PSTNGW_VERSION
#define PSTNGW_VERSION "0.1.0"
#endif
#ifndef PSTNGW_CONF
#define PSTNGW_CONF "/etc/pstngw/pstngw.conf"
#endif

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pstngw [-c FILE] [-f] [-l LEVEL] [-p FILE]\n"
		"       pstngw --check-config FILE\n"
		"       pstngw --sample-config\n"
		"\n"
		"  -c, --config FILE       configuration (default " PSTNGW_CONF
		")\n"
		"  -f, --foreground        stay in the foreground, log to stderr\n"
		"  -l, --log-level LEVEL   err, warning, notice, info or debug\n"
		"                          (overrides [general] log_level)\n"
		"  -p, --pid-file FILE     write the PID there (overrides\n"
		"                          [general] pid_file)\n"
		"      --check-config FILE validate FILE: exit 0 if valid, 1 if not\n"
		"      --sample-config     print every option with its default\n"
		"  -V, --version           print the version\n"
		"  -h, --help              this text\n"
		"\n"
		"Signals: SIGTERM/SIGINT release every call and exit; SIGHUP reopens\n"
		"the CDR and capture files and reloads the configuration (a file\n"
		"with errors is refused and the running one stays).\n");
}

/* The configuration and its route table (route.h); rt NULL: only check. */
static int load(struct gw_cfg *cfg, const char *path,
		struct gw_route_table **rt)
{
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;
	int err = cfg_load(cfg, path, &errs);

	if (!err)
		err = gw_route_table_build(cfg, path, &t, &errs);
	if (!err && rt)
		*rt = t;
	else
		gw_route_table_unref(t);

	if (!err)
		cfg_warnings(cfg, path, stderr);
	if (err)
		fprintf(stderr, "%s%s: configuration refused (%u error%s)\n",
			errs.text ? errs.text : "", path, errs.count,
			errs.count == 1 ? "" : "s");
	cfg_errors_release(&errs);
	return err;
}

static void on_signal(void *arg, uint32_t events);

struct sigctx {
	struct gw *gw;
	int fd;
};

static void on_signal(void *arg, uint32_t events)
{
	struct sigctx *sc = arg;
	struct signalfd_siginfo si;

	while (read(sc->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			GW_NOTICE(MAIN, "signal %u: stopping", si.ssi_signo);
			gw_shutdown(sc->gw);
			break;
		case SIGHUP: {
			/* log rotation: the CDR and capture files are
			 * reopened; then the configuration is reloaded */
			struct gw_reload_res r = { 0 };

			GW_NOTICE(MAIN, "SIGHUP: reopening files, reloading");
			gw_cdr_reopen(sc->gw);
			gw_capture_reopen(sc->gw);
			gw_reload(sc->gw, &r); /* logs its outcome */
			gw_reload_res_release(&r);
			break;
		}
		}
	}
}

/* The daemon's end of the pipe its first parent waits on: the parent
 * exits only once the daemon is serving (status 0) or has failed, so an
 * init system or script that starts it knows the outcome. */
static int ready_fd = -1;

static void daemon_ready(int status)
{
	char c = (char)status;

	if (ready_fd < 0)
		return;
	if (write(ready_fd, &c, 1) != 1)
		status = 1; /* the parent is gone; nothing more to tell */
	close(ready_fd);
	ready_fd = -1;
}

static int daemonize(void)
{
	int p[2], fd;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		return errno;
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1 || c != 0) {
			fprintf(stderr, "pstngw: the daemon failed to start; "
					"see syslog\n");
			_exit(1);
		}
		_exit(0);
	}
	close(p[0]);
	ready_fd = p[1];
	if (setsid() < 0)
		return errno;
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return errno;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

/* Paths are kept absolute: the daemon runs in /. 0 or ENAMETOOLONG. */
static int abs_path(const char *path, char *buf, size_t size)
{
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '/')
		n = snprintf(buf, size, "%s", path);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(buf, size, "%s/%s", cwd, path);
	else
		return errno;
	return n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0;
}

/* Written after the fork, so it names the daemon itself. */
static int write_pid(const char *path)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return errno;
	if (fprintf(f, "%ld\n", (long)getpid()) < 0)
		err = EIO;
	if (fclose(f) && !err)
		err = errno;
	return err;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "check-config", required_argument, NULL, 'C' },
		{ "sample-config", no_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct gw gw; /* large: keep it off the stack */
	const char *path = PSTNGW_CONF;
	const char *pid_file = NULL;
	bool foreground = false;
	int level = -1, opt, err;

	while ((opt = getopt_long(argc, argv, "c:fl:p:Vh", lopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'p':
			pid_file = optarg;
			break;
		case 'l':
			level = gw_log_level_lookup(optarg);
			if (level < 0) {
				fprintf(stderr,
					"pstngw: unknown log level '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'C':
			return load(&gw.cfg, optarg, NULL) ? 1 : 0;
		case 'S':
			cfg_write_sample(stdout);
			return 0;
		case 'V':
			printf("pstngw %s\n", PSTNGW_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (load(&gw.cfg, path, &gw.routes))
		return 1;

	bool use_syslog = !foreground || gw.cfg.log_target == CFG_LOG_SYSLOG;

	gw_log_init("pstngw", use_syslog);
	gw_log_set_level_all(level >= 0 ? level : gw.cfg.log_level);
	gw.log_level_fixed = level >= 0; /* kept over reloads */
	if (!pid_file && gw.cfg.pid_file[0])
		pid_file = gw.cfg.pid_file;
	static char pid_buf[PATH_MAX], cfg_abs[PATH_MAX];
	const char *pid_abs = pid_file ? pid_buf : NULL;

	static char ctl_abs[sizeof(gw.cfg.ctl_socket)];

	if ((pid_file && abs_path(pid_file, pid_buf, sizeof(pid_buf))) ||
	    abs_path(path, cfg_abs, sizeof(cfg_abs)) ||
	    (gw.cfg.ctl_socket[0] && /* control socket (ctl.c) */
	     abs_path(gw.cfg.ctl_socket, ctl_abs, sizeof(ctl_abs)))) {
		fprintf(stderr, "pstngw: path too long\n");
		return 1;
	}
	if (gw.cfg.ctl_socket[0])
		memcpy(gw.cfg.ctl_socket, ctl_abs, sizeof(ctl_abs));
	if (!foreground && (err = daemonize())) {
		GW_ERR(MAIN, "cannot become a daemon: %s", strerror(err));
		daemon_ready(1);
		return 1;
	}
	if (pid_abs && (err = write_pid(pid_abs))) {
		GW_ERR(MAIN, "cannot write PID file %s: %s", pid_abs,
		       strerror(err));
		daemon_ready(1);
		return 1;
	}

	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct sigctx sc = { .gw = &gw };

	gw.loop = gw_loop_alloc();
	sc.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (!gw.loop || sc.fd < 0 ||
	    gw_loop_fd_add(gw.loop, sc.fd, EPOLLIN, on_signal, &sc)) {
		GW_ERR(MAIN, "cannot set up the event loop: %s",
		       strerror(errno));
		daemon_ready(1);
		return 1;
	}
	gw.cfg_path = cfg_abs;
	err = gw_start(&gw);
	daemon_ready(err ? 1 : 0);
	if (!err) {
		GW_NOTICE(MAIN, "pstngw %s running with %s", PSTNGW_VERSION,
			  cfg_abs);
		err = gw_loop_run(gw.loop);
	}
	struct sip_stats ss = { 0 };

	if (gw.sip)
		sip_stack_stats(gw.sip, &ss);
	GW_NOTICE(
		MAIN,
		"stopped: calls from PSTN %llu, from SIP %llu, answered %llu, "
		"failed %llu, abandoned %llu, SIP rejected %llu, "
		"RTP rejected %llu, RTP foreign %llu, "
		"span frames rejected %llu",
		(unsigned long long)gw.stats.calls_from_pstn,
		(unsigned long long)gw.stats.calls_from_sip,
		(unsigned long long)gw.stats.calls_answered,
		(unsigned long long)gw.stats.calls_failed,
		(unsigned long long)gw.stats.calls_abandoned,
		(unsigned long long)ss.rx_rejected,
		(unsigned long long)gw.stats.rtp_rx_rejected,
		(unsigned long long)gw.stats.rtp_rx_foreign,
		(unsigned long long)gw.stats.span_frames_rejected);
	/* media (issue 5): DTMF by SIP INFO */
	GW_NOTICE(MAIN,
		  "stopped: DTMF INFO sent %llu, received %llu, bad %llu, "
		  "failed %llu",
		  (unsigned long long)gw.stats.dtmf_info_tx,
		  (unsigned long long)gw.stats.dtmf_info_rx,
		  (unsigned long long)gw.stats.dtmf_info_bad,
		  (unsigned long long)gw.stats.dtmf_info_failed);
	gw_stop(&gw);
	gw_loop_fd_del(gw.loop, sc.fd);
	close(sc.fd);
	gw_loop_free(gw.loop);
	if (pid_abs)
		unlink(pid_abs);
	return err ? 1 : 0;
}
