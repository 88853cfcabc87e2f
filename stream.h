/* stream.c: frame delivery. A stream is a WebSocket or MJPEG client, or a
 * snapshot waiting for its one frame: the rung it asks for, latest frame
 * wins through conn_queue(), WebSocket framing and control messages,
 * pings, adaptation and statistics. Poll thread only; never blocks. */
#ifndef STREAM_H
#define STREAM_H
#include <stddef.h>
#include <stdint.h>

#include "adapt.h"
#include "auth.h"
#include "ws.h"

struct camera;
struct conn;
struct frame;

enum stream_kind { ST_SNAPSHOT, ST_WS, ST_MJPEG };
enum { STREAM_MSG_MAX = 4096 };		/* a client's text message */

struct stream {
	enum stream_kind kind;
	struct camera *cam;		/* the camera it watches */
	struct who who;			/* who watches: the request's, kept
					   for the access re-check */
	int ask;			/* rung asked for (auto: adapt's),
					   within what the access allows */
	int want;			/* ... and within the address's cap
					   (--max-rungs-per-ip): the rung
					   subscribed to at the hub */
	int capped;			/* the two differ */
	uint64_t cap_gen;		/* the last look at every stream for
					   the cap, kept while no stream's
					   subscription changes: */
	int cap_ask, cap_auto, cap_rung;	/* what it was asked, found */
	int rung;			/* rung of the last frame served */
	int is_auto, v1;		/* v1: subprotocol rerocctv.v1 */
	int max_rung;			/* highest full-size quality the
					   access allows, as a rung */
	int view_w, view_h;		/* what the client draws at, device
					   pixels; 0 unknown */
	uint64_t last_seq;		/* newest frame taken */

	/* WebSocket */
	struct ws_parser wp;
	unsigned char msg[STREAM_MSG_MAX];
	size_t msglen;
	int close_sent;
	unsigned char pong[125];	/* the one pending pong */
	size_t ponglen;
	int pong_due;
	int64_t ping_sent, pong_seen;
	uint64_t ping_acked;		/* bytes acknowledged at the ping */
	int64_t err_t0;			/* error replies: rate limit */
	int errs;

	struct adapt ad;

	/* The path's tick (adapt.c), a few times a second: at its start. */
	int64_t tk_t0, tk_held;
	uint64_t tk_sent, tk_replaced, tk_bytes, tk_acked;
	double rtt_ms;			/* TCP's smoothed RTT, last seen */

	/* Statistics: since the start, and the last one-second window. */
	int64_t t0, win_t0;
	uint64_t win_sent, win_replaced, win_bytes;	/* at its start */
	double fps, kbps, age_ms;
};

/* Parses a quality as clients give it: 30..95 (snapped to the nearest
 * multiple of 5), hNN (half resolution), "auto" or "source". Returns the
 * rung (auto: the rung to start from) or -1. */
int stream_parse_quality(const char *s, size_t n, int *is_auto);

/* Each start queues the response that heads the stream on c (c has a
 * request in hand) and subscribes to rung. 0, or -1 if out of memory
 * (then a 503 has been queued instead). */
int stream_ws(struct conn *c, int rung, int is_auto, int v1,
	      const char *accept);
int stream_mjpeg(struct conn *c, int rung, int is_auto);
/* A snapshot holds the connection in PH_WAIT until a frame of rung is
 * offered; the frame is then the body of a 200. */
int stream_snapshot(struct conn *c, int rung, int64_t until);
/* Lets go of the stream: unsubscribes, frees. Safe without one. */
void stream_end(struct conn *c);

/* WebSocket input waiting in c->in: frames parsed and answered. -1 when
 * the connection must be dropped at once. */
int stream_input(struct conn *c);
/* The rung whose frames c should get now, or -1; `serve` maps an asked
 * rung to the rung being encoded for it (hub_map()). */
int stream_rung(const struct conn *c, const int *serve_fixed,
		const int *serve_auto);
/* A new frame for c: latest frame wins. */
void stream_offer(struct conn *c, struct frame *f);
/* Timers, a few times a second: pings and their deadline, the one-second
 * window (adaptation, rerocctv.v1 stats), the pending pong. -1 to drop. */
int stream_tick(struct conn *c);
/* A snapshot's wait ran out: answers 503. */
void stream_gave_up(struct conn *c);
/* Server shutdown: a WebSocket gets a 1001 close. */
void stream_shutdown(struct conn *c);
/* Access withdrawn (SIGHUP): a WebSocket gets a 1008 close, MJPEG ends. */
void stream_revoke(struct conn *c);
/* "websocket", "mjpeg", "snapshot". */
const char *stream_kind_name(const struct stream *st);

#endif
