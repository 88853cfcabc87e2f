/* stream.c: frame delivery: WebSocket and MJPEG streams and snapshots.
 * Latest frame wins through conn_queue(): a client holds at most one
 * frame in flight and one waiting, and a newer frame replaces the one
 * waiting. Poll thread only; never blocks. */
#define _GNU_SOURCE
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/tcp.h>

#include "camera.h"
#include "conn.h"
#include "hub.h"
#include "json.h"
#include "route.h"
#include "path.h"
#include "stream.h"
#include "util.h"

enum {
	ERR_PER_S = 2		/* error replies to a v1 client per second */
};

static const char boundary[] = "rerocctvframe";

static int64_t ping_us(const struct conn *c)
{
	/* Ping at three quarters of the stall limit; the pong is due within
	 * the stall limit. Tests shorten both with --stall-timeout. */
	return (int64_t)c->env->cfg->stall_s * 750000;
}

const char *stream_kind_name(const struct stream *st)
{
	static const char *names[] = { "snapshot", "websocket", "mjpeg" };

	return names[st->kind];
}

int stream_parse_quality(const char *s, size_t n, int *is_auto)
{
	*is_auto = n == 4 && memcmp(s, "auto", 4) == 0;
	if (*is_auto)
		return adapt_ladder[adapt_nladder / 2];
	return rung_parse(s, n);
}

/* The rung asked for, within what the access allows. */
static int allowed(const struct stream *st, int rung)
{
	int maxq;

	if (rung < 0 || st->max_rung < 0 || rung == st->max_rung)
		return rung;
	maxq = rung_q(st->max_rung);
	if (st->max_rung == RUNG_SOURCE)
		return rung;
	if (rung == RUNG_SOURCE)
		return st->max_rung;
	if (rung_q(rung) > maxq)
		return rung_make(maxq, rung_scale(rung));
	return rung;
}

/* Changes whenever a stream's subscription does. */
static uint64_t watch_gen = 1;

/* One address may cause at most --max-rungs-per-ip rungs that no other
 * address watches: beyond that its streams get the nearest rung someone
 * watches already, so one host cannot make the server encode every rung
 * for as long as it likes. The connections are looked at only while more
 * rungs are watched than the cap and nobody else watches the rung (most
 * viewers share a few), and again only once a subscription has changed. */
static int address_cap(struct conn *c, int rung)
{
	struct conn_env *e = c->env;
	struct stream *st = c->st;
	struct camera *cam = st->cam;
	int cap = e->cfg->max_rungs_ip, watched[RUNG_N], i, k, n = 0;
	/* [camera][rung]: watched by this address, by another. */
	unsigned char mine[CAMERA_MAX][RUNG_N], other[CAMERA_MAX][RUNG_N];

	if (!cap || rung < 0)
		return rung;
	for (k = 0; k < e->ncams; k++)
		for (i = 0; i < RUNG_N; i++)
			n += e->cams[k].watching[i] - (&e->cams[k] == cam &&
						       i == st->want) > 0;
	/* Nor while another stream watches this rung already: it costs
	 * nothing more. */
	if (n < cap || cam->watching[rung] - (rung == st->want) > 0)
		return rung;
	if (st->cap_gen == watch_gen && st->cap_ask == rung &&
	    st->cap_auto == st->is_auto)
		return st->cap_rung;
	memset(mine, 0, sizeof(mine));
	memset(other, 0, sizeof(other));
	for (i = 0; i < e->nconns; i++) {
		const struct conn *o = e->conns[i];

		if (o != c && o->st && o->st->want >= 0)
			(memcmp(o->client.key, c->client.key, 16) ? other :
			 mine)[o->st->cam->index][o->st->want] = 1;
	}
	for (k = 0, n = 0; k < e->ncams; k++)
		for (i = 0; i < RUNG_N; i++)
			n += mine[k][i] && !other[k][i];
	for (i = 0; i < RUNG_N; i++)
		watched[i] = mine[cam->index][i] || other[cam->index][i];
	st->cap_gen = watch_gen;
	st->cap_ask = rung;
	st->cap_auto = st->is_auto;
	st->cap_rung = n < cap ? rung : rung_nearest(watched, rung,
						     st->is_auto);
	return st->cap_rung;
}

/* Subscribes to rung (-1: none) at the hub: what the access and the
 * address's cap allow of it. */
static void want(struct conn *c, int rung)
{
	struct stream *st = c->st;
	int was = st->capped;

	st->ask = rung = allowed(st, rung);
	rung = address_cap(c, rung);
	st->capped = rung != st->ask;
	/* One line a second at most, however many streams it takes. */
	if (st->capped && !was &&
	    c->env->now - c->env->capped_logged >= 1000000) {
		c->env->capped_logged = c->env->now;
		logmsg("%s: asks for more than %d rungs no other address "
		       "watches: %s served %s instead (--max-rungs-per-ip)",
		       c->client.addr, c->env->cfg->max_rungs_ip,
		       rung_name(st->ask), rung_name(rung));
	}
	if (st->want == rung)
		return;
	if (st->want >= 0) {
		hub_need(st->cam->hub, st->want, -1);
		st->cam->watching[st->want]--;
	}
	if (rung >= 0) {
		hub_need(st->cam->hub, rung, +1);
		st->cam->watching[rung]++;
	}
	st->want = rung;
	watch_gen++;
	/* Only frames produced from now on: an old one would be stale. */
	st->last_seq = hub_seq(st->cam->hub);
}

static struct stream *stream_new(struct conn *c, enum stream_kind kind)
{
	struct stream *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->kind = kind;
	st->cam = c->rq->cam;
	st->want = st->rung = st->ask = -1;
	/* A share link may cap the quality. */
	st->who = c->rq->who;
	st->max_rung = st->who.max_q ? rung_make(st->who.max_q, 0) : -1;
	st->t0 = st->win_t0 = st->tk_t0 = c->env->now;
	adapt_init(&st->ad, -1);
	st->win_sent = c->msgs_sent;
	st->win_replaced = c->msgs_replaced;
	st->win_bytes = c->bytes;
	c->st = st;
	return st;
}

/* Who watched: one line when a stream starts and one when it ends. */
static void watched(const struct conn *c, const char *what)
{
	const struct stream *st = c->st;
	int r = st->rung >= 0 ? st->rung : st->want;

	if (st->kind == ST_SNAPSHOT)
		return;
	if (!what)
		logmsg("%s: %s: %s %s ended after %.0f s, %llu bytes",
		       c->client.addr, st->who.name[0] ? st->who.name : "-",
		       stream_kind_name(st), rung_name(r),
		       (double)(c->env->now - st->t0) / 1e6,
		       (unsigned long long)c->bytes);
	else
		logmsg("%s: %s: %s %s %s", c->client.addr,
		       st->who.name[0] ? st->who.name : "-",
		       stream_kind_name(st), rung_name(r), what);
}

void stream_end(struct conn *c)
{
	if (!c->st)
		return;
	watched(c, NULL);
	want(c, -1);
	free(c->st);
	c->st = NULL;
	c->st_reads = 0;
}

static void set_stream_socket(struct conn *c)
{
	int one = 1, lowat = c->env->cfg->lowat;

	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* Keep the kernel's unsent queue short: "writable" then means the
	 * wire is nearly idle, and latest-frame-wins can do its work. */
	if (lowat > 0)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat,
			   sizeof(lowat));
}

/* Puts the client under server control, starting from rung (the path
 * estimate, if any, kept). */
static void start_auto(struct conn *c, int rung)
{
	c->st->is_auto = 1;
	adapt_start(&c->st->ad, rung);
}

/* WebSocket output */

/* Queues one whole frame: a control frame or a text message is never
 * split, and never cut by the cap (-1 then: the caller closes). */
static int ws_send(struct conn *c, int opcode, const void *p, size_t len)
{
	unsigned char h[WS_MAX_HEADER];
	struct obuf b = {0};
	int r;

	obuf_put(&b, h, ws_frame_header(h, opcode, len));
	obuf_put(&b, p, len);
	r = b.overflow ? -1 : conn_put(c, b.p, b.len);
	obuf_free(&b);
	return r;
}

/* Starts the closing handshake: nothing goes out after the close frame
 * (RFC 6455 5.5.1), and the connection lingers once it is out. */
static void ws_close(struct conn *c, int code, const char *reason)
{
	unsigned char p[125];

	if (c->st->close_sent)
		return;
	c->st->close_sent = 1;
	ws_send(c, WS_CLOSE, p, ws_close_payload(p, code, reason));
	want(c, -1);
	conn_finish(c);
}

/* A text message; a client that lets text pile up is closed (1008). */
static void ws_text(struct conn *c, struct obuf *b)
{
	if (!c->st->close_sent && (b->overflow ||
	    ws_send(c, WS_TEXT, b->p, b->len) != 0)) {
		logmsg("%s: websocket: output backed up, closing",
		       c->peer.text);
		ws_close(c, WS_CLOSE_POLICY, "output backed up");
	}
	obuf_free(b);
}

/* The pending pong goes out when nothing else of ours waits, so at most
 * one is ever queued (RFC 6455 5.5.3 lets us answer only the latest). */
static void send_pong(struct conn *c)
{
	struct stream *st = c->st;

	if (!st->pong_due || st->close_sent || obuf_pending(&c->out))
		return;
	st->pong_due = 0;
	ws_send(c, WS_PONG, st->pong, st->ponglen);
}

static void send_hello(struct conn *c)
{
	struct hub_stats hs;
	struct obuf b = {0};
	int i;

	hub_get_stats(c->st->cam->hub, &hs);
	obuf_printf(&b, "{\"type\":\"hello\",\"source\":");
	obuf_json_str(&b, hs.info.name);
	obuf_printf(&b, ",\"w\":%d,\"h\":%d,\"fps\":%d,\"mode\":\"%s\","
		    "\"rung\":\"%s\",\"ladder\":[", hs.info.w, hs.info.h,
		    hs.info.fps, c->st->is_auto ? "auto" : "fixed",
		    rung_name(c->st->want));
	for (i = 0; i < adapt_nladder; i++)
		obuf_printf(&b, "%s\"%s\"", i ? "," : "",
			    rung_name(adapt_ladder[i]));
	obuf_printf(&b, "]}");
	ws_text(c, &b);
}

/* An error reply for a v1 client, at most ERR_PER_S a second: a client
 * sending garbage cannot make us write more than it does. */
static void send_error(struct conn *c, const char *why)
{
	struct stream *st = c->st;
	struct obuf b = {0};

	if (!st->v1)
		return;
	if (c->env->now - st->err_t0 >= 1000000) {
		st->err_t0 = c->env->now;
		st->errs = 0;
	}
	if (st->errs++ >= ERR_PER_S)
		return;
	obuf_printf(&b, "{\"type\":\"error\",\"error\":");
	obuf_json_str(&b, why);
	obuf_printf(&b, "}");
	ws_text(c, &b);
}

/* Starting */

static int no_memory(struct conn *c)
{
	route_error(c, 503, "out of memory", NULL);
	return -1;
}

int stream_ws(struct conn *c, int rung, int is_auto, int v1,
	      const char *accept)
{
	struct stream *st = stream_new(c, ST_WS);

	if (!st)
		return no_memory(c);
	st->v1 = v1;
	st->wp.max_msg = STREAM_MSG_MAX;
	route_begin(c, 101, AFTER_STREAM);
	conn_header(c, "Upgrade: websocket\r\nConnection: Upgrade\r\n"
		    "Sec-WebSocket-Accept: %s\r\n%s", accept,
		    v1 ? "Sec-WebSocket-Protocol: rerocctv.v1\r\n" : "");
	route_body(c, NULL, 0, NULL, NULL);
	c->st_reads = 1;
	set_stream_socket(c);
	if (is_auto)
		start_auto(c, rung);
	want(c, rung);
	watched(c, "started");
	if (v1)
		send_hello(c);
	return 0;
}

int stream_mjpeg(struct conn *c, int rung, int is_auto)
{
	struct stream *st = stream_new(c, ST_MJPEG);

	if (!st)
		return no_memory(c);
	route_begin(c, 200, AFTER_STREAM);
	conn_header(c, "Content-Type: multipart/x-mixed-replace;"
		    "boundary=%s\r\nCache-Control: no-store, no-cache, "
		    "must-revalidate, max-age=0\r\nPragma: no-cache\r\n"
		    "Connection: close\r\n", boundary);
	route_body(c, NULL, 0, NULL, NULL);
	set_stream_socket(c);
	if (is_auto)
		start_auto(c, rung);
	want(c, rung);
	watched(c, "started");
	return 0;
}

int stream_snapshot(struct conn *c, int rung, int64_t until)
{
	if (!stream_new(c, ST_SNAPSHOT))
		return no_memory(c);
	want(c, rung);
	conn_hold(c, until);
	return 0;
}

void stream_gave_up(struct conn *c)
{
	stream_end(c);
	route_error(c, 503, "no frame from the source", NULL);
}

/* WebSocket input */

/* An integer member of a control message: its value, -1 absent, -2
 * malformed or out of 0..max. */
static int json_int(const char *s, size_t n, const char *key, int max)
{
	char v[16], *end;
	int len = json_get(s, n, key, v, sizeof(v), NULL);
	long x;

	if (len == JSON_ABSENT)
		return -1;
	x = len > 0 ? strtol(v, &end, 10) : -1;
	return len < 0 || *end || x < 0 || x > max ? -2 : (int)x;
}

/* The size the client draws at, in device pixels: auto never sends it a
 * rung much larger (a phone gets half-resolution frames). */
static void set_view(struct conn *c, int w, int h)
{
	struct stream *st = c->st;
	struct hub_stats hs;

	st->view_w = w;
	st->view_h = h;
	if (!st->is_auto)
		return;
	hub_get_stats(c->st->cam->hub, &hs);
	adapt_limit(&st->ad, adapt_view_top(w, h, hs.info.w, hs.info.h));
	want(c, adapt_rung(&st->ad));
}

/* {"quality":70}, {"quality":"auto"}, {"view_w":390,"view_h":219}, or
 * both in one. */
static void on_text(struct conn *c, const char *s, size_t n)
{
	struct stream *st = c->st;
	char v[16];
	int len = json_get(s, n, "quality", v, sizeof(v), NULL);
	int w = json_int(s, n, "view_w", 1 << 16);
	int h = json_int(s, n, "view_h", 1 << 16);
	int rung = -1, is_auto = 0;

	if (len == JSON_BAD || w == -2 || h == -2 || (w < 0) != (h < 0) ||
	    (len < 0 && w < 0) ||
	    (len >= 0 && (rung = stream_parse_quality(v, (size_t)len,
						      &is_auto)) < 0)) {
		send_error(c, "expected {\"quality\":30..95|\"auto\"} or "
			   "{\"view_w\":W,\"view_h\":H}");
		return;
	}
	if (len >= 0) {
		if (is_auto && !st->is_auto)
			start_auto(c, st->want >= 0 ? st->want : rung);
		st->is_auto = is_auto;
		want(c, is_auto ? adapt_rung(&st->ad) : rung);
	}
	if (w >= 0 || (len >= 0 && is_auto && st->view_w))
		set_view(c, w >= 0 ? w : st->view_w, h >= 0 ? h : st->view_h);
}

/* Handles one parsed client frame. */
static void on_frame(struct conn *c, struct ws_frame *f)
{
	struct stream *st = c->st;

	switch (f->opcode) {
	case WS_PING:
		memcpy(st->pong, f->payload, f->len);
		st->ponglen = f->len;
		st->pong_due = 1;
		send_pong(c);
		return;
	case WS_PONG:
		st->pong_seen = c->env->now;
		return;
	case WS_CLOSE:
		/* Echo the code (RFC 6455 5.5.1); the connection lingers once
		 * our close is out. */
		ws_close(c, f->close_code == WS_CLOSE_NO_STATUS ?
			 WS_CLOSE_NORMAL : f->close_code, NULL);
		return;
	}
	/* Data: collect a message; only text messages mean something. The
	 * parser bounds a message to STREAM_MSG_MAX. */
	if (f->opcode != WS_CONT)
		st->msglen = 0;
	if (f->msg_opcode != WS_TEXT || st->msglen + f->len > sizeof(st->msg))
		return;
	memcpy(st->msg + st->msglen, f->payload, f->len);
	st->msglen += f->len;
	if (f->fin)
		on_text(c, (const char *)st->msg, st->msglen);
}

int stream_input(struct conn *c)
{
	struct stream *st = c->st;
	size_t off = 0;

	if (!st || st->kind != ST_WS)
		return 0;
	while (off < c->inlen && !st->close_sent) {
		struct ws_frame f;
		int r = ws_parse(&st->wp, c->in + off, c->inlen - off, &f);

		if (r == 0)
			break;
		if (r < 0) {
			logmsg("%s: websocket: %s", c->peer.text,
			       st->wp.error);
			ws_close(c, st->wp.close_code, st->wp.error);
			break;
		}
		off += (size_t)r;
		on_frame(c, &f);
	}
	conn_consume(c, st->close_sent ? c->inlen : off);
	return 0;
}

/* Frames */

int stream_rung(const struct conn *c, const int *serve_fixed,
		const int *serve_auto)
{
	const struct stream *st = c->st;

	if (!st || st->want < 0 || c->after == AFTER_CLOSE)
		return -1;
	if (st->kind == ST_SNAPSHOT && c->phase != PH_WAIT)
		return -1;
	return (st->is_auto ? serve_auto : serve_fixed)[st->want];
}

static void unref(void *f)
{
	frame_unref(f);
}

/* The one frame of a snapshot: the body of its response. */
static void answer_snapshot(struct conn *c, struct frame *f)
{
	stream_end(c);
	route_begin(c, 200, AFTER_NEXT);
	conn_header(c, "Content-Type: image/jpeg\r\n"
		    "Cache-Control: no-store\r\n");
	route_body(c, f->data, f->len, unref, frame_ref(f));
}

/* The multipart head of frame f into h (size bytes): its length, or -1
 * if it does not fit. Every MJPEG client gets the same head for a frame,
 * so the last one made is kept. */
static int mjpeg_head(unsigned char *h, size_t size, const struct frame *f)
{
	static char last[256];
	static size_t last_len;
	static int64_t last_ts;
	static int n;

	if (n <= 0 || f->len != last_len || f->ts_us != last_ts) {
		n = snprintf(last, sizeof(last), "--%s\r\nContent-Type: "
			     "image/jpeg\r\nContent-Length: %zu\r\n"
			     "X-Timestamp: %lld.%06lld\r\n\r\n", boundary,
			     f->len, (long long)(f->ts_us / 1000000),
			     (long long)(f->ts_us % 1000000));
		last_len = f->len;
		last_ts = f->ts_us;
	}
	if (n <= 0 || (size_t)n >= size || (size_t)n >= sizeof(last))
		return -1;
	memcpy(h, last, (size_t)n);
	return n;
}

void stream_offer(struct conn *c, struct frame *f)
{
	struct stream *st = c->st;
	struct conn_msg m;
	int n;

	if (f->seq <= st->last_seq)
		return;
	st->last_seq = f->seq;
	st->rung = f->rung;
	if (st->kind == ST_SNAPSHOT) {
		answer_snapshot(c, f);
		return;
	}
	memset(&m, 0, sizeof(m));
	if (st->kind == ST_WS) {
		n = (int)ws_frame_header(m.head, WS_BINARY, f->len);
	} else {
		n = mjpeg_head(m.head, sizeof(m.head), f);
		m.crlf = 1;
	}
	if (n <= 0 || (size_t)n >= sizeof(m.head))
		return;
	m.headlen = (size_t)n;
	m.body = f->data;
	m.bodylen = f->len;
	m.release = unref;
	m.owner = frame_ref(f);
	m.ts_us = f->ts_us;
	conn_queue(c, &m);
}

/* Timers and statistics */

/* A camera's hub statistics, read once a loop turn however many streams
 * ask. */
static const struct hub_stats *stream_hub_stats(struct conn_env *e,
						struct camera *cam)
{
	if (cam->hstats_at != e->now || !cam->hstats_at) {
		hub_get_stats(cam->hub, cam->hstats);
		cam->hstats_at = e->now;
	}
	return cam->hstats;
}

static void send_stats(struct conn *c)
{
	struct stream *st = c->st;
	struct obuf b = {0};
	int r = st->rung >= 0 ? st->rung : st->want;

	obuf_printf(&b, "{\"type\":\"stats\",\"mode\":\"%s\",\"rung\":\"%s\","
		    "\"q\":%d,\"half\":%s,\"scale\":%d,\"fps\":%.1f,"
		    "\"kbps\":%.0f,\"skipped\":%llu,\"bw_kbps\":%.0f,"
		    "\"rtt_ms\":%.1f,\"why\":", st->is_auto ? "auto" : "fixed",
		    rung_name(r), rung_q(r), rung_scale(r) == 1 ? "true" :
		    "false", 1 << rung_scale(r), st->fps, st->kbps,
		    (unsigned long long)c->msgs_replaced, st->ad.cap_bps / 1000,
		    st->rtt_ms);
	obuf_json_str(&b, st->is_auto ? st->ad.why : "");
	obuf_printf(&b, "}");
	ws_text(c, &b);
}

/* A tick of the path (path.c): an auto client's rung follows it. */
static void path_step(struct conn *c)
{
	int r = path_tick(c, stream_hub_stats(c->env, c->st->cam));

	if (c->st->is_auto)
		want(c, r);
}

/* Closes the one-second window of the statistics. */
static void end_window(struct conn *c)
{
	struct stream *st = c->st;
	double secs = (double)(c->env->now - st->win_t0) / 1e6;

	st->fps = (c->msgs_sent - st->win_sent) / secs;
	st->kbps = (c->bytes - st->win_bytes) * 8 / secs / 1000;
	st->age_ms = c->age_n ? c->age_sum_us / 1000.0 / c->age_n : 0;
	/* Whether the address's cap still holds, now that others may have
	 * come or gone. */
	if (!st->close_sent && !st->is_auto && st->ask >= 0)
		want(c, st->ask);
	if (!st->close_sent && st->v1)
		send_stats(c);
	st->win_t0 = c->env->now;
	st->win_sent = c->msgs_sent;
	st->win_replaced = c->msgs_replaced;
	st->win_bytes = c->bytes;
	c->age_sum_us = c->age_n = 0;
}

static int ws_keepalive(struct conn *c)
{
	struct stream *st = c->st;
	int64_t now = c->env->now, stall = (int64_t)c->env->cfg->stall_s *
		      1000000, since, wait;

	/* The pong is due within the stall limit; a client still taking
	 * frames is alive and its pong only late (a busy browser, a pong
	 * behind a queue on its uplink): it gets three times as long. */
	wait = now - st->ping_sent;
	if (st->ping_sent > st->pong_seen && wait > stall &&
	    (st->tk_acked <= st->ping_acked || wait > 3 * stall)) {
		logmsg("%s: websocket: no pong in %lld s, closing",
		       c->peer.text, (long long)(wait / 1000000));
		return -1;
	}
	since = MAX(st->ping_sent, c->t_start);
	if (!st->close_sent && now - since >= ping_us(c) &&
	    st->ping_sent <= st->pong_seen) {
		if (ws_send(c, WS_PING, "rerocctv", 8) != 0)
			return -1;
		st->ping_sent = now;
		st->ping_acked = st->tk_acked;
	}
	return 0;
}

int stream_tick(struct conn *c)
{
	struct stream *st = c->st;

	if (!st || st->kind == ST_SNAPSHOT)
		return 0;
	if (st->kind == ST_WS) {
		if (ws_keepalive(c) != 0)
			return -1;
		send_pong(c);
	}
	if (!st->close_sent && c->env->now - st->tk_t0 >= 200000)
		path_step(c);
	if (c->env->now - st->win_t0 >= 1000000)
		end_window(c);
	return 0;
}

/* Ends a stream from our side: a WebSocket gets a close frame. */
static void stream_stop(struct conn *c, int code, const char *why)
{
	if (c->st && c->st->kind == ST_WS)
		ws_close(c, code, why);
	else if (c->st && c->st->kind == ST_MJPEG)
		conn_finish(c);
}

void stream_shutdown(struct conn *c)
{
	stream_stop(c, WS_CLOSE_GOING_AWAY, "server shutting down");
}

void stream_revoke(struct conn *c)
{
	logmsg("%s: %s: access revoked, closing", c->client.addr, c->st->who.name);
	stream_stop(c, WS_CLOSE_POLICY, "access revoked");
}
