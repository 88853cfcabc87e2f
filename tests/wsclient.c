/* wsclient.c: the test and load client: WebSocket and MJPEG frame reader,
 * raw WebSocket frame sender and raw HTTP pipe. One thread, one poll(). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <turbojpeg.h>

#include "base64.h"
#include "sha1.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define HEAD_MAX 8192		/* response head limit */
#define JHEAD 256		/* JPEG prefix kept per frame: SOI + COM */
#define PART_MAX (64u << 20)	/* largest MJPEG part we accept */
#define TEXT_KEEP_LOAD 1024	/* server text kept per client under load */
#define TEXT_KEEP_WS (1u << 20)	/* ... and in `ws` mode, which prints it */

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

/* Dynamic byte queue: bytes [off, len) are pending. */
struct buf {
	unsigned char *p;
	size_t off, len, cap;
};

enum { S_CONNECT, S_HEAD, S_STREAM, S_CLOSING, S_DONE };
enum { M_BOUNDARY, M_HEADERS, M_BODY, M_END };

struct conn {
	int fd, id, state, ws, connected;
	char key[32];
	char head[HEAD_MAX + 1];
	size_t headlen;
	int status;
	struct buf out;

	/* WebSocket input: header being collected, payload left */
	unsigned char hdr[14];
	size_t hlen, hneed;
	int sized, inpayload;
	uint64_t left;
	int op, fin, msgop;
	unsigned char ctl[125];
	size_t ctllen;
	int sent_close, got_close, close_code;

	/* MJPEG input */
	char boundary[128];
	int mstate, single, overflow;
	char line[512];
	size_t linelen;
	long long clen;
	int chunked, cstate;	/* chunked transfer coding: */
	uint64_t cleft;		/* data left in the chunk */
	char cline[64];
	size_t clinelen;

	/* the message in progress */
	uint64_t msize;
	unsigned char jhead[JHEAD];
	size_t jheadlen;
	unsigned char tail[2];
	char *text;
	size_t textlen, textcap;
	unsigned char *full;
	size_t fulllen, fullcap;

	/* statistics */
	uint64_t frames, bytes, skipped, invalid, texts, binaries;
	int64_t t_open, t_first, t_last;	/* connect, frames */
	uint64_t seq;
	int have_seq, q, w, h, sent_text;
	int32_t *lat;
	size_t nlat, latcap;
	char err[200];
	double tokens;			/* --rate: bytes it may read now */
	int64_t t_tokens;
};

static struct {
	long n, frames, send_at, wait_frames;
	double secs, T;
	const char *origin, *protocol, *send_text, *header;
	const char *bind;		/* load: the source address */
	int stall, json, decode, verbose, ending, no_pong;
	double rate;			/* load: bytes/s each client reads */
	int rcvbuf;			/* load: SO_RCVBUF, 0 = default */
	int size_w, size_h;	/* --size: every frame must be this */
	FILE *luma;		/* --luma: a line per frame */
	FILE *framelog;		/* trace --frames: a line per frame */
} o;

static int last_q, last_w, last_h, nerrmsg;
static unsigned char scratch[1 << 18];
static uint64_t rng_state;

static void die(const char *fmt, ...)
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

static int64_t now_us(clockid_t clk)
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

/* xorshift64*: keys and masks need to vary, not to be secret. */
static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

/* Returns room for n more bytes at the tail of b; the caller fills them
 * and adds n to b->len. */
static unsigned char *buf_room(struct buf *b, size_t n)
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

static void buf_add(struct buf *b, const void *d, size_t n)
{
	memcpy(buf_room(b, n), d, n);
	b->len += n;
}

static void grow_append(unsigned char **p, size_t *len, size_t *cap,
			const void *d, size_t n, size_t limit)
{
	if (*len >= limit)
		return;
	n = MIN(n, limit - *len);
	if (*cap - *len < n) {
		*cap = (*len + n) * 2;
		*p = xrealloc(*p, *cap);
	}
	memcpy(*p + *len, d, n);
	*len += n;
}

/* Appends one client frame; b0 holds FIN, RSV and the opcode. */
static void ws_put(struct buf *b, int b0, int masked, const void *data,
		   size_t n)
{
	unsigned char h[14], *d;
	const unsigned char *s = data;
	uint32_t m = rng();
	size_t hl = 0, i;

	h[hl++] = (unsigned char)b0;
	if (n < 126) {
		h[hl++] = (unsigned char)((masked ? 0x80 : 0) | n);
	} else if (n <= 0xffff) {
		h[hl++] = (masked ? 0x80 : 0) | 126;
		h[hl++] = (unsigned char)(n >> 8);
		h[hl++] = (unsigned char)n;
	} else {
		h[hl++] = (masked ? 0x80 : 0) | 127;
		for (i = 0; i < 8; i++)
			h[hl++] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
	}
	if (masked)
		for (i = 0; i < 4; i++)
			h[hl++] = (unsigned char)(m >> (8 * i));
	buf_add(b, h, hl);
	d = buf_room(b, n);
	for (i = 0; i < n; i++)
		d[i] = masked ? s[i] ^ h[hl - 4 + (i & 3)] : s[i];
	b->len += n;
}

static void ws_put_close(struct buf *b, int code)
{
	unsigned char p[2] = { (unsigned char)(code >> 8),
			       (unsigned char)code };

	ws_put(b, 0x88, 1, p, code == 1005 ? 0 : 2);
}

/* --- URLs and sockets --- */

struct url {
	int ws;
	char host[256], port[16], path[2048], hostport[300];
	char auth[400];		/* user:pass@ as Base64, or "" */
};

static int url_parse(const char *s, struct url *u)
{
	size_t n;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, "ws://", 5) == 0) {
		u->ws = 1;
		s += 5;
	} else if (strncmp(s, "http://", 7) == 0) {
		s += 7;
	} else {
		return -1;
	}
	/* user:pass@ before the host: Basic credentials. */
	n = strcspn(s, "/@");
	if (s[n] == '@') {
		if (n >= 256)
			return -1;
		base64_encode(s, n, u->auth);
		s += n + 1;
	}
	n = strcspn(s, ":/");
	if (n == 0 || n >= sizeof(u->host))
		return -1;
	memcpy(u->host, s, n);
	s += n;
	strcpy(u->port, "80");
	if (*s == ':') {
		n = strcspn(++s, "/");
		if (n == 0 || n >= sizeof(u->port))
			return -1;
		memcpy(u->port, s, n);
		u->port[n] = '\0';
		s += n;
	}
	if (snprintf(u->path, sizeof(u->path), "%s", *s ? s : "/") >=
	    (int)sizeof(u->path))
		return -1;
	snprintf(u->hostport, sizeof(u->hostport), "%s:%s", u->host, u->port);
	return 0;
}

static struct addrinfo *resolve(const char *host, const char *port)
{
	struct addrinfo hints, *ai;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(host, port, &hints, &ai);
	if (r != 0)
		die("%s:%s: %s", host, port, gai_strerror(r));
	return ai;
}

/* Starts a non-blocking connect; returns the fd (connect maybe still in
 * progress) or -1 with errno set. */
static int tcp_connect(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);

	if (fd < 0)
		return -1;
	if (o.rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o.rcvbuf,
			   sizeof(o.rcvbuf));
	if (o.bind) {
		struct addrinfo hints, *b;

		memset(&hints, 0, sizeof(hints));
		hints.ai_family = ai->ai_family;
		hints.ai_flags = AI_NUMERICHOST;
		if (getaddrinfo(o.bind, NULL, &hints, &b) != 0)
			die("--bind %s: not an address of the server's family",
			    o.bind);
		if (bind(fd, b->ai_addr, b->ai_addrlen) != 0)
			die("bind %s:", o.bind);
		freeaddrinfo(b);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
	     errno != EINPROGRESS)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* --- connection state --- */

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = S_DONE;
}

/* Records the first failure of c (logged once, where it is decided). */
static void conn_error(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	if (o.verbose)
		printf("error %s\n", c->err);
	else if (nerrmsg++ < 10)
		fprintf(stderr, "wsclient: client %d: %s\n", c->id, c->err);
}

#define conn_fail(c, ...) (conn_error(c, __VA_ARGS__), conn_close(c))

static void conn_request(struct conn *c, const struct url *u)
{
	unsigned char k[16];
	char req[4096];
	size_t i;
	int n;

	for (i = 0; i < sizeof(k); i++)
		k[i] = (unsigned char)rng();
	base64_encode(k, sizeof(k), c->key);
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n",
		     u->path, u->hostport);
	if (u->ws)
		n += snprintf(req + n, sizeof(req) - n,
			      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
			      "Sec-WebSocket-Key: %s\r\n"
			      "Sec-WebSocket-Version: 13\r\n", c->key);
	if (o.origin)
		n += snprintf(req + n, sizeof(req) - n, "Origin: %s\r\n",
			      o.origin);
	if (u->auth[0])
		n += snprintf(req + n, sizeof(req) - n,
			      "Authorization: Basic %s\r\n", u->auth);
	if (o.header)
		n += snprintf(req + n, sizeof(req) - n, "%s\r\n", o.header);
	if (o.protocol && u->ws)
		n += snprintf(req + n, sizeof(req) - n,
			      "Sec-WebSocket-Protocol: %s\r\n", o.protocol);
	n += snprintf(req + n, sizeof(req) - n, "\r\n");
	if (n >= (int)sizeof(req))
		die("request too long");
	buf_add(&c->out, req, (size_t)n);
}

/* Writes pending output; 0, or -1 after failing c. */
static int conn_flush(struct conn *c)
{
	while (c->out.off < c->out.len) {
		ssize_t w = send(c->fd, c->out.p + c->out.off,
				 c->out.len - c->out.off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (w < 0 && o.verbose) {
			/* The peer may have closed: drop the output and
			 * still read what it sent. */
			c->out.off = c->out.len;
			return 0;
		}
		if (w < 0) {
			conn_fail(c, "write: %s", strerror(errno));
			return -1;
		}
		c->out.off += (size_t)w;
	}
	return 0;
}

/* --- response heads --- */

/* Copies the trimmed value of header name from a NUL-terminated response
 * head into out. Returns 0, or -1 when absent. */
static int head_get(const char *head, const char *name, char *out,
		    size_t outsz)
{
	const char *line = strstr(head, "\r\n"), *end, *colon, *v;
	size_t nl = strlen(name), vl;

	while (line) {
		line += 2;
		end = strstr(line, "\r\n");
		if (!end || end == line)
			break;
		colon = memchr(line, ':', (size_t)(end - line));
		if (colon && (size_t)(colon - line) == nl &&
		    strncasecmp(line, name, nl) == 0) {
			for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
				;
			vl = (size_t)(end - v);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= outsz)
				vl = outsz - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return 0;
		}
		line = end;
	}
	return -1;
}

/* Is tok one of the comma-separated tokens of list (case-insensitive)? */
static int has_token(const char *list, const char *tok)
{
	size_t tl = strlen(tok), n;

	while (*list) {
		list += strspn(list, " \t,");
		n = strcspn(list, ",");
		while (n && (list[n - 1] == ' ' || list[n - 1] == '\t'))
			n--;
		if (n == tl && strncasecmp(list, tok, tl) == 0)
			return 1;
		list += strcspn(list, ",");
	}
	return 0;
}

/* Extracts the boundary parameter of a multipart Content-Type. */
static int get_boundary(const char *ct, char *out, size_t outsz)
{
	const char *p = strchr(ct, ';');
	size_t n;

	while (p) {
		p += 1 + strspn(p + 1, " \t");
		if (strncasecmp(p, "boundary=", 9) == 0) {
			p += 9;
			if (*p == '"') {
				n = strcspn(++p, "\"");
			} else {
				n = strcspn(p, "; \t");
			}
			if (n == 0 || n >= outsz)
				return -1;
			memcpy(out, p, n);
			out[n] = '\0';
			return 0;
		}
		p = strchr(p, ';');
	}
	return -1;
}

/* Checks a complete response head; 0 when streaming may start. */
static int head_check(struct conn *c)
{
	char v[256], want[BASE64_LEN(20) + 1], kg[96];
	unsigned char d[20];

	if (c->ws) {
		if (c->status != 101) {
			conn_fail(c, "handshake status %d", c->status);
			return -1;
		}
		snprintf(kg, sizeof(kg), "%s%s", c->key, WS_GUID);
		sha1(kg, strlen(kg), d);
		base64_encode(d, sizeof(d), want);
		if (head_get(c->head, "Upgrade", v, sizeof(v)) < 0 ||
		    !has_token(v, "websocket")) {
			conn_fail(c, "no Upgrade: websocket");
			return -1;
		}
		if (head_get(c->head, "Connection", v, sizeof(v)) < 0 ||
		    !has_token(v, "upgrade")) {
			conn_fail(c, "no Connection: upgrade");
			return -1;
		}
		if (head_get(c->head, "Sec-WebSocket-Accept", v,
			     sizeof(v)) < 0 || strcmp(v, want) != 0) {
			conn_fail(c, "bad Sec-WebSocket-Accept");
			return -1;
		}
		c->hneed = 2;
		return 0;
	}
	if (c->status != 200) {
		conn_fail(c, "status %d", c->status);
		return -1;
	}
	if (head_get(c->head, "Transfer-Encoding", v, sizeof(v)) == 0) {
		if (!has_token(v, "chunked")) {
			conn_fail(c, "Transfer-Encoding %s", v);
			return -1;
		}
		c->chunked = 1;
	}
	if (head_get(c->head, "Content-Type", v, sizeof(v)) < 0) {
		conn_fail(c, "no Content-Type");
		return -1;
	}
	if (strncasecmp(v, "image/jpeg", 10) == 0) {
		if (head_get(c->head, "Content-Length", kg, sizeof(kg)) < 0) {
			conn_fail(c, "image/jpeg without Content-Length");
			return -1;
		}
		c->single = 1;
		c->clen = strtoll(kg, NULL, 10);
		c->mstate = M_BODY;
		c->msize = c->jheadlen = c->fulllen = 0;
		return 0;
	}
	if (strncasecmp(v, "multipart/x-mixed-replace", 25) != 0 ||
	    get_boundary(v, c->boundary, sizeof(c->boundary)) < 0) {
		conn_fail(c, "bad Content-Type: %s", v);
		return -1;
	}
	c->mstate = M_BOUNDARY;
	return 0;
}

/* --- frames --- */

static void msg_start(struct conn *c)
{
	c->msize = 0;
	c->jheadlen = 0;
	c->tail[0] = c->tail[1] = 0;
	c->fulllen = 0;
}

static void jpeg_chunk(struct conn *c, const unsigned char *p, size_t n)
{
	size_t k = MIN(n, JHEAD - c->jheadlen);

	memcpy(c->jhead + c->jheadlen, p, k);
	c->jheadlen += k;
	if (n >= 2) {
		c->tail[0] = p[n - 2];
		c->tail[1] = p[n - 1];
	} else if (n == 1) {
		c->tail[0] = c->tail[1];
		c->tail[1] = p[0];
	}
	c->msize += n;
	if (o.decode)
		grow_append(&c->full, &c->fulllen, &c->fullcap, p, n,
			    PART_MAX);
}

struct com {
	long long ts;
	unsigned long long seq;
	int q, w, h;
};

/* Validates the finished JPEG and reads its COM; 0 or -1 (invalid). */
static int jpeg_check(struct conn *c, struct com *m)
{
	const unsigned char *p = c->jhead;
	char txt[JHEAD], *s, *end;
	size_t l, tl;
	int have_ts = 0, have_seq = 0;

	m->q = m->w = m->h = 0;
	if (c->msize < 8 || p[0] != 0xff || p[1] != 0xd8 ||
	    c->tail[0] != 0xff || c->tail[1] != 0xd9)
		return -1;
	if (c->jheadlen < 6 || p[2] != 0xff || p[3] != 0xfe)
		return -1;
	l = (size_t)p[4] << 8 | p[5];
	if (l < 2 || 4 + l > c->msize)
		return -1;
	tl = MIN(l - 2, c->jheadlen - 6);
	memcpy(txt, p + 6, tl);
	txt[tl] = '\0';
	for (s = txt; *s; s = end) {
		s += strspn(s, " ");
		end = s + strcspn(s, " ");
		if (strncmp(s, "ts=", 3) == 0) {
			m->ts = strtoll(s + 3, NULL, 10);
			have_ts = 1;
		} else if (strncmp(s, "seq=", 4) == 0) {
			m->seq = strtoull(s + 4, NULL, 10);
			have_seq = 1;
		} else if (strncmp(s, "q=", 2) == 0) {
			m->q = atoi(s + 2);
		} else if (strncmp(s, "w=", 2) == 0) {
			m->w = atoi(s + 2);
		} else if (strncmp(s, "h=", 2) == 0) {
			m->h = atoi(s + 2);
		}
	}
	if (!have_ts || !have_seq)
		return -1;
	if (o.size_w && (m->w != o.size_w || m->h != o.size_h))
		return -1;
	if (o.decode) {
		tjhandle tj = tjInitDecompress();
		int w, h, sub, cs, r;

		if (!tj)
			die("tjInitDecompress: %s", tjGetErrorStr());
		r = tjDecompressHeader3(tj, c->full, c->fulllen, &w, &h,
					&sub, &cs);
		tjDestroy(tj);
		if (r < 0 || (m->w && w != m->w) || (m->h && h != m->h) ||
		    (o.size_w && (w != o.size_w || h != o.size_h)))
			return -1;
	}
	return 0;
}

static void begin_close(struct conn *c);

/* --luma: the mean luma of the JPEG p[0..n), decoded small, or -1. */
static double mean_luma(const unsigned char *p, size_t n)
{
	static unsigned char g[1 << 20];
	tjhandle tj = tjInitDecompress();
	int w, h, sub, cs, sw, sh, i;
	double sum = 0;

	if (!tj || tjDecompressHeader3(tj, p, n, &w, &h, &sub, &cs) < 0) {
		if (tj)
			tjDestroy(tj);
		return -1;
	}
	sw = (w + 7) / 8;
	sh = (h + 7) / 8;
	if ((size_t)sw * sh > sizeof(g) ||
	    tjDecompress2(tj, p, n, g, sw, 0, sh, TJPF_GRAY, 0) < 0) {
		tjDestroy(tj);
		return -1;
	}
	tjDestroy(tj);
	for (i = 0; i < sw * sh; i++)
		sum += g[i];
	return sum / (sw * sh);
}

/* A binary message or MJPEG part is complete. */
static void frame_done(struct conn *c)
{
	struct com m = { 0, 0, 0, 0, 0 };
	int64_t arrival, lat;

	c->binaries++;
	if (o.verbose) {
		printf("binary %llu\n", (unsigned long long)c->msize);
		return;
	}
	if (c->state != S_STREAM)
		return;
	if (jpeg_check(c, &m) < 0) {
		c->invalid++;
		return;
	}
	c->t_last = now_us(CLOCK_MONOTONIC);
	arrival = now_us(CLOCK_REALTIME);
	lat = arrival - m.ts;
	if (o.luma)
		fprintf(o.luma, "%lld %lld %.2f\n",
			(long long)now_us(CLOCK_REALTIME), m.ts,
			mean_luma(c->full, c->fulllen));
	if (o.framelog)
		fprintf(o.framelog, "%lld %lld %llu %d %d %d %llu\n",
			(long long)arrival, m.ts,
			(unsigned long long)c->msize, m.q, m.w, m.h, m.seq);
	if (!c->frames)
		c->t_first = c->t_last;
	c->frames++;
	c->bytes += c->msize;
	if (c->nlat == c->latcap) {
		c->latcap = c->latcap ? c->latcap * 2 : 256;
		c->lat = xrealloc(c->lat, c->latcap * sizeof(*c->lat));
	}
	c->lat[c->nlat++] = (int32_t)(lat > INT32_MAX ? INT32_MAX :
				      lat < INT32_MIN ? INT32_MIN : lat);
	if (c->have_seq && m.seq > c->seq + 1)
		c->skipped += m.seq - c->seq - 1;
	c->seq = m.seq;
	c->have_seq = 1;
	c->q = last_q = m.q;
	c->w = last_w = m.w;
	c->h = last_h = m.h;
	if (o.send_text && !c->sent_text && c->ws &&
	    c->frames >= (uint64_t)o.send_at) {
		ws_put(&c->out, 0x81, 1, o.send_text, strlen(o.send_text));
		c->sent_text = 1;
	}
	if (o.frames > 0 && c->frames >= (uint64_t)o.frames)
		begin_close(c);
}

static void control_done(struct conn *c)
{
	int code;

	switch (c->op) {
	case 0x9:
		if (o.verbose)
			printf("ping %zu\n", c->ctllen);
		if (!c->sent_close && !o.no_pong)
			ws_put(&c->out, 0x8a, 1, c->ctl, c->ctllen);
		break;
	case 0xa:
		if (o.verbose)
			printf("pong %.*s\n", (int)c->ctllen, c->ctl);
		break;
	case 0x8:
		code = c->ctllen >= 2 ? c->ctl[0] << 8 | c->ctl[1] :
		       c->ctllen == 0 ? 1005 : 0;
		c->got_close = 1;
		c->close_code = code;
		if (o.verbose) {
			if (c->ctllen > 2)
				printf("close %d %.*s\n", code,
				       (int)c->ctllen - 2, c->ctl + 2);
			else
				printf("close %d\n", code);
		}
		if (!c->sent_close) {
			ws_put_close(&c->out, code ? code : 1002);
			c->sent_close = 1;
		}
		if (c->state == S_STREAM && !o.verbose && !o.ending)
			conn_error(c, "server closed with %d after %llu "
				   "frames", code,
				   (unsigned long long)c->frames);
		if (c->state == S_STREAM)
			c->state = S_CLOSING;
		break;
	}
}

static void text_done(struct conn *c)
{
	c->texts++;
	if (o.verbose)
		printf("text %.*s\n", (int)c->textlen, c->text);
}

/* Validates a complete frame header; -1 after failing c. */
static int ws_header(struct conn *c)
{
	const unsigned char *h = c->hdr;
	size_t i = 2;

	c->fin = h[0] >> 7;
	c->op = h[0] & 0x0f;
	c->left = h[1] & 0x7f;
	if (c->left == 126) {
		c->left = (uint64_t)h[2] << 8 | h[3];
	} else if (c->left == 127) {
		for (c->left = 0; i < 10; i++)
			c->left = c->left << 8 | h[i];
		if (c->left >> 63) {
			conn_fail(c, "64-bit length with top bit set");
			return -1;
		}
	}
	if (h[0] & 0x70) {
		conn_fail(c, "RSV bits set by server");
		return -1;
	}
	if (h[1] & 0x80) {
		conn_fail(c, "masked server frame");
		return -1;
	}
	if (c->op >= 8) {
		if (c->op > 0xa) {
			conn_fail(c, "unknown opcode %d", c->op);
			return -1;
		}
		if (!c->fin || c->left > 125) {
			conn_fail(c, "bad control frame");
			return -1;
		}
		c->ctllen = 0;
	} else if (c->op == 0) {
		if (!c->msgop) {
			conn_fail(c, "continuation outside a message");
			return -1;
		}
	} else if (c->op == 1 || c->op == 2) {
		if (c->msgop) {
			conn_fail(c, "new message inside a fragmented one");
			return -1;
		}
		c->msgop = c->op;
		if (c->op == 2)
			msg_start(c);
		else
			c->textlen = 0;
	} else {
		conn_fail(c, "unknown opcode %d", c->op);
		return -1;
	}
	c->inpayload = 1;
	return 0;
}

static void ws_frame_end(struct conn *c)
{
	c->inpayload = 0;
	c->hlen = 0;
	c->hneed = 2;
	c->sized = 0;
	if (c->op >= 8) {
		control_done(c);
	} else if (c->fin) {
		if (c->msgop == 2)
			frame_done(c);
		else
			text_done(c);
		c->msgop = 0;
	}
}

static void ws_feed(struct conn *c, const unsigned char *p, size_t n)
{
	size_t k;

	while (n > 0 && c->state != S_DONE) {
		if (!c->inpayload) {
			k = MIN(c->hneed - c->hlen, n);
			memcpy(c->hdr + c->hlen, p, k);
			c->hlen += k;
			p += k;
			n -= k;
			if (c->hlen < c->hneed)
				continue;
			if (!c->sized) {
				int l7 = c->hdr[1] & 0x7f;
				c->sized = 1;
				c->hneed = 2 + (l7 == 126 ? 2 : 0) +
					   (l7 == 127 ? 8 : 0) +
					   (c->hdr[1] & 0x80 ? 4 : 0);
				if (c->hneed > 2)
					continue;
			}
			if (ws_header(c) < 0)
				return;
			if (c->left == 0)
				ws_frame_end(c);
			continue;
		}
		k = (size_t)MIN(c->left, (uint64_t)n);
		if (c->op >= 8) {
			memcpy(c->ctl + c->ctllen, p, k);
			c->ctllen += k;
		} else if (c->msgop == 2) {
			jpeg_chunk(c, p, k);
		} else {
			grow_append((unsigned char **)&c->text, &c->textlen,
				    &c->textcap, p, k, o.verbose ?
				    TEXT_KEEP_WS : TEXT_KEEP_LOAD);
		}
		p += k;
		n -= k;
		c->left -= k;
		if (c->left == 0)
			ws_frame_end(c);
	}
}

static void mjpeg_line(struct conn *c)
{
	char *l = c->line;
	size_t n = c->linelen, bl = strlen(c->boundary);

	if (n && l[n - 1] == '\n')
		n--;
	if (n && l[n - 1] == '\r')
		n--;
	l[n] = '\0';
	c->linelen = 0;
	if (c->mstate == M_BOUNDARY) {
		if (l[0] == '-' && l[1] == '-' &&
		    strncmp(l + 2, c->boundary, bl) == 0) {
			if (l[2 + bl] == '\0') {
				c->mstate = M_HEADERS;
				c->clen = -1;
				c->overflow = 0;
			} else if (strcmp(l + 2 + bl, "--") == 0) {
				c->mstate = M_END;
			}
		}
		c->overflow = 0;
		return;
	}
	if (c->overflow) {
		conn_fail(c, "part header line too long");
		return;
	}
	if (n == 0) {
		if (c->clen < 0 || c->clen > PART_MAX) {
			conn_fail(c, "part without a valid Content-Length");
			return;
		}
		msg_start(c);
		c->mstate = M_BODY;
		if (c->clen == 0) {
			frame_done(c);
			c->mstate = M_BOUNDARY;
		}
		return;
	}
	if (strncasecmp(l, "Content-Length:", 15) == 0)
		c->clen = strtoll(l + 15, NULL, 10);
}

static void mjpeg_feed(struct conn *c, const unsigned char *p, size_t n)
{
	const unsigned char *nl;
	size_t k, room;

	while (n > 0 && c->state != S_DONE && c->mstate != M_END) {
		if (c->mstate == M_BODY) {
			k = (size_t)MIN((uint64_t)c->clen, (uint64_t)n);
			jpeg_chunk(c, p, k);
			p += k;
			n -= k;
			c->clen -= (long long)k;
			if (c->clen == 0) {
				frame_done(c);
				c->mstate = c->single ? M_END : M_BOUNDARY;
			}
			continue;
		}
		nl = memchr(p, '\n', n);
		k = nl ? (size_t)(nl - p) + 1 : n;
		room = sizeof(c->line) - 1 - c->linelen;
		if (k > room)
			c->overflow = 1;
		memcpy(c->line + c->linelen, p, MIN(k, room));
		c->linelen += MIN(k, room);
		p += k;
		n -= k;
		if (nl)
			mjpeg_line(c);
	}
}

/* Strips the chunked transfer coding, passing chunk data on. */
static void chunked_feed(struct conn *c, const unsigned char *p, size_t n)
{
	size_t k;

	while (n > 0 && c->state != S_DONE) {
		if (c->cstate == 1) {		/* chunk data */
			k = (size_t)MIN(c->cleft, (uint64_t)n);
			mjpeg_feed(c, p, k);
			p += k;
			n -= k;
			if ((c->cleft -= k) == 0)
				c->cstate = 2;
			continue;
		}
		if (*p != '\n') {		/* size line or CRLF after data */
			if (c->clinelen < sizeof(c->cline) - 1)
				c->cline[c->clinelen++] = (char)*p;
			p++;
			n--;
			continue;
		}
		p++;
		n--;
		c->cline[c->clinelen] = '\0';
		c->clinelen = 0;
		if (c->cstate == 2) {
			c->cstate = 0;
			continue;
		}
		c->cleft = strtoull(c->cline, NULL, 16);
		if (c->cleft == 0) {
			c->mstate = M_END;
			return;
		}
		c->cstate = 1;
	}
}

/* Feeds received bytes through the head, then the stream parser. */
static void conn_input(struct conn *c, const unsigned char *p, size_t n)
{
	if (c->state == S_HEAD) {
		size_t k = MIN(n, HEAD_MAX - c->headlen), prev = c->headlen;
		char *e;

		memcpy(c->head + c->headlen, p, k);
		c->headlen += k;
		c->head[c->headlen] = '\0';
		e = strstr(c->head, "\r\n\r\n");
		if (!e) {
			if (c->headlen == HEAD_MAX)
				conn_fail(c, "response head too long");
			return;
		}
		c->headlen = (size_t)(e + 4 - c->head);
		c->head[c->headlen] = '\0';
		p += c->headlen - prev;
		n -= c->headlen - prev;
		if (sscanf(c->head, "HTTP/1.%*d %d", &c->status) != 1) {
			conn_fail(c, "bad status line");
			return;
		}
		if (o.verbose && c->status != 101)
			return;		/* cmd_ws prints the rest */
		if (o.verbose)
			printf("status 101\n");
		if (head_check(c) < 0)
			return;
		c->state = S_STREAM;
		c->connected = 1;
		if (o.verbose) {
			char v[256];

			if (head_get(c->head, "Sec-WebSocket-Protocol", v,
				     sizeof(v)) == 0)
				printf("protocol %s\n", v);
		}
		if (o.stall)
			return;
	}
	if (c->ws)
		ws_feed(c, p, n);
	else if (c->chunked)
		chunked_feed(c, p, n);
	else
		mjpeg_feed(c, p, n);
	if (!c->ws && c->mstate == M_END && c->state == S_STREAM) {
		if (o.frames > 0 && c->frames < (uint64_t)o.frames &&
		    !c->single)
			conn_fail(c, "stream ended after %llu frames",
				  (unsigned long long)c->frames);
		else
			conn_close(c);
	}
}

/* Reads once from c; returns -1 on EOF or error (c then S_DONE unless the
 * caller handles EOF). */
/* --rate: refills c's budget; 1 if it may read now. */
static int may_read(struct conn *c, int64_t now)
{
	if (o.rate <= 0)
		return 1;
	if (c->t_tokens)
		c->tokens += o.rate * (double)(now - c->t_tokens) / 1e6;
	c->t_tokens = now;
	/* At most a tenth of a second's worth at once. */
	if (c->tokens > o.rate / 10)
		c->tokens = o.rate / 10;
	return c->tokens >= 1;
}

static ssize_t conn_read(struct conn *c)
{
	size_t want = sizeof(scratch);
	ssize_t r;

	if (o.rate > 0 && c->tokens >= 1 && c->tokens < (double)want)
		want = (size_t)c->tokens;
	do
		r = recv(c->fd, scratch, want, 0);
	while (r < 0 && errno == EINTR);
	if (r > 0 && o.rate > 0)
		c->tokens -= (double)r;
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 1;
	if (r < 0 && errno != ECONNRESET) {
		conn_fail(c, "read: %s", strerror(errno));
		return -1;
	}
	if (r > 0)
		conn_input(c, scratch, (size_t)r);
	return r < 0 ? 0 : r;
}

/* --- load --- */

/* Ends c's run: a WebSocket gets a close handshake, the rest is closed. */
static void begin_close(struct conn *c)
{
	if (c->state == S_DONE || c->state == S_CLOSING)
		return;
	if (c->state == S_CONNECT || c->state == S_HEAD) {
		conn_fail(c, "no handshake response");
		return;
	}
	if (o.frames > 0 && c->frames < (uint64_t)o.frames && !o.stall) {
		conn_fail(c, "only %llu of %ld frames",
			  (unsigned long long)c->frames, o.frames);
		return;
	}
	if (c->ws && !o.stall && !c->sent_close) {
		ws_put_close(&c->out, 1000);
		c->sent_close = 1;
		c->state = S_CLOSING;
		return;
	}
	conn_close(c);
}

static void conn_free(struct conn *c)
{
	free(c->out.p);
	free(c->text);
	free(c->full);
	free(c->lat);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct_ms(int32_t *v, size_t n, int pct)
{
	return n ? v[(n - 1) * (size_t)pct / 100] / 1000.0 : 0.0;
}

static double conn_fps(const struct conn *c)
{
	if (c->frames < 2 || c->t_last <= c->t_first)
		return 0.0;
	return (double)(c->frames - 1) * 1e6 / (double)(c->t_last -
							 c->t_first);
}

static void json_str(const char *s, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static int report(struct conn *cs, long n)
{
	uint64_t frames = 0, bytes = 0, skipped = 0, invalid = 0, texts = 0;
	long connected = 0, errors = 0, nf = 0, i;
	double *fps = xrealloc(NULL, (size_t)n * sizeof(double));
	double *first = xrealloc(NULL, (size_t)n * sizeof(double));
	int32_t *all = NULL;
	size_t nall = 0, nfirst = 0;

	for (i = 0; i < n; i++) {
		struct conn *c = &cs[i];

		qsort(c->lat, c->nlat, sizeof(*c->lat), cmp_i32);
		all = xrealloc(all, (nall + c->nlat) * sizeof(*all));
		if (c->nlat)
			memcpy(all + nall, c->lat, c->nlat * sizeof(*all));
		nall += c->nlat;
		frames += c->frames;
		bytes += c->bytes;
		skipped += c->skipped;
		invalid += c->invalid;
		texts += c->texts;
		connected += c->connected;
		errors += c->err[0] != 0;
		if (c->connected && !o.stall)
			fps[nf++] = conn_fps(c);
		if (c->frames && c->t_open)
			first[nfirst++] = (double)(c->t_first - c->t_open) / 1000;
		if (!o.json)
			continue;
		printf("{\"client\":%ld,\"connected\":%d,\"frames\":%llu,"
		       "\"fps\":%.2f,\"bytes\":%llu,\"lat_p50\":%.1f,"
		       "\"lat_p99\":%.1f,\"skipped\":%llu,\"invalid\":%llu,"
		       "\"q\":%d,\"w\":%d,\"h\":%d,\"texts\":%llu,"
		       "\"close_code\":%d,\"last_text\":", i, c->connected,
		       (unsigned long long)c->frames, conn_fps(c),
		       (unsigned long long)c->bytes,
		       pct_ms(c->lat, c->nlat, 50), pct_ms(c->lat, c->nlat, 99),
		       (unsigned long long)c->skipped,
		       (unsigned long long)c->invalid, c->q, c->w, c->h,
		       (unsigned long long)c->texts, c->close_code);
		json_str(c->text ? c->text : "", c->textlen);
		printf(",\"error\":");
		json_str(c->err, strlen(c->err));
		printf("}\n");
	}
	qsort(all, nall, sizeof(*all), cmp_i32);
	qsort(fps, (size_t)nf, sizeof(*fps), cmp_dbl);
	qsort(first, nfirst, sizeof(*first), cmp_dbl);
	printf("clients=%ld connected=%ld frames=%llu fps=%.2f fps_min=%.2f "
	       "bytes=%llu avg_size=%llu lat_p50=%.1f lat_p99=%.1f "
	       "skipped=%llu invalid=%llu q=%d w=%d h=%d texts=%llu "
	       "errors=%ld first_p50=%.0f first_max=%.0f\n", n, connected,
	       (unsigned long long)frames,
	       nf ? (nf % 2 ? fps[nf / 2] : (fps[nf / 2 - 1] +
					     fps[nf / 2]) / 2) : 0.0,
	       nf ? fps[0] : 0.0, (unsigned long long)bytes,
	       (unsigned long long)(frames ? bytes / frames : 0),
	       pct_ms(all, nall, 50), pct_ms(all, nall, 99),
	       (unsigned long long)skipped, (unsigned long long)invalid,
	       last_q, last_w, last_h, (unsigned long long)texts, errors,
	       nfirst ? first[nfirst / 2] : 0.0,
	       nfirst ? first[nfirst - 1] : 0.0);
	fflush(stdout);
	free(all);
	free(fps);
	free(first);
	return errors || invalid ? 1 : 0;
}

static long arg_long(const char *s, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min)
		die("bad number: %s", s);
	return v;
}

static double arg_double(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0)
		die("bad number: %s", s);
	return v;
}

static void bad_usage(void)
{
	fputs(usage, stderr);
	exit(2);
}

/* Parses the options the subcommands share; returns 1 if argv[*i] was
 * one (consuming its argument), 0 if not. */
static int common_opt(int argc, char **argv, int *i)
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

static int cmd_load(int argc, char **argv)
{
	struct url u;
	struct addrinfo *ai;
	struct conn *cs;
	struct pollfd *pf;
	struct rlimit rl;
	int64_t now, deadline, end_deadline = 0;
	const char *url = NULL;
	int i, *idx, timeout, t_set = 0;
	long n, k, live;

	o.n = 1;
	o.secs = 5;
	for (i = 1; i < argc; i++) {
		char *a = argv[i], *at;

		if (common_opt(argc, argv, &i)) {
			char *v = argv[++i];
			if (!strcmp(a, "-n"))
				o.n = arg_long(v, 1);
			else if (!strcmp(a, "-t"))
				o.secs = arg_double(v), t_set = 1;
			else if (!strcmp(a, "-f"))
				o.frames = arg_long(v, 1);
			else if (!strcmp(a, "--origin"))
				o.origin = v;
			else if (!strcmp(a, "-H"))
				o.header = v;
			else if (!strcmp(a, "--bind"))
				o.bind = v;
			else if (!strcmp(a, "--protocol"))
				o.protocol = v;
			else if (!strcmp(a, "--send")) {
				at = strrchr(v, '@');
				if (!at)
					bad_usage();
				*at = '\0';
				o.send_text = v;
				o.send_at = arg_long(at + 1, 0);
			} else
				bad_usage();
		} else if (!strcmp(a, "--stall")) {
			o.stall = 1;
		} else if (!strcmp(a, "--json")) {
			o.json = 1;
		} else if (!strcmp(a, "--decode")) {
			o.decode = 1;
		} else if (!strcmp(a, "--luma") && i + 1 < argc) {
			if (!(o.luma = fopen(argv[++i], "w")))
				die("%s:", argv[i]);
			setvbuf(o.luma, NULL, _IOLBF, 0);
			o.decode = 1;
		} else if (!strcmp(a, "--rate") && i + 1 < argc) {
			o.rate = arg_double(argv[++i]) * 1000;
		} else if (!strcmp(a, "--rcvbuf") && i + 1 < argc) {
			o.rcvbuf = (int)arg_long(argv[++i], 1);
		} else if (!strcmp(a, "--size") && i + 1 < argc) {
			if (sscanf(argv[++i], "%dx%d", &o.size_w,
				   &o.size_h) != 2 || o.size_w <= 0 ||
			    o.size_h <= 0)
				bad_usage();
		} else if (a[0] == '-' || url) {
			bad_usage();
		} else {
			url = a;
		}
	}
	if (!url || url_parse(url, &u) < 0)
		bad_usage();
	if (o.frames && !t_set)
		o.secs = 10;
	ai = resolve(u.host, u.port);
	/* Hundreds of clients may pass the default soft limit of 1024. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	n = o.n;
	cs = calloc((size_t)n, sizeof(*cs));
	pf = calloc((size_t)n, sizeof(*pf));
	idx = calloc((size_t)n, sizeof(*idx));
	if (!cs || !pf || !idx)
		die("out of memory");
	now = now_us(CLOCK_MONOTONIC);
	deadline = now + (int64_t)(o.secs * 1e6);
	for (k = 0; k < n; k++) {
		struct conn *c = &cs[k];

		c->id = (int)k;
		c->ws = u.ws;
		c->state = S_CONNECT;
		c->t_open = now;
		c->fd = tcp_connect(ai);
		if (c->fd < 0) {
			conn_fail(c, "connect: %s", strerror(errno));
			continue;
		}
		conn_request(c, &u);
	}
	for (;;) {
		now = now_us(CLOCK_MONOTONIC);
		if (!o.ending && now >= deadline) {
			o.ending = 1;
			end_deadline = now + 1000000;
			for (k = 0; k < n; k++) {
				begin_close(&cs[k]);
				if (cs[k].fd >= 0)
					conn_flush(&cs[k]);
			}
		}
		live = 0;
		for (k = 0; k < n; k++) {
			struct conn *c = &cs[k];

			if (c->fd < 0)
				continue;
			pf[live].fd = c->fd;
			pf[live].events = 0;
			pf[live].revents = 0;
			if (c->state == S_CONNECT) {
				pf[live].events = POLLOUT;
			} else {
				if (c->out.off < c->out.len)
					pf[live].events |= POLLOUT;
				if (!(o.stall && c->state == S_STREAM) &&
				    may_read(c, now))
					pf[live].events |= POLLIN;
			}
			idx[live++] = (int)k;
		}
		if (live == 0 || (o.ending && now >= end_deadline))
			break;
		if (o.stall && !o.ending) {
			/* Only stalled sockets left: sleep to the deadline. */
			for (k = 0; k < live && !pf[k].events; k++)
				;
			if (k == live) {
				struct timespec ts = { 0, 20000000 };
				nanosleep(&ts, NULL);
				continue;
			}
		}
		timeout = (int)(((o.ending ? end_deadline : deadline) - now +
				 999) / 1000);
		if (o.rate > 0)
			timeout = MIN(timeout, 5);
		if (poll(pf, (nfds_t)live, MIN(timeout, 1000)) < 0) {
			if (errno == EINTR)
				continue;
			die("poll:");
		}
		for (k = 0; k < live; k++) {
			struct conn *c = &cs[idx[k]];
			short re = pf[k].revents;

			if (!re || c->fd < 0)
				continue;
			if (c->state == S_CONNECT) {
				int e = 0;
				socklen_t el = sizeof(e);

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e,
					   &el);
				if (e) {
					conn_fail(c, "connect: %s",
						  strerror(e));
					continue;
				}
				c->state = S_HEAD;
				re = POLLOUT;
			}
			if (o.stall && c->state == S_STREAM &&
			    (re & (POLLERR | POLLHUP))) {
				conn_close(c);	/* dropped by the server */
				continue;
			}
			if ((re & POLLOUT) && conn_flush(c) < 0)
				continue;
			if (!(re & (POLLIN | POLLERR | POLLHUP)) ||
			    !(pf[k].events & POLLIN))
				continue;
			if (conn_read(c) != 0 || c->fd < 0) {
				/* Both close frames exchanged: done, even
				 * if the server is slow to close TCP. */
				if (c->fd >= 0 && c->got_close &&
				    conn_flush(c) == 0 &&
				    c->out.off == c->out.len)
					conn_close(c);
				continue;
			}
			/* EOF */
			if (c->state == S_CLOSING || c->got_close ||
			    c->mstate == M_END)
				conn_close(c);
			else if (o.ending)
				conn_close(c);
			else
				conn_fail(c, c->state == S_HEAD ?
					  "connection closed before response"
					  : "connection closed by server "
					  "after %llu frames",
					  (unsigned long long)c->frames);
		}
		/* Stop early once every client is done with its frames. */
		if (!o.ending && o.frames > 0 && !o.stall) {
			for (k = 0; k < n && cs[k].state == S_DONE; k++)
				;
			if (k == n)
				break;
		}
	}
	for (k = 0; k < n; k++)
		if (cs[k].fd >= 0)
			conn_close(&cs[k]);
	freeaddrinfo(ai);
	i = report(cs, n);
	for (k = 0; k < n; k++)
		conn_free(&cs[k]);
	free(cs);
	free(pf);
	free(idx);
	return i;
}

/* --- trace --- */

/* One client, one line a second: what a viewer saw. With --reconnect-rule
 * it behaves like the original React client: starting at the URL's
 * quality, once a second it counts the frames of the last 5 s and
 * reconnects at quality-5 below 28 fps, at quality+5 above 32 fps
 * (within 30..95). A reconnect empties the window, so the next decision
 * waits until the new connection has 5 s of frames. */
enum { TR_RING = 512 };

struct tracer {
	struct url u;
	struct addrinfo *ai;
	struct conn c;
	int64_t t0, t_conn, t_frame, gap, ring[TR_RING];
	uint64_t seen_frames, seen_bytes, seen_skipped, rhead, rn;
	size_t seen_lat;
	int32_t *lat;
	size_t nlat, latcap;
	long frames, reconnects;
	uint64_t bytes, skipped;
	int q, rule;
};

static void tr_connect(struct tracer *t)
{
	struct conn *c = &t->c;

	memset(c, 0, sizeof(*c));
	c->ws = t->u.ws;
	c->state = S_CONNECT;
	c->fd = tcp_connect(t->ai);
	if (c->fd < 0) {
		conn_fail(c, "connect: %s", strerror(errno));
		return;
	}
	conn_request(c, &t->u);
	t->t_conn = now_us(CLOCK_MONOTONIC);
	t->seen_frames = t->seen_bytes = t->seen_skipped = 0;
	t->seen_lat = 0;
	t->rn = 0;
}

/* Moves what the connection received since the last look into the
 * second being traced. */
static void tr_collect(struct tracer *t)
{
	struct conn *c = &t->c;
	uint64_t k;

	if (c->frames == t->seen_frames)
		return;
	if (t->t_frame && c->t_last - t->t_frame > t->gap)
		t->gap = c->t_last - t->t_frame;
	t->t_frame = c->t_last;
	for (k = t->seen_frames; k < c->frames; k++) {
		t->ring[t->rhead++ % TR_RING] = c->t_last;
		t->rn++;
	}
	t->frames += (long)(c->frames - t->seen_frames);
	t->bytes += c->bytes - t->seen_bytes;
	t->skipped += c->skipped - t->seen_skipped;
	for (; t->seen_lat < c->nlat; t->seen_lat++) {
		if (t->nlat == t->latcap) {
			t->latcap = t->latcap ? t->latcap * 2 : 256;
			t->lat = xrealloc(t->lat, t->latcap *
					  sizeof(*t->lat));
		}
		t->lat[t->nlat++] = c->lat[t->seen_lat];
	}
	t->seen_frames = c->frames;
	t->seen_bytes = c->bytes;
	t->seen_skipped = c->skipped;
}

/* Drops the connection (a close frame, then the socket) and opens
 * another: at quality q under --reconnect-rule (the URL's last segment
 * rewritten), else at the same URL. */
static void tr_reconnect(struct tracer *t, int q)
{
	struct conn *c = &t->c;
	char *slash = strrchr(t->u.path, '/');

	tr_collect(t);
	if (c->fd >= 0) {
		if (c->ws && !c->sent_close) {
			ws_put_close(&c->out, 1000);
			conn_flush(c);
		}
		conn_close(c);
	}
	conn_free(c);
	if (t->rule && slash)
		snprintf(slash + 1, sizeof(t->u.path) -
			 (size_t)(slash + 1 - t->u.path), "%d", q);
	t->q = q;
	t->reconnects++;
	tr_connect(t);
}

static void tr_rule(struct tracer *t, int64_t now)
{
	uint64_t k, n = 0;
	double fps;
	int q = t->q;

	if (now - t->t_conn < 5000000 || t->c.state != S_STREAM)
		return;
	for (k = 0; k < MIN(t->rn, (uint64_t)TR_RING); k++)
		if (now - t->ring[(t->rhead - 1 - k) % TR_RING] <= 5000000)
			n++;
	fps = n / 5.0;
	if (fps < 28)
		q = q - 5 < 30 ? 30 : q - 5;
	else if (fps > 32)
		q = q + 5 > 95 ? 95 : q + 5;
	if (q != t->q)
		tr_reconnect(t, q);
}

/* Writes the line for the second that ends at now. */
static void tr_line(struct tracer *t, FILE *f, int64_t now)
{
	struct conn *c = &t->c;
	int64_t gap = t->gap;

	if (t->t_frame && now - t->t_frame > gap)
		gap = now - t->t_frame;
	else if (!t->t_frame)
		gap = now - t->t0;
	qsort(t->lat, t->nlat, sizeof(*t->lat), cmp_i32);
	fprintf(f, "%.1f %d %d %d %ld %.0f %.1f %.1f %llu %ld %.0f %d\n",
		(double)(now - t->t0) / 1e6, c->q, c->w, c->h, t->frames,
		(double)t->bytes * 8 / 1000, pct_ms(t->lat, t->nlat, 50),
		pct_ms(t->lat, t->nlat, 95), (unsigned long long)t->skipped,
		t->reconnects, (double)gap / 1000, c->state == S_STREAM);
	fflush(f);
	if (o.json && c->textlen)
		fprintf(stderr, "%.1f %.*s\n", (double)(now - t->t0) / 1e6,
			(int)c->textlen, c->text);
	t->frames = 0;
	t->bytes = t->skipped = 0;
	t->nlat = 0;
	t->gap = 0;
}

static int cmd_trace(int argc, char **argv)
{
	static struct tracer t;
	const char *url = NULL, *out = NULL, *frames = NULL;
	FILE *f = stdout;
	int64_t now, deadline, tick;
	struct pollfd pf;
	char *s;
	int i;

	o.secs = 10;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			o.secs = arg_double(argv[++i]);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--protocol") && i + 1 < argc)
			o.protocol = argv[++i];
		else if (!strcmp(argv[i], "--reconnect-rule"))
			t.rule = 1;
		else if (!strcmp(argv[i], "--texts"))
			o.json = 1;
		else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
			frames = argv[++i];
		else if (argv[i][0] == '-' || url)
			bad_usage();
		else
			url = argv[i];
	}
	if (!url || url_parse(url, &t.u) < 0)
		bad_usage();
	s = strrchr(t.u.path, '/');
	t.q = s ? atoi(s + 1) : 0;
	if (t.rule && (!t.u.ws || t.q < 30 || t.q > 95))
		die("--reconnect-rule needs a ws:// URL ending in /30..95");
	if (out && !(f = fopen(out, "w")))
		die("%s:", out);
	/* Line-buffered: a run killed before its end keeps its frames. */
	if (frames && !(o.framelog = fopen(frames, "w")))
		die("%s:", frames);
	if (o.framelog)
		setvbuf(o.framelog, NULL, _IOLBF, 0);
	t.ai = resolve(t.u.host, t.u.port);
	t.t0 = now_us(CLOCK_MONOTONIC);
	deadline = t.t0 + (int64_t)(o.secs * 1e6);
	tick = t.t0 + 1000000;
	tr_connect(&t);
	t.reconnects = 0;
	for (;;) {
		struct conn *c = &t.c;
		int ms;

		now = now_us(CLOCK_MONOTONIC);
		if (now >= tick) {
			tr_collect(&t);
			tr_line(&t, f, tick);
			if (tick >= deadline)
				break;
			if (c->fd < 0)
				tr_reconnect(&t, t.q);
			else if (t.rule)
				tr_rule(&t, now);
			tick += 1000000;
			continue;
		}
		if (c->fd < 0) {
			struct timespec ts = { 0, 10000000 };

			nanosleep(&ts, NULL);
			continue;
		}
		pf.fd = c->fd;
		pf.events = c->state == S_CONNECT ? POLLOUT : POLLIN;
		if (c->state != S_CONNECT && c->out.off < c->out.len)
			pf.events |= POLLOUT;
		pf.revents = 0;
		ms = (int)((tick - now + 999) / 1000);
		if (poll(&pf, 1, ms) < 0) {
			if (errno == EINTR)
				continue;
			die("poll:");
		}
		if (!pf.revents)
			continue;
		if (c->state == S_CONNECT) {
			int e = 0;
			socklen_t el = sizeof(e);

			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el);
			if (e) {
				conn_fail(c, "connect: %s", strerror(e));
				continue;
			}
			c->state = S_HEAD;
			pf.revents = POLLOUT;
		}
		if ((pf.revents & POLLOUT) && conn_flush(c) < 0)
			continue;
		if (!(pf.revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		if (conn_read(c) == 0 && c->fd >= 0)
			conn_fail(c, "connection closed by server after "
				  "%llu frames", (unsigned long long)c->frames);
		tr_collect(&t);
	}
	if (t.c.fd >= 0)
		conn_close(&t.c);
	conn_free(&t.c);
	freeaddrinfo(t.ai);
	free(t.lat);
	if (out)
		fclose(f);
	if (o.framelog)
		fclose(o.framelog);
	return 0;
}

/* --- ws --- */

enum { SP_FRAME, SP_RAW, SP_SLEEP };

struct spec {
	int kind, b0, masked;
	long ms;
	struct buf data;
};

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int payload_parse(const char *s, struct buf *b)
{
	if (strncmp(s, "x:", 2) == 0) {
		for (s += 2; *s; s += 2) {
			int hi = hexval(s[0]), lo = hi < 0 ? -1 :
						    hexval(s[1]);
			unsigned char ch;

			if (hi < 0 || lo < 0)
				return -1;
			ch = (unsigned char)(hi << 4 | lo);
			buf_add(b, &ch, 1);
		}
	} else if (s[0] == '*') {
		long n = arg_long(s + 1, 0);

		memset(buf_room(b, (size_t)n), 'A', (size_t)n);
		b->len += (size_t)n;
	} else if (s[0] == '#') {
		char *end;
		long code = strtol(s + 1, &end, 10);
		unsigned char p[2] = { (unsigned char)(code >> 8),
				       (unsigned char)code };

		if (end == s + 1 || code < 0 || code > 65535 ||
		    (*end && *end != ':'))
			return -1;
		buf_add(b, p, 2);
		if (*end)
			buf_add(b, end + 1, strlen(end + 1));
	} else {
		if (s[0] == '=')
			s++;
		buf_add(b, s, strlen(s));
	}
	return 0;
}

static int spec_parse(const char *s, struct spec *sp)
{
	static const struct {
		const char *name;
		int op;
	} ops[] = { { "cont", 0 }, { "text", 1 }, { "bin", 2 },
		    { "binary", 2 }, { "close", 8 }, { "ping", 9 },
		    { "pong", 10 } };
	int fin = 0x80, rsv = 0, op = -1;
	size_t n, i;

	memset(sp, 0, sizeof(*sp));
	sp->masked = 1;
	if (strncmp(s, "sleep:", 6) == 0) {
		sp->kind = SP_SLEEP;
		sp->ms = arg_long(s + 6, 0);
		return 0;
	}
	if (strncmp(s, "raw:", 4) == 0) {
		sp->kind = SP_RAW;
		return payload_parse(s + 4, &sp->data);
	}
	for (;;) {
		if (*s == 'f') {
			fin = 0;
			s++;
		} else if (*s == 'u') {
			sp->masked = 0;
			s++;
		} else if (*s == 'r' && s[1] >= '1' && s[1] <= '3') {
			rsv |= 0x40 >> (s[1] - '1');
			s += 2;
		} else {
			break;
		}
	}
	n = strcspn(s, ":");
	for (i = 0; i < LEN(ops); i++)
		if (strlen(ops[i].name) == n && !strncmp(s, ops[i].name, n))
			op = ops[i].op;
	if (op < 0 && n > 0 && n <= 2 && strspn(s, "0123456789") == n) {
		op = atoi(s);
		if (op > 15)
			return -1;
	}
	if (op < 0)
		return -1;
	sp->kind = SP_FRAME;
	sp->b0 = fin | rsv | op;
	return s[n] ? payload_parse(s + n + 1, &sp->data) : 0;
}

/* Prints a non-101 response: headers (CR stripped), blank, body. */
static void print_response(struct conn *c, const unsigned char *body,
			   size_t n)
{
	const char *h = strstr(c->head, "\r\n") + 2, *e;

	printf("status %d\n", c->status);
	while ((e = strstr(h, "\r\n")) && e != h) {
		printf("%.*s\n", (int)(e - h), h);
		h = e + 2;
	}
	printf("\n");
	fwrite(body, 1, n, stdout);
}

static int cmd_ws(int argc, char **argv)
{
	struct url u;
	struct addrinfo *ai;
	struct conn c;
	struct spec *specs;
	struct pollfd pf;
	int64_t now, deadline, resume = 0;
	const char *url = NULL;
	int i, nspec = 0, next = 0, failed = 0;
	long long body_left = -1;
	char v[64];

	o.T = 5;
	o.verbose = 1;
	specs = calloc((size_t)argc, sizeof(*specs));
	if (!specs)
		die("out of memory");
	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (!url && !strcmp(a, "--no-pong")) {
			o.no_pong = 1;
		} else if (!url && common_opt(argc, argv, &i)) {
			char *val = argv[++i];
			if (!strcmp(a, "-T"))
				o.T = arg_double(val);
			else if (!strcmp(a, "--frames"))
				o.wait_frames = arg_long(val, 0);
			else if (!strcmp(a, "--origin"))
				o.origin = val;
			else if (!strcmp(a, "-H"))
				o.header = val;
			else if (!strcmp(a, "--protocol"))
				o.protocol = val;
			else
				bad_usage();
		} else if (!url) {
			if (a[0] == '-')
				bad_usage();
			url = a;
		} else if (spec_parse(a, &specs[nspec++]) < 0) {
			die("bad SPEC: %s (see wsclient -h)", a);
		}
	}
	if (!url || url_parse(url, &u) < 0 || !u.ws)
		bad_usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	ai = resolve(u.host, u.port);
	memset(&c, 0, sizeof(c));
	c.ws = 1;
	c.state = S_HEAD;
	c.fd = tcp_connect(ai);
	if (c.fd < 0)
		die("connect %s:", u.hostport);
	freeaddrinfo(ai);
	conn_request(&c, &u);
	deadline = now_us(CLOCK_MONOTONIC) + (int64_t)(o.T * 1e6);
	for (;;) {
		now = now_us(CLOCK_MONOTONIC);
		/* Queue SPECs whose turn has come. */
		while (c.state == S_STREAM && !c.got_close && next < nspec &&
		       c.binaries >= (uint64_t)o.wait_frames &&
		       now >= resume && c.out.off == c.out.len) {
			struct spec *sp = &specs[next++];

			if (sp->kind == SP_SLEEP) {
				resume = now + sp->ms * 1000;
			} else if (sp->kind == SP_RAW) {
				buf_add(&c.out, sp->data.p, sp->data.len);
			} else {
				ws_put(&c.out, sp->b0, sp->masked, sp->data.p,
				       sp->data.len);
				if ((sp->b0 & 0x0f) == 8)
					c.sent_close = 1;
			}
		}
		if (now >= deadline) {
			printf("timeout\n");
			break;
		}
		pf.fd = c.fd;
		pf.events = POLLIN | (c.out.off < c.out.len ? POLLOUT : 0);
		i = (int)((deadline - now + 999) / 1000);
		if (next < nspec && resume > now)
			i = MIN(i, (int)((resume - now + 999) / 1000));
		if (poll(&pf, 1, i) < 0) {
			if (errno == EINTR)
				continue;
			die("poll:");
		}
		if (pf.revents & POLLOUT)
			conn_flush(&c);
		if (!(pf.revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		if (c.state == S_HEAD) {
			ssize_t r = recv(c.fd, scratch, sizeof(scratch), 0);
			size_t prev = c.headlen;

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				printf(c.headlen ? "error truncated response\n"
				       : "error no response\n");
				failed = 1;
				break;
			}
			conn_input(&c, scratch, (size_t)r);
			if (c.state == S_DONE) {
				failed = 1;
				break;
			}
			if (c.state == S_HEAD && c.status && c.status != 101) {
				size_t used = c.headlen - prev;

				print_response(&c, scratch + used,
					       (size_t)r - used);
				if (head_get(c.head, "Content-Length", v,
					     sizeof(v)) == 0)
					body_left = strtoll(v, NULL, 10) -
						    (long long)((size_t)r -
								used);
				c.state = S_DONE;
			}
			if (c.state == S_DONE && body_left == 0)
				break;
			continue;
		}
		if (c.state == S_DONE) {	/* body of a non-101 */
			ssize_t r = recv(c.fd, scratch, sizeof(scratch), 0);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			fwrite(scratch, 1, (size_t)r, stdout);
			if (body_left > 0 && (body_left -= r) <= 0)
				break;
			continue;
		}
		i = (int)conn_read(&c);
		if (c.fd < 0) {
			failed = 1;
			break;
		}
		if (i == 0) {
			conn_flush(&c);
			printf("eof\n");
			break;
		}
		if (c.out.off < c.out.len)
			conn_flush(&c);
	}
	fflush(stdout);
	if (c.fd >= 0)
		close(c.fd);
	conn_free(&c);
	for (i = 0; i < nspec; i++)
		free(specs[i].data.p);
	free(specs);
	return failed;
}

/* --- http --- */

static int cmd_http(int argc, char **argv)
{
	struct addrinfo *ai;
	struct buf in = { 0 };
	struct pollfd pf;
	char host[256], *colon = NULL;
	const char *hp = NULL;
	long slow = 0;
	int64_t now, deadline, next_byte = 0;
	int i, fd, sending = 1;
	ssize_t r;

	o.T = 5;
	for (i = 1; i < argc; i++) {
		if (common_opt(argc, argv, &i)) {
			if (!strcmp(argv[i], "--slow"))
				slow = arg_long(argv[i + 1], 0);
			else if (!strcmp(argv[i], "-T"))
				o.T = arg_double(argv[i + 1]);
			else
				bad_usage();
			i++;
		} else if (argv[i][0] == '-' || hp) {
			bad_usage();
		} else {
			hp = argv[i];
		}
	}
	if (!hp || !(colon = strrchr(hp, ':')) ||
	    (size_t)(colon - hp) >= sizeof(host))
		bad_usage();
	memcpy(host, hp, (size_t)(colon - hp));
	host[colon - hp] = '\0';
	for (;;) {
		r = read(0, buf_room(&in, 65536), 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read stdin:");
		if (r == 0)
			break;
		in.len += (size_t)r;
	}
	ai = resolve(host, colon + 1);
	fd = tcp_connect(ai);
	if (fd < 0)
		die("connect %s:", hp);
	freeaddrinfo(ai);
	/* Wait for the connect so the first --slow byte is not early. */
	pf.fd = fd;
	pf.events = POLLOUT;
	if (poll(&pf, 1, (int)(o.T * 1000)) <= 0)
		die("connect %s: timeout", hp);
	deadline = now_us(CLOCK_MONOTONIC) + (int64_t)(o.T * 1e6);
	for (;;) {
		int timeout;

		now = now_us(CLOCK_MONOTONIC);
		if (now >= deadline) {
			fprintf(stderr, "wsclient: timeout\n");
			break;
		}
		timeout = (int)((deadline - now + 999) / 1000);
		pf.fd = fd;
		pf.events = POLLIN;
		if (sending && in.off < in.len) {
			if (now >= next_byte)
				pf.events |= POLLOUT;
			else
				timeout = MIN(timeout, (int)((next_byte - now +
							      999) / 1000));
		}
		if (poll(&pf, 1, timeout) < 0) {
			if (errno == EINTR)
				continue;
			die("poll:");
		}
		if (pf.revents & POLLOUT) {
			size_t n = slow ? 1 : in.len - in.off;

			r = send(fd, in.p + in.off, n, MSG_NOSIGNAL);
			if (r > 0) {
				in.off += (size_t)r;
				next_byte = now_us(CLOCK_MONOTONIC) +
					    slow * 1000;
			} else if (r < 0 && errno != EAGAIN &&
				   errno != EINTR) {
				sending = 0;	/* peer gone: keep reading */
			}
		}
		if (pf.revents & (POLLIN | POLLERR | POLLHUP)) {
			r = recv(fd, scratch, sizeof(scratch), 0);
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0)
				break;
			if (fwrite(scratch, 1, (size_t)r, stdout) !=
			    (size_t)r || fflush(stdout) != 0)
				break;	/* e.g. `| head -1` went away */
		}
	}
	close(fd);
	free(in.p);
	return 0;
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
