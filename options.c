/* options.c: the command line and the cameras it makes. */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <unistd.h>

#include "ladder.h"
#include "options.h"
#include "util.h"

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

int opt_int(const char *opt, const char *v, int lo, int hi)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < lo || n > hi)
		die("%s %s: expected a number in %d..%d", opt, v, lo, hi);
	return (int)n;
}

/* Returns the option's value: "--opt=V" or the next argument. */
const char *opt_value(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);

	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc)
		die("%s needs a value (see --help)", opt);
	return argv[++*i];
}

int opt_is(const char *arg, const char *opt)
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
			c->opts.fps = opt_int(what, v, 1, 240);
		else if (!strcmp(item, "format"))
			c->opts.format = parse_format(what, v);
		else if (!strcmp(item, "buffers"))
			c->opts.buffers = opt_int(what, v, 2, 32);
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

void options_parse(struct opts *o, int argc, char **argv)
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
		} else if (opt_is(a, "--listen")) {
			o->srv.listen = opt_value(argc, argv, &i, "--listen");
		} else if (opt_is(a, "--source")) {
			o->source = opt_value(argc, argv, &i, "--source");
			if (strcmp(o->source, "test") &&
			    strcmp(o->source, "v4l2"))
				die("--source %s: expected v4l2 or test",
				    o->source);
		} else if (opt_is(a, "--device")) {
			o->device = opt_value(argc, argv, &i, "--device");
		} else if (opt_is(a, "--camera")) {
			struct camera check;

			if (o->ncams == CAMERA_MAX)
				die("--camera: %d cameras at most", CAMERA_MAX);
			o->camera[o->ncams] = opt_value(argc, argv, &i,
						    "--camera");
			/* Checked now, so that --help after it checks it;
			 * taken once every default is known. */
			memset(&check, 0, sizeof(check));
			parse_camera(&check, o->camera[o->ncams++], NULL, 0);
		} else if (opt_is(a, "--size")) {
			parse_size("--size", opt_value(argc, argv, &i, "--size"),
				   &o->src.w, &o->src.h);
		} else if (opt_is(a, "--fps")) {
			o->src.fps = opt_int("--fps", opt_value(argc, argv, &i,
					    "--fps"), 1, 240);
		} else if (opt_is(a, "--format")) {
			o->src.format = parse_format("--format", opt_value(argc,
						argv, &i, "--format"));
		} else if (opt_is(a, "--buffers")) {
			o->src.buffers = opt_int("--buffers", opt_value(argc, argv,
						&i, "--buffers"), 2, 32);
		} else if (!strcmp(a, "--list-formats")) {
			o->list_formats = 1;
		} else if (opt_is(a, "--ctrl")) {
			if (o->nctrls == (int)LEN(o->ctrls))
				die("--ctrl: at most %d", (int)LEN(o->ctrls));
			o->ctrls[o->nctrls++] = opt_value(argc, argv, &i,
						      "--ctrl");
		} else if (opt_is(a, "--quality")) {
			o->srv.default_q = opt_int("--quality", opt_value(argc,
						  argv, &i, "--quality"),
						  RUNG_QMIN, RUNG_QMAX);
		} else if (opt_is(a, "--subsampling")) {
			const char *v = opt_value(argc, argv, &i, "--subsampling");

			if (strcmp(v, "420") && strcmp(v, "422"))
				die("--subsampling %s: expected 420 or 422", v);
			o->src.subsamp = strcmp(v, "420") ? TJSAMP_422
							  : TJSAMP_420;
		} else if (opt_is(a, "--workers")) {
			o->workers = opt_int("--workers", opt_value(argc, argv, &i,
					    "--workers"), 1, 16);
		} else if (opt_is(a, "--max-clients")) {
			o->srv.max_clients = opt_int("--max-clients",
				opt_value(argc, argv, &i, "--max-clients"), 1,
				10000);
		} else if (opt_is(a, "--max-per-ip")) {
			o->srv.max_per_ip = opt_int("--max-per-ip",
				opt_value(argc, argv, &i, "--max-per-ip"), 1,
				10000);
		} else if (opt_is(a, "--max-rungs-per-ip")) {
			o->srv.max_rungs_ip = opt_int("--max-rungs-per-ip",
				opt_value(argc, argv, &i, "--max-rungs-per-ip"), 0,
				RUNG_N);
		} else if (opt_is(a, "--max-rungs")) {
			const char *v = opt_value(argc, argv, &i, "--max-rungs");

			o->max_rungs = strcmp(v, "auto") == 0 ? 0 :
				opt_int("--max-rungs", v, 1, RUNG_N);
		} else if (opt_is(a, "--stall-timeout")) {
			o->srv.stall_s = opt_int("--stall-timeout", opt_value(argc,
						argv, &i, "--stall-timeout"),
						1, 3600);
		} else if (opt_is(a, "--auth-file")) {
			o->srv.auth_file = opt_value(argc, argv, &i, "--auth-file");
		} else if (opt_is(a, "--secret-file")) {
			o->srv.secret_file = opt_value(argc, argv, &i,
						   "--secret-file");
		} else if (opt_is(a, "--allow-host")) {
			if (o->srv.nhosts == (int)LEN(hosts))
				die("--allow-host: at most %d", (int)LEN(hosts));
			hosts[o->srv.nhosts++] = opt_value(argc, argv, &i,
						       "--allow-host");
		} else if (opt_is(a, "--trust-proxy")) {
			o->srv.trust_proxy = opt_value(argc, argv, &i,
						   "--trust-proxy");
		} else if (opt_is(a, "--allow-origin")) {
			if (o->srv.norigins == (int)LEN(origins))
				die("--allow-origin: at most %d",
				    (int)LEN(origins));
			origins[o->srv.norigins++] = opt_value(argc, argv, &i,
							   "--allow-origin");
		} else if (opt_is(a, "--web")) {
			o->srv.web_dir = opt_value(argc, argv, &i, "--web");
			if (access(o->srv.web_dir, R_OK | X_OK) != 0)
				die("--web %s:", o->srv.web_dir);
		} else if (opt_is(a, "--timeout")) {
			o->srv.timeout_s = opt_int("--timeout", opt_value(argc, argv,
						  &i, "--timeout"), 1, 3600);
		} else if (opt_is(a, "--congestion")) {
			o->srv.congestion = opt_value(argc, argv, &i,
						  "--congestion");
		} else if (opt_is(a, "--lowat")) {
			o->srv.lowat = opt_int("--lowat", opt_value(argc, argv, &i,
					      "--lowat"), 0, 1 << 24);
		} else {
			die("unknown option %s (see --help)", a);
		}
		o->legacy |= opt_is(a, "--device") || opt_is(a, "--source");
	}
	if (o->ncams && o->legacy)
		die("--device or --source with --camera: name that camera "
		    "with --camera too (--camera NAME=SOURCE)");
	cameras(o);
}

