/* admit.c: who gets in: the listener, each accepted socket and each
 * request's client within the limits (server_listen, server_adopt and
 * server_peer, the server's own calls, are declared in server.h). */
#ifndef ADMIT_H
#define ADMIT_H

struct conn;
struct http_req;
struct server;

enum { ADMIT_EXTRA = 64 };	/* connections beyond --max-clients, kept
				   for telling clients 503 */

/* Accepts what the listener holds (at most 256 a turn). */
void admit_accept(struct server *s);
/* The request c holds names its client (behind the trusted proxy: the
 * address it forwarded): it counts against that address from now on,
 * within --max-per-ip. -1 when it does not fit: c has been told 503. */
int admit_request(struct server *s, struct conn *c,
		  const struct http_req *r);

#endif
