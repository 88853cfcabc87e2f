/* rerocctv.c: main(): options, then the wiring: hub, source thread, poll
 * loop; torn down in reverse order. */
#define _DEFAULT_SOURCE
#include <ctype.h>
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
"  --camera NAME=SOURCE[,size=WxH][,fps=N][,format=F][,ctrl=C=V]...\n"
"                       a camera: NAME a slug (a-z, 0-9, -; 32 at\n"
"                       most), SOURCE a V4L2 device path (a stable\n"
"                       /dev/v4l/by-id/... one survives a replug) or\n"
"                       test; the options after it are its own, the\n"
"                       ones below its defaults. Repeatable, 8 at most;\n"
"                       the first is also served at the plain paths\n"
"  --source v4l2|test   the camera (default) or the built-in test\n"
"                       pattern; without --camera, one camera named\n"
"                       after its device (video0, test)\n"
"  --device PATH        V4L2 device (default /dev/video0), without\n"
"                       --camera\n"
"  --size WxH           picture size to ask for (default 1280x720)\n"
"  --fps N              frame rate to ask for (default 30)\n"
"  --format F           camera format: auto (default), yuyv or mjpeg\n"
"  --buffers N          V4L2 mmap buffers (default 4)\n"
"  --list-formats       print what each device offers and exit\n"
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
"/c/NAME/ in front of a camera's /websocket/..., /stream, /snapshot,\n"
"/state and /controls (without it: the first camera),\n"
"/stream[?quality=N|auto|source], /snapshot[?quality=N], /state, /metrics,\n"
"/controls, /session, /login, /logout, /share; /s/TOKEN/ in front of a\n"
"viewer path; /?action=stream and /?action=snapshot as mjpg-streamer has\n"
"them.\n"
"Signals: SIGINT, SIGTERM stop; SIGHUP reads FILE and the secret again.\n";

struct opts {
	struct config srv;
	struct source_opts src;		/* every camera's defaults */
	const char *source, *device;	/* without --camera */
	int legacy;			/* --source or --device given */
	int workers, max_rungs, list_formats;
	const char *ctrls[CONTROLS_KEPT_MAX];	/* --ctrl NAME=VALUE */
	int nctrls;
	const char *camera[CAMERA_MAX];	/* --camera values */
	int ncams;
	struct camera cams[CAMERA_MAX];
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

static void parse_size(const char *opt, const char *v, int *w, int *h)
{
	char *end;
	long x = strtol(v, &end, 10), y = *end == 'x' ?
		strtol(end + 1, &end, 10) : 0;

	if (*end || x < 16 || y < 16 || x > 8192 || y > 8192)
		die("%s %s: expected WxH, 16..8192", opt, v);
	*w = (int)x;
	*h = (int)y;
}

static const char *parse_format(const char *opt, const char *v)
{
	if (strcmp(v, "auto") && strcmp(v, "yuyv") && strcmp(v, "mjpeg"))
		die("%s %s: expected auto, yuyv or mjpeg", opt, v);
	return v;
}

/* A camera's name from its device: "/dev/video0" -> "video0", the test
 * pattern "test"; what a slug cannot hold becomes '-'. */
static void name_from(const char *source, char *name)
{
	const char *b = strrchr(source, '/');
	size_t i;

	b = b ? b + 1 : source;
	for (i = 0; b[i] && i < CAMERA_NAME_MAX; i++) {
		char ch = (char)tolower((unsigned char)b[i]);

		name[i] = (ch >= 'a' && ch <= 'z') || (ch >= '0' &&
			  ch <= '9') ? ch : '-';
	}
	name[i] = 0;
	if (!i)
		snprintf(name, CAMERA_NAME_MAX + 1, "camera");
}

static void camera_source(struct camera *c, const char *source)
{
	c->source = source;
	c->opts.device = strcmp(source, "test") ? source : "test";
}

/* --camera NAME=SOURCE[,size=WxH][,fps=N][,format=F][,buffers=N]
 * [,ctrl=NAME=VALUE]...: into c, on top of the defaults it holds. The
 * spec is copied into c->spec and cut there: c's strings point into
 * it. */
static void parse_camera(struct camera *c, const char *arg,
			 struct camera *cams, int ncams)
{
	char *item, *next, *spec = c->spec, *eq;
	char opt[48], what[64];

	if (strlen(arg) >= sizeof(c->spec))
		die("--camera: longer than %d bytes", (int)sizeof(c->spec) - 1);
	snprintf(c->spec, sizeof(c->spec), "%s", arg);
	eq = strchr(spec, '=');

	if (!eq || !camera_valid_name(spec, (size_t)(eq - spec)))
		die("--camera %s: expected NAME=SOURCE,..., NAME 1 to %d of "
		    "a-z, 0-9 and -", spec, CAMERA_NAME_MAX);
	*eq = 0;
	if (!strcmp(spec, "all"))
		die("--camera all=...: all is the word for every camera "
		    "(passwd --cameras all): name it otherwise");
	if (camera_find(cams, ncams, spec, strlen(spec)))
		die("--camera %s: named twice", spec);
	memcpy(c->name, spec, (size_t)(eq - spec) + 1);	/* its NUL too */
	snprintf(opt, sizeof(opt), "--camera %s", c->name);
	next = eq + 1;
	item = strsep(&next, ",");
	if (strcmp(item, "test") && item[0] != '/')
		die("%s=%s: SOURCE is a device path (/dev/...) or test", opt,
		    item);
	camera_source(c, item);
	while ((item = strsep(&next, ","))) {
		char *v = strchr(item, '=');

		if (!v)
			die("%s: %s: expected KEY=VALUE", opt, item);
		*v++ = 0;
		snprintf(what, sizeof(what), "%s: %s", opt, item);
		if (!strcmp(item, "size"))
			parse_size(what, v, &c->opts.w, &c->opts.h);
		else if (!strcmp(item, "fps"))
			c->opts.fps = to_int(what, v, 1, 240);
		else if (!strcmp(item, "format"))
			c->opts.format = parse_format(what, v);
		else if (!strcmp(item, "buffers"))
			c->opts.buffers = to_int(what, v, 2, 32);
		else if (!strcmp(item, "ctrl") && c->nctrls < (int)LEN(c->ctrls))
			c->ctrls[c->nctrls++] = v;
		else
			die("%s: %s: expected size, fps, format, buffers or "
			    "ctrl (%d at most)", opt, item, (int)LEN(c->ctrls));
	}
}

/* The cameras: each --camera on top of the defaults, or without any the
 * one of --source and --device. */
static void cameras(struct opts *o)
{
	int i, j;

	for (i = 0; i < MAX(o->ncams, 1); i++) {
		struct camera *c = &o->cams[i];

		c->index = i;
		c->opts = o->src;
		for (j = 0; j < o->nctrls && j < (int)LEN(c->ctrls); j++)
			c->ctrls[c->nctrls++] = o->ctrls[j];
		if (o->ncams) {
			parse_camera(c, o->camera[i], o->cams, i);
			continue;
		}
		camera_source(c, strcmp(o->source, "test") ? o->device
							   : "test");
		name_from(c->source, c->name);
	}
	o->ncams = MAX(o->ncams, 1);
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
	o->device = "/dev/video0";
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
			o->device = value(argc, argv, &i, "--device");
		} else if (is_opt(a, "--camera")) {
			struct camera check;

			if (o->ncams == CAMERA_MAX)
				die("--camera: %d cameras at most", CAMERA_MAX);
			o->camera[o->ncams] = value(argc, argv, &i,
						    "--camera");
			/* Checked now, so that --help after it checks it;
			 * taken once every default is known. */
			memset(&check, 0, sizeof(check));
			parse_camera(&check, o->camera[o->ncams++], NULL, 0);
		} else if (is_opt(a, "--size")) {
			parse_size("--size", value(argc, argv, &i, "--size"),
				   &o->src.w, &o->src.h);
		} else if (is_opt(a, "--fps")) {
			o->src.fps = to_int("--fps", value(argc, argv, &i,
					    "--fps"), 1, 240);
		} else if (is_opt(a, "--format")) {
			o->src.format = parse_format("--format", value(argc,
						argv, &i, "--format"));
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
		o->legacy |= is_opt(a, "--device") || is_opt(a, "--source");
	}
	if (o->ncams && o->legacy)
		die("--device or --source with --camera: name that camera "
		    "with --camera too (--camera NAME=SOURCE)");
	cameras(o);
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

/* Starts a camera: its hub in the pool, its source and controls, the
 * thread that runs them. */
static void camera_start(struct camera *c, struct hub_pool *pool, int ncams)
{
	char err[512];
	int i;

	if (!(c->hub = hub_new(pool, c->name)))
		die("cannot start the encoders");
	hub_set_subsamp(c->hub, c->opts.subsamp);
	c->src = strcmp(c->source, "test") == 0 ? pattern_new(&c->opts)
		 : capture_new(&c->opts);
	if (!c->src || !(c->controls = controls_new()))
		die("out of memory");
	for (i = 0; i < c->nctrls; i++)
		if (controls_want(c->controls, c->ctrls[i], err,
				  sizeof(err)) != 0)
			die("camera %s: %s", c->name, err);
	if (!(c->thread = source_start(c->src, c->hub, c->controls,
				       ncams > 1 ? c->name : NULL)))
		die("cannot start the source thread");
}

static void camera_stop(struct camera *c)
{
	source_stop(c->thread);
	controls_free(c->controls);
	c->src->destroy(c->src);
	hub_free(c->hub);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct hub_pool *pool;
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
		for (i = 0; i < o.ncams; i++) {
			if (!strcmp(o.cams[i].source, "test"))
				continue;
			if (o.ncams > 1)
				printf("%s:\n", o.cams[i].name);
			if (capture_list_formats(o.cams[i].source, err,
						 sizeof(err)) != 0)
				die("%s", err);
		}
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

	if (auth_cameras_check(o.cams, o.ncams, err, sizeof(err)) != 0)
		die("%s", err);
	if (!(pool = hub_pool_new(o.workers, o.max_rungs)))
		die("cannot start the encoders");
	for (i = 0; i < o.ncams; i++)
		camera_start(&o.cams[i], pool, o.ncams);
	server_init(&srv, &o.srv, o.cams, o.ncams, auth);
	server_listen(&srv);

	server_run(&srv);

	server_close(&srv);
	for (i = 0; i < o.ncams; i++)
		camera_stop(&o.cams[i]);
	hub_pool_free(pool);
	auth_close(auth);
	logmsg("stopped");
	return 0;
}
