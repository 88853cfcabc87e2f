/* rerocctv.c: main(): options, then the wiring: hub, source thread, poll
 * loop; torn down in reverse order. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <turbojpeg.h>
#include <unistd.h>

#include "account.h"
#include "auth.h"
#include "camera.h"
#include "capture.h"
#include "capture_fmt.h"
#include "ctrl_state.h"
#include "hub.h"
#include "pattern.h"
#include "server.h"
#include "source.h"
#include "util.h"

#define VERSION "0.1"

static const char usage[] =
"usage: rerocctv [options]\n"
"Streams a camera (or a test pattern) live to browsers over WebSocket and\n"
"to any MJPEG client, adapting the JPEG quality to each viewer's network.\n"
"\n"
"  --listen ADDR:PORT   address to serve on (default 0.0.0.0:6732;\n"
"                       port 0 picks a free port, printed at start)\n"
"  --source v4l2|test   the camera (default) or the built-in test pattern\n"
"  --device PATH        V4L2 device (default /dev/video0)\n"
"  --size WxH           picture size to ask for (default 1280x720)\n"
"  --fps N              frame rate to ask for (default 30)\n"
"  --format F           camera format: auto (default), yuyv or mjpeg\n"
"  --buffers N          V4L2 mmap buffers (default 4)\n"
"  --list-formats       print what the device offers and exit\n"
"  --ctrl NAME=VALUE    set a camera control when the camera opens (and\n"
"                       again after a replug), e.g. brightness=140 or\n"
"                       white_balance_automatic=false; NAME as GET\n"
"                       /controls names it; repeatable. One the camera\n"
"                       lacks or refuses is logged and skipped\n"
"  --quality N          quality of /stream and /snapshot when the URL\n"
"                       names none (30..95, default 80)\n"
"  --subsampling S      chroma of the JPEGs sent: 420 (default) or 422\n"
"                       (finer colour edges; a third more DCT blocks,\n"
"                       so larger frames and more CPU)\n"
"  --workers N          encoder threads (default: one per CPU, max 4)\n"
"  --max-clients N      connections served at once (default 256)\n"
"  --max-per-ip N       connections from one address (IPv6: one /64)\n"
"                       (default 64); when a limit is reached, the\n"
"                       oldest connection that has sent no request for\n"
"                       a second makes room, else the new one gets 503\n"
"  --max-rungs N|auto   distinct qualities encoded per frame; auto\n"
"                       (default): as many as keep the source at its\n"
"                       frame rate on this CPU; more asked for are\n"
"                       served by the nearest one encoded\n"
"  --max-rungs-per-ip N qualities one address may have encoded that no\n"
"                       other address watches (default 3, 0 = any);\n"
"                       beyond them it gets the nearest one watched\n"
"  --auth-file FILE     accounts (see rerocctv passwd): every request\n"
"                       then needs a login, Basic credentials or a\n"
"                       share link; without it the server is open\n"
"  --secret-file FILE   the share links' secret (default FILE.secret,\n"
"                       made on first use)\n"
"  --allow-origin O     let pages from origin O (e.g. http://host:5173)\n"
"                       open WebSockets and read answers (CORS);\n"
"                       repeatable; * allows any. Pages from this\n"
"                       server's own origin are always allowed\n"
"  --allow-host NAME    answer to Host NAME too (besides addresses,\n"
"                       localhost and the host's name); repeatable\n"
"  --trust-proxy ADDR   believe X-Forwarded-For/-Proto from ADDR only\n"
"                       (a reverse proxy doing TLS)\n"
"  --web DIR            serve the browser client from DIR instead of the\n"
"                       copy built into the binary\n"
"  --congestion NAME    TCP congestion control for clients' connections\n"
"                       (e.g. bbr, cubic; default: the system's, see\n"
"                       /proc/sys/net/ipv4/tcp_available_congestion_control)\n"
"  --lowat BYTES        TCP_NOTSENT_LOWAT for streams (default 65536,\n"
"                       0 = off): how much unsent data the kernel holds\n"
"  --timeout SECS       time a client gets to send a request head, and\n"
"                       to keep an idle connection open (default 10)\n"
"  --stall-timeout SECS time output may wait without a byte taken, and\n"
"                       a WebSocket ping its pong (default 20; pings\n"
"                       go out every 3/4 of it)\n"
"  -h, --help           this text\n"
"  --version            print the version\n"
"\n"
"\n"
"       rerocctv passwd FILE USER [--role viewer|admin] [--cameras A,B|all]\n"
"  adds USER to the accounts FILE or changes the password (read from the\n"
"  terminal, or a line of stdin); the file is made mode 0600. USER sees\n"
"  only the cameras --cameras names (all: every one, as a new user does;\n"
"  not given: the same as before)\n"
"       rerocctv share --auth-file FILE [--secret-file F] [--expires T]\n"
"                      [--max-quality N] [--camera NAME] [--url URL]\n"
"  prints a share link (T: 30m, 24h, 7d; default 24h) that lets anyone\n"
"  with it watch (with --camera, that camera only: the link opens its\n"
"  page), until it expires or the secret changes\n"
"\n"
"Endpoints: / (browser client), /websocket/{30..95|auto|source},\n"
"/stream[?quality=N|auto|source], /snapshot[?quality=N], /state, /metrics,\n"
"/controls, /session, /login, /logout, /share; /s/TOKEN/ in front of a\n"
"viewer path; /?action=stream and /?action=snapshot as mjpg-streamer has\n"
"them.\n"
"Signals: SIGINT, SIGTERM stop; SIGHUP reads FILE and the secret again.\n";

struct opts {
	struct config srv;
	struct source_opts src;
	const char *source;
	int workers, max_rungs, list_formats;
	const char *ctrls[CONTROLS_KEPT_MAX];	/* --ctrl NAME=VALUE */
	int nctrls;
};

static int to_int(const char *opt, const char *v, int lo, int hi)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < lo || n > hi)
		die("%s %s: expected a number in %d..%d", opt, v, lo, hi);
	return (int)n;
}

/* Returns the option's value: "--opt=V" or the next argument. */
static const char *value(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);

	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc)
		die("%s needs a value (see --help)", opt);
	return argv[++*i];
}

static int is_opt(const char *arg, const char *opt)
{
	size_t n = strlen(opt);

	return strncmp(arg, opt, n) == 0 && (arg[n] == 0 || arg[n] == '=');
}

static void parse(struct opts *o, int argc, char **argv)
{
	static const char *origins[64], *hosts[64];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	o->srv.listen = "0.0.0.0:6732";
	o->srv.max_clients = 256;
	o->srv.max_per_ip = 64;
	o->srv.max_rungs_ip = 3;
	o->srv.stall_s = 20;
	o->srv.default_q = 80;
	o->srv.lowat = 65536;
	o->srv.timeout_s = 10;
	o->srv.origins = origins;
	o->srv.hosts = hosts;
	o->src.device = "/dev/video0";
	o->src.w = 1280;
	o->src.h = 720;
	o->src.fps = 30;
	o->src.format = "auto";
	o->src.buffers = 4;
	o->src.subsamp = TJSAMP_420;
	o->source = "v4l2";
	o->workers = (int)MIN(MAX(ncpu, 1), 4);

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(a, "--version")) {
			puts("rerocctv " VERSION);
			exit(0);
		} else if (is_opt(a, "--listen")) {
			o->srv.listen = value(argc, argv, &i, "--listen");
		} else if (is_opt(a, "--source")) {
			o->source = value(argc, argv, &i, "--source");
			if (strcmp(o->source, "test") &&
			    strcmp(o->source, "v4l2"))
				die("--source %s: expected v4l2 or test",
				    o->source);
		} else if (is_opt(a, "--device")) {
			o->src.device = value(argc, argv, &i, "--device");
		} else if (is_opt(a, "--size")) {
			const char *v = value(argc, argv, &i, "--size");

			if (sscanf(v, "%dx%d", &o->src.w, &o->src.h) != 2 ||
			    o->src.w < 16 || o->src.h < 16 ||
			    o->src.w > 8192 || o->src.h > 8192)
				die("--size %s: expected WxH, 16..8192", v);
		} else if (is_opt(a, "--fps")) {
			o->src.fps = to_int("--fps", value(argc, argv, &i,
					    "--fps"), 1, 240);
		} else if (is_opt(a, "--format")) {
			o->src.format = value(argc, argv, &i, "--format");
			if (strcmp(o->src.format, "auto") &&
			    strcmp(o->src.format, "yuyv") &&
			    strcmp(o->src.format, "mjpeg"))
				die("--format %s: expected auto, yuyv or "
				    "mjpeg", o->src.format);
		} else if (is_opt(a, "--buffers")) {
			o->src.buffers = to_int("--buffers", value(argc, argv,
						&i, "--buffers"), 2, 32);
		} else if (!strcmp(a, "--list-formats")) {
			o->list_formats = 1;
		} else if (is_opt(a, "--ctrl")) {
			if (o->nctrls == (int)LEN(o->ctrls))
				die("--ctrl: at most %d", (int)LEN(o->ctrls));
			o->ctrls[o->nctrls++] = value(argc, argv, &i,
						      "--ctrl");
		} else if (is_opt(a, "--quality")) {
			o->srv.default_q = to_int("--quality", value(argc,
						  argv, &i, "--quality"),
						  RUNG_QMIN, RUNG_QMAX);
		} else if (is_opt(a, "--subsampling")) {
			const char *v = value(argc, argv, &i, "--subsampling");

			if (strcmp(v, "420") && strcmp(v, "422"))
				die("--subsampling %s: expected 420 or 422", v);
			o->src.subsamp = strcmp(v, "420") ? TJSAMP_422
							  : TJSAMP_420;
		} else if (is_opt(a, "--workers")) {
			o->workers = to_int("--workers", value(argc, argv, &i,
					    "--workers"), 1, 16);
		} else if (is_opt(a, "--max-clients")) {
			o->srv.max_clients = to_int("--max-clients",
				value(argc, argv, &i, "--max-clients"), 1,
				10000);
		} else if (is_opt(a, "--max-per-ip")) {
			o->srv.max_per_ip = to_int("--max-per-ip",
				value(argc, argv, &i, "--max-per-ip"), 1,
				10000);
		} else if (is_opt(a, "--max-rungs-per-ip")) {
			o->srv.max_rungs_ip = to_int("--max-rungs-per-ip",
				value(argc, argv, &i, "--max-rungs-per-ip"), 0,
				RUNG_N);
		} else if (is_opt(a, "--max-rungs")) {
			const char *v = value(argc, argv, &i, "--max-rungs");

			o->max_rungs = strcmp(v, "auto") == 0 ? 0 :
				to_int("--max-rungs", v, 1, RUNG_N);
		} else if (is_opt(a, "--stall-timeout")) {
			o->srv.stall_s = to_int("--stall-timeout", value(argc,
						argv, &i, "--stall-timeout"),
						1, 3600);
		} else if (is_opt(a, "--auth-file")) {
			o->srv.auth_file = value(argc, argv, &i, "--auth-file");
		} else if (is_opt(a, "--secret-file")) {
			o->srv.secret_file = value(argc, argv, &i,
						   "--secret-file");
		} else if (is_opt(a, "--allow-host")) {
			if (o->srv.nhosts == (int)LEN(hosts))
				die("--allow-host: at most %d", (int)LEN(hosts));
			hosts[o->srv.nhosts++] = value(argc, argv, &i,
						       "--allow-host");
		} else if (is_opt(a, "--trust-proxy")) {
			o->srv.trust_proxy = value(argc, argv, &i,
						   "--trust-proxy");
		} else if (is_opt(a, "--allow-origin")) {
			if (o->srv.norigins == (int)LEN(origins))
				die("--allow-origin: at most %d",
				    (int)LEN(origins));
			origins[o->srv.norigins++] = value(argc, argv, &i,
							   "--allow-origin");
		} else if (is_opt(a, "--web")) {
			o->srv.web_dir = value(argc, argv, &i, "--web");
			if (access(o->srv.web_dir, R_OK | X_OK) != 0)
				die("--web %s:", o->srv.web_dir);
		} else if (is_opt(a, "--timeout")) {
			o->srv.timeout_s = to_int("--timeout", value(argc, argv,
						  &i, "--timeout"), 1, 3600);
		} else if (is_opt(a, "--congestion")) {
			o->srv.congestion = value(argc, argv, &i,
						  "--congestion");
		} else if (is_opt(a, "--lowat")) {
			o->srv.lowat = to_int("--lowat", value(argc, argv, &i,
					      "--lowat"), 0, 1 << 24);
		} else {
			die("unknown option %s (see --help)", a);
		}
	}
}

/* The subcommands */

/* A password from the terminal (asked twice, not echoed) or one line of
 * stdin, into pw (sz bytes, more than ACCOUNT_PASS_MAX: a longer one is
 * refused whole, never cut). 0 or -1 with a message printed. */
static int read_password(const char *user, char *pw, size_t sz)
{
	struct termios t, quiet;
	char again[1024];
	int tty = isatty(0), ok = 1;

	if (tty) {
		fprintf(stderr, "password for %s: ", user);
		tcgetattr(0, &t);
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	ok = fgets(pw, (int)sz, stdin) != NULL;
	if (ok && tty) {
		fprintf(stderr, "\nagain: ");
		ok = fgets(again, sizeof(again), stdin) != NULL;
	}
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &t);
		fputc('\n', stderr);
	}
	if (!ok) {
		fprintf(stderr, "rerocctv: no password given\n");
		return -1;
	}
	if (strcspn(pw, "\r\n") >= ACCOUNT_PASS_MAX ||
	    (!strchr(pw, '\n') && !feof(stdin))) {
		fprintf(stderr, "rerocctv: the password is longer than %d "
			"bytes\n", ACCOUNT_PASS_MAX - 1);
		memset(pw, 0, sz);
		memset(again, 0, sizeof(again));
		return -1;
	}
	pw[strcspn(pw, "\r\n")] = 0;
	if (tty) {
		again[strcspn(again, "\r\n")] = 0;
		ok = strcmp(pw, again) == 0;
		memset(again, 0, sizeof(again));
		if (!ok) {
			fprintf(stderr, "rerocctv: the passwords differ\n");
			return -1;
		}
	}
	if (strlen(pw) < 8) {
		fprintf(stderr, "rerocctv: a password needs 8 characters or "
			"more\n");
		return -1;
	}
	return 0;
}

/* rerocctv passwd FILE USER [--role viewer|admin] [--cameras A,B|all] */
static int cmd_passwd(int argc, char **argv)
{
	static const char use[] = "usage: rerocctv passwd FILE USER "
				  "[--role viewer|admin] [--cameras A,B|all]";
	const char *role = NULL, *cams = NULL, *why;
	struct cam_list cl;
	char pw[1024], err[512];
	int i, r;

	if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-')
		die("%s", use);
	for (i = 3; i < argc; i++) {
		if (is_opt(argv[i], "--role"))
			role = value(argc, argv, &i, "--role");
		else if (is_opt(argv[i], "--cameras"))
			cams = value(argc, argv, &i, "--cameras");
		else
			die("%s", use);
	}
	if (role && strcmp(role, "viewer") && strcmp(role, "admin"))
		die("--role %s: expected viewer or admin", role);
	/* Checked before the password is asked for; "" clears the list. */
	if (cams && strcmp(cams, "all") == 0)
		cams = "";
	else if (cams && account_cameras(cams, &cl, &why) != 0)
		die("--cameras %s: %s", cams, why);
	if (read_password(argv[2], pw, sizeof(pw)) != 0)
		return 1;
	r = account_set_password(argv[1], argv[2], role, cams, pw, err,
				 sizeof(err));
	memset(pw, 0, sizeof(pw));
	if (r != 0)
		die("%s", err);
	fprintf(stderr, "rerocctv: %s: %s set (send SIGHUP to a running "
		"server)\n", argv[1], argv[2]);
	return 0;
}

/* rerocctv share --auth-file FILE [--secret-file F] [--expires T]
 *                [--max-quality N] [--camera NAME] [--url URL] */
static int cmd_share(int argc, char **argv)
{
	const char *file = NULL, *secret = NULL, *url = NULL, *camera = NULL;
	char token[AUTH_TOKEN_HEX + 1], err[512], host[256], base[300];
	struct user *users;
	int64_t secs = 24 * 3600;
	int i, n, max_q = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (is_opt(a, "--auth-file"))
			file = value(argc, argv, &i, "--auth-file");
		else if (is_opt(a, "--secret-file"))
			secret = value(argc, argv, &i, "--secret-file");
		else if (is_opt(a, "--url"))
			url = value(argc, argv, &i, "--url");
		else if (is_opt(a, "--camera")) {
			camera = value(argc, argv, &i, "--camera");
			if (!camera_valid_name(camera, strlen(camera)))
				die("--camera %s: a camera's name is 1 to 32 "
				    "of a-z 0-9 -", camera);
		} else if (is_opt(a, "--max-quality"))
			max_q = to_int("--max-quality", value(argc, argv, &i,
				       "--max-quality"), RUNG_QMIN, RUNG_QMAX);
		else if (is_opt(a, "--expires")) {
			const char *v = value(argc, argv, &i, "--expires");

			if (parse_duration(v, &secs) != 0 || secs < 60 ||
			    secs > 366 * 24 * 3600)
				die("--expires %s: expected 30m, 24h, 7d... "
				    "(1 minute to a year)", v);
		} else
			die("unknown option %s (see --help)", a);
	}
	if (!file)
		die("share: --auth-file FILE is needed: the links are signed "
		    "with the secret kept beside it");
	if (account_load(file, &users, &n, err, sizeof(err)) != 0)
		die("%s", err);
	free(users);
	if (auth_token_offline(file, secret, secs, max_q, camera, token, err,
			       sizeof(err)) != 0)
		die("%s", err);
	if (!url) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = 0;
		snprintf(base, sizeof(base), "http://%s:6732", host);
		url = base;
	}
	n = (int)strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	/* A camera's link opens that camera's page; its paths, such as
	 * /s/TOKEN/c/NAME/stream, go under the same /s/TOKEN/. */
	if (camera)
		printf("%.*s/s/%s/#/c/%s\n", n, url, token, camera);
	else
		printf("%.*s/s/%s/\n", n, url, token);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct hub *hub;
	struct source *src;
	struct source_thread *st;
	struct controls *ctl;
	struct server srv;
	struct auth *auth = NULL;
	char err[512];
	int i;

	if (argc > 1 && strcmp(argv[1], "passwd") == 0)
		return cmd_passwd(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "share") == 0)
		return cmd_share(argc - 1, argv + 1);
	memset(&o, 0, sizeof(o));
	parse(&o, argc, argv);
	if (o.list_formats) {
		if (capture_list_formats(o.src.device, err, sizeof(err)) != 0)
			die("%s", err);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	if (gethostname(o.srv.hostname, sizeof(o.srv.hostname)) != 0)
		o.srv.hostname[0] = 0;
	o.srv.hostname[sizeof(o.srv.hostname) - 1] = 0;
	if (o.srv.auth_file && !(auth = auth_open(o.srv.auth_file,
						  o.srv.secret_file, err,
						  sizeof(err))))
		die("%s", err);

	if (!(hub = hub_new(o.workers, o.max_rungs)))
		die("cannot start the encoders");
	hub_set_subsamp(hub, o.src.subsamp);
	src = strcmp(o.source, "test") == 0 ? pattern_new(&o.src)
		: capture_new(&o.src);
	if (!src || !(ctl = controls_new()))
		die("out of memory");
	for (i = 0; i < o.nctrls; i++)
		if (controls_want(ctl, o.ctrls[i], err, sizeof(err)) != 0)
			die("%s", err);
	if (!(st = source_start(src, hub, ctl)))
		die("cannot start the source thread");
	server_init(&srv, &o.srv, hub, auth, ctl);
	server_listen(&srv);

	server_run(&srv);

	server_close(&srv);
	source_stop(st);
	controls_free(ctl);
	src->destroy(src);
	hub_free(hub);
	auth_close(auth);
	logmsg("stopped");
	return 0;
}
