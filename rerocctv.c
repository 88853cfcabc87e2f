/* rerocctv.c: main(): options, then the wiring: hub, source thread, poll
 * loop; torn down in reverse order. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <unistd.h>

#include "hub.h"
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
"  --quality N          quality of /stream and /snapshot when the URL\n"
"                       names none (30..95, default 80)\n"
"  --subsampling S      chroma of the JPEGs sent: 420 (default) or 422\n"
"                       (finer colour edges; a third more DCT blocks,\n"
"                       so larger frames and more CPU)\n"
"  --workers N          encoder threads (default: one per CPU, max 4)\n"
"  --max-clients N      connections served at once (default 256)\n"
"  --allow-origin O     let pages from origin O (e.g. http://host:5173)\n"
"                       open WebSockets; repeatable; * allows any. Pages\n"
"                       from this server's own origin are always allowed\n"
"  --web DIR            serve the browser client from DIR instead of the\n"
"                       copy built into the binary\n"
"  --lowat BYTES        TCP_NOTSENT_LOWAT for streams (default 65536,\n"
"                       0 = off): how much unsent data the kernel holds\n"
"  --timeout SECS       time a client gets to send a request head, and\n"
"                       to keep an idle connection open (default 10)\n"
"  -h, --help           this text\n"
"  --version            print the version\n"
"\n"
"Endpoints: / (browser client), /websocket/{30..95|auto|source},\n"
"/stream[?quality=N|auto|source], /snapshot[?quality=N], /state, /metrics;\n"
"/?action=stream and /?action=snapshot as mjpg-streamer has them.\n";

struct opts {
	struct server_opts srv;
	struct source_opts src;
	const char *source;
	int workers, list_formats;
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
	static const char *origins[64];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	o->srv.listen = "0.0.0.0:6732";
	o->srv.max_clients = 256;
	o->srv.default_q = 80;
	o->srv.lowat = 65536;
	o->srv.timeout_s = 10;
	o->srv.origins = origins;
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
		} else if (is_opt(a, "--quality")) {
			o->srv.default_q = to_int("--quality", value(argc,
						  argv, &i, "--quality"),
						  HUB_QMIN, HUB_QMAX);
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
		} else if (is_opt(a, "--lowat")) {
			o->srv.lowat = to_int("--lowat", value(argc, argv, &i,
					      "--lowat"), 0, 1 << 24);
		} else {
			die("unknown option %s (see --help)", a);
		}
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	struct hub *hub;
	struct source *src;
	struct source_thread *st;
	struct server srv;
	char err[256];

	memset(&o, 0, sizeof(o));
	parse(&o, argc, argv);
	if (o.list_formats) {
		if (capture_list_formats(o.src.device, err, sizeof(err)) != 0)
			die("%s", err);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);

	if (!(hub = hub_new(o.workers)))
		die("cannot start the encoders");
	hub_set_subsamp(hub, o.src.subsamp);
	src = strcmp(o.source, "test") == 0 ? pattern_new(&o.src)
		: capture_new(&o.src);
	if (!src)
		die("out of memory");
	if (!(st = source_start(src, hub)))
		die("cannot start the source thread");
	server_open(&srv, &o.srv, hub);

	server_run(&srv);

	server_close(&srv);
	source_stop(st);
	src->destroy(src);
	hub_free(hub);
	logmsg("stopped");
	return 0;
}
