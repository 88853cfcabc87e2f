/* route.c: a request head in, one answer out. The access decision comes
 * first (access.c), the same for every route; then the route, which
 * states what it needs and never looks at credentials itself. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "auth.h"
#include "conn.h"
#include "ctrl_state.h"
#include "hub.h"
#include "json.h"
#include "route.h"
#include "status.h"
#include "stream.h"
#include "util.h"
#include "web.h"
#include "ws.h"

enum {
	SNAPSHOT_WAIT_US = 5000000,	/* no frame for a snapshot: 503 */
	MAX_FILE = 16 << 20,		/* --web file size bound */
	LINK_MAX_S = 366 * 24 * 3600	/* longest a share link lasts */
};

/* What one request is, once parsed and decided. */
struct req {
	const struct http_req *h;
	const char *path;		/* percent-decoded, share prefix off */
	size_t path_len;
};

static const char bad_quality[] =
	"quality must be a number 30..95, hNN (half size), auto or source";

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

/* What the built-in page may do, for a browser: load its own script,
 * style and connections only (frames come over its own WebSocket; the
 * icon is a data: URL), never be framed by another site (the admin's
 * controls and share links under cached credentials), and never tell
 * another site where it was (a share link carries its token in the URL).
 * A --web directory is the owner's own page, whose scripts and
 * connections the server cannot know (an inline script, a backend on
 * another origin): it keeps the framing and referrer rules only. */
static const char page_policy[] =
	"Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
	"object-src 'none'; base-uri 'none'; form-action 'self'; "
	"frame-ancestors 'none'\r\n";
static const char web_policy[] =
	"Content-Security-Policy: frame-ancestors 'none'\r\n";
static const char any_policy[] =
	"X-Frame-Options: DENY\r\n"
	"Referrer-Policy: no-referrer\r\n"
	"X-Content-Type-Options: nosniff\r\n";

static void respond_body(struct conn *c, const char *name, int builtin,
			 const unsigned char *data, size_t len, void *owned)
{
	route_begin(c, 200, AFTER_NEXT);
	conn_header(c, "Content-Type: %s\r\nCache-Control: no-cache\r\n"
		    "%s%s", content_type(name),
		    builtin ? page_policy : web_policy, any_policy);
	route_body(c, data, len, owned ? free : NULL, owned);
}

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
	respond_body(c, name, 0, data, got, data);
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
			respond_body(c, name, 1, web_assets[i].data,
				     web_assets[i].len, NULL);
			return;
		}
missing:
	route_error(c, 404, NULL, NULL);
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
	return rung_make(c->env->cfg->default_q, 0);
}

static void serve_stream(struct conn *c, const struct req *q)
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

static void serve_snapshot(struct conn *c, const struct req *q)
{
	int is_auto, rung = query_quality(c, q->h, &is_auto);

	if (rung < 0)
		route_error(c, 400, bad_quality, NULL);
	else
		stream_snapshot(c, is_auto ? rung_make(c->env->cfg->default_q,
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

static void serve_state(struct conn *c, const struct req *q)
{
	struct obuf b = {0};

	(void)q;
	/* Client addresses are for an admin who logged in: an open server
	 * shows them to nobody. */
	status_state(c->env, &b, c->rq->who.role == ROLE_ADMIN &&
		     c->rq->who.via != VIA_OPEN);
	respond_doc(c, &b, "application/json");
}

static void serve_metrics(struct conn *c, const struct req *q)
{
	struct obuf b = {0};

	(void)q;
	status_metrics(c->env, &b);
	respond_doc(c, &b, "text/plain; version=0.0.4");
}

/* Accounts: who am I, log in, log out, make a share link */

/* A JSON answer; cookie: a session id to set ("" to end it), or NULL. */
static void respond_json(struct conn *c, struct obuf *b, const char *cookie)
{
	char *p = b->p;

	if (b->overflow || !p) {
		obuf_free(b);
		route_error(c, 500, "out of memory", NULL);
		return;
	}
	route_begin(c, 200, AFTER_NEXT);
	conn_header(c, "Content-Type: application/json\r\n"
		    "Cache-Control: no-store\r\n");
	if (cookie)
		conn_header(c, "Set-Cookie: rerocctv_session=%s; Path=/; "
			    "Max-Age=%d; HttpOnly; SameSite=Strict%s\r\n",
			    cookie, *cookie ? AUTH_SESSION_S : 0,
			    c->rq->secure ? "; Secure" : "");
	b->p = NULL;
	route_body(c, p, b->len, free, p);
	obuf_free(b);
}

static const char *via_name(enum via v)
{
	static const char *names[] = { "none", "open", "basic", "session",
				       "share" };

	return names[v];
}

/* What the page needs to know before it shows anything: whether it must
 * log in, who it is, what it may do, and whether the camera is open to
 * the network. */
static void serve_session(struct conn *c, const struct req *q)
{
	const struct who *w = &c->rq->who;
	struct obuf b = {0};

	(void)q;
	obuf_printf(&b, "{\"accounts\":%s,\"user\":",
		    c->env->auth ? "true" : "false");
	if (w->via == VIA_NONE || w->via == VIA_OPEN)
		obuf_printf(&b, "null");
	else
		obuf_json_str(&b, w->name);
	obuf_printf(&b, ",\"role\":\"%s\",\"via\":\"%s\",\"max_quality\":%d,"
		    "\"exposed\":%s}\n", auth_role_name(w->role),
		    via_name(w->via), w->max_q,
		    !c->env->auth && c->env->exposed ? "true" : "false");
	respond_json(c, &b, NULL);
}

/* Holds the request for a password check, or, past the longest wait,
 * answers 503. */
static void hold(struct conn *c, int64_t until)
{
	int64_t t = access_wait(c->env->now, c->held ? c->held_since : 0,
				until);

	if (t)
		conn_hold_request(c, t);
	else
		route_error(c, 503, "the password check takes too long",
			    "Retry-After: 5\r\n");
}

static void serve_login(struct conn *c, const struct req *q)
{
	const struct http_req *r = q->h;
	struct auth *a = c->env->auth;
	char user[64], pass[256], id[33];
	int ul, pl, st;
	int64_t retry = 0;
	struct who w;
	struct obuf b = {0};

	if (!a) {
		route_error(c, 404, "no accounts: this server is open "
			   "(see --auth-file)", NULL);
		return;
	}
	ul = json_get(r->body, r->content_length, "user", user, sizeof(user),
		      NULL);
	pl = json_get(r->body, r->content_length, "password", pass,
		      sizeof(pass), NULL);
	if (ul < 0 || pl < 0) {
		route_error(c, 400, "expected {\"user\":\"...\","
			   "\"password\":\"...\"}", NULL);
	} else {
		switch (auth_login(a, user, (size_t)ul, pass, (size_t)pl,
				   &c->client, c->env->now, &w, &retry)) {
		case V_OK:
			if ((st = auth_session_new(a, &w, id)) != 0) {
				logmsg("%s: %s: no session: %s", c->client.addr,
				       w.name, st == -1 ? "every one of them "
				       "is in use (other users')" :
				       "no random bytes");
				route_error(c, 503, "no room for another session",
					   "Retry-After: 60\r\n");
				break;
			}
			logmsg("%s: %s logged in", c->client.addr, w.name);
			obuf_printf(&b, "{\"user\":");
			obuf_json_str(&b, w.name);
			obuf_printf(&b, ",\"role\":\"%s\"}\n",
				    auth_role_name(w.role));
			c->rq->who = w;
			respond_json(c, &b, id);
			break;
		case V_PENDING:
			hold(c, c->env->now + 10000000);
			break;
		case V_SLOW:
			hold(c, retry);
			break;
		case V_BUSY:
			route_error(c, 503, "too many password checks at once",
				   "Retry-After: 1\r\n");
			break;
		default:
			route_error(c, 403, "wrong user name or password",
				   NULL);
		}
	}
	memset(pass, 0, sizeof(pass));
}

static void serve_logout(struct conn *c, const struct req *q)
{
	size_t n = 0;
	const char *v = http_header(q->h, "Cookie", &n);
	struct obuf b = {0};

	if (c->env->auth && v)
		auth_session_end(c->env->auth, v, n);
	obuf_printf(&b, "{\"user\":null}\n");
	respond_json(c, &b, "");
}

static void serve_share(struct conn *c, const struct req *q)
{
	const struct http_req *r = q->h;
	char v[32], token[AUTH_TOKEN_HEX + 1], err[256];
	int64_t secs = 24 * 3600;
	int n, max_q = 0;
	struct obuf b = {0};

	if (!c->env->auth) {
		route_error(c, 404, "share links need accounts (see "
			   "--auth-file)", NULL);
		return;
	}
	n = json_get(r->body, r->content_length, "expires", v, sizeof(v),
		     NULL);
	if (n == JSON_BAD || (n >= 0 && (parse_duration(v, &secs) != 0 ||
					 secs < 60 || secs > LINK_MAX_S))) {
		route_error(c, 400, "expires: a duration such as 30m, 24h or "
			   "7d (1 minute to a year)", NULL);
		return;
	}
	n = json_get(r->body, r->content_length, "max_quality", v, sizeof(v),
		     NULL);
	if (n == JSON_BAD || (n >= 0 && ((max_q = atoi(v)) < RUNG_QMIN ||
					 max_q > RUNG_QMAX))) {
		route_error(c, 400, "max_quality: 30..95", NULL);
		return;
	}
	if (auth_share_new(c->env->auth, secs, max_q, token, err,
			   sizeof(err)) != 0) {
		logmsg("share link: %s", err);
		route_error(c, 500, "cannot make a share link (see the log)",
			   NULL);
		return;
	}
	logmsg("%s: %s made a share link for %lld s", c->client.addr, c->rq->who.name,
	       (long long)secs);
	obuf_printf(&b, "{\"path\":\"/s/%s/\",\"expires_in\":%lld,"
		    "\"max_quality\":%d}\n", token, (long long)secs, max_q);
	respond_json(c, &b, NULL);
}

/* The camera's controls: the source thread reads and sets them, so the
 * request is held and asked about again at the loop's next tick (every
 * 250 ms) until the answer is in; the loop never waits for the camera. */
static void serve_controls(struct conn *c, const struct req *q)
{
	const struct http_req *r = q->h;
	struct controls_req cr;
	struct obuf b = {0};
	char who[100], why[256];
	int st;

	snprintf(who, sizeof(who), "%s%s%s", c->client.addr,
		 c->rq->who.name[0] ? ": " : "", c->rq->who.name);
	memset(&cr, 0, sizeof(cr));
	cr.conn = c->serial;
	cr.waiting = c->held;
	cr.since = c->held ? c->held_since : c->env->now;
	cr.body = http_method_is(r, "POST") ? r->body : NULL;
	cr.len = cr.body ? r->content_length : 0;
	cr.who = who;
	cr.now = c->env->now;
	st = controls_ask(c->env->controls, &cr, &b, why, sizeof(why));
	if (st == CONTROLS_WAIT) {
		conn_hold_request(c, c->env->now + 1);
		return;
	}
	if (st == 200) {
		respond_json(c, &b, NULL);
		return;
	}
	obuf_free(&b);
	route_error(c, st, why, st == 503 ? "Retry-After: 1\r\n" : NULL);
}

/* The routes. A prefix route matches paths that start with its path; a
 * path may have a GET route and a POST route. */
static const struct route {
	const char *path;
	int prefix, post;		/* post: POST, else GET and HEAD */
	enum need need;
	int flags;			/* ACC_* */
	void (*serve)(struct conn *c, const struct req *q);
} routes[] = {
	{ "/websocket/", 1, 0, NEED_VIEWER, ACC_OWN_ORIGIN, serve_websocket },
	{ "/stream", 0, 0, NEED_VIEWER, 0, serve_stream },
	{ "/snapshot", 0, 0, NEED_VIEWER, 0, serve_snapshot },
	{ "/state", 0, 0, NEED_VIEWER, 0, serve_state },
	{ "/metrics", 0, 0, NEED_ADMIN, 0, serve_metrics },
	{ "/session", 0, 0, NEED_NOBODY, 0, serve_session },
	{ "/login", 0, 1, NEED_NOBODY, ACC_CHANGES, serve_login },
	{ "/logout", 0, 1, NEED_NOBODY, ACC_CHANGES, serve_logout },
	{ "/share", 0, 1, NEED_ADMIN, ACC_CHANGES, serve_share },
	{ "/controls", 0, 0, NEED_ADMIN, 0, serve_controls },
	{ "/controls", 0, 1, NEED_ADMIN, ACC_CHANGES, serve_controls },
	{ "/", 1, 0, NEED_NOBODY, 0, serve_asset },
};

static const struct route actions[] = {
	{ "stream", 0, 0, NEED_VIEWER, 0, serve_stream },
	{ "snapshot", 0, 0, NEED_VIEWER, 0, serve_snapshot },
};

static int path_is(const struct req *q, const char *p)
{
	return q->path_len == strlen(p) && memcmp(q->path, p, q->path_len) == 0;
}

static int route_path_is(const struct route *rt, const struct req *q)
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
static const struct route *find_route(const struct req *q, int post,
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
static const char *share_prefix(struct req *q)
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
	conn_error(c, status, c->rq->keep_alive, why, lines);
}

int route_request(struct conn *c, const struct http_req *r)
{
	char path[HTTP_MAX_HEAD];
	const struct route *rt;
	const char *token;
	struct req q;
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
	rt = find_route(&q, http_method_is(r, "POST"), &bad);
	if (!rt) {
		route_error(c, bad ? 400 : 404, bad ? "action must be stream "
			   "or snapshot" : NULL, NULL);
		return 0;
	}
	if (rt->post ? !http_method_is(r, "POST") : !get) {
		route_error(c, 405, NULL, allow(rt));
		return 0;
	}
	if (decide(c, r, token, rt) != 0)
		return c->phase == PH_WAIT && c->held;
	rt->serve(c, &q);
	return c->phase == PH_WAIT && c->held;
}
