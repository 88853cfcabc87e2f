/* route.c: one request head in, one answer out. The access decision is
 * taken once, before any route runs; then the route answers: the page and
 * its assets, errors, /state and /metrics, streams and snapshots. */
#ifndef ROUTE_H
#define ROUTE_H

struct conn;
struct http_req;

/* Answers (or starts answering) the request r that c holds in PH_HEAD.
 * Exactly one response is queued, or the connection waits (PH_WAIT) for
 * the one it will get. Returns 0: the caller consumes the request; 1: it
 * is held (a password being checked, a slowed address) and stays in the
 * input to run again. */
int route_request(struct conn *c, const struct http_req *r);

#endif
