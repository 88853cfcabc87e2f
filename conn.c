/* conn.c: one client socket: its input buffer, the HTTP request it is in,
 * its WebSocket or MJPEG stream, the latest-frame-wins slots and its
 * statistics. Runs only on the poll thread and never blocks: every read
 * and write is non-blocking, every buffer bounded. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/tcp.h>

#include "conn.h"
#include "hub.h"
#include "server.h"
#include "util.h"
#include "web.h"

enum {
	STALL_TIMEOUT_US = 20000000,	/* output not moving at all */
	SNAPSHOT_TIMEOUT_US = 5000000,	/* no frame for a snapshot */
	LINGER_US = 2000000,		/* drain after our last byte */
	PING_US = 15000000,		/* WebSocket ping period */
	PONG_US = 20000000,		/* ... and its answer deadline */
	MAX_FILE = 16 << 20		/* --web file size bound */
};

static const char boundary[] = "rerocctvframe";

static int flush(struct conn *c);
static int process(struct conn *c);

/* Small helpers */

static int now_after(const struct conn *c, int64_t t)
{
	return t && c->srv->now >= t;
}

static void subscribe(struct conn *c, int rung)
{
	if (c->rung == rung)
		return;
	if (c->rung >= 0)
		hub_need(c->srv->hub, c->rung, -1);
	if (rung >= 0)
		hub_need(c->srv->hub, rung, +1);
	c->rung = rung;
	/* Only frames produced from now on: an old one would be stale. */
	c->last_seq = hub_seq(c->srv->hub);
}

static int has_output(const struct conn *c)
{
	return obuf_pending(&c->out) || c->bodyoff < c->bodylen || c->cur ||
	       c->pending;
}

static void drop_body(struct conn *c)
{
	free(c->body_owned);
	c->body_owned = NULL;
	c->body = NULL;
	c->bodylen = c->bodyoff = 0;
}

const char *conn_kind(const struct conn *c)
{
	switch (c->mode) {
	case CONN_WS:
		return "websocket";
	case CONN_MJPEG:
		return "mjpeg";
	case CONN_SNAPSHOT:
		return "snapshot";
	default:
		return "http";
	}
}

struct conn *conn_new(struct server *s, int fd, const char *peer)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->srv = s;
	c->fd = fd;
	c->rung = -1;
	c->mode = CONN_HTTP;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	c->t_start = c->t_progress = s->now;
	c->t_deadline = s->now + (int64_t)s->o.timeout_s * 1000000;
	c->win_t0 = s->now;
	return c;
}

void conn_free(struct conn *c)
{
	if (!c)
		return;
	subscribe(c, -1);
	frame_unref(c->cur);
	frame_unref(c->pending);
	drop_body(c);
	obuf_free(&c->out);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

/* HTTP responses */

/* Starts a response head; the caller adds headers and ends it with
 * end_head(). Every response says whether the connection stays open. */
static void begin_head(struct conn *c, int status)
{
	obuf_printf(&c->out, "HTTP/1.1 %d %s\r\nServer: rerocctv\r\n",
		    status, http_reason(status));
}

static void end_head(struct conn *c)
{
	obuf_printf(&c->out, "Connection: %s\r\n\r\n",
		    c->keep_alive && !c->close_after ? "keep-alive" : "close");
}

/* A complete response with a small text body. After a malformed or
 * unfinished request we cannot trust what follows: close. */
static void respond_text(struct conn *c, int status, const char *type,
			 const char *extra, const char *body, size_t len)
{
	if (status == 400 || status == 408 || status == 431 ||
	    status == 501 || status == 505 || status >= 500)
		c->close_after = 1;
	begin_head(c, status);
	obuf_printf(&c->out, "Content-Type: %s\r\nContent-Length: %zu\r\n"
		    "Cache-Control: no-store\r\n%s", type, len,
		    extra ? extra : "");
	end_head(c);
	if (!c->head_only)
		obuf_put(&c->out, body, len);
}

static void respond_error(struct conn *c, int status, const char *why,
			  const char *extra)
{
	char body[256];
	int n = snprintf(body, sizeof(body), "%d %s%s%s\n", status,
			 http_reason(status), why ? ": " : "", why ? why : "");

	if (n < 0 || (size_t)n >= sizeof(body))
		n = (int)sizeof(body) - 1;
	respond_text(c, status, "text/plain; charset=utf-8", extra, body,
		     (size_t)n);
}

static const char *content_type(const char *name)
{
	static const char *types[][2] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".json", "application/json"},
		{".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot && i < LEN(types); i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

static void respond_body(struct conn *c, const char *name,
			 const unsigned char *data, size_t len, void *owned)
{
	begin_head(c, 200);
	obuf_printf(&c->out, "Content-Type: %s\r\nContent-Length: %zu\r\n"
		    "Cache-Control: no-cache\r\n"
		    "X-Content-Type-Options: nosniff\r\n",
		    content_type(name), len);
	end_head(c);
	c->body_owned = owned;
	if (c->head_only) {
		drop_body(c);
		return;
	}
	c->body = data;
	c->bodylen = len;
	c->bodyoff = 0;
}

/* Reads DIR/name for --web. name has been checked to hold no "..", and
 * the file must resolve inside the directory (no symlink escapes). */
static int serve_file(struct conn *c, const char *name)
{
	char path[PATH_MAX], real[PATH_MAX], root[PATH_MAX];
	struct stat st;
	unsigned char *data;
	size_t rootlen, got = 0;
	int fd, n;

	n = snprintf(path, sizeof(path), "%s/%s", c->srv->o.web_dir, name);
	if (n < 0 || (size_t)n >= sizeof(path) || !realpath(path, real) ||
	    !realpath(c->srv->o.web_dir, root))
		return -1;
	rootlen = strlen(root);
	if (strncmp(real, root, rootlen) != 0 || real[rootlen] != '/')
		return -1;
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAX_FILE || !(data = malloc(st.st_size + 1))) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, data + got, (size_t)st.st_size - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	respond_body(c, name, data, got, data);
	return 0;
}

/* An asset name is one or more plain path segments: no "..", no empty
 * segment, nothing outside [A-Za-z0-9._-/]. */
static int safe_name(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || p[0] == '/' || p[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char ch = p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
		      ch == '_' || ch == '/'))
			return 0;
		if (ch == '/' && (p[i + 1] == '/' || p[i + 1] == '.'))
			return 0;
	}
	return 1;
}

/* Serves the client's files. 0 if served, -1 if there is no such file. */
static int serve_asset(struct conn *c, const char *path, size_t len)
{
	char name[256];
	size_t i;

	if (len == 1)
		path = "/index.html", len = 11;
	if (len >= sizeof(name) || !safe_name(path + 1, len - 1))
		return -1;
	memcpy(name, path + 1, len - 1);
	name[len - 1] = 0;
	if (c->srv->o.web_dir)
		return serve_file(c, name);
	for (i = 0; i < web_nassets; i++)
		if (strcmp(web_assets[i].name, name) == 0) {
			respond_body(c, name, web_assets[i].data,
				     web_assets[i].len, NULL);
			return 0;
		}
	return -1;
}

/* Parses a quality as clients give it: 30..95 (snapped to the nearest
 * multiple of 5), hNN for that quality at half resolution (the rung names
 * of /state), "auto" or "source". Returns the rung (the starting rung for
 * auto) or -1. */
static int parse_quality(const char *s, size_t n, int *is_auto)
{
	int v = 0, half = 0;
	size_t i;

	*is_auto = 0;
	if (n == 4 && memcmp(s, "auto", 4) == 0) {
		*is_auto = 1;
		return adapt_ladder[adapt_nladder / 2];
	}
	if (n == 6 && memcmp(s, "source", 6) == 0)
		return HUB_RUNG_SOURCE;
	if (n > 1 && s[0] == 'h') {
		half = 1;
		s++;
		n--;
	}
	if (n == 0 || n > 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < HUB_QMIN || v > HUB_QMAX)
		return -1;
	return hub_rung((v + HUB_QSTEP / 2) / HUB_QSTEP * HUB_QSTEP, half);
}

static const char bad_quality[] =
	"quality must be a number 30..95, hNN (half size), auto or source";

/* The quality a /stream or /snapshot request asks for. */
static int query_quality(struct conn *c, const struct http_req *r,
			 int *is_auto)
{
	char q[16];
	int n = http_query(r->query, r->query_len, "quality", q, sizeof(q));

	*is_auto = 0;
	if (n >= 0)
		return parse_quality(q, (size_t)n, is_auto);
	/* Absent means the default; present but overlong is an error. */
	if (r->query && memmem(r->query, r->query_len, "quality=", 8))
		return -1;
	return hub_rung(c->srv->o.default_q, 0);
}

/* WebSocket */

static void ws_send(struct conn *c, int opcode, const void *p, size_t len)
{
	unsigned char h[WS_MAX_HEADER];

	obuf_put(&c->out, h, ws_frame_header(h, opcode, len));
	obuf_put(&c->out, p, len);
}

static void ws_close(struct conn *c, int code, const char *reason)
{
	unsigned char p[125];

	if (c->close_sent)
		return;
	ws_send(c, WS_CLOSE, p, ws_close_payload(p, code, reason));
	c->close_sent = 1;
	/* Nothing after the close frame: drop the frame not yet started. */
	frame_unref(c->pending);
	c->pending = NULL;
	subscribe(c, -1);
}

static void ws_text(struct conn *c, struct obuf *tmp)
{
	if (!tmp->overflow)
		ws_send(c, WS_TEXT, tmp->p, tmp->len);
	obuf_free(tmp);
}

static void send_hello(struct conn *c)
{
	struct hub_stats st;
	struct obuf b = {0};
	int i;

	hub_get_stats(c->srv->hub, &st);
	obuf_printf(&b, "{\"type\":\"hello\",\"source\":");
	obuf_json_str(&b, st.info.name);
	obuf_printf(&b, ",\"w\":%d,\"h\":%d,\"fps\":%d,\"mode\":\"%s\","
		    "\"rung\":\"%s\",\"ladder\":[", st.info.w, st.info.h,
		    st.info.fps, c->is_auto ? "auto" : "fixed",
		    hub_rung_name(c->rung));
	for (i = 0; i < adapt_nladder; i++)
		obuf_printf(&b, "%s\"%s\"", i ? "," : "",
			    hub_rung_name(adapt_ladder[i]));
	obuf_printf(&b, "]}");
	ws_text(c, &b);
}

/* Finds the value of "quality" in a small flat JSON object such as
 * {"quality":70} or {"quality":"auto"}. Returns 0 with the value's
 * bytes (quotes stripped) or -1 if the message is not of that shape. */
static int control_quality(const char *s, size_t n, const char **v,
			   size_t *vlen)
{
	const char *p = s, *end = s + n, *k;

#define SKIP_WS() while (p < end && (*p == ' ' || *p == '\t' || \
				     *p == '\r' || *p == '\n')) p++
	SKIP_WS();
	if (p == end || *p++ != '{')
		return -1;
	for (;;) {
		int match;

		SKIP_WS();
		if (p == end || *p++ != '"')
			return -1;
		for (k = p; p < end && *p != '"' && *p != '\\'; p++)
			;
		if (p == end || *p != '"')
			return -1;
		match = p - k == 7 && memcmp(k, "quality", 7) == 0;
		p++;
		SKIP_WS();
		if (p == end || *p++ != ':')
			return -1;
		SKIP_WS();
		k = p;
		if (p < end && *p == '"') {
			for (k = ++p; p < end && *p != '"' && *p != '\\'; p++)
				;
			if (p == end || *p != '"')
				return -1;
			*vlen = (size_t)(p - k);
			p++;
		} else {
			while (p < end && ((*p >= '0' && *p <= '9') ||
					   *p == '-' || *p == '.'))
				p++;
			*vlen = (size_t)(p - k);
			if (*vlen == 0)
				return -1;
		}
		if (match)
			*v = k;
		SKIP_WS();
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p == end || *p != '}')
			return -1;
		p++;
		SKIP_WS();
		return p == end && *v ? 0 : -1;
	}
#undef SKIP_WS
}

/* Bounds what the socket holds, and so the queue our congestion control
 * may build on the path, to what adapt.c allows (the kernel doubles the
 * value for its bookkeeping). */
static void apply_sndbuf(struct conn *c)
{
	int sb = (int)MIN(c->ad.sndbuf / 2, (double)INT_MAX);

	setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sb, sizeof(sb));
}

/* Puts the client under server control, starting from rung. */
static void start_auto(struct conn *c, int rung)
{
	c->is_auto = 1;
	adapt_init(&c->ad, rung);
	apply_sndbuf(c);
}

static void on_text(struct conn *c, const char *s, size_t n)
{
	const char *v = NULL;
	size_t vlen = 0;
	int rung, is_auto;

	if (control_quality(s, n, &v, &vlen) != 0 ||
	    (rung = parse_quality(v, vlen, &is_auto)) < 0) {
		if (c->v1) {
			struct obuf b = {0};

			obuf_printf(&b, "{\"type\":\"error\",\"error\":");
			obuf_json_str(&b, "expected {\"quality\":30..95} or "
				      "{\"quality\":\"auto\"}");
			obuf_printf(&b, "}");
			ws_text(c, &b);
		}
		return;
	}
	if (is_auto && !c->is_auto)
		start_auto(c, c->rung >= 0 ? c->rung : rung);
	c->is_auto = is_auto;
	subscribe(c, is_auto ? adapt_rung(&c->ad) : rung);
}

/* Handles one parsed client frame. -1 to drop the connection now. */
static int on_frame(struct conn *c, struct ws_frame *f)
{
	switch (f->opcode) {
	case WS_PING:
		if (!c->close_sent)
			ws_send(c, WS_PONG, f->payload, f->len);
		return 0;
	case WS_PONG:
		c->pong_seen = c->srv->now;
		return 0;
	case WS_CLOSE:
		/* Echo the code (RFC 6455 5.5.1), then we close the TCP
		 * connection once it is out. */
		ws_close(c, f->close_code == WS_CLOSE_NO_STATUS
			 ? WS_CLOSE_NORMAL : f->close_code, NULL);
		return 0;
	}
	if (c->close_sent)
		return 0;
	/* Data: collect a message; only text messages mean something. */
	if (f->opcode != WS_CONT)
		c->msglen = 0;
	if (f->msg_opcode == WS_TEXT) {
		if (c->msglen + f->len > sizeof(c->msg))
			return -1;	/* the parser's bound forbids this */
		memcpy(c->msg + c->msglen, f->payload, f->len);
		c->msglen += f->len;
		if (f->fin)
			on_text(c, (const char *)c->msg, c->msglen);
	}
	return 0;
}

static int process_ws(struct conn *c)
{
	size_t off = 0;
	int r = 0;

	while (off < c->inlen && !c->close_sent) {
		struct ws_frame f;

		r = ws_parse(&c->wp, c->in + off, c->inlen - off, &f);
		if (r == 0)
			break;
		if (r < 0) {
			logmsg("%s: websocket: %s", c->peer, c->wp.error);
			ws_close(c, c->wp.close_code, c->wp.error);
			off = c->inlen;
			break;
		}
		off += (size_t)r;
		if (on_frame(c, &f) != 0)
			return -1;
	}
	if (c->close_sent)
		off = c->inlen;	/* after a close, input means nothing */
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
	return 0;
}

static int origin_ok(const struct conn *c, const struct http_req *r)
{
	size_t olen, hlen;
	const char *o = http_header(r, "Origin", &olen);
	const char *host = http_header(r, "Host", &hlen);
	int i;

	if (!o)
		return 1;	/* not a browser: nothing to protect */
	for (i = 0; i < c->srv->o.norigins; i++) {
		const char *a = c->srv->o.origins[i];

		if (strcmp(a, "*") == 0 ||
		    (strlen(a) == olen && strncasecmp(a, o, olen) == 0))
			return 1;
	}
	/* Same origin: scheme://Host, as the browser saw us. */
	if (host && olen > 7 && strncasecmp(o, "http://", 7) == 0 &&
	    olen - 7 == hlen && strncasecmp(o + 7, host, hlen) == 0)
		return 1;
	if (host && olen > 8 && strncasecmp(o, "https://", 8) == 0 &&
	    olen - 8 == hlen && strncasecmp(o + 8, host, hlen) == 0)
		return 1;
	return 0;
}

static void set_stream_socket(struct conn *c)
{
	int one = 1, lowat = c->srv->o.lowat;

	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* Keep the kernel's unsent queue short: "writable" then means the
	 * wire is nearly idle, and latest-frame-wins can do its work. */
	if (lowat > 0)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat,
			   sizeof(lowat));
}

static void upgrade(struct conn *c, const struct http_req *r, const char *q,
		    size_t qlen)
{
	size_t klen = 0, vlen = 0, ulen = 0, clen = 0, plen = 0;
	const char *key = http_header(r, "Sec-WebSocket-Key", &klen);
	const char *ver = http_header(r, "Sec-WebSocket-Version", &vlen);
	const char *up = http_header(r, "Upgrade", &ulen);
	const char *cn = http_header(r, "Connection", &clen);
	const char *proto = http_header(r, "Sec-WebSocket-Protocol", &plen);
	char accept[29];
	int rung, is_auto;

	if (!up || !http_has_token(up, ulen, "websocket") || !cn ||
	    !http_has_token(cn, clen, "upgrade")) {
		respond_error(c, 426, "this is a WebSocket endpoint",
			      "Upgrade: websocket\r\n"
			      "Sec-WebSocket-Version: 13\r\n");
		return;
	}
	if (r->minor < 1 || !http_method_is(r, "GET")) {
		respond_error(c, 400, "WebSocket needs GET over HTTP/1.1",
			      NULL);
		return;
	}
	if (!ver || vlen != 2 || memcmp(ver, "13", 2) != 0) {
		respond_error(c, 426, "unsupported WebSocket version",
			      "Sec-WebSocket-Version: 13\r\n");
		return;
	}
	if (!key || ws_accept_key(key, klen, accept) != 0) {
		respond_error(c, 400, "bad Sec-WebSocket-Key", NULL);
		return;
	}
	if ((rung = parse_quality(q, qlen, &is_auto)) < 0) {
		respond_error(c, 400, bad_quality, NULL);
		return;
	}
	if (!origin_ok(c, r)) {
		respond_error(c, 403, "origin not allowed (see --allow-origin)",
			      NULL);
		return;
	}
	c->v1 = proto && http_has_token(proto, plen, "rerocctv.v1");
	obuf_printf(&c->out, "HTTP/1.1 101 Switching Protocols\r\n"
		    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
		    "Sec-WebSocket-Accept: %s\r\n%s\r\n", accept,
		    c->v1 ? "Sec-WebSocket-Protocol: rerocctv.v1\r\n" : "");
	c->mode = CONN_WS;
	c->wp.max_msg = CONN_MSG_MAX;
	if (is_auto)
		start_auto(c, rung);
	c->ping_sent = c->pong_seen = 0;
	c->t_deadline = 0;
	set_stream_socket(c);
	subscribe(c, rung);
	if (c->v1)
		send_hello(c);
}

static void start_mjpeg(struct conn *c, int rung, int is_auto)
{
	begin_head(c, 200);
	obuf_printf(&c->out, "Content-Type: multipart/x-mixed-replace;"
		    "boundary=%s\r\nCache-Control: no-store, no-cache, "
		    "must-revalidate, max-age=0\r\nPragma: no-cache\r\n"
		    "Access-Control-Allow-Origin: *\r\n", boundary);
	c->keep_alive = 0;
	end_head(c);
	if (c->head_only) {
		c->close_after = 1;
		return;
	}
	c->mode = CONN_MJPEG;
	if (is_auto)
		start_auto(c, rung);
	c->t_deadline = 0;
	set_stream_socket(c);
	subscribe(c, rung);
}

static void start_snapshot(struct conn *c, int rung)
{
	c->mode = CONN_SNAPSHOT;
	c->t_deadline = c->srv->now + SNAPSHOT_TIMEOUT_US;
	subscribe(c, rung);
}

static int path_is(const struct http_req *r, const char *p)
{
	return r->path_len == strlen(p) && memcmp(r->path, p, r->path_len) == 0;
}

/* Routes one request. The response (or the switch to a stream) is
 * queued; nothing is written here. */
static void handle(struct conn *c, const struct http_req *r)
{
	size_t clen = 0;
	const char *cn = http_header(r, "Connection", &clen);
	int get = http_method_is(r, "GET"), head = http_method_is(r, "HEAD");
	int rung, is_auto;
	char action[16];

	c->keep_alive = r->minor >= 1
		? !(cn && http_has_token(cn, clen, "close"))
		: cn && http_has_token(cn, clen, "keep-alive");
	c->head_only = head;
	c->close_after = 0;

	/* mjpg-streamer style: /?action=stream, /?action=snapshot */
	action[0] = 0;
	if (path_is(r, "/"))
		http_query(r->query, r->query_len, "action", action,
			   sizeof(action));

	if (r->path_len > 11 && memcmp(r->path, "/websocket/", 11) == 0) {
		if (!get && !head) {
			respond_error(c, 405, NULL, "Allow: GET\r\n");
			return;
		}
		upgrade(c, r, r->path + 11, r->path_len - 11);
		return;
	}
	if (!get && !head) {
		respond_error(c, 405, NULL, "Allow: GET, HEAD\r\n");
		return;
	}
	if (path_is(r, "/stream") || strcmp(action, "stream") == 0 ||
	    path_is(r, "/snapshot") || strcmp(action, "snapshot") == 0) {
		int stream = path_is(r, "/stream") ||
			     strcmp(action, "stream") == 0;

		rung = query_quality(c, r, &is_auto);
		if (rung < 0)
			respond_error(c, 400, bad_quality, NULL);
		else if (stream)
			start_mjpeg(c, rung, is_auto);
		else
			start_snapshot(c, is_auto ? hub_rung(c->srv->o.default_q,
							    0) : rung);
		return;
	}
	if (path_is(r, "/state") || path_is(r, "/metrics")) {
		struct obuf b = {0};
		int state = path_is(r, "/state");

		if (state)
			server_state_json(c->srv, &b);
		else
			server_metrics(c->srv, &b);
		if (b.overflow)
			respond_error(c, 500, "state too large", NULL);
		else
			respond_text(c, 200, state ? "application/json" :
				     "text/plain; version=0.0.4", NULL,
				     b.p ? b.p : "", b.len);
		obuf_free(&b);
		return;
	}
	if (action[0]) {
		respond_error(c, 400, "action must be stream or snapshot",
			      NULL);
		return;
	}
	if (serve_asset(c, r->path, r->path_len) != 0)
		respond_error(c, 404, NULL, NULL);
}

/* Parses what has arrived, in the mode we are in. -1 to drop. */
static int process(struct conn *c)
{
	struct http_req r;
	int n;

	if (c->mode == CONN_WS)
		return process_ws(c);
	if (c->mode != CONN_HTTP || has_output(c) || c->close_after)
		return 0;	/* one request at a time */
	n = http_parse((const char *)c->in, c->inlen, &r);
	if (n == 0)
		return 0;
	if (n < 0) {
		c->keep_alive = 0;
		c->head_only = 0;
		respond_error(c, -n, n == -431 ? "request head too large"
			      : NULL, NULL);
		c->inlen = 0;
		return 0;
	}
	handle(c, &r);
	memmove(c->in, c->in + n, c->inlen - (size_t)n);
	c->inlen -= (size_t)n;
	if (c->mode == CONN_WS && c->inlen)
		return process_ws(c);
	return 0;
}

/* Reading */

static int on_readable(struct conn *c)
{
	for (;;) {
		unsigned char sink[4096];
		unsigned char *dst = c->in + c->inlen;
		size_t room = sizeof(c->in) - c->inlen;
		ssize_t n;

		/* Streams and lingering closes have nothing to say to us. */
		if (c->mode == CONN_MJPEG || c->mode == CONN_LINGER) {
			dst = sink;
			room = sizeof(sink);
		}
		if (room == 0)
			return 0;	/* processing will make room */
		n = read(c->fd, dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		if (n == 0)
			return -1;
		if (dst == sink)
			continue;
		c->inlen += (size_t)n;
		if (process(c) != 0)
			return -1;
	}
}

/* Writing */

/* Builds the header of the frame about to go out. */
static void start_frame(struct conn *c)
{
	struct frame *f = c->cur;
	int n = 0;

	c->curoff = 0;
	c->tail = 0;
	if (c->mode == CONN_WS) {
		n = (int)ws_frame_header(c->fh, WS_BINARY, f->len);
	} else if (c->mode == CONN_MJPEG) {
		n = snprintf((char *)c->fh, sizeof(c->fh),
			     "--%s\r\nContent-Type: image/jpeg\r\n"
			     "Content-Length: %zu\r\nX-Timestamp: "
			     "%lld.%06lld\r\n\r\n", boundary, f->len,
			     (long long)(f->ts_us / 1000000),
			     (long long)(f->ts_us % 1000000));
		c->tail = 1;
	} else {		/* CONN_SNAPSHOT: a whole HTTP response */
		n = snprintf((char *)c->fh, sizeof(c->fh),
			     "HTTP/1.1 200 OK\r\nServer: rerocctv\r\n"
			     "Content-Type: image/jpeg\r\n"
			     "Content-Length: %zu\r\n"
			     "Cache-Control: no-store\r\nConnection: %s\r\n"
			     "\r\n", f->len,
			     c->keep_alive ? "keep-alive" : "close");
	}
	c->fhlen = n > 0 && (size_t)n < sizeof(c->fh) ? (size_t)n : 0;
	c->lat_sum_us += (uint64_t)MAX(0, now_us() - f->ts_us);
	c->lat_n++;
}

static void frame_done(struct conn *c)
{
	c->frames++;
	c->win_frames++;
	frame_unref(c->cur);
	c->cur = NULL;
	if (c->mode == CONN_SNAPSHOT) {
		subscribe(c, -1);
		c->mode = CONN_HTTP;
		c->close_after = !c->keep_alive;
	}
}

/* An auto client's socket holds at most what adapt.c allows, unsent and
 * in flight together. SO_SNDBUF alone does not hold that line: the
 * kernel checks it before each new segment buffer and then fills that
 * buffer, up to 64 KiB more. So trim the write to the room that is left;
 * -1 when there is none (poll says writable again only once the queue is
 * down to two thirds of SO_SNDBUF, which is then under the limit). */
static int cap_write(struct conn *c, struct iovec *iov, int *n)
{
	int queued, i;
	double room;

	if (ioctl(c->fd, TIOCOUTQ, &queued) != 0)
		return 0;
	room = c->ad.sndbuf - queued;
	if (room < 1)
		return -1;
	for (i = 0; i < *n; i++) {
		if ((double)iov[i].iov_len >= room) {
			iov[i].iov_len = (size_t)room;
			*n = i + 1;
			break;
		}
		room -= (double)iov[i].iov_len;
	}
	return 0;
}

/* Writes some of the current frame. >0 progress, 0 would block, -1. */
static int write_frame(struct conn *c)
{
	static const char crlf[2] = "\r\n";
	struct iovec iov[3];
	size_t skip = c->curoff, sizes[3], total = 0;
	const void *bases[3];
	int i, n = 0;
	ssize_t w;

	bases[0] = c->fh;
	sizes[0] = c->fhlen;
	bases[1] = c->cur->data;
	sizes[1] = c->head_only ? 0 : c->cur->len;
	bases[2] = crlf;
	sizes[2] = c->tail ? 2 : 0;
	for (i = 0; i < 3; i++) {
		total += sizes[i];
		if (skip >= sizes[i]) {
			skip -= sizes[i];
			continue;
		}
		iov[n].iov_base = (char *)bases[i] + skip;
		iov[n].iov_len = sizes[i] - skip;
		skip = 0;
		n++;
	}
	if (n == 0) {
		frame_done(c);
		return 1;
	}
	if (c->is_auto && cap_write(c, iov, &n) != 0)
		return 0;
	w = writev(c->fd, iov, n);
	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	c->curoff += (size_t)w;
	c->bytes += (uint64_t)w;
	c->win_bytes += (uint64_t)w;
	if (c->curoff == total)
		frame_done(c);
	return 1;
}

static int write_bytes(struct conn *c, const void *p, size_t len,
		       size_t *off)
{
	ssize_t w = write(c->fd, p, len);

	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	*off += (size_t)w;
	c->bytes += (uint64_t)w;
	return 1;
}

/* Writes until the socket would block or nothing is left. */
static int write_out(struct conn *c)
{
	for (;;) {
		int r;

		if (c->cur && c->curoff > 0) {
			r = write_frame(c);
		} else if (obuf_pending(&c->out)) {
			size_t off = 0;

			r = write_bytes(c, c->out.p + c->out.off,
					obuf_pending(&c->out), &off);
			obuf_consume(&c->out, off);
		} else if (c->bodyoff < c->bodylen) {
			r = write_bytes(c, c->body + c->bodyoff,
					c->bodylen - c->bodyoff, &c->bodyoff);
			if (c->bodyoff == c->bodylen)
				drop_body(c);
		} else if (c->cur) {
			r = write_frame(c);
		} else if (c->pending) {
			c->cur = c->pending;
			c->pending = NULL;
			start_frame(c);
			continue;
		} else {
			return 0;
		}
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		c->t_progress = c->srv->now;
	}
}

/* What to do once everything queued is out. */
static int flush(struct conn *c)
{
	int had = has_output(c);

	if (write_out(c) != 0)
		return -1;
	if (has_output(c) || !had)
		return 0;
	if ((c->mode == CONN_HTTP && c->close_after) ||
	    (c->mode == CONN_WS && c->close_sent)) {
		/* Our last byte is out: shut our side and drain theirs, so
		 * a reset does not destroy what we just sent. */
		shutdown(c->fd, SHUT_WR);
		c->mode = CONN_LINGER;
		c->inlen = 0;
		c->t_deadline = c->srv->now + LINGER_US;
		return 0;
	}
	if (c->mode == CONN_HTTP) {
		/* The same bound for a whole head and for keep-alive idle. */
		c->t_deadline = c->srv->now +
				(int64_t)c->srv->o.timeout_s * 1000000;
		if (c->inlen) {
			if (process(c) != 0)
				return -1;
			if (has_output(c))
				return flush(c);
		}
	}
	return 0;
}

short conn_events(const struct conn *c)
{
	short ev = 0;

	if (c->mode == CONN_LINGER || c->mode == CONN_WS ||
	    c->mode == CONN_MJPEG ||
	    (c->mode == CONN_HTTP && !has_output(c) && !c->close_after))
		ev |= POLLIN;
	if (has_output(c))
		ev |= POLLOUT;
	return ev;
}

int conn_io(struct conn *c, short revents)
{
	if (revents & (POLLERR | POLLNVAL))
		return -1;
	if ((revents & POLLHUP) && !(revents & POLLIN))
		return -1;
	if ((revents & POLLIN) && on_readable(c) != 0)
		return -1;
	return flush(c);
}

int conn_offer(struct conn *c, struct frame *f)
{
	if (f->rung != c->rung || f->seq <= c->last_seq || c->close_sent)
		return 0;
	c->last_seq = f->seq;
	if (c->pending) {
		frame_unref(c->pending);
		c->skipped++;
		c->win_skipped++;
	}
	c->pending = frame_ref(f);
	return flush(c);
}

/* Timers and statistics */

/* What the kernel knows about this client's path. */
static void tcp_view(struct conn *c, struct adapt_obs *o)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return;
	o->rtt_ms = ti.tcpi_rtt / 1000.0;
	if (len >= offsetof(struct tcp_info, tcpi_delivery_rate) +
	    sizeof(ti.tcpi_delivery_rate))
		o->delivery_bps = (double)ti.tcpi_delivery_rate * 8;
	if (len >= offsetof(struct tcp_info, tcpi_min_rtt) +
	    sizeof(ti.tcpi_min_rtt))
		o->min_rtt_ms = ti.tcpi_min_rtt / 1000.0;
}

static void send_stats(struct conn *c, const struct adapt_obs *o)
{
	struct obuf b = {0};
	int r = c->rung;

	obuf_printf(&b, "{\"type\":\"stats\",\"mode\":\"%s\",\"rung\":\"%s\","
		    "\"q\":%d,\"half\":%s,\"fps\":%.1f,\"kbps\":%.0f,"
		    "\"skipped\":%llu,\"bw_kbps\":%.0f,\"rtt_ms\":%.1f,"
		    "\"why\":", c->is_auto ? "auto" : "fixed",
		    hub_rung_name(r), hub_rung_q(r),
		    hub_rung_half(r) ? "true" : "false", c->fps, c->kbps,
		    (unsigned long long)c->skipped, c->ad.bw_bps / 1000,
		    o->rtt_ms);
	obuf_json_str(&b, c->is_auto ? c->ad.why : "");
	obuf_printf(&b, "}");
	ws_text(c, &b);
}

/* Closes the one-second statistics window; auto clients adapt here. */
static void end_window(struct conn *c)
{
	double secs = (double)(c->srv->now - c->win_t0) / 1e6;
	struct adapt_obs o;
	struct hub_stats st;
	int r;

	c->fps = c->win_frames / secs;
	c->kbps = c->win_bytes * 8 / secs / 1000;
	c->lat_ms = c->lat_n ? c->lat_sum_us / 1000.0 / c->lat_n : 0;
	if ((c->mode == CONN_WS || c->mode == CONN_MJPEG) && !c->close_sent &&
	    (c->is_auto || c->v1)) {
		memset(&o, 0, sizeof(o));
		hub_get_stats(c->srv->hub, &st);
		o.secs = secs;
		o.src_fps = st.fps > 0 ? st.fps : st.info.fps;
		o.frames = c->win_frames;
		o.skipped = c->win_skipped;
		o.bytes = c->win_bytes;
		o.age_ms = c->lat_ms;
		for (r = 0; r < HUB_NRUNGS; r++)
			o.rung_bytes[r] = st.rung[r].bytes;
		tcp_view(c, &o);
		if (c->is_auto) {
			subscribe(c, adapt_tick(&c->ad, &o));
			apply_sndbuf(c);
		}
		if (c->v1)
			send_stats(c, &o);
	}
	c->win_frames = c->win_bytes = c->win_skipped = 0;
	c->lat_sum_us = c->lat_n = 0;
	c->win_t0 = c->srv->now;
}

static int ws_keepalive(struct conn *c)
{
	int64_t now = c->srv->now;

	if (c->ping_sent > c->pong_seen && now - c->ping_sent > PONG_US) {
		logmsg("%s: no pong in %d s, closing", c->peer,
		       PONG_US / 1000000);
		return -1;
	}
	if (!c->close_sent && now - MAX(c->ping_sent, c->t_start) >= PING_US &&
	    c->ping_sent <= c->pong_seen) {
		ws_send(c, WS_PING, "rerocctv", 8);
		c->ping_sent = now;
	}
	return 0;
}

int conn_tick(struct conn *c)
{
	int64_t now = c->srv->now;

	/* The stall clock runs only while something waits to go out. */
	if (!has_output(c))
		c->t_progress = now;

	if (now_after(c, c->t_deadline)) {
		c->t_deadline = 0;
		switch (c->mode) {
		case CONN_HTTP:
			if (!c->inlen || has_output(c))
				return -1;	/* idle keep-alive */
			c->keep_alive = 0;
			c->inlen = 0;
			respond_error(c, 408, "request head not received in "
				      "time", NULL);
			break;
		case CONN_SNAPSHOT:
			subscribe(c, -1);
			c->mode = CONN_HTTP;
			frame_unref(c->pending);
			c->pending = NULL;
			respond_error(c, 503, "no frame from the source", NULL);
			break;
		default:
			return -1;		/* linger over */
		}
	}
	if (has_output(c) && now - c->t_progress > STALL_TIMEOUT_US) {
		logmsg("%s: %s client stalled for %d s, closing", c->peer,
		       conn_kind(c), STALL_TIMEOUT_US / 1000000);
		return -1;
	}
	if (c->mode == CONN_WS && ws_keepalive(c) != 0)
		return -1;
	if (now - c->win_t0 >= 1000000)
		end_window(c);
	return flush(c);
}

void conn_shutdown(struct conn *c)
{
	if (c->mode == CONN_WS) {
		ws_close(c, WS_CLOSE_GOING_AWAY, "server shutting down");
	} else {
		subscribe(c, -1);
		frame_unref(c->pending);
		c->pending = NULL;
		c->close_after = 1;
		if (c->mode != CONN_LINGER)
			c->mode = CONN_HTTP;
	}
}

void conn_state_json(const struct conn *c, struct obuf *b)
{
	obuf_printf(b, "{\"peer\":");
	obuf_json_str(b, c->peer);
	obuf_printf(b, ",\"kind\":\"%s\",\"mode\":\"%s\",\"rung\":\"%s\","
		    "\"quality\":%d,\"half\":%s,\"fps\":%.1f,\"kbps\":%.0f,"
		    "\"latency_ms\":%.1f,\"frames\":%llu,\"skipped\":%llu,"
		    "\"bytes\":%llu,\"seconds\":%.0f", conn_kind(c),
		    c->is_auto ? "auto" : "fixed",
		    c->rung >= 0 ? hub_rung_name(c->rung) : "",
		    c->rung >= 0 ? hub_rung_q(c->rung) : 0,
		    c->rung >= 0 && hub_rung_half(c->rung) ? "true" : "false",
		    c->fps, c->kbps, c->lat_ms,
		    (unsigned long long)c->frames,
		    (unsigned long long)c->skipped,
		    (unsigned long long)c->bytes,
		    (double)(c->srv->now - c->t_start) / 1e6);
	if (c->is_auto)
		obuf_printf(b, ",\"bw_kbps\":%.0f,\"why\":\"%s\"",
			    c->ad.bw_bps / 1000, c->ad.why);
	obuf_printf(b, "}");
}
