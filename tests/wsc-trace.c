/* wsc-trace.c: `wsclient trace`: one viewer, one line a second of what it
 * saw, reconnecting when dropped (or by the original client's rule). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "wsclient.h"

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

int cmd_trace(int argc, char **argv)
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
