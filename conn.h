/* conn.c: one client socket: its phase and the one deadline that phase
 * gives meaning to, bounded input, the output queue, what follows each
 * response, and the lingering close. It knows HTTP only as far as the
 * first and last lines of a response head; routing, streams and access
 * live above it. Poll thread only; never blocks. */
#ifndef CONN_H
#define CONN_H
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "config.h"
#include "http.h"
#include "ladder.h"
#include "obuf.h"

struct request;
struct stream;
struct auth;
struct camera;
struct conn;

/* What every connection sees of the server. Owned by server.c; the
 * others read it (status.c walks conns[] for /state). */
struct conn_env {
	const struct config *cfg;
	struct camera *cams;		/* the cameras (camera.h); the
					   first also at the plain paths */
	int ncams;
	struct auth *auth;		/* NULL: no accounts, open access */
	int exposed;			/* listening beyond loopback */
	int64_t now;			/* monotonic µs, once per loop turn */
	int64_t started;		/* when the server started, monotonic */
	uint64_t total_clients;
	int64_t capped_logged;		/* the last --max-rungs-per-ip line */
	struct conn **conns;		/* every open connection */
	int nconns;
	int stopping;			/* shutting down: responses close */
};

/* A connection is in exactly one phase. The deadline means: */
enum conn_phase {
	PH_HEAD,	/* reading a request head: head / keep-alive idle
			   limit (--timeout) */
	PH_WAIT,	/* the answer is held back: a snapshot waits for
			   its frame, a refusal is slowed down. The end of
			   the wait: a held answer then goes out; with none
			   held, the waiter gives up (conn_tick says so) */
	PH_RESPOND,	/* sending one response: the stall limit, while
			   output waits */
	PH_STREAM,	/* WebSocket or MJPEG: the stall limit, while
			   output waits (stream.c keeps the ping timer) */
	PH_LINGER	/* our last byte is out and our side shut; reading
			   until their EOF or the linger limit */
};

/* What follows a response, decided when it starts. */
enum conn_after {
	AFTER_NEXT,	/* keep-alive: read the next head */
	AFTER_CLOSE,	/* close once it is out; nothing more is read */
	AFTER_STREAM	/* it heads a stream (101, multipart) */
};

/* The peer's address: text for logs and /state, a key for limits. */
struct peer {
	char addr[48];			/* "127.0.0.1", "::1" */
	char text[64];			/* "127.0.0.1:5000", "[::1]:5000" */
	unsigned char key[16];		/* IPv4 mapped, IPv6 /64 */
};

/* A message whose body we borrow, sent whole, one after the other: a
 * response body, a frame with its WebSocket or multipart header. */
struct conn_msg {
	unsigned char head[160];
	size_t headlen;
	const unsigned char *body;
	size_t bodylen;
	int crlf;			/* "\r\n" after the body */
	void (*release)(void *);	/* once sent or dropped, if set */
	void *owner;
	int64_t ts_us;			/* a frame's capture time, else 0 */
	size_t off;			/* bytes of it sent */
	int used;
};

/* Pacing, for streams (stream.c sets it; rate 0: none). A message that
 * has not started yet starts only when, draining at `rate`, what the
 * socket holds beyond `pipe` (the bytes the path itself holds: rate x
 * its minimum RTT) and the message itself would be through within
 * `budget`: so a message that starts is fresh when it arrives, and one
 * that would not be waits, to be replaced by a newer one. A message
 * larger than the budget starts once the socket holds no more than the
 * pipe. Started, it goes out as fast as the socket takes it. */
struct conn_pace {
	double rate;			/* bytes/s the path drains */
	double pipe;			/* bytes in flight that are no queue */
	double budget;			/* seconds */
	uint64_t acked;			/* bytes the peer had acknowledged
					   when last known (0: unknown): the
					   socket holds at most bytes - acked */
	int64_t until;			/* monotonic µs: no start before */
	int64_t held_us;		/* time a message waited, all told */
	int64_t held_since;		/* a message waits since, or 0 */
};

enum {
	CONN_IN_MAX = HTTP_MAX_HEAD + HTTP_MAX_BODY + 64,
	CONN_BACKLOG = 64 << 10,	/* unsent output that stops input */
	CONN_OUT_MAX = 256 << 10	/* owned bytes queued: a hard cap */
};

struct conn {
	struct conn_env *env;
	int fd;
	struct peer peer;
	enum conn_phase phase;
	enum conn_after after;		/* of the response in hand */
	int64_t deadline;		/* see enum conn_phase; 0 = none */
	int64_t since;			/* when the phase began */
	int64_t t_start;
	uint64_t serial;		/* order of arrival */
	int eof;			/* the peer sends nothing more */
	int held;			/* PH_WAIT keeps the request in `in`:
					   it runs again when the wait ends */
	int64_t held_since;
	int st_reads;			/* a WebSocket: stream.c reads */
	int rejected;			/* over the limits: told 503, closing */

	unsigned char in[CONN_IN_MAX];
	size_t inlen;

	struct obuf out;		/* owned bytes: heads, control */
	struct conn_msg msg[2];		/* [0] next or in flight, [1] the
					   newest waiting: it is replaced,
					   never queued behind */
	struct conn_pace pace;		/* when a message may start */
	uint64_t bytes;			/* written, all told */
	uint64_t msgs_sent, msgs_replaced;
	uint64_t age_sum_us, age_n;	/* frame age when it started out */

	struct request *rq;		/* route.c's: the request in hand */
	struct stream *st;		/* stream.c: a stream or a snapshot */
	struct from client;		/* their address: the peer's, or the
					   one a trusted proxy forwarded
					   with the request in hand; the log,
					   the limits and guessing use it */
	int counted;			/* counts against --max-per-ip as
					   client (a trusted proxy's socket
					   only once a request names one) */
};

/* Takes over an accepted non-blocking socket in PH_HEAD. NULL if out of
 * memory (the caller closes fd). */
struct conn *conn_new(struct conn_env *env, int fd, const struct peer *p);
/* Closes the socket and releases what is queued. The stream layer must
 * have let go first (stream_end). NULL is fine. */
void conn_free(struct conn *c);

/* What to poll for. */
short conn_events(const struct conn *c);
/* Reads what the phase takes. -1 when the connection is over. */
int conn_read(struct conn *c);
/* Writes until the socket would block, and moves on when a response is
 * out (next head, linger). -1 when the connection is over. */
int conn_write(struct conn *c);

enum { CONN_OK = 0, CONN_OVER = -1, CONN_GAVE_UP = 1 };
/* Runs the phase's deadline. CONN_OVER: free it; CONN_GAVE_UP: a wait
 * with no held answer ran out, its waiter must answer (PH_WAIT still). */
int conn_tick(struct conn *c);

/* PH_HEAD: parses the input. >0 the length of the head and its body
 * (Content-Length, at most HTTP_MAX_BODY; r->body points at it), with r
 * filled (the caller consumes it once answered); 0 need more (or not in
 * PH_HEAD); -1 the peer left before a whole request. A malformed head
 * has been answered (returns 0) and the connection closes after it. */
int conn_head(struct conn *c, struct http_req *r);
void conn_consume(struct conn *c, size_t n);

/* A response: conn_begin() queues the status line and the headers every
 * response has (Date, Server), and fixes what follows it (AFTER_NEXT
 * becomes AFTER_CLOSE when the server is stopping; AFTER_CLOSE discards
 * unread input). conn_header() adds lines ("Name: value\r\n");
 * conn_end() adds Content-Length: len (not for streams), Connection and
 * the blank line, then the body: borrowed, release(owner) called once it
 * is out or dropped (body NULL: none, as for HEAD). */
void conn_begin(struct conn *c, int status, enum conn_after after);
void conn_header(struct conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void conn_end(struct conn *c, const void *body, size_t len,
	      void (*release)(void *), void *owner);
/* A whole plain-text error response: "STATUS Reason[: why]". how:
 * CONN_KEEP the request allows more (else it closes; 400, 408, 413, 414,
 * 431 and 5xx always close), CONN_NO_BODY it was a HEAD (the head says
 * the body's length, the body stays here). extra: header lines or NULL. */
enum { CONN_KEEP = 1, CONN_NO_BODY = 2 };
void conn_error(struct conn *c, int status, int how, const char *why,
		const char *extra);
/* Holds the answer back until `until` (PH_WAIT). What is queued then
 * goes out; if nothing is, conn_tick() says CONN_GAVE_UP. The request
 * itself is answered (no longer held: it does not run again). */
void conn_hold(struct conn *c, int64_t until);
/* Holds the request itself (it stays in the input) until `until`, or
 * until conn_rerun(), which puts it back to be parsed and answered
 * again (the verdict it waited for is known by then). */
void conn_hold_request(struct conn *c, int64_t until);
void conn_rerun(struct conn *c);

/* Streams. conn_put() queues owned bytes (control frames, text); -1 and
 * nothing queued when that would pass CONN_OUT_MAX. conn_queue() queues
 * a message: a free slot takes it, else it replaces the waiting one
 * (released; msgs_replaced counts it). conn_finish(): nothing more will
 * be queued; the waiting message is dropped and the connection lingers
 * once the rest is out. */
int conn_put(struct conn *c, const void *p, size_t n);
void conn_queue(struct conn *c, const struct conn_msg *m);
void conn_finish(struct conn *c);
/* Bytes queued and not yet written (owned + messages). */
size_t conn_backlog(const struct conn *c);
int conn_has_output(const struct conn *c);

#endif
