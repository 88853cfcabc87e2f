/* conn.c: one client socket: its input buffer, the HTTP request it is in,
 * its WebSocket or MJPEG stream, the latest-frame-wins slots and its
 * statistics. Runs only on the poll thread; never blocks. */
#ifndef CONN_H
#define CONN_H
#include <stdint.h>
#include <poll.h>

#include "adapt.h"
#include "http.h"
#include "obuf.h"
#include "ws.h"

struct server;
struct frame;

enum conn_mode {
	CONN_HTTP,		/* reading a request or writing a response */
	CONN_SNAPSHOT,		/* waiting for a frame to answer /snapshot */
	CONN_WS,		/* WebSocket stream */
	CONN_MJPEG,		/* multipart/x-mixed-replace stream */
	CONN_LINGER		/* response sent, write side shut, draining */
};

enum { CONN_IN_MAX = HTTP_MAX_HEAD + 1, CONN_MSG_MAX = 4096 };

struct conn {
	struct server *srv;
	int fd;
	char peer[64];
	enum conn_mode mode;
	unsigned char in[CONN_IN_MAX + WS_MAX_HEADER + 4];
	size_t inlen;

	/* Output: control bytes and response heads first, then a body from
	 * memory we do not own (an embedded asset) or own (a --web file),
	 * then frames. A frame once started is finished before anything
	 * else goes out. */
	struct obuf out;
	const unsigned char *body;
	size_t bodylen, bodyoff;
	void *body_owned;
	int keep_alive, close_after, head_only;

	/* Frames: latest frame wins. */
	struct frame *cur, *pending;
	unsigned char fh[192];		/* frame header: WS or MJPEG part */
	size_t fhlen, curoff;		/* curoff over fh + data + tail */
	int tail;			/* MJPEG: "\r\n" after the part */
	int rung;			/* -1 when not subscribed */
	int is_auto;
	uint64_t last_seq;		/* newest frame taken */

	/* WebSocket */
	struct ws_parser wp;
	unsigned char msg[CONN_MSG_MAX];
	size_t msglen;
	int v1;				/* subprotocol rerocctv.v1 */
	int close_sent;
	int64_t ping_sent, pong_seen;

	/* Adaptation (auto clients) */
	struct adapt ad;

	/* Timers and statistics, monotonic µs */
	int64_t t_start, t_deadline, t_progress;
	uint64_t frames, skipped, bytes;
	uint64_t win_frames, win_bytes, win_skipped;	/* this second */
	int64_t win_t0;
	double fps, kbps;		/* last window */
	uint64_t lat_sum_us, lat_n;	/* age at send start, last window */
	double lat_ms;
};

/* Takes over an accepted, non-blocking socket. NULL if out of memory. */
struct conn *conn_new(struct server *s, int fd, const char *peer);
/* Closes the socket and releases everything, the hub's need included. */
void conn_free(struct conn *c);

/* What to poll for. */
short conn_events(const struct conn *c);
/* Handles poll revents. Returns -1 when the connection is finished and
 * must be freed, else 0. */
int conn_io(struct conn *c, short revents);
/* A new frame for the connection's rung: latest frame wins. -1 when the
 * connection must be freed. */
int conn_offer(struct conn *c, struct frame *f);
/* Timers: once a second or so. -1 when the connection must be freed. */
int conn_tick(struct conn *c);
/* Server shutdown: starts a WebSocket close (1001) or finishes. */
void conn_shutdown(struct conn *c);
/* Appends this client's /state entry (a JSON object). */
void conn_state_json(const struct conn *c, struct obuf *b);
const char *conn_kind(const struct conn *c);

#endif
