/* route.c: a request head in, one answer out. First the access decision
 * (decide(): origin, and later who is asking), taken once for every
 * route; then the route, which states what it needs and never checks
 * credentials itself. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn.h"
#include "hub.h"
#include "route.h"
#include "status.h"
#include "stream.h"
#include "util.h"
#include "web.h"
#include "ws.h"

enum {
	SNAPSHOT_WAIT_US = 5000000,	/* no frame for a snapshot: 503 */
	MAX_FILE = 16 << 20		/* --web file size bound */
};

/* What one request is, once parsed and decided. */
struct req {
	const struct http_req *h;
	const char *path;		/* percent-decoded */
	size_t path_len;
	int get;			/* GET or HEAD */
};

static const char bad_quality[] =
	"quality must be a number 30..95, hNN (half size), auto or source";

/* The access decision */

/* Is this origin one we allow: a --allow-origin value, or this server's
 * own (scheme://Host exactly, as the browser saw us)? */
static int origin_allowed(const struct conn *c, const struct http_req *r,
			  const char *o, size_t olen)
{
	const struct config *cfg = c->env->cfg;
	size_t hlen = 0;
	const char *host = http_header(r, "Host", &hlen);
	int i;

	for (i = 0; i < cfg->norigins; i++) {
		const char *a = cfg->origins[i];

		if (strcmp(a, "*") == 0 ||
		    (strlen(a) == olen && strncasecmp(a, o, olen) == 0))
			return 1;
	}
	if (!host)
		return 0;
	if (olen == 7 + hlen && strncasecmp(o, "http://", 7) == 0 &&
	    strncasecmp(o + 7, host, hlen) == 0)
		return 1;
	return olen == 8 + hlen && strncasecmp(o, "https://", 8) == 0 &&
	       strncasecmp(o + 8, host, hlen) == 0;
}

/* Is the request allowed to reach a route that needs it to come from
 * our own pages (a WebSocket)? Requests without Origin come from
 * programs, not browsers: nothing to protect. */
static int origin_ok(const struct conn *c, const struct http_req *r)
{
	size_t olen = 0;
	const char *o = http_header(r, "Origin", &olen);

	return !o || origin_allowed(c, r, o, olen);
}

/* Responses */

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
	conn_begin(c, 200, AFTER_NEXT);
	conn_header(c, "Content-Type: %s\r\nCache-Control: no-cache\r\n"
		    "X-Content-Type-Options: nosniff\r\n", content_type(name));
	conn_end(c, data, len, owned ? free : NULL, owned);
}

/* A generated document: the buffer's memory becomes the body. */
static void respond_doc(struct conn *c, struct obuf *b, const char *type)
{
	char *p = b->p;

	if (b->overflow) {
		obuf_free(b);
		conn_error(c, 500, "document too large", NULL);
		return;
	}
	conn_begin(c, 200, AFTER_NEXT);
	conn_header(c, "Content-Type: %s\r\nCache-Control: no-store\r\n",
		    type);
	b->p = NULL;
	conn_end(c, p ? p : "", b->len, p ? free : NULL, p);
	obuf_free(b);
}

/* Reads DIR/name for --web. name has been checked to hold no "..", and
 * the file must resolve inside the directory (no symlink escapes). */
static int serve_file(struct conn *c, const char *name)
{
	char path[PATH_MAX], real[PATH_MAX], root[PATH_MAX];
	const char *dir = c->env->cfg->web_dir;
	struct stat st;
	unsigned char *data;
	size_t rootlen, got = 0;
	int fd, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path) || !realpath(path, real) ||
	    !realpath(dir, root))
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

/* Routes */

static void serve_asset(struct conn *c, const struct req *q)
{
	const char *path = q->path;
	size_t len = q->path_len, i;
	char name[256];

	if (len == 1)
		path = "/index.html", len = 11;
	if (len >= sizeof(name) || !safe_name(path + 1, len - 1))
		goto missing;
	memcpy(name, path + 1, len - 1);
	name[len - 1] = 0;
	if (c->env->cfg->web_dir) {
		if (serve_file(c, name) == 0)
			return;
		goto missing;
	}
	for (i = 0; i < web_nassets; i++)
		if (strcmp(web_assets[i].name, name) == 0) {
			respond_body(c, name, web_assets[i].data,
				     web_assets[i].len, NULL);
			return;
		}
missing:
	conn_error(c, 404, NULL, NULL);
}

/* The quality a /stream or /snapshot request asks for, or -1. */
static int query_quality(struct conn *c, const struct http_req *r,
			 int *is_auto)
{
	char q[16];
	int n = http_query(r->query, r->query_len, "quality", q, sizeof(q));

	*is_auto = 0;
	if (n >= 0)
		return stream_parse_quality(q, (size_t)n, is_auto);
	/* Absent means the default; present but overlong is an error. */
	if (r->query && memmem(r->query, r->query_len, "quality=", 8))
		return -1;
	return hub_rung(c->env->cfg->default_q, 0);
}

static void serve_stream(struct conn *c, const struct req *q)
{
	int is_auto, rung = query_quality(c, q->h, &is_auto);

	if (rung < 0) {
		conn_error(c, 400, bad_quality, NULL);
	} else if (c->head_only) {
		/* The head of the stream, and nothing after it. */
		c->keep_alive = 0;
		conn_begin(c, 200, AFTER_CLOSE);
		conn_header(c, "Content-Type: multipart/x-mixed-replace;"
			    "boundary=rerocctvframe\r\n"
			    "Cache-Control: no-store\r\n");
		conn_end(c, NULL, 0, NULL, NULL);
	} else {
		stream_mjpeg(c, rung, is_auto);
	}
}

static void serve_snapshot(struct conn *c, const struct req *q)
{
	int is_auto, rung = query_quality(c, q->h, &is_auto);

	if (rung < 0)
		conn_error(c, 400, bad_quality, NULL);
	else
		stream_snapshot(c, is_auto ? hub_rung(c->env->cfg->default_q,
						      0) : rung,
				c->env->now + SNAPSHOT_WAIT_US);
}

static void serve_websocket(struct conn *c, const struct req *q)
{
	const struct http_req *r = q->h;
	size_t klen = 0, vlen = 0;
	const char *key = http_header(r, "Sec-WebSocket-Key", &klen);
	const char *ver = http_header(r, "Sec-WebSocket-Version", &vlen);
	char accept[29];
	int rung, is_auto;

	if (!http_has_token_all(r, "Upgrade", "websocket") ||
	    !http_has_token_all(r, "Connection", "upgrade")) {
		conn_error(c, 426, "this is a WebSocket endpoint",
			   "Upgrade: websocket\r\n"
			   "Sec-WebSocket-Version: 13\r\n");
	} else if (r->minor < 1 || !http_method_is(r, "GET")) {
		conn_error(c, 400, "WebSocket needs GET over HTTP/1.1", NULL);
	} else if (!ver || vlen != 2 || memcmp(ver, "13", 2) != 0) {
		conn_error(c, 426, "unsupported WebSocket version",
			   "Sec-WebSocket-Version: 13\r\n");
	} else if (!key || ws_accept_key(key, klen, accept) != 0) {
		conn_error(c, 400, "bad Sec-WebSocket-Key", NULL);
	} else if ((rung = stream_parse_quality(q->path + 11,
						q->path_len - 11,
						&is_auto)) < 0) {
		conn_error(c, 400, bad_quality, NULL);
	} else {
		stream_ws(c, rung, is_auto, http_has_token_all(r,
			  "Sec-WebSocket-Protocol", "rerocctv.v1"), accept);
	}
}

static void serve_state(struct conn *c, const struct req *q)
{
	struct obuf b = {0};

	(void)q;
	status_state(c->env, &b, 0);
	respond_doc(c, &b, "application/json");
}

static void serve_metrics(struct conn *c, const struct req *q)
{
	struct obuf b = {0};

	(void)q;
	status_metrics(c->env, &b);
	respond_doc(c, &b, "text/plain; version=0.0.4");
}

/* The routes. A prefix route matches paths that start with its path. */
enum need { NEED_NOTHING, NEED_OWN_ORIGIN };

static const struct route {
	const char *path;
	int prefix;
	enum need need;
	void (*serve)(struct conn *c, const struct req *q);
} routes[] = {
	{ "/websocket/", 1, NEED_OWN_ORIGIN, serve_websocket },
	{ "/stream", 0, NEED_NOTHING, serve_stream },
	{ "/snapshot", 0, NEED_NOTHING, serve_snapshot },
	{ "/state", 0, NEED_NOTHING, serve_state },
	{ "/metrics", 0, NEED_NOTHING, serve_metrics },
	{ "/", 1, NEED_NOTHING, serve_asset },
};

static const struct route actions[] = {
	{ "stream", 0, NEED_NOTHING, serve_stream },
	{ "snapshot", 0, NEED_NOTHING, serve_snapshot },
};

static int path_is(const struct req *q, const char *p)
{
	return q->path_len == strlen(p) && memcmp(q->path, p, q->path_len) == 0;
}

/* The route for q, or NULL. mjpg-streamer's /?action=stream and
 * /?action=snapshot name theirs in the query; another action is *bad. */
static const struct route *find_route(const struct req *q, int *bad)
{
	char action[16];
	size_t i, n;

	*bad = 0;
	if (path_is(q, "/") && http_query(q->h->query, q->h->query_len,
					  "action", action,
					  sizeof(action)) > 0) {
		for (i = 0; i < LEN(actions); i++)
			if (strcmp(actions[i].path, action) == 0)
				return &actions[i];
		*bad = 1;
		return NULL;
	}
	for (i = 0; i < LEN(routes); i++) {
		n = strlen(routes[i].path);
		if (routes[i].prefix ? q->path_len >= n &&
		    memcmp(q->path, routes[i].path, n) == 0 :
		    path_is(q, routes[i].path))
			return &routes[i];
	}
	return NULL;
}

void route_request(struct conn *c, const struct http_req *r)
{
	char path[HTTP_MAX_HEAD];
	const struct route *rt;
	struct req q;
	int n, bad;

	memset(&q, 0, sizeof(q));
	q.h = r;
	q.get = http_method_is(r, "GET") || http_method_is(r, "HEAD");
	n = http_decode_path(r, path, sizeof(path));
	if (n < 0) {
		conn_error(c, 400, "bad percent-encoding in the path", NULL);
		return;
	}
	q.path = path;
	q.path_len = (size_t)n;

	rt = find_route(&q, &bad);
	if (!rt) {
		conn_error(c, bad ? 400 : 404, bad ? "action must be stream "
			   "or snapshot" : NULL, NULL);
		return;
	}
	if (!q.get) {
		conn_error(c, 405, NULL, rt->serve == serve_websocket ?
			   "Allow: GET\r\n" : "Allow: GET, HEAD\r\n");
		return;
	}
	if (rt->need == NEED_OWN_ORIGIN && !origin_ok(c, r)) {
		conn_error(c, 403, "origin not allowed (see --allow-origin)",
			   NULL);
		return;
	}
	rt->serve(c, &q);
}
