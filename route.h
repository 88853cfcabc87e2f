/* route.c: one request head in, one answer out. The access decision is
 * taken once, before any route runs; then the route answers: the page and
 * its assets, errors, /state and /metrics, streams and snapshots. */
#ifndef ROUTE_H
#define ROUTE_H

struct conn;
struct http_req;

/* Answers (or starts answering) the request r that c holds in PH_HEAD.
 * Exactly one response is queued, or the connection waits (PH_WAIT) for
 * the one it will get. The caller then consumes the head. */
void route_request(struct conn *c, const struct http_req *r);

#endif
