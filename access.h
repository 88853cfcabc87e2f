/* access.c: the one access decision every request passes before any route
 * runs: the Host it names (no DNS rebinding), its origin, who is asking
 * (a share link, a session cookie, Basic credentials, or nobody), and
 * whether that is enough for what the route needs. Routes state their
 * needs; they never look at credentials themselves. The decision is a
 * function: a request in, a verdict out (route.c carries it out); it
 * touches no connection. Poll thread only. */
#ifndef ACCESS_H
#define ACCESS_H
#include <stdint.h>

#include "auth.h"

struct config;
struct http_req;

/* What a route needs. */
enum need {
	NEED_NOBODY,		/* anyone: the page, its assets, the login */
	NEED_VIEWER,		/* a viewer or an admin */
	NEED_ADMIN
};

/* What else a route asks of a request. */
enum {
	ACC_OWN_ORIGIN = 1,	/* a browser's Origin must be ours or allowed
				   (WebSocket: no CORS protects it) */
	ACC_CHANGES = 2		/* it changes something: a browser's Origin
				   must be ours or allowed, and the body JSON
				   (no cross-site form or fetch) */
};

/* What the decision looks at. */
struct access_ask {
	const struct config *cfg;
	struct auth *auth;		/* NULL: an open server */
	const struct http_req *r;
	const char *token;		/* a /s/TOKEN/ prefix's, or NULL */
	const char *camera;		/* the camera the route serves (its
					   name), or NULL: a route about no
					   one camera */
	enum need need;
	int flags;			/* ACC_* */
	const struct from *client;	/* where it comes from */
	int64_t now;			/* monotonic µs */
	int64_t held_since;		/* held before, since then; 0 */
};

/* What it says. */
struct access_verdict {
	int status;			/* 0: go on; else answer with it */
	const char *reason;		/* the answer's words */
	char headers[256];		/* header lines the answer carries (a
					   challenge, Retry-After); going on,
					   the ones every answer to the
					   request carries (CORS) */
	struct who who;			/* who asks, going on */
	int64_t hold_until;		/* > 0: hold the request until then
					   (a password check under way, an
					   address slowed down), ask again */
};

void access_decide(const struct access_ask *a, struct access_verdict *v);

/* Where a request from the peer at peer_addr comes from: the peer, or,
 * behind the trusted proxy (--trust-proxy), the address the proxy
 * appended to X-Forwarded-For; *secure: the proxy saw TLS. */
void access_client(const struct config *cfg, const char *peer_addr,
		   const unsigned char peer_key[16], const struct http_req *r,
		   struct from *client, int *secure);

/* How long a request held since held_since (0: not yet) may wait for
 * something due at until: the time to look again, or 0 when its wait
 * (10 s all told) is over. */
int64_t access_wait(int64_t now, int64_t held_since, int64_t until);

/* Is this origin one we allow: an --allow-origin value, or this server's
 * own (scheme://Host exactly, as the browser saw us)? */
int access_origin_allowed(const struct config *cfg, const struct http_req *r,
			  const char *o, unsigned long olen);

#endif
