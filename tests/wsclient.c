/* wsclient.c: the test and load client: WebSocket and MJPEG frame reader,
 * raw WebSocket frame sender and raw HTTP pipe. One thread, one poll().
 * Here: main, the usage, and the helpers every part uses (wsclient.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wsclient.h"

static const char usage[] =
"usage: wsclient load [-n CLIENTS] [-t SECONDS] [-f FRAMES] [--origin O]\n"
"                     [--protocol P] [--send TEXT@N] [--stall] [--decode]\n"
"                     [--rate KB] [--rcvbuf BYTES] [--size WxH] [--json]\n"
"                     [--luma FILE] [--bind ADDR]\n"
"                     URL\n"
"       wsclient ws [--origin O] [--protocol P] [-T SECONDS] [--frames N]\n"
"                   [--no-pong] URL [SPEC...]\n"
"       wsclient http [--slow MS] [-T SECONDS] HOST:PORT < request\n"
"       wsclient trace [-t SECONDS] [-o FILE] [--frames FILE] [--protocol P]\n"
"                      [--texts] [--reconnect-rule] URL\n"
"\n"
"URL is ws://HOST:PORT/PATH (WebSocket) or, for load and trace,\n"
"http://HOST:PORT/PATH (MJPEG multipart/x-mixed-replace, or for load a\n"
"single image/jpeg); USER:PASS@ before HOST sends Basic credentials;\n"
"-H 'NAME: VALUE' one more header.\n"
"\n"
"load: CLIENTS connections (default 1) until SECONDS pass (default 5, or 10\n"
"  with -f) or each got FRAMES frames (fewer is an error). Each frame must\n"
"  be a JPEG (FF D8 .. FF D9) with a COM segment `ts=US seq=N q= w= h=`\n"
"  right after SOI. --rate reads at most KB kilobytes a second per client\n"
"  (a slow link; --rcvbuf keeps the socket's own queue small).\n"
"  --send sends the text message TEXT after the N-th\n"
"  frame; --stall completes the handshake then never reads; --decode also\n"
"  decodes each JPEG header and checks its size against w=/h=; --size WxH\n"
"  makes a frame whose w=/h= (and decoded size) is not WxH invalid;\n"
"  --luma FILE writes a line per frame: its arrival and capture time\n"
"  (CLOCK_REALTIME µs) and its mean luma (decoded at 1/8 size); --bind\n"
"  ADDR connects from that source address. Prints one line: clients=\n"
"  connected= frames= fps= (median per client) fps_min= bytes= avg_size=\n"
"  lat_p50= lat_p99= (ms, arrival - ts) skipped= (seq gaps) invalid= q=\n"
"  w= h= (last frame) texts= errors= first_p50= first_max= (ms from the\n"
"  start to a client's first frame); --json first prints\n"
"  one JSON object per client. Exit 1 on any failed connection or invalid\n"
"  frame.\n"
"\n"
"ws: one connection. Prints `status CODE` (if not 101, then the response\n"
"  headers and body, and exits 0), `protocol P` if one was chosen, sends\n"
"  the SPECs in order (after N binary messages with --frames) and prints\n"
"  one line per event until the server closes or -T (default 5) seconds:\n"
"    binary LEN | text PAYLOAD | ping LEN | pong PAYLOAD |\n"
"    close CODE [REASON] (1005 when empty) | error REASON | eof | timeout\n"
"  A received close is answered with a close before `eof`; pings with pongs\n"
"  (not with --no-pong).\n"
"\n"
"SPEC: [f][r1][r2][r3][u]OPCODE[:PAYLOAD]\n"
"  f       FIN bit clear (a fragment)     r1 r2 r3  set RSV1/2/3\n"
"  u       send unmasked\n"
"  OPCODE  0-15 or cont text bin close ping pong\n"
"  PAYLOAD TEXT           literal bytes (=TEXT when TEXT starts x: * # =)\n"
"          x:HEX          bytes in hex, e.g. x:03e8\n"
"          *N             N bytes 'A'\n"
"          #CODE[:REASON] 2-byte close code then REASON\n"
"  raw:PAYLOAD   send PAYLOAD verbatim, no framing (odd/truncated frames)\n"
"  sleep:MS      pause MS milliseconds (still reading)\n"
"  e.g. text:hello  ftext:hel cont:lo  r1bin:*10  close:#1000:bye\n"
"       ping:x:00ff  raw:x:81fe  9:*126\n"
"\n"
"http: sends stdin verbatim (one byte every MS ms with --slow) and copies\n"
"  what the server sends to stdout until it closes or -T (default 5)\n"
"  seconds pass. Exit 0.\n"
"\n"
"trace: one WebSocket or MJPEG client for SECONDS (default 10),\n"
"  reconnecting (at the next second) if dropped; writes one line a second\n"
"  to FILE (default stdout):\n"
"    t q w h frames kbits age_p50 age_p95 skipped reconnects gap_ms up\n"
"  (age in ms, arrival - ts; gap_ms the longest wait for a frame; up 1\n"
"  when streaming). --frames FILE writes a line per frame, flushed as it\n"
"  comes: arrival_us ts_us bytes q w h seq (arrival and capture time in\n"
"  CLOCK_REALTIME µs). --texts copies the last server text to stderr each\n"
"  second. --reconnect-rule (WebSocket only, URL ending in /Q): the\n"
"  original React client, which every second takes the fps of the last\n"
"  5 s of its connection and reconnects at Q-5 below 28 fps, Q+5 above\n"
"  32 (30..95); a reconnect empties the window, so it decides again 5 s\n"
"  later. Without it a reconnect asks for the same URL.\n";

struct options o;
unsigned char scratch[1 << 18];
static uint64_t rng_state;

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("wsclient: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (fmt[0] && fmt[strlen(fmt) - 1] == ':')
		fprintf(stderr, " %s", strerror(errno));
	fputc('\n', stderr);
	exit(2);
}

int64_t now_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void rng_seed(void)
{
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &rng_state, sizeof(rng_state)) < 0)
			rng_state = 0;
		close(fd);
	}
	rng_state ^= (uint64_t)now_us(CLOCK_REALTIME) ^
		     ((uint64_t)getpid() << 40);
	if (!rng_state)
		rng_state = 88172645463325252ull;
}

uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

unsigned char *buf_room(struct buf *b, size_t n)
{
	if (b->off == b->len)
		b->off = b->len = 0;
	if (b->cap - b->len < n) {
		if (b->off) {
			memmove(b->p, b->p + b->off, b->len - b->off);
			b->len -= b->off;
			b->off = 0;
		}
		if (b->cap - b->len < n) {
			b->cap = b->len + n + 256;
			b->p = xrealloc(b->p, b->cap);
		}
	}
	return b->p + b->len;
}

void buf_add(struct buf *b, const void *d, size_t n)
{
	memcpy(buf_room(b, n), d, n);
	b->len += n;
}

int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

double pct_ms(int32_t *v, size_t n, int pct)
{
	return n ? v[(n - 1) * (size_t)pct / 100] / 1000.0 : 0.0;
}

long arg_long(const char *s, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min)
		die("bad number: %s", s);
	return v;
}

double arg_double(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0)
		die("bad number: %s", s);
	return v;
}

void bad_usage(void)
{
	fputs(usage, stderr);
	exit(2);
}

int common_opt(int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (strcmp(a, "--origin") && strcmp(a, "--protocol") &&
	    strcmp(a, "-H") && strcmp(a, "--bind") &&
	    strcmp(a, "-T") && strcmp(a, "-n") && strcmp(a, "-t") &&
	    strcmp(a, "-f") && strcmp(a, "--send") && strcmp(a, "--frames") &&
	    strcmp(a, "--slow"))
		return 0;
	if (*i + 1 >= argc)
		bad_usage();
	return 1;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	rng_seed();
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "load"))
		return cmd_load(argc - 1, argv + 1);
	if (!strcmp(argv[1], "trace"))
		return cmd_trace(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ws"))
		return cmd_ws(argc - 1, argv + 1);
	if (!strcmp(argv[1], "http"))
		return cmd_http(argc - 1, argv + 1);
	bad_usage();
	return 2;
}
