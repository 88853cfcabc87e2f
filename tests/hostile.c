/* hostile.c: the clients the limit tests need: idle and half-sent
 * connections, floods from clients that never read, and a slow reader
 * that counts the responses it gets. One process, one poll(). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
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

static const char usage[] =
"usage: hostile idle [-n N] [-t SECS] [-b ADDR] [--partial] HOST:PORT\n"
"       hostile flood [-n N] [-t SECS] -k KIND HOST:PORT\n"
"       hostile responses [-T SECS] [--rcvbuf B] [--chunk B] [--every MS]\n"
"                         HOST:PORT < requests\n"
"       hostile burst [-n N] [-T SECS] [-b ADDR] [-p PATH] HOST:PORT\n"
"       hostile backed [-t SECS] [-w SECS] HOST:PORT PATH TEXT\n"
"\n"
"idle: N connections (default 100) that send nothing (--partial: half a\n"
"  request head) and are held SECS (default 5) seconds, from source\n"
"  address ADDR if given. Prints opened=N refused=R closed=C (closed by\n"
"  the server while held) answered=A (of those, with an HTTP answer).\n"
"\n"
"flood: N connections (default 10), each doing KIND for SECS (default 5)\n"
"  seconds without ever reading: ping (WebSocket pings), text (empty text\n"
"  frames, subprotocol rerocctv.v1), bad (invalid control text, v1),\n"
"  frag (a fragmented text message that never ends, 1-byte fragments),\n"
"  pipeline (GET /snapshot requests, pipelined), mjpeg (/stream), slow\n"
"  (a request head, one byte a second), mix (each connection one of the\n"
"  others in turn). Prints kinds= sent= (bytes) closed= (by the server).\n"
"\n"
"responses: sends stdin, then reads at most B bytes (--chunk, default\n"
"  all) every MS ms (--every, default 0) with SO_RCVBUF B (--rcvbuf) and\n"
"  parses what comes back as HTTP responses (Content-Length bodies). One\n"
"  line per response: `response STATUS TYPE LENGTH CONNECTION`, then\n"
"  `eof MS` (ms after the end of the last response), `open` (still open\n"
"  at -T, default 5 s) or `reset`; `extra N` if N bytes followed a\n"
"  response that said Connection: close, `garbage` if what came back is\n"
"  no response.\n"
"\n"
"burst: opens N connections (default 40) one after the other without\n"
"  waiting, then sends `GET PATH HTTP/1.1` (default /state) on each and\n"
"  reads what comes back until each has closed or -T (default 5) s\n"
"  pass. Prints opened=N refused=R answered=A silent=S (closed with no\n"
"  answer, or none in time) codes=STATUS:COUNT,...\n"
"\n"
"backed: a WebSocket viewer of PATH that never reads (a small receive\n"
"  buffer, so the server's output backs up at once): after -w SECS\n"
"  (default 1) it sends the text message TEXT, and after -t SECS\n"
"  (default 3) in all it closes. Prints sent=1 when the message went.\n";

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("hostile: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (fmt[0] && fmt[strlen(fmt) - 1] == ':')
		fprintf(stderr, " %s", strerror(errno));
	fputc('\n', stderr);
	exit(2);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct addrinfo *resolve(const char *hp)
{
	char host[256];
	const char *colon = strrchr(hp, ':');
	struct addrinfo hints, *ai;

	if (!colon || (size_t)(colon - hp) >= sizeof(host))
		die("expected HOST:PORT, got %s", hp);
	memcpy(host, hp, (size_t)(colon - hp));
	host[colon - hp] = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
		die("cannot resolve %s", hp);
	return ai;
}

/* A blocking connect (from src if given), then non-blocking. -1 if
 * refused. */
static int dial(const struct addrinfo *ai, const char *src, int rcvbuf)
{
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket:");
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (src) {
		struct sockaddr_in sa;

		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		if (inet_pton(AF_INET, src, &sa.sin_addr) != 1)
			die("bad source address %s", src);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			die("bind %s:", src);
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void more_fds(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

/* --- idle --- */

static int cmd_idle(int argc, char **argv)
{
	const char *src = NULL, *hp = NULL;
	long n = 100, i, opened = 0, refused = 0, closed = 0, answered = 0;
	double secs = 5;
	int partial = 0, *fds, *done;
	struct addrinfo *ai;
	int64_t end;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "-t") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "-b") && i + 1 < argc)
			src = argv[++i];
		else if (!strcmp(argv[i], "--partial"))
			partial = 1;
		else if (argv[i][0] != '-' && !hp)
			hp = argv[i];
		else
			die("%s", usage);
	}
	if (!hp || n < 1)
		die("%s", usage);
	more_fds();
	ai = resolve(hp);
	fds = calloc((size_t)n, sizeof(*fds));
	done = calloc((size_t)n, sizeof(*done));
	if (!fds || !done)
		die("out of memory");
	for (i = 0; i < n; i++) {
		fds[i] = dial(ai, src, 0);
		if (fds[i] < 0) {
			refused++;
			continue;
		}
		opened++;
		if (partial && write(fds[i], "GET / HTTP/1.1\r\nHo", 18) < 0)
			done[i] = 1;
	}
	end = mono_ms() + (int64_t)(secs * 1000);
	while (mono_ms() < end) {
		for (i = 0; i < n; i++) {
			char b[512];
			ssize_t r;

			if (fds[i] < 0 || done[i])
				continue;
			r = recv(fds[i], b, sizeof(b), MSG_DONTWAIT);
			if (r > 0 && !memcmp(b, "HTTP/1.1 ", 9))
				answered++;
			if (r == 0 || (r < 0 && errno != EAGAIN) || r > 0) {
				done[i] = 1;
				closed++;
			}
		}
		nap_ms(50);
	}
	printf("opened=%ld refused=%ld closed=%ld answered=%ld\n", opened,
	       refused, closed, answered);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	freeaddrinfo(ai);
	free(fds);
	free(done);
	return 0;
}

/* --- flood --- */

enum kind { K_PING, K_TEXT, K_BAD, K_FRAG, K_PIPELINE, K_MJPEG, K_SLOW,
	    K_N, K_MIX = K_N };
static const char *kinds[] = { "ping", "text", "bad", "frag", "pipeline",
			       "mjpeg", "slow", "mix" };

/* A masked client frame (mask key 0: masked, and the payload as is). */
static size_t frame(unsigned char *out, int b0, const char *p, size_t n)
{
	out[0] = (unsigned char)b0;
	out[1] = (unsigned char)(0x80 | n);	/* n < 126 */
	memset(out + 2, 0, 4);
	memcpy(out + 6, p, n);
	return 6 + n;
}

static const char *path_of(enum kind k)
{
	switch (k) {
	case K_PIPELINE:
	case K_SLOW:
		return NULL;
	case K_MJPEG:
		return "/stream?quality=95";
	default:
		return "/websocket/95";
	}
}

/* The request that starts a connection of kind k. */
static int opening(char *buf, size_t sz, enum kind k, const char *hp)
{
	const char *path = path_of(k);

	if (!path)
		return 0;
	if (k == K_MJPEG)
		return snprintf(buf, sz, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n",
				path, hp);
	return snprintf(buf, sz, "GET %s HTTP/1.1\r\nHost: %s\r\n"
			"Upgrade: websocket\r\nConnection: Upgrade\r\n"
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
			"Sec-WebSocket-Version: 13\r\n%s\r\n", path, hp,
			k == K_TEXT || k == K_BAD ?
			"Sec-WebSocket-Protocol: rerocctv.v1\r\n" : "");
}

/* What a connection of kind k sends, over and over. */
static size_t payload(unsigned char *buf, enum kind k, const char *hp)
{
	switch (k) {
	case K_PING:
		return frame(buf, 0x89, "flood", 5);
	case K_TEXT:
		return frame(buf, 0x81, "", 0);
	case K_BAD:
		return frame(buf, 0x81, "{\"nonsense\":1}", 14);
	case K_FRAG:
		return frame(buf, 0x00, "x", 1);
	case K_PIPELINE:
		return (size_t)sprintf((char *)buf, "GET /snapshot?quality=95 "
				       "HTTP/1.1\r\nHost: %s\r\n\r\n", hp);
	default:
		return 0;
	}
}

static int cmd_flood(int argc, char **argv)
{
	const char *hp = NULL;
	long n = 10, i;
	double secs = 5;
	int k = -1, *fds, *kind, *gone;
	unsigned long long sent = 0;
	long closed = 0;
	struct addrinfo *ai;
	int64_t end, next_slow;
	static const char slow_head[] = "GET / HTTP/1.1\r\nHost: localhost\r\n"
		"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
	size_t slow_off = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "-t") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "-k") && i + 1 < argc) {
			for (k = 0; k <= K_MIX; k++)
				if (!strcmp(argv[i + 1], kinds[k]))
					break;
			if (k > K_MIX)
				die("unknown kind %s", argv[i + 1]);
			i++;
		} else if (argv[i][0] != '-' && !hp)
			hp = argv[i];
		else
			die("%s", usage);
	}
	if (!hp || k < 0 || n < 1)
		die("%s", usage);
	more_fds();
	ai = resolve(hp);
	fds = calloc((size_t)n, sizeof(*fds));
	kind = calloc((size_t)n, sizeof(*kind));
	gone = calloc((size_t)n, sizeof(*gone));
	if (!fds || !kind || !gone)
		die("out of memory");
	for (i = 0; i < n; i++) {
		char req[512];
		int len;

		kind[i] = k == K_MIX ? (int)(i % K_N) : k;
		/* A small receive window: what the server queues for us
		 * stays in the server. */
		fds[i] = dial(ai, NULL, 4096);
		if (fds[i] < 0) {
			gone[i] = 1;
			closed++;
			continue;
		}
		len = opening(req, sizeof(req), (enum kind)kind[i], hp);
		if (len > 0 && write(fds[i], req, (size_t)len) < 0)
			gone[i] = 1;
	}
	end = mono_ms() + (int64_t)(secs * 1000);
	next_slow = mono_ms();
	while (mono_ms() < end) {
		int slow_now = mono_ms() >= next_slow;

		for (i = 0; i < n; i++) {
			unsigned char buf[512];
			size_t len = payload(buf, (enum kind)kind[i], hp);
			ssize_t w = 0;
			int rounds;

			if (gone[i])
				continue;
			if (kind[i] == K_SLOW && slow_now)
				w = send(fds[i], slow_head + slow_off %
					 (sizeof(slow_head) - 1), 1,
					 MSG_DONTWAIT | MSG_NOSIGNAL);
			for (rounds = 0; len && rounds < 64 && w >= 0;
			     rounds++) {
				w = send(fds[i], buf, len,
					 MSG_DONTWAIT | MSG_NOSIGNAL);
				if (w > 0)
					sent += (unsigned long long)w;
			}
			if (w < 0 && errno != EAGAIN) {
				gone[i] = 1;
				closed++;
			}
		}
		if (slow_now) {
			slow_off++;
			next_slow += 1000;
		}
		nap_ms(5);
	}
	printf("kinds=%s sent=%llu closed=%ld\n", kinds[k], sent, closed);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	freeaddrinfo(ai);
	free(fds);
	free(kind);
	free(gone);
	return 0;
}

/* --- responses --- */

/* Response parser state over what the server sent. */
struct rp {
	char head[16384];
	size_t headlen;
	long long body_left;		/* -1: reading a head */
	int closing, n;
	unsigned long long extra;
	int garbage;
};

static const char *hval(const char *head, const char *name, char *out,
			size_t sz)
{
	size_t nl = strlen(name);
	const char *p = head;

	*out = 0;
	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1, *e;
			size_t len;

			while (*v == ' ')
				v++;
			e = strstr(v, "\r\n");
			len = e ? (size_t)(e - v) : strlen(v);
			if (len >= sz)
				len = sz - 1;
			memcpy(out, v, len);
			out[len] = 0;
			return out;
		}
	}
	return out;
}

static void head_done(struct rp *p)
{
	char type[128], len[32], conn[32];
	int status = 0;

	p->head[p->headlen] = 0;
	if (sscanf(p->head, "HTTP/1.1 %d ", &status) != 1) {
		p->garbage = 1;
		return;
	}
	hval(p->head, "Content-Type", type, sizeof(type));
	hval(p->head, "Content-Length", len, sizeof(len));
	hval(p->head, "Connection", conn, sizeof(conn));
	printf("response %d %s %s %s\n", status, type[0] ? type : "-",
	       len[0] ? len : "-", conn[0] ? conn : "-");
	fflush(stdout);
	p->n++;
	p->closing = strcasecmp(conn, "close") == 0;
	/* Streams have no length: nothing more is counted after them. */
	p->body_left = len[0] ? atoll(len) : 1LL << 62;
}

static void rp_feed(struct rp *p, const unsigned char *b, size_t n,
		    int64_t *t_end)
{
	while (n > 0 && !p->garbage) {
		if (p->body_left > 0) {
			size_t take = (size_t)p->body_left < n ?
				      (size_t)p->body_left : n;

			p->body_left -= (long long)take;
			b += take;
			n -= take;
			if (p->body_left == 0)
				*t_end = mono_ms();
			continue;
		}
		if (p->closing && p->body_left == 0) {
			p->extra += n;
			return;
		}
		if (p->headlen + 1 >= sizeof(p->head)) {
			p->garbage = 1;
			return;
		}
		p->head[p->headlen++] = (char)*b++;
		n--;
		if (p->headlen >= 4 &&
		    !memcmp(p->head + p->headlen - 4, "\r\n\r\n", 4)) {
			head_done(p);
			p->headlen = 0;
			if (p->body_left == 0)
				*t_end = mono_ms();
		}
	}
}

static int cmd_responses(int argc, char **argv)
{
	const char *hp = NULL;
	double secs = 5;
	long rcvbuf = 0, chunk = 0, every = 0, i;
	static unsigned char in[1 << 20], buf[1 << 16];
	size_t inlen = 0, off = 0;
	struct addrinfo *ai;
	struct rp p;
	int64_t end, t_end = 0;
	int fd;
	const char *how = "open";

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-T") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "--rcvbuf") && i + 1 < argc)
			rcvbuf = atol(argv[++i]);
		else if (!strcmp(argv[i], "--chunk") && i + 1 < argc)
			chunk = atol(argv[++i]);
		else if (!strcmp(argv[i], "--every") && i + 1 < argc)
			every = atol(argv[++i]);
		else if (argv[i][0] != '-' && !hp)
			hp = argv[i];
		else
			die("%s", usage);
	}
	if (!hp)
		die("%s", usage);
	for (;;) {
		ssize_t r = read(0, in + inlen, sizeof(in) - inlen);

		if (r <= 0)
			break;
		inlen += (size_t)r;
	}
	memset(&p, 0, sizeof(p));
	p.body_left = 0;
	ai = resolve(hp);
	fd = dial(ai, NULL, (int)rcvbuf);
	freeaddrinfo(ai);
	if (fd < 0)
		die("connect %s:", hp);
	end = mono_ms() + (int64_t)(secs * 1000);
	while (mono_ms() < end) {
		struct pollfd pf = { fd, POLLIN, 0 };
		size_t want = chunk > 0 ? (size_t)chunk : sizeof(buf);
		ssize_t r;

		if (off < inlen) {
			r = send(fd, in + off, inlen - off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
			if (r > 0)
				off += (size_t)r;
			pf.events |= POLLOUT;
		}
		if (poll(&pf, 1, 20) < 0 && errno != EINTR)
			die("poll:");
		if (!(pf.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = recv(fd, buf, want < sizeof(buf) ? want : sizeof(buf), 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			how = "reset";
			break;
		}
		if (r == 0) {
			how = "eof";
			break;
		}
		rp_feed(&p, buf, (size_t)r, &t_end);
		if (every > 0)
			nap_ms((int)every);
	}
	if (p.headlen && !p.garbage)
		printf("partial %zu\n", p.headlen);
	if (p.garbage)
		printf("garbage\n");
	if (p.extra)
		printf("extra %llu\n", p.extra);
	if (!strcmp(how, "eof"))
		printf("eof %lld\n", (long long)(t_end ? mono_ms() - t_end : -1));
	else
		printf("%s\n", how);
	close(fd);
	return 0;
}

/* --- burst --- */

static int cmd_burst(int argc, char **argv)
{
	const char *src = NULL, *hp = NULL, *path = "/state";
	long n = 40, i, opened = 0, refused = 0, answered = 0, silent = 0;
	int codes[600] = {0}, *fds, *done, k, first = 1;
	double secs = 5;
	struct addrinfo *ai;
	char req[512];
	int64_t end;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "-T") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "-b") && i + 1 < argc)
			src = argv[++i];
		else if (!strcmp(argv[i], "-p") && i + 1 < argc)
			path = argv[++i];
		else if (argv[i][0] != '-' && !hp)
			hp = argv[i];
		else
			die("%s", usage);
	}
	if (!hp || n < 1)
		die("%s", usage);
	more_fds();
	ai = resolve(hp);
	fds = calloc((size_t)n, sizeof(*fds));
	done = calloc((size_t)n, sizeof(*done));
	if (!fds || !done)
		die("out of memory");
	for (i = 0; i < n; i++) {
		fds[i] = dial(ai, src, 0);
		refused += fds[i] < 0;
		opened += fds[i] >= 0;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
		 "Connection: close\r\n\r\n", path, hp);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0 && write(fds[i], req, strlen(req)) < 0)
			done[i] = 2;	/* closed before it could ask */
	end = mono_ms() + (int64_t)(secs * 1000);
	while (mono_ms() < end) {
		int left = 0;

		for (i = 0; i < n; i++) {
			char b[4096];
			ssize_t r;

			if (fds[i] < 0 || done[i])
				continue;
			r = recv(fds[i], b, sizeof(b), MSG_DONTWAIT);
			if (r < 0 && errno == EAGAIN) {
				left++;
				continue;
			}
			if (r >= 12 && !memcmp(b, "HTTP/1.1 ", 9)) {
				k = atoi(b + 9);
				codes[k > 0 && k < 600 ? k : 0]++;
				answered++;
			} else {
				silent++;
			}
			done[i] = 1;
		}
		if (!left)
			break;
		nap_ms(20);
	}
	for (i = 0; i < n; i++)
		silent += fds[i] >= 0 && done[i] != 1;
	printf("opened=%ld refused=%ld answered=%ld silent=%ld codes=", opened,
	       refused, answered, silent);
	for (k = 0; k < 600; k++)
		if (codes[k]) {
			printf("%s%d:%d", first ? "" : ",", k, codes[k]);
			first = 0;
		}
	printf("\n");
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	freeaddrinfo(ai);
	free(fds);
	free(done);
	return 0;
}

/* --- backed --- */

static int cmd_backed(int argc, char **argv)
{
	const char *hp = NULL, *path = NULL, *text = NULL;
	double secs = 3, wait = 1;
	unsigned char f[140];
	char req[512];
	struct addrinfo *ai;
	int fd, i, sent = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "-w") && i + 1 < argc)
			wait = atof(argv[++i]);
		else if (!hp)
			hp = argv[i];
		else if (!path)
			path = argv[i];
		else if (!text)
			text = argv[i];
		else
			die("%s", usage);
	}
	if (!text || strlen(text) > 125)
		die("%s", usage);
	ai = resolve(hp);
	if ((fd = dial(ai, NULL, 2048)) < 0)
		die("connect %s:", hp);
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
		 "Upgrade: websocket\r\nConnection: Upgrade\r\n"
		 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		 "Sec-WebSocket-Version: 13\r\n\r\n", path, hp);
	if (write(fd, req, strlen(req)) < 0)
		die("write:");
	nap_ms((int)(wait * 1000));
	sent = write(fd, f, frame(f, 0x81, text, strlen(text))) > 0;
	nap_ms((int)((secs - wait) * 1000));
	printf("sent=%d\n", sent);
	close(fd);
	freeaddrinfo(ai);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		die("%s", usage);
	if (!strcmp(argv[1], "idle"))
		return cmd_idle(argc - 1, argv + 1);
	if (!strcmp(argv[1], "flood"))
		return cmd_flood(argc - 1, argv + 1);
	if (!strcmp(argv[1], "responses"))
		return cmd_responses(argc - 1, argv + 1);
	if (!strcmp(argv[1], "burst"))
		return cmd_burst(argc - 1, argv + 1);
	if (!strcmp(argv[1], "backed"))
		return cmd_backed(argc - 1, argv + 1);
	die("%s", usage);
	return 2;
}
