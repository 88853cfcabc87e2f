/* api.c: the JSON endpoints the page calls: who am I, log in, log out,
 * make a share link, read and set the camera's controls. Each answers
 * with JSON or an error; access is decided before any of them runs
 * (route.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "api.h"
#include "auth.h"
#include "camera.h"
#include "conn.h"
#include "ctrl_state.h"
#include "json.h"
#include "route.h"
#include "util.h"

enum { LINK_MAX_S = 366 * 24 * 3600 };	/* longest a share link lasts */

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

/* The cameras w may see: null for every one, else those of the
 * server's it may (a share link knows its camera by a tag only, and an
 * account may name cameras this server does not have). */
static void cameras_json(struct obuf *b, const struct conn_env *e,
			 const struct who *w)
{
	int i, first = 1;

	if (auth_may_see(w, NULL)) {
		obuf_printf(b, "null");
		return;
	}
	obuf_printf(b, "[");
	for (i = 0; i < e->ncams; i++) {
		if (!auth_may_see(w, e->cams[i].name))
			continue;
		obuf_printf(b, first ? "" : ",");
		obuf_json_str(b, e->cams[i].name);
		first = 0;
	}
	obuf_printf(b, "]");
}

/* What the page needs to know before it shows anything: whether it must
 * log in, who it is, what it may do and see, and whether the camera is
 * open to the network. */
void api_session(struct conn *c, const struct route_req *q)
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
		    "\"cameras\":", auth_role_name(w->role), via_name(w->via),
		    w->max_q);
	cameras_json(&b, c->env, w);
	obuf_printf(&b, ",\"exposed\":%s}\n",
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

void api_login(struct conn *c, const struct route_req *q)
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

void api_logout(struct conn *c, const struct route_req *q)
{
	size_t n = 0;
	const char *v = http_header(q->h, "Cookie", &n);
	struct obuf b = {0};

	if (c->env->auth && v)
		auth_session_end(c->env->auth, v, n);
	obuf_printf(&b, "{\"user\":null}\n");
	respond_json(c, &b, "");
}

/* The camera a share link is asked for: 0 with *camera the name or NULL
 * (every camera), else the answer's status and words. A camera the
 * asker may not see is refused before it is looked for, so an admin
 * limited to some cannot learn the others' names; one who may see only
 * some may not make a link for every camera (it would show any camera
 * added later too). */
static int share_camera(struct conn *c, const struct http_req *r,
			char name[CAMERA_NAME_MAX + 1], const char **camera,
			const char **why)
{
	const struct who *w = &c->rq->who;
	int n, is_str = 0;

	*camera = NULL;
	n = json_get(r->body, r->content_length, "camera", name,
		     CAMERA_NAME_MAX + 1, &is_str);
	*why = "camera: a camera's name (1 to 32 of a-z 0-9 -), or null "
	       "for every camera";
	if (n == JSON_BAD || (n >= 0 && is_str &&
			      !camera_valid_name(name, (size_t)n)) ||
	    (n >= 0 && !is_str && strcmp(name, "null") != 0))
		return 400;
	if (n >= 0 && is_str)
		*camera = name;
	if (!auth_may_see(w, *camera)) {
		*why = *camera ? "you may not see this camera" :
		       "name a camera: you may see only some, and a link "
		       "without one shows every camera";
		return 403;
	}
	*why = "camera: this server has no camera of that name";
	if (*camera && !camera_find(c->env->cams, c->env->ncams, name,
				    (size_t)n))
		return 400;
	return 0;
}

void api_share(struct conn *c, const struct route_req *q)
{
	const struct http_req *r = q->h;
	char v[32], token[AUTH_TOKEN_HEX + 1], err[256];
	char name[CAMERA_NAME_MAX + 1];
	const char *camera, *why;
	int64_t secs = 24 * 3600;
	int n, st, max_q = 0;
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
	if ((st = share_camera(c, r, name, &camera, &why)) != 0) {
		route_error(c, st, why, NULL);
		return;
	}
	if (auth_share_new(c->env->auth, secs, max_q, camera, token, err,
			   sizeof(err)) != 0) {
		logmsg("share link: %s", err);
		route_error(c, 500, "cannot make a share link (see the log)",
			   NULL);
		return;
	}
	logmsg("%s: %s made a share link for %lld s%s%s", c->client.addr,
	       c->rq->who.name, (long long)secs, camera ? ", camera " : "",
	       camera ? camera : "");
	obuf_printf(&b, "{\"path\":\"/s/%s/\",\"expires_in\":%lld,"
		    "\"max_quality\":%d,\"camera\":", token, (long long)secs,
		    max_q);
	if (camera)
		obuf_json_str(&b, camera);
	else
		obuf_printf(&b, "null");
	obuf_printf(&b, "}\n");
	respond_json(c, &b, NULL);
}

/* The camera's controls: the source thread reads and sets them, so the
 * request is held and asked about again at the loop's next tick (every
 * 250 ms) until the answer is in; the loop never waits for the camera. */
void api_controls(struct conn *c, const struct route_req *q)
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
	st = controls_ask(c->rq->cam->controls, &cr, &b, why, sizeof(why));
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
