/* access.c: the one access decision every request passes before any route
 * runs: the Host it names (no DNS rebinding), where it comes from (a
 * trusted proxy's X-Forwarded-For), who is asking (a share link, a
 * session cookie, Basic credentials, or nobody), and whether what the
 * route needs, and its origin, allow it. Routes state their needs; they
 * never look at credentials themselves. Poll thread only. */
#ifndef ACCESS_H
#define ACCESS_H
#include <stdint.h>

struct conn;
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

enum access_verdict {
	ACCESS_GO,		/* go on: c->who says who */
	ACCESS_ANSWERED,	/* refused: the answer is queued */
	ACCESS_HELD		/* the request waits (verifier, slowed
				   address) and runs again later */
};

/* Where the request r that c holds comes from: c->client is the peer, or
 * behind the trusted proxy (--trust-proxy) the address the proxy appended
 * to X-Forwarded-For; c->secure whether the proxy saw TLS. Taken once the
 * head is read, before admission counts the request against its
 * address. */
void access_from(struct conn *c, const struct http_req *r);

/* Decides for the request r that c holds (access_from() ran). token: the
 * share link's token from a /s/TOKEN/ prefix, or NULL. Sets c->who and
 * c->extra (CORS for an allowed origin). */
enum access_verdict access_decide(struct conn *c, const struct http_req *r,
				  const char *token, enum need need,
				  int flags);

/* Holds the request c holds until `until` (a password check under way,
 * an address slowed down), and at most 10 s all told: then it is
 * answered 503 (ACCESS_ANSWERED). ACCESS_HELD otherwise. */
enum access_verdict access_hold(struct conn *c, int64_t until);

/* Is this origin one we allow: a --allow-origin value, or this server's
 * own (scheme://Host exactly, as the browser saw us)? */
int access_origin_allowed(const struct conn *c, const struct http_req *r,
			  const char *o, unsigned long olen);

#endif
