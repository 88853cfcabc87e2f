/* route.c: one request head in, one answer out. The access decision is
 * taken once, before any route runs; then the route answers: the page and
 * its files (page.c), the JSON endpoints (api.c), errors, /state and
 * /metrics, streams and snapshots. */
#ifndef ROUTE_H
#define ROUTE_H
#include <stddef.h>

#include "auth.h"
#include "conn.h"

struct camera;
struct http_req;

/* The request in hand on a connection: who sent it, and how it is
 * answered. route.c's; it lives as long as the connection. */
struct request {
	struct who who;			/* who, once access is decided */
	struct camera *cam;		/* the camera it is about: /c/NAME/,
					   else the first */
	int secure;			/* came over TLS (a trusted proxy) */
	int keep_alive;			/* it allows more requests */
	int head_only;			/* HEAD: no body goes out */
	char extra[256];		/* header lines every answer to it
					   carries (CORS) */
};

/* A request as its route sees it: the head, and the path it names
 * (percent-decoded, a share link's prefix off). Lives only while the
 * route runs. */
struct route_req {
	const struct http_req *h;
	const char *path;
	size_t path_len;
	struct camera *cam;		/* /c/NAME/'s camera, or NULL */
};

/* Answers (or starts answering) the request r that c holds in PH_HEAD.
 * Exactly one response is queued, or the connection waits (PH_WAIT) for
 * the one it will get. Returns 0: the caller consumes the request; 1: it
 * is held (a password being checked, a slowed address) and stays in the
 * input to run again. */
int route_request(struct conn *c, const struct http_req *r);
/* The connection goes: its request with it. */
void route_end(struct conn *c);

/* Answers to the request in hand, for the routes and the streams they
 * start: route_begin() starts one (AFTER_NEXT only if the request allows
 * more), with the header lines every answer to it carries; route_body()
 * ends it (no body for HEAD); route_error() is a whole error answer (see
 * conn_error). */
void route_begin(struct conn *c, int status, enum conn_after after);
void route_body(struct conn *c, const void *body, size_t len,
		void (*release)(void *), void *owner);
void route_error(struct conn *c, int status, const char *why,
		 const char *extra);

#endif
