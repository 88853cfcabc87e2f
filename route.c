/* route.c: a request head in, one answer out. The access decision comes
 * first (access.c), the same for every route; then the route, which
 * states what it needs and never looks at credentials itself. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "api.h"
#include "auth.h"
#include "camera.h"
#include "conn.h"
#include "hub.h"
#include "page.h"
#include "route.h"
#include "status.h"
#include "stream.h"
#include "util.h"
#include "ws.h"

enum { SNAPSHOT_WAIT_US = 5000000 };	/* no frame for a snapshot: 503 */

static const char bad_quality[] =
	"quality must be a number 30..95, hNN (half size), auto or source";

/* Responses */

/* A generated document: the buffer's memory becomes the body. */
static void respond_doc(struct conn *c, struct obuf *b, const char *type)
{
	char *p = b->p;

	if (b->overflow) {
		obuf_free(b);
		route_error(c, 500, "document too large", NULL);
		return;
	}
	route_begin(c, 200, AFTER_NEXT);
	conn_header(c, "Content-Type: %s\r\nCache-Control: no-store\r\n",
		    type);
	b->p = NULL;
	route_body(c, p ? p : "", b->len, p ? free : NULL, p);
	obuf_free(b);
}

/* Routes */

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
	return rung_make(c->env->cfg->default_q, 0);
}

static void serve_stream(struct conn *c, const struct route_req *q)
{
	int is_auto, rung = query_quality(c, q->h, &is_auto);

	if (rung < 0) {
		route_error(c, 400, bad_quality, NULL);
	} else if (c->rq->head_only) {
		/* The head of the stream, and nothing after it. */
		route_begin(c, 200, AFTER_CLOSE);
		conn_header(c, "Content-Type: multipart/x-mixed-replace;"
			    "boundary=rerocctvframe\r\n"
			    "Cache-Control: no-store\r\n");
		route_body(c, NULL, 0, NULL, NULL);
	} else {
		stream_mjpeg(c, rung, is_auto);
	}
}

static void serve_snapshot(struct conn *c, const struct route_req *q)
{
	int is_auto, rung = query_quality(c, q->h, &is_auto);

	if (rung < 0)
		route_error(c, 400, bad_quality, NULL);
	else
		stream_snapshot(c, is_auto ? rung_make(c->env->cfg->default_q,
						      0) : rung,
				c->env->now + SNAPSHOT_WAIT_US);
}

static void serve_websocket(struct conn *c, const struct route_req *q)
{
	const struct http_req *r = q->h;
	size_t klen = 0, vlen = 0;
	const char *key = http_header(r, "Sec-WebSocket-Key", &klen);
	const char *ver = http_header(r, "Sec-WebSocket-Version", &vlen);
	char accept[29];
	int rung, is_auto;

	if (!http_has_token_all(r, "Upgrade", "websocket") ||
	    !http_has_token_all(r, "Connection", "upgrade")) {
		route_error(c, 426, "this is a WebSocket endpoint",
			   "Upgrade: websocket\r\n"
			   "Sec-WebSocket-Version: 13\r\n");
	} else if (r->minor < 1 || !http_method_is(r, "GET")) {
		route_error(c, 400, "WebSocket needs GET over HTTP/1.1", NULL);
	} else if (!ver || vlen != 2 || memcmp(ver, "13", 2) != 0) {
		route_error(c, 426, "unsupported WebSocket version",
			   "Sec-WebSocket-Version: 13\r\n");
	} else if (!key || ws_accept_key(key, klen, accept) != 0) {
		route_error(c, 400, "bad Sec-WebSocket-Key", NULL);
	} else if ((rung = stream_parse_quality(q->path + 11,
						q->path_len - 11,
						&is_auto)) < 0) {
		route_error(c, 400, bad_quality, NULL);
	} else {
		stream_ws(c, rung, is_auto, http_has_token_all(r,
			  "Sec-WebSocket-Protocol", "rerocctv.v1"), accept);
	}
}

/* /state: a camera's (/c/NAME/state), or the server's: the first camera
 * the asker may see, and the list of them all. */
static void serve_state(struct conn *c, const struct route_req *q)
{
	struct conn_env *e = c->env;
	struct obuf b = {0};
	unsigned seen = 0;
	int i;

	for (i = e->ncams - 1; i >= 0; i--)
		if (auth_may_see(&c->rq->who, e->cams[i].name)) {
			seen |= 1u << i;
			c->rq->cam = &e->cams[i];
		}
	if (!seen) {
		route_error(c, 403, "no camera to see", NULL);
		return;
	}
	/* Client addresses are for an admin who logged in: an open server
	 * shows them to nobody. */
	status_state(e, q->cam ? q->cam : c->rq->cam, seen, !q->cam, &b,
		     c->rq->who.role == ROLE_ADMIN &&
		     c->rq->who.via != VIA_OPEN);
	respond_doc(c, &b, "application/json");
}

static void serve_metrics(struct conn *c, const struct route_req *q)
{
	struct obuf b = {0};

	(void)q;
	status_metrics(c->env, &b);
	respond_doc(c, &b, "text/plain; version=0.0.4");
}

/* The routes. A prefix route matches paths that start with its path; a
 * path may have a GET route and a POST route. A camera's route serves the
 * camera /c/NAME/ names, else the first; the others are not under /c/. */
static const struct route {
	const char *path;
	int prefix, post;		/* post: POST, else GET and HEAD */
	int camera;			/* about one camera */
	enum need need;
	int flags;			/* ACC_* */
	void (*serve)(struct conn *c, const struct route_req *q);
} routes[] = {
	{ "/websocket/", 1, 0, 1, NEED_VIEWER, ACC_OWN_ORIGIN,
	  serve_websocket },
	{ "/stream", 0, 0, 1, NEED_VIEWER, 0, serve_stream },
	{ "/snapshot", 0, 0, 1, NEED_VIEWER, 0, serve_snapshot },
	{ "/state", 0, 0, 0, NEED_VIEWER, 0, serve_state },
	{ "/metrics", 0, 0, 0, NEED_ADMIN, 0, serve_metrics },
	{ "/session", 0, 0, 0, NEED_NOBODY, 0, api_session },
	{ "/login", 0, 1, 0, NEED_NOBODY, ACC_CHANGES, api_login },
	{ "/logout", 0, 1, 0, NEED_NOBODY, ACC_CHANGES, api_logout },
	{ "/share", 0, 1, 0, NEED_ADMIN, ACC_CHANGES, api_share },
	{ "/controls", 0, 0, 1, NEED_ADMIN, 0, api_controls },
	{ "/controls", 0, 1, 1, NEED_ADMIN, ACC_CHANGES, api_controls },
	{ "/", 1, 0, 0, NEED_NOBODY, 0, page_serve },
};

/* Under /c/NAME/, /state is the camera's own. */
static const struct route camera_state = {
	"/state", 0, 0, 1, NEED_VIEWER, 0, serve_state
};

static const struct route actions[] = {
	{ "stream", 0, 0, 1, NEED_VIEWER, 0, serve_stream },
	{ "snapshot", 0, 0, 1, NEED_VIEWER, 0, serve_snapshot },
};

static int path_is(const struct route_req *q, const char *p)
{
	return q->path_len == strlen(p) && memcmp(q->path, p, q->path_len) == 0;
}

static int route_path_is(const struct route *rt, const struct route_req *q)
{
	size_t n = strlen(rt->path);

	return rt->prefix ? q->path_len >= n &&
			    memcmp(q->path, rt->path, n) == 0 :
			    path_is(q, rt->path);
}

/* The route for q, or NULL: the first whose path fits, or the one with
 * the same path for q's method (post). mjpg-streamer's /?action=stream
 * and /?action=snapshot name theirs in the query; another action is
 * *bad. */
static const struct route *find_route(const struct route_req *q, int post,
				      int *bad)
{
	const struct route *first = NULL;
	char action[16];
	size_t i;

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
	for (i = 0; i < LEN(routes) && !first; i++)
		if (route_path_is(&routes[i], q))
			first = &routes[i];
	for (; first && first->post != post && i < LEN(routes); i++)
		if (routes[i].post == post &&
		    strcmp(routes[i].path, first->path) == 0)
			return &routes[i];
	return first;
}

/* The Allow header for a path that has no route for the method asked. */
static const char *allow(const struct route *rt)
{
	size_t i;

	for (i = 0; i < LEN(routes); i++)
		if (routes[i].post != rt->post &&
		    strcmp(routes[i].path, rt->path) == 0)
			return "Allow: GET, HEAD, POST\r\n";
	return rt->post ? "Allow: POST\r\n" :
	       rt->serve == serve_websocket ? "Allow: GET\r\n" :
	       "Allow: GET, HEAD\r\n";
}

/* A share link: /s/TOKEN/ in front of any path. Takes the prefix off q
 * and returns the token, NULL without one, or "" for a /s/ path that is
 * not a link. */
static const char *share_prefix(struct route_req *q)
{
	const char *t = q->path + 3;

	if (q->path_len < 3 || memcmp(q->path, "/s/", 3) != 0)
		return NULL;
	if (q->path_len < 3 + AUTH_TOKEN_HEX + 1 ||
	    t[AUTH_TOKEN_HEX] != '/')
		return "";
	q->path = t + AUTH_TOKEN_HEX;
	q->path_len -= 3 + AUTH_TOKEN_HEX;
	return t;
}

/* A camera's paths: /c/NAME/ in front of them. Takes the prefix off q
 * and sets q->cam; -1 for a /c/ path that names no camera. */
static int camera_prefix(struct conn *c, struct route_req *q)
{
	const char *n = q->path + 3, *end;

	if (q->path_len < 3 || memcmp(q->path, "/c/", 3) != 0)
		return 0;
	end = memchr(n, '/', q->path_len - 3);
	if (!end || !(q->cam = camera_find(c->env->cams, c->env->ncams, n,
					   (size_t)(end - n))))
		return -1;
	q->path_len -= (size_t)(end - q->path);
	q->path = end;
	return 0;
}

/* The access decision (access.c) for r, carried out: 0 go on (c->rq
 * says who), else answered or held. */
static int decide(struct conn *c, const struct http_req *r,
		  const char *token, const struct route *rt)
{
	struct access_ask a;
	struct access_verdict v;
	struct from client;

	access_client(c->env->cfg, c->peer.addr, c->peer.key, r, &client,
		      &c->rq->secure);
	memset(&a, 0, sizeof(a));
	a.cfg = c->env->cfg;
	a.auth = c->env->auth;
	a.r = r;
	a.token = token;
	a.need = rt->need;
	a.flags = rt->flags;
	a.camera = rt->camera ? c->rq->cam->name : NULL;
	a.client = &client;
	a.now = c->env->now;
	a.held_since = c->held ? c->held_since : 0;
	access_decide(&a, &v);
	if (v.hold_until) {
		conn_hold_request(c, v.hold_until);
		return 1;
	}
	if (v.status) {
		route_error(c, v.status, v.reason, v.headers);
		return 1;
	}
	c->rq->who = v.who;
	snprintf(c->rq->extra, sizeof(c->rq->extra), "%s", v.headers);
	return 0;
}

void route_end(struct conn *c)
{
	free(c->rq);
	c->rq = NULL;
}

void route_begin(struct conn *c, int status, enum conn_after after)
{
	if (after == AFTER_NEXT && !c->rq->keep_alive)
		after = AFTER_CLOSE;
	conn_begin(c, status, after);
	if (c->rq->extra[0])
		conn_header(c, "%s", c->rq->extra);
}

void route_body(struct conn *c, const void *body, size_t len,
		void (*release)(void *), void *owner)
{
	conn_end(c, c->rq->head_only ? NULL : body, len, release, owner);
}

void route_error(struct conn *c, int status, const char *why,
		 const char *extra)
{
	char lines[512];

	snprintf(lines, sizeof(lines), "%s%s", c->rq->extra,
		 extra ? extra : "");
	conn_error(c, status, (c->rq->keep_alive ? CONN_KEEP : 0) |
		   (c->rq->head_only ? CONN_NO_BODY : 0), why, lines);
}

int route_request(struct conn *c, const struct http_req *r)
{
	char path[HTTP_MAX_HEAD];
	const struct route *rt;
	const char *token;
	struct route_req q;
	int n, bad, get = http_method_is(r, "GET") || http_method_is(r, "HEAD");

	if (!c->rq && !(c->rq = calloc(1, sizeof(*c->rq)))) {
		conn_error(c, 503, 0, "out of memory", NULL);
		return 0;
	}
	memset(c->rq, 0, sizeof(*c->rq));
	c->rq->keep_alive = r->minor >= 1 ?
		!http_has_token_all(r, "Connection", "close") :
		http_has_token_all(r, "Connection", "keep-alive");
	c->rq->head_only = http_method_is(r, "HEAD");
	memset(&q, 0, sizeof(q));
	q.h = r;
	n = http_decode_path(r, path, sizeof(path));
	if (n < 0) {
		route_error(c, 400, "bad percent-encoding in the path", NULL);
		return 0;
	}
	q.path = path;
	q.path_len = (size_t)n;
	if ((token = share_prefix(&q)) && !*token) {
		route_error(c, 404, NULL, NULL);
		return 0;
	}
	if (camera_prefix(c, &q) != 0) {
		route_error(c, 404, "no such camera", NULL);
		return 0;
	}
	rt = find_route(&q, http_method_is(r, "POST"), &bad);
	if (rt && q.cam && rt->serve == serve_state)
		rt = &camera_state;
	if (!rt || (q.cam && !rt->camera)) {
		route_error(c, bad ? 400 : 404, bad ? "action must be stream "
			   "or snapshot" : NULL, NULL);
		return 0;
	}
	c->rq->cam = q.cam ? q.cam : &c->env->cams[0];
	if (rt->post ? !http_method_is(r, "POST") : !get) {
		route_error(c, 405, NULL, allow(rt));
		return 0;
	}
	if (decide(c, r, token, rt) != 0)
		return c->phase == PH_WAIT && c->held;
	rt->serve(c, &q);
	return c->phase == PH_WAIT && c->held;
}
